"""Billing documents: an invoice for every payment (from credits or by card), a receipt for
every credit top-up, a credit note for every refund — numbered per year without gaps.

Numbering (`_take_numbers`) locks the year's counter row (one UPDATE … RETURNING)
inside the transaction that books the payment. Concurrent payments therefore take
numbers one after the other, and a payment that fails after it was numbered rolls back
its counter increment together with everything else: the next payment gets the same
number, so none is skipped and none is used twice.

The lock lasts until the transaction commits. A job that books many payments in one
transaction (the renewals, a batch at a time) would hold it from its first payment to
its commit and make every other payment wait; inside `numbered_together(session)` the
entries' documents (and their e-mails, which name the document) are instead issued
together at the end, their numbers taken by one UPDATE just before the commit.
"""
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal

from flask import current_app
from fpdf import FPDF
from sqlalchemy import inspect, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from pricing import Money
from pricing.vat import vat_contained
from storefront.models import BillingDocument, DocumentCounter, LedgerEntry, User
from storefront.models.credits import CARD_CHARGE, PURCHASE, REFUND, TOP_UP
from storefront.models.documents import CREDIT_NOTE, INVOICE, RECEIPT

KIND_FOR_ENTRY = {PURCHASE: INVOICE, CARD_CHARGE: INVOICE, TOP_UP: RECEIPT, REFUND: CREDIT_NOTE}
REVERSE_CHARGE_NOTE = ("Reverse charge: VAT is to be accounted for by the recipient "
                       "(Article 196, Council Directive 2006/112/EC).")
RECEIPT_NOTE = "Prepaid credits: the VAT is shown on the invoice of what you spend them on."


def quote_lines(quote, number: str) -> list[tuple[str, Money]]:
    """The lines of a charged quote as a document shows them ("+33 1 …: 12-month bundle")."""
    return [(f"{number}: {line.label}", line.amount) for line in quote.lines]


def _take_numbers(session: Session, year: int, count: int = 1) -> int:
    """Take the next `count` numbers of `year` under the counter row's lock (see the module's
    doc): one UPDATE ... RETURNING, which locks the row until the transaction ends. Returns
    the last one taken; the first is that minus count - 1."""
    take = (update(DocumentCounter).where(DocumentCounter.year == year)
            .values(last_number=DocumentCounter.last_number + count).returning(DocumentCounter.last_number))
    taken = session.execute(take).scalar()
    if taken is None:
        try:
            # The year's first document: two payments may create the row at once; one wins.
            with session.begin_nested():
                session.add(DocumentCounter(year=year, last_number=0))
        except IntegrityError:
            pass
        taken = session.execute(take).scalar()
    return taken


PENDING = "documents_numbered_together"


@contextmanager
def numbered_together(session: Session):
    """Inside: entries booked on `session` get their documents and e-mails at the end, all
    numbered by one UPDATE of the counter (see the module's doc). Entries a savepoint
    rolled back meanwhile get none. An error inside issues nothing (the caller's
    transaction is rolled back with it)."""
    if PENDING in session.info:
        yield
        return
    session.info[PENDING] = []
    try:
        yield
        pending = session.info.pop(PENDING)
        issue_pending(session, pending)
    finally:
        session.info.pop(PENDING, None)


def defer(session: Session, entry: LedgerEntry, lines, notify: bool) -> bool:
    """Keep the entry's document for the end of `numbered_together`; False outside one."""
    pending = session.info.get(PENDING)
    if pending is None:
        return False
    pending.append((entry, lines, notify))
    return True


