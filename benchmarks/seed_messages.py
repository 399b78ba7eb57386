"""Put N messages on the demo customer's first number, for the number page's benchmark row.

Run by benchmarks.http_bench in the server's environment (DATABASE_URL) after `demo load`;
prints the rental's id. One multi-row INSERT per 5,000 messages through SQLAlchemy Core:
100,000 rows take a few seconds. Every fourth message is an outgoing one; received ones
carry a code now and then, so the page renders what it renders in life.
"""
import sys
from datetime import timedelta

from sqlalchemy import insert, select

from storefront import clock, create_app, db
from storefront.models import Rental, User
from storefront.models.messages import Message
from storefront.services.demo import DEMO_CUSTOMER

BATCH = 5_000


def seed(count: int) -> int:
    app = create_app()
    with app.app_context():
        session = db.session()
        rental = session.scalar(select(Rental).join(User).where(User.email == DEMO_CUSTOMER, Rental.status == "active")
                                .order_by(Rental.id).limit(1))
        gateway = rental.number.gateway
        start = clock.now() - timedelta(seconds=count)
        rows = []
        for index in range(count):
            at = start + timedelta(seconds=index)
            outgoing = index % 4 == 3
            rows.append({
                "rental_id": rental.id, "number_id": rental.number_id, "gateway_id": gateway.id if gateway else None,
                "direction": "out" if outgoing else "in",
                "gateway_message_id": None if outgoing else f"bench-{index}",
                "sender": rental.number.e164 if outgoing else f"+49151{index % 10_000_000:07d}",
                "recipient": "+4915123456789" if outgoing else rental.number.e164,
                "body": f"Your code is {index % 1_000_000:06d}. Do not share it." if index % 3 == 0
                else f"Message {index}: see you at the station at half past six.",
                "status": "delivered" if outgoing else "received",
                "received_at": None if outgoing else at, "created_at": at,
            })
            if len(rows) == BATCH:
                session.execute(insert(Message), rows)
                rows = []
        if rows:
            session.execute(insert(Message), rows)
        session.commit()
        return rental.id


if __name__ == "__main__":
    print(seed(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
