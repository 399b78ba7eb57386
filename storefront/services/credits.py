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
from storefront.models.credits import ADJUSTMENT, ENTRY_KINDS
from storefront.services.accounts import AccountError, user_by_email
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


def book(session: Session, user_id: int, amount: Money, kind: str, idempotency_key: str,
         description: str, reference: str | None = None) -> LedgerEntry:
    """Append one entry (negative `amount` = money out); a known key returns the first entry."""
    if kind not in ENTRY_KINDS:
        raise ValueError(f"unknown ledger entry kind {kind!r}")
    if amount.is_zero():
        raise ValueError("a ledger entry moves money")
    # Taking the account's row lock serialises this customer's bookings (PostgreSQL).
    session.execute(select(User.id).where(User.id == user_id).with_for_update())
    earlier = entry_with_key(session, idempotency_key)
    if earlier is not None:
        return earlier
    if amount.amount < 0:
        available = balance(session, user_id)
        if available + amount < Money.zero("EUR"):
            raise InsufficientCredits(available, -amount)
    entry = LedgerEntry(user_id=user_id, kind=kind, amount=amount.rounded_to_cents(),
                        idempotency_key=idempotency_key, reference=reference, description=description)
    session.add(entry)
    session.flush()
    return entry


def adjust_credits(session: Session, email: str, amount: str, reason: str) -> LedgerEntry:
    """A staff adjustment (goodwill credit, correction): one ledger entry, its own key."""
    user = user_by_email(session, email)
    if user is None:
        raise AccountError(f"There is no account for {email}.")
    try:
        money = Money.eur(amount).rounded_to_cents()
    except ValueError as error:
        raise AccountError(f"'{amount}' is not an amount of money.") from error
    with transaction(session):
        return book(session, user.id, money, ADJUSTMENT, f"adjustment:{secrets.token_urlsafe(12)}", reason)