def issue_pending(session: Session, pending: list) -> None:
    from storefront.services import notifications

    booked = [(entry, lines, notify) for entry, lines, notify in pending
              if inspect(entry).persistent and KIND_FOR_ENTRY.get(entry.kind) is not None]
    if not booked:
        return
    per_year = Counter(entry.created_at.year for entry, _, _ in booked)
    # Each year's numbers in one UPDATE (a batch spans two years only at New Year).
    next_by_year = {year: _take_numbers(session, year, count) - count + 1 for year, count in sorted(per_year.items())}
    issued = []
    for entry, lines, notify in booked:
        year = entry.created_at.year
        issued.append((entry, _document(session, entry, lines, next_by_year[year]), notify))
        next_by_year[year] += 1
    session.add_all([document for _, document, _ in issued])
    session.flush()
    for entry, document, notify in issued:
        if notify:
            notifications.money_event(session, entry, document)


def seller() -> dict:
    config = current_app.config
    return {"name": config["SELLER_NAME"], "address": config["SELLER_ADDRESS"],
            "country": config["SELLER_COUNTRY"], "vat_id": config["SELLER_VAT_ID"]}


def vat_rate_for(country: str | None) -> Decimal:
    rates = current_app.config["VAT_RATES"]
    home = current_app.config["SELLER_COUNTRY"]
    return Decimal(rates.get((country or home).upper(), rates.get(home, "0")))


def _customer(user: User) -> dict:
    return {"email": user.email, "name": user.billing_name or "", "address": user.billing_address or "",
            "country": user.billing_country or "", "vat_id": user.vat_id or ""}


def _invoice_for(session: Session, entry: LedgerEntry) -> BillingDocument | None:
    """The invoice a refund corrects: the latest one for the same number of this customer."""
    if entry.reference is None:
        return None
    return session.scalar(
        select(BillingDocument).join(LedgerEntry, BillingDocument.ledger_entry_id == LedgerEntry.id)
        .where(BillingDocument.user_id == entry.user_id, BillingDocument.kind == INVOICE,
               LedgerEntry.reference == entry.reference)
        .order_by(BillingDocument.id.desc()).limit(1)
    )


def issue_for(session: Session, entry: LedgerEntry, lines: list[tuple[str, Money]] | None = None) -> BillingDocument | None:
    """The document of a just-booked entry, in the caller's transaction (None: no document for its kind)."""
    if KIND_FOR_ENTRY.get(entry.kind) is None:
        return None
    document = _document(session, entry, lines, _take_numbers(session, entry.created_at.year))
    session.add(document)
    session.flush()
    return document


def _document(session: Session, entry: LedgerEntry, lines, sequence: int) -> BillingDocument:
    kind = KIND_FOR_ENTRY[entry.kind]
    user = session.get(User, entry.user_id)
    total = entry.card_amount if entry.kind == CARD_CHARGE else Money(abs(entry.amount.amount), entry.amount.currency)
    lines = lines or [(entry.description, total)]
    refers_to = _invoice_for(session, entry) if kind == CREDIT_NOTE else None
    home = current_app.config["SELLER_COUNTRY"]
    reverse_charge = bool(user.vat_id) and (user.billing_country or home) != home and kind != RECEIPT
    if kind == RECEIPT or reverse_charge:
        rate = Decimal(0)
    elif refers_to is not None:
        rate = refers_to.vat_rate
    else:
        rate = vat_rate_for(user.billing_country)
    year = entry.created_at.year
    return BillingDocument(
        number=f"{year}-{sequence:06d}", year=year, sequence=sequence, kind=kind, user_id=user.id,
        ledger_entry_id=entry.id, refers_to=refers_to, issued_at=entry.created_at,
        lines=[{"description": text, "amount": amount.as_string()} for text, amount in lines],
        total=total, vat_rate=rate, vat_amount=vat_contained(total, rate), reverse_charge=reverse_charge,
        seller=seller(), customer=_customer(user),
    )


def documents_of(session: Session, user_id: int, entry_ids: list[int]) -> dict[int, BillingDocument]:
    """The documents of these ledger entries, by entry id (one query for a page)."""
    if not entry_ids:
        return {}
    rows = session.scalars(select(BillingDocument).where(BillingDocument.user_id == user_id,
                                                         BillingDocument.ledger_entry_id.in_(entry_ids)))
    return {document.ledger_entry_id: document for document in rows}


