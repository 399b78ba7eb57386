"""`make bench`'s billing customer: an account with 10,000 ledger entries, each with its
running balance, as years of top-ups and purchases would leave (bulk-inserted).

    DATABASE_URL=... python -m benchmarks.seed_billing
"""
from datetime import timedelta

from sqlalchemy import insert

from pricing import Money
from storefront import clock, create_app, db
from storefront.models import LedgerEntry
from storefront.services.accounts import create_user

EMAIL = "billing-bench@example.com"
PASSWORD = "billing bench password"
ENTRIES = 10_000


def seed() -> None:
    app = create_app()
    with app.app_context():
        session = db.session()
        user = create_user(session, EMAIL, PASSWORD)
        start = clock.now() - timedelta(days=3 * 365)
        rows, balance = [], Money.zero("EUR")
        for index in range(ENTRIES):
            amount = Money.eur("20.00") if index % 3 == 0 else Money.eur("-6.50")
            balance = balance + amount
            rows.append({"user_id": user.id, "kind": "top_up" if amount.amount > 0 else "purchase",
                         "amount": amount, "idempotency_key": f"bench:{index}", "reference": None,
                         "description": "Card top-up" if amount.amount > 0 else f"+49 30 {index:07d}: 1 month",
                         "created_at": start + timedelta(minutes=150 * index), "balance_after": balance})
        with db.transaction(session):
            session.execute(insert(LedgerEntry), rows)


if __name__ == "__main__":
    seed()
