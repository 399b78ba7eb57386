"""Billing: the history with its running balance, filters, paging and CSV; invoices,
receipts and credit notes (page and PDF, numbered without gaps); billing details; the
e-mail of every money event; the e-mail verification before the first payment; staff."""
import io
import re
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from pricing import Money
from storefront import db
from storefront.jobs import run_jobs
from storefront.mail import sent_messages
from storefront.models import BillingDocument, DocumentCounter, LedgerEntry, User
from storefront.models.credits import PURCHASE, TOP_UP
from storefront.services import credits
from storefront.services.accounts import create_user
from tests.storefront.helpers import api_for, checkout_token, first_number_id, page, post_event

PASSWORD = "correct horse battery"


def buy_germany_6(client) -> str:
    number = first_number_id(client, "country=DE&kind=long&tier_months=6")
    token = checkout_token(client, f"country=DE&kind=long&tier_months=6&number={number}")
    response = client.post("/buy/checkout", data={"token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return number


def documents(app) -> list[BillingDocument]:
    with app.app_context():
        session = db.session()
        found = list(session.scalars(select(BillingDocument).order_by(BillingDocument.id)))
        for document in found:
            document.refers_to  # noqa: B018 — loaded while the session is open
        return found


def deliver(app) -> list:
    with app.app_context():
        run_jobs(db.session(), datetime.now(timezone.utc))
    return sent_messages(app.config["MAIL_DIR"])


def text_and_html(message) -> tuple[str, str]:
    return message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


def pdf_text(data: bytes) -> str:
    return "\n".join(pdf_page.extract_text() for pdf_page in PdfReader(io.BytesIO(data)).pages)


# History ---------------------------------------------------------------------------------

def test_a_purchase_gets_an_invoice_with_the_quotes_lines_and_the_vat_it_contains(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    buy_germany_6(client)
    history = page(client.get("/billing"))
    assert "Purchase:" in history and "€27.00" in history and "Adjustment: Welcome credit" in history
    (invoice,) = documents(stocked_app)
    year = datetime.now(timezone.utc).year
    assert invoice.kind == "invoice" and invoice.number == f"{year}-000001"
    assert invoice.total == Money.eur("23.00") and invoice.vat_rate == Decimal("19")
    assert invoice.vat_amount == Money.eur("3.67")  # 23.00 × 19 / 119
    assert f"Invoice {invoice.number}" in history

    html = page(client.get(f"/billing/documents/{invoice.number}"))
    assert "6-month bundle" in html and "€23.00" in html and "of which VAT 19 %" in html and "Numbers Demo GmbH" in html
    response = client.get(f"/billing/documents/{invoice.number}.pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert f"Invoice {invoice.number}" in text and "6-month bundle" in text
    assert "23.00 EUR" in text and "3.67 EUR" in text and "19.33 EUR" in text


def test_the_running_balance_filters_and_csv(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    buy_germany_6(client)
    rows = re.findall(r"<tr>\s*<td>[^<]+</td>\s*<td>([^<]+)</td>\s*<td class=\"amount\">([^<]+)</td>\s*"
                      r"<td class=\"amount\">([^<]+)</td>", page(client.get("/billing")))
    assert [(amount, balance) for _, amount, balance in rows] == [("−€23.00", "€27.00"), ("€50.00", "€50.00")]
    only_purchases = page(client.get("/billing?kind=purchase"))
    assert "Purchase:" in only_purchases and "Welcome credit" not in only_purchases
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()
    assert "Nothing here for this choice" in page(client.get(f"/billing?from={tomorrow}"))
    refused = client.get("/billing?from=yesterday&kind=bogus")
    assert refused.status_code == 422 and "not a date" in page(refused) and "Unknown kind" in page(refused)
    csv_text = client.get("/billing.csv").get_data(as_text=True)
    lines = csv_text.strip().splitlines()
    assert lines[0] == "date,kind,description,credits,card,balance,document"
    assert lines[1].split(",")[1] == "Purchase" and lines[1].split(",")[3:6] == ["-23.00", "", "27.00"]
    assert len(lines) == 3


def test_keyset_pages_cover_every_entry_once(customers, stocked_app):
    client = customers.signed_in()
    with stocked_app.app_context():
        session = db.session()
        user_id = session.scalar(select(User.id))
        with db.transaction(session):
            for index in range(120):
                credits.book(session, user_id, Money.eur("1.00"), "adjustment", f"adj:{index}", f"Gift {index}",
                             notify=False)
    seen, url = [], "/billing"
    while url:
        html = page(client.get(url))
        seen += re.findall(r"Adjustment: Gift (\d+)", html)
        older = re.search(r'rel="next" href="([^"]+)"', html)
        url = older.group(1).replace("&amp;", "&") if older else None
    assert seen == [str(index) for index in reversed(range(120))]
    assert "€120.00" in page(client.get("/billing"))
    assert client.get("/billing?before=abc").status_code == 422


def test_the_api_pages_the_history_by_cursor(stocked_app):
    api = api_for(stocked_app, "api@example.com", credits="100.00")
    with stocked_app.app_context():
        session = db.session()
        user_id = session.scalar(select(User.id).where(User.email == "api@example.com"))
        with db.transaction(session):
            for index in range(5):
                credits.book(session, user_id, Money.eur("-1.00"), PURCHASE, f"purchase:t{index}", f"Thing {index}")
    first = api.get("/billing?limit=4").get_json()
    assert first["balance"] == "95.00" and [entry["balance_after"] for entry in first["entries"]] == [
        "95.00", "96.00", "97.00", "98.00"]
    rest = api.get(f"/billing?limit=4&cursor={first['next_cursor']}").get_json()
    assert [entry["kind"] for entry in rest["entries"]] == ["purchase", "adjustment"] and rest["next_cursor"] is None
    number = first["entries"][0]["document"]
    assert api.get(f"/billing/documents/{number}").mimetype == "application/pdf"
    assert api.get("/billing?cursor=x").status_code == 422
    assert api.get("/billing?kind=purchase&limit=50").get_json()["entries"][-1]["description"] == "Thing 0"


# Documents -------------------------------------------------------------------------------

def test_a_refund_gets_a_credit_note_that_refers_to_its_invoice(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    buy_germany_6(client)
    with stocked_app.app_context():
        from storefront.models import Rental

        rental_id = db.session().scalar(select(Rental.id))
    form = page(client.get(f"/numbers/{rental_id}/return"))
    refund = re.search(r'name="seen_total"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="seen_total"', form)
    response = client.post(f"/numbers/{rental_id}/return", data={"seen_total": refund.group(1)})
    assert response.status_code == 302
    invoice, credit_note = documents(stocked_app)
    assert credit_note.kind == "credit_note" and credit_note.refers_to.number == invoice.number
    assert credit_note.sequence == invoice.sequence + 1
    text = pdf_text(client.get(f"/billing/documents/{credit_note.number}.pdf").data)
    assert f"Credit note {credit_note.number}" in text and f"corrects invoice {invoice.number}" in text


def test_billing_details_are_checked_and_a_vat_id_abroad_gets_the_reverse_charge_note(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    bad = client.post("/account/billing-details", data={"name": "A", "address": "nowhere", "country": "XX",
                                                        "vat_id": "FR123"})
    html = page(bad)
    assert bad.status_code == 422
    assert "name to put on invoices" in html and "postcode" in html and "choose the country" in html
    assert "not a valid EU VAT ID" in html
    wrong_country = page(client.post("/account/billing-details", data={
        "name": "Ada SARL", "address": "1 rue de Rivoli\n75001 Paris", "country": "FR", "vat_id": "DE136695976"}))
    assert "belongs to another country" in wrong_country
    saved = client.post("/account/billing-details", data={
        "name": "Ada SARL", "address": "1 rue de Rivoli\n75001 Paris", "country": "FR", "vat_id": "FR 40 303 265 045"})
    assert saved.status_code == 302
    buy_germany_6(client)
    (invoice,) = documents(stocked_app)
    assert invoice.reverse_charge and invoice.vat_amount == Money.eur("0.00")
    assert invoice.customer["vat_id"] == "FR40303265045" and invoice.customer["name"] == "Ada SARL"
    text = pdf_text(client.get(f"/billing/documents/{invoice.number}.pdf").data)
    assert "Reverse charge" in text and "FR40303265045" in text and "75001 Paris" in text


def test_a_payment_that_fails_after_numbering_gives_its_number_back(customers, stocked_app):
    customers.signed_in(credits="50.00")
    with stocked_app.app_context():
        session = db.session()
        user_id = session.scalar(select(User.id))
        with pytest.raises(RuntimeError):
            with db.transaction(session):
                credits.book(session, user_id, Money.eur("-5.00"), PURCHASE, "purchase:doomed", "Doomed")
                raise RuntimeError("the rental could not start")
        with db.transaction(session):
            credits.book(session, user_id, Money.eur("-5.00"), PURCHASE, "purchase:fine", "Fine")
    (document,) = documents(stocked_app)
    assert document.sequence == 1


def test_no_document_for_a_payment_that_did_not_happen(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    assert client.get(f"/billing/documents/{datetime.now(timezone.utc).year}-000001.pdf").status_code == 404
    other = customers.signed_in("eve@example.com", credits="50.00")
    buy_germany_6(client)
    (invoice,) = documents(stocked_app)
    assert other.get(f"/billing/documents/{invoice.number}.pdf").status_code == 404


def test_parallel_payments_get_consecutive_numbers(stocked_app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent transactions are tested on PostgreSQL")
    with stocked_app.app_context():
        session = db.session()
        ids = [create_user(session, f"p{index}@example.com", PASSWORD).id for index in range(8)]
    errors = []

    def pay(user_id: int, index: int):
        try:
            with stocked_app.app_context():
                session = db.session()
                for round_ in range(3):
                    with db.transaction(session):
                        credits.book(session, user_id, Money.eur("10.00"), TOP_UP, f"top-up:{index}:{round_}",
                                     "Card top-up", notify=False)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)

    threads = [threading.Thread(target=pay, args=(user_id, index)) for index, user_id in enumerate(ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbered = documents(stocked_app)
    assert sorted(document.sequence for document in numbered) == list(range(1, 25))
    with stocked_app.app_context():
        assert db.session().scalar(select(DocumentCounter.last_number)) == 24


# E-mails ---------------------------------------------------------------------------------

def test_a_purchase_e_mail_says_what_was_bought_with_its_invoice_link(customers, stocked_app):
    client = customers.signed_in(credits="50.00")
    buy_germany_6(client)
    messages = deliver(stocked_app)
    subjects = [message["Subject"] for message in messages]
    assert "€50.00 added to your credits" in subjects
    # One e-mail for the purchase: its terms, with the invoice's link (not a second receipt e-mail).
    (purchase,) = [message for message in messages if message["Subject"].endswith("is yours: your terms")]
    assert not any(subject.startswith("Your purchase") for subject in subjects)
    text = purchase.get_content()
    (invoice,) = documents(stocked_app)
    assert "What you bought: a long-term number, 6-month prepaid bundle" in text and "You paid: €23.00" in text
    assert "Your invoice: http" in text and f"/billing/documents/{invoice.number}" in text


def test_every_money_event_sends_one_e_mail(customers, stocked_app):
    client = customers.signed_in(credits="100.00")
    buy_germany_6(client)
    with stocked_app.app_context():
        from storefront.models import Rental

        rental = db.session().scalars(select(Rental)).one()
        rental_id = rental.id
    extend = page(client.get(f"/numbers/{rental_id}/extend?tier_months=3"))
    key = re.search(r'name="key" type="hidden" value="([^"]+)"', extend).group(1)
    seen = re.search(r'name="seen_total" value="([^"]+)"', extend).group(1)
    assert client.post(f"/numbers/{rental_id}/extend", data={"tier_months": "3", "seen_total": seen,
                                                              "key": key}).status_code == 302
    assert client.post("/numbers/unrent", data={"rental": rental_id, "confirmed": "yes"}).status_code == 302
    subjects = [message["Subject"] for message in deliver(stocked_app)]
    assert any(subject.endswith("is yours: your terms") for subject in subjects)
    assert any(subject.endswith("is extended") for subject in subjects)
    assert any(subject.startswith("You gave back +49") for subject in subjects)
    assert len(subjects) == len(set(subjects)) == 4


def test_a_subscription_renewal_is_a_card_charge_in_the_history_with_invoice_and_e_mail(customers, stocked_app):
    from hardware.allocation import allocate
    from storefront.models import Rental

    client = customers.signed_in()
    with stocked_app.app_context():
        session = db.session()
        user_id = session.scalar(select(User.id))
        with db.transaction(session):
            number = allocate(session, "US", "short")
            session.add(Rental(user_id=user_id, number_id=number.id, country_code="US", kind="short",
                               pricing_model="subscription", months=1, status="active", auto_renew=True,
                               paid_through=datetime(2026, 12, 1, tzinfo=timezone.utc), charged_total=1,
                               purchase_key="test-sub", stripe_subscription_id="sub_test"))
    end = int(datetime(2027, 1, 1, tzinfo=timezone.utc).timestamp())
    invoice = {"id": "in_1", "object": "invoice", "subscription": "sub_test", "amount_paid": 700, "currency": "eur",
               "lines": {"object": "list", "data": [{"period": {"start": 0, "end": end}}]}}
    post_event(client, "invoice.paid", invoice, event_id="evt_paid")
    post_event(client, "invoice.paid", invoice, event_id="evt_paid_again")
    history = page(client.get("/billing?kind=card_charge"))
    assert history.count("Card charge:") == 1 and "€7.00 by card" in history
    (document,) = documents(stocked_app)
    assert document.kind == "invoice" and document.total == Money.eur("7.00")
    (mail,) = [message for message in deliver(stocked_app) if "charged" in message["Subject"]]
    assert "Charged to your card: €7.00" in text_and_html(mail)[0]


# Verification ----------------------------------------------------------------------------

def test_a_new_customer_confirms_the_address_before_the_first_payment(stocked_app):
    client = stocked_app.test_client()
    client.post("/signup", data={"email": "new@example.com", "password": PASSWORD, "confirm": PASSWORD})
    # Not confirmed yet, the customer may sign in and look around, but not pay.
    assert client.post("/login", data={"email": "new@example.com", "password": PASSWORD}).status_code == 302
    with stocked_app.app_context():
        user = db.session().scalar(select(User).where(User.email == "new@example.com"))
        assert user is not None and user.email_verified_at is None
    refused = client.post("/payments/top-up", data={"amount": "25"})
    assert refused.status_code == 403 and "confirm your e-mail address" in page(refused)
    assert "payments wait for it" in page(client.get("/billing"))
    (mail,) = deliver(stocked_app)
    text, html = text_and_html(mail)
    assert mail["Subject"] == "Please confirm your e-mail address" and "Before your first payment" in text
    link = re.search(r"http://\S+/verify-email/\S+", text).group(0)
    assert client.get(urlsplit(link).path).status_code == 302
    with stocked_app.app_context():
        assert db.session().scalar(select(User.email_verified_at).where(User.email == "new@example.com"))
    assert client.get("/verify-email/forged").status_code == 400


def test_the_api_says_clearly_that_the_address_is_not_confirmed(stocked_app):
    api = api_for(stocked_app, "api@example.com", credits="100.00")
    with stocked_app.app_context():
        session = db.session()
        with db.transaction(session):
            session.scalar(select(User).where(User.email == "api@example.com")).email_verified_at = None
    refused = api.post("/numbers", {"country": "DE", "kind": "long", "tier_months": 3})
    assert refused.status_code == 403
    assert refused.get_json()["title"] == "E-mail address not verified"
    with stocked_app.app_context():
        assert db.session().scalar(select(LedgerEntry.id).where(LedgerEntry.kind == PURCHASE)) is None


# Staff -----------------------------------------------------------------------------------

def test_support_sees_the_history_and_an_admin_gives_a_goodwill_credit(customers, stocked_app):
    customer = customers.signed_in(credits="50.00")
    buy_germany_6(customer)
    support = customers.signed_in("staff@example.com", roles=("support", "admin"))
    html = page(support.get("/staff/support?email=ada@example.com"))
    (invoice,) = documents(stocked_app)
    assert "Billing history" in html and f"Invoice {invoice.number}" in html
    assert support.get(f"/billing/documents/{invoice.number}.pdf").status_code == 200
    refused = support.post("/staff/goodwill", data={"email": "ada@example.com", "amount": "lots", "reason": "Sorry"})
    assert refused.status_code == 422 and "not an amount of money" in page(refused)
    unknown = support.post("/staff/goodwill", data={"email": "nobody@example.com", "amount": "5", "reason": "Sorry"})
    assert unknown.status_code == 422 and "no account" in page(unknown)
    done = support.post("/staff/goodwill", data={"email": "ada@example.com", "amount": "5", "reason": "Outage on Monday"})
    assert done.status_code == 302
    assert "Adjustment: Outage on Monday" in page(customer.get("/billing"))
    only_support = customers.signed_in("helper@example.com", roles=("support",))
    assert only_support.get("/staff/goodwill").status_code in (403, 404)
