"""Prepaid credits: booking ledger entries and reading the balance (SPEC §7).

`book` runs inside the caller's transaction (a purchase books its debit together with
the rental it pays for, and commits both or neither). It locks the customer's account
row first, so two debits of one customer take turns and the balance never goes
negative; the unique idempotency key makes a replayed booking a no-op.
"""
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pricing import Money
from storefront.db import transaction
from storefront.problems import PAYMENT_REQUIRED, StorefrontError
from storefront.models import LedgerEntry, User
from storefront import clock
from storefront.models.credits import ADJUSTMENT, CARD_CHARGE, ENTRY_KINDS
from storefront.services.accounts import AccountError, require_verified, user_by_email
from storefront.services.paging import DEFAULT_SIZE, Key, Page, keyset_page


class InsufficientCredits(StorefrontError):
    kind = PAYMENT_REQUIRED
    title = "Insufficient credits"
    slug = "insufficient-credits"

    def __init__(self, balance: Money, needed: Money):
        missing = needed - balance
        super().__init__(
            f"Your balance is {balance}, {missing} short of {needed}. Top up at least {missing} to continue.",
            balance=balance.as_string(), missing=missing.as_string(),
        )
        self.balance = balance
        self.needed = needed
        self.missing = missing


def balance(session: Session, user_id: int) -> Money:
    total = session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(LedgerEntry.user_id == user_id))
    return total.rounded_to_cents()


LEDGER_ORDER = (Key(LedgerEntry.created_at, descending=True), Key(LedgerEntry.id, descending=True))


def balances(session: Session, user_ids) -> dict[int, Money]:
    """The balance of each of these customers, in one grouped query."""
    ids = list(user_ids)
    query = (select(LedgerEntry.user_id, func.sum(LedgerEntry.amount))
             .where(LedgerEntry.user_id.in_(ids)).group_by(LedgerEntry.user_id))
    totals = dict(session.execute(query).tuples().all()) if ids else {}
    return {user_id: (totals.get(user_id) or Money.zero("EUR")).rounded_to_cents() for user_id in ids}


def ledger(session: Session, user_id: int, cursor: str | None = None, size: int = DEFAULT_SIZE) -> Page:
    """A page of the customer's ledger, newest first (keyset-paged, see services/paging.py)."""
    return keyset_page(session, select(LedgerEntry).where(LedgerEntry.user_id == user_id), LEDGER_ORDER, cursor, size)


def entry_with_key(session: Session, key: str) -> LedgerEntry | None:
    return session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == key))


def current_balance(session: Session, user_id: int) -> Money:
    """The balance as the newest entry recorded it: one index lookup, whatever the length of
    the history (the sum if that entry predates running balances). Every entry is booked
    under the account's lock from the one before it, so the newest entry's is the balance;
    `balance` (the sum of every entry) is the slow reading that reconciles it."""
    last = session.execute(select(LedgerEntry.balance_after).where(LedgerEntry.user_id == user_id)
                           .order_by(LedgerEntry.id.desc()).limit(1)).first()
    if last is None:
        return Money.zero("EUR")
    return last[0] if last[0] is not None else balance(session, user_id)


def book(session: Session, user_id: int, amount: Money, kind: str, idempotency_key: str,
         description: str, reference: str | None = None, lines: list[tuple[str, Money]] | None = None,
         notify: bool = True, standing_order: bool = False) -> LedgerEntry:
    """Append one entry (negative `amount` = money out); a known key returns the first entry.

    Money out needs a confirmed e-mail address, except for a `standing_order`: a renewal the
    customer set up when they bought (and so had confirmed it), which the jobs carry out.

    With the entry come, in the same transaction, its running balance, its document
    (invoice, receipt or credit note; `lines` are what the quote charged) and, unless
    `notify` is False, the customer's e-mail.
    """
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown ledger entry kind {kind!r}")
    if amount.is_zero():
        raise ValueError("a ledger entry moves money")
    # Taking the account's row lock serialises this customer's bookings (PostgreSQL).
    session.execute(select(User.id).where(User.id == user_id).with_for_update())
    earlier = entry_with_key(session, idempotency_key)
    if earlier is not None:
        return earlier
    available = current_balance(session, user_id)  # under the lock just taken: the newest entry is final
    if amount.amount < 0:
        user = session.get(User, user_id)
        if user is not None and not standing_order:
            require_verified(user)
        if available + amount < Money.zero("EUR"):
            raise InsufficientCredits(available, -amount)
    amount = amount.rounded_to_cents()
    entry = LedgerEntry(user_id=user_id, kind=kind, amount=amount, idempotency_key=idempotency_key,
                        reference=reference, description=description, balance_after=available + amount)
    return _record(session, entry, lines, notify)


def _record(session: Session, entry: LedgerEntry, lines, notify: bool) -> LedgerEntry:
    from storefront.services import documents, notifications

    if entry.created_at is None:
        entry.created_at = clock.now()
    session.add(entry)
    session.flush()
    if documents.defer(session, entry, lines, notify):
        return entry  # its document and e-mail come at the end of documents.numbered_together
    document = documents.issue_for(session, entry, lines)
    if notify:
        notifications.money_event(session, entry, document)
    return entry


def record_card_charge(session: Session, user_id: int, charged: Money, idempotency_key: str,
                       description: str, reference: str | None = None,
                       lines: list[tuple[str, Money]] | None = None, notify: bool = True) -> LedgerEntry:
    """A subscription's card charge: in the history (and invoiced), no credits move."""
    session.execute(select(User.id).where(User.id == user_id).with_for_update())
    earlier = entry_with_key(session, idempotency_key)
    if earlier is not None:
        return earlier
    entry = LedgerEntry(user_id=user_id, kind=CARD_CHARGE, amount=Money.zero("EUR"),
                        card_amount=charged.rounded_to_cents(), idempotency_key=idempotency_key,
                        reference=reference, description=description, balance_after=current_balance(session, user_id))
    return _record(session, entry, lines, notify)


def adjust_credits(session: Session, email: str, amount: str, reason: str) -> LedgerEntry:
    """A staff adjustment (goodwill credit, correction): one ledger entry, its own key."""
    user = user_by_email(session, email)
    if user is None:
        raise AccountError(f"There is no account for {email}.")
    try:
        money = Money.eur(amount).rounded_to_cents()
    except (ValueError, ArithmeticError) as error:
        raise AccountError(f"'{amount}' is not an amount of money.") from error
    if money.is_zero() or abs(money.amount) > 100000:
        raise AccountError(f"'{amount}' is not an amount of money this can book (it moves money, up to 100000).")
    with transaction(session):
        return book(session, user.id, money, ADJUSTMENT, f"adjustment:{secrets.token_urlsafe(12)}", reason)
