"""Two `flask jobs run` processes at once over 2,000 due renewals and 500 due reminders
(PostgreSQL): they share the work through claimed batches, every number is renewed once,
every reminder is sent once, every renewal has one invoice and the invoice numbers have
no gap."""
import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from hardware.models import PhoneNumber
from storefront import clock, db
from storefront.models import BillingDocument, LedgerEntry, OutboxMessage, Rental, User
from storefront.services.purchases import add_months
from tests.load.harness import ROOT, SECRET_KEY

RENEWALS = 2000
REMINDERS = 500


def prepare(app) -> dict[int, object]:
    """1,000 customers with two numbers each to renew (credits for both), and 500 customers
    without credits whose number renews in 3 days. Returns each due rental's paid_through."""
    now = clock.now()
    with app.app_context():
        session = db.session()
        with db.transaction(session):
            for index in range(RENEWALS // 2 + REMINDERS):
                reminder = index >= RENEWALS // 2
                user = User(email=f"runner{index}@example.com", password_hash="x", email_verified_at=clock.now())
                session.add(user)
                session.flush()
                if not reminder:
                    session.add(LedgerEntry(user_id=user.id, kind="adjustment", amount=Decimal("100.00"),
                                            idempotency_key=f"seed:{index}", description="Test credit"))
                for copy in range(1 if reminder else 2):
                    serial = index * 2 + copy
                    number = PhoneNumber(e164=f"+4915170{serial:06d}", country_code="DE", kind="long", state="rented")
                    session.add(Rental(
                        user=user, number=number, country_code="DE", kind="long", pricing_model="bundle",
                        tier_months=3, status="active", started_at=now - timedelta(days=90),
                        paid_through=now + timedelta(days=3) if reminder else now - timedelta(minutes=1 + serial % 50),
                        charged_total=Decimal("16.00"), bundle_paid=Decimal("16.00"),
                        purchase_key=f"seed:{uuid.uuid4().hex}",
                    ))
        return dict(session.execute(select(Rental.id, Rental.paid_through).where(Rental.paid_through <= now)).all())


def test_two_runners_share_the_work_and_do_nothing_twice(setup_app, pg_url, tmp_path):
    due = prepare(setup_app)
    assert len(due) == RENEWALS
    mail = tmp_path / "mail"
    env = dict(os.environ, DATABASE_URL=pg_url, SECRET_KEY=SECRET_KEY, MAIL_DIR=str(mail), PYTHONPATH=str(ROOT))
    started = time.monotonic()
    runners = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "storefront", "jobs", "run"], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outputs = [runner.communicate(timeout=300) for runner in runners]
    took = time.monotonic() - started
    assert all(runner.returncode == 0 for runner in runners), outputs
    print(f"two runners: {RENEWALS} renewals and {REMINDERS} reminders in {took:.1f} s")

    with setup_app.app_context():
        session = db.session()
        renewals = session.execute(select(LedgerEntry.idempotency_key).where(
            LedgerEntry.idempotency_key.like("renewal:%"))).scalars().all()
        assert len(renewals) == len(set(renewals)) == RENEWALS
        after = dict(session.execute(select(Rental.id, Rental.paid_through).where(Rental.id.in_(due))).all())
        assert all(after[rental_id] == add_months(paid, 3) for rental_id, paid in due.items())
        # One invoice per renewal, numbered without a gap or a repeat though both runners
        # numbered their batches at the same time (each batch's numbers taken at its end).
        invoiced = session.execute(select(BillingDocument.sequence, LedgerEntry.idempotency_key).join(
            LedgerEntry, BillingDocument.ledger_entry_id == LedgerEntry.id)).all()
        assert sorted(sequence for sequence, _ in invoiced) == list(range(1, len(invoiced) + 1))
        assert sorted(key for _, key in invoiced if key.startswith("renewal:")) == sorted(renewals)
        reminders = session.scalars(select(OutboxMessage).where(OutboxMessage.key.like("reminder:%"))).all()
        assert len(reminders) == REMINDERS and all(message.delivered_at for message in reminders)
        assert session.scalar(select(func.count()).select_from(Rental).where(Rental.reminded.is_not(None))) == REMINDERS
        # Every e-mail queued (the reminders, and each renewal's receipt since issue 16), all delivered.
        queued = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "email"))
        assert queued >= REMINDERS and session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "email", OutboxMessage.delivered_at.is_(None))) == 0
    sent = list(mail.glob("*.eml"))
    assert len(sent) == queued  # each e-mail sent once, by one runner or the other
    renewed_by = [int(line.split(":")[1].split()[0]) for out, _ in outputs for line in out.splitlines()
                  if line.startswith("numbers renewed:")]
    assert sum(renewed_by) == RENEWALS