def document_by_number(session: Session, number: str) -> BillingDocument | None:
    return session.scalar(select(BillingDocument).where(BillingDocument.number == number[:20]))


def all_documents_of(session: Session, user_id: int, limit: int = 200) -> list[BillingDocument]:
    return list(session.scalars(select(BillingDocument).where(BillingDocument.user_id == user_id)
                                .order_by(BillingDocument.id.desc()).limit(limit)))


def net(document: BillingDocument) -> Money:
    return document.total - document.vat_amount


def notes(document: BillingDocument) -> list[str]:
    result = []
    if document.refers_to is not None:
        result.append(f"This credit note corrects invoice {document.refers_to.number}.")
    if document.reverse_charge:
        result.append(REVERSE_CHARGE_NOTE)
    if document.kind == RECEIPT:
        result.append(RECEIPT_NOTE)
    return result


def _latin1(text: str) -> str:
    # The PDF's built-in Helvetica covers Latin-1; anything else (→, “ ”) is replaced.
    text = text.replace("€", "EUR ").replace("−", "-").replace("“", '"').replace("”", '"').replace("’", "'")
    return text.encode("latin-1", "replace").decode("latin-1")


def _amount(value: str | Money) -> str:
    money = value if isinstance(value, Money) else Money.eur(value)
    return f"{money.amount:.2f} {money.currency}"


def pdf(document: BillingDocument) -> bytes:
    """The document as a PDF (fpdf2: pure Python, no system libraries, maintained)."""
    out = FPDF(format="A4")
    out.set_title(f"{document.title} {document.number}")
    out.add_page()
    out.set_font("Helvetica", "B", 16)
    out.cell(0, 10, _latin1(f"{document.title} {document.number}"), new_x="LMARGIN", new_y="NEXT")
    out.set_font("Helvetica", size=10)
    out.cell(0, 6, f"Date: {document.issued_at:%Y-%m-%d}", new_x="LMARGIN", new_y="NEXT")
    out.ln(4)
    seller_lines = [document.seller["name"], *document.seller["address"].splitlines(),
                    f"VAT ID: {document.seller['vat_id']}"]
    customer = document.customer
    customer_lines = [customer["name"] or customer["email"], *customer["address"].splitlines()]
    if customer["vat_id"]:
        customer_lines.append(f"VAT ID: {customer['vat_id']}")
    out.set_font("Helvetica", "B", 10)
    out.cell(95, 6, "From")
    out.cell(95, 6, "To", new_x="LMARGIN", new_y="NEXT")
    out.set_font("Helvetica", size=10)
    for index in range(max(len(seller_lines), len(customer_lines))):
        left = seller_lines[index] if index < len(seller_lines) else ""
        right = customer_lines[index] if index < len(customer_lines) else ""
        out.cell(95, 5, _latin1(left))
        out.cell(95, 5, _latin1(right), new_x="LMARGIN", new_y="NEXT")
    out.ln(6)
    out.set_font("Helvetica", "B", 10)
    out.cell(150, 7, "Description", border="B")
    out.cell(40, 7, "Amount", border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    out.set_font("Helvetica", size=10)
    for line in document.lines:
        out.cell(150, 7, _latin1(line["description"]))
        out.cell(40, 7, _amount(line["amount"]), align="R", new_x="LMARGIN", new_y="NEXT")
    out.ln(2)
    for label, value in (("Total (VAT included)", document.total),
                         (f"of which VAT {document.vat_rate:g} %", document.vat_amount),
                         ("Net", net(document))):
        out.cell(150, 7, _latin1(label), align="R")
        out.cell(40, 7, _amount(value), align="R", new_x="LMARGIN", new_y="NEXT")
    out.ln(4)
    for note in notes(document):
        out.multi_cell(0, 5, _latin1(note), new_x="LMARGIN", new_y="NEXT")
    return bytes(out.output())
