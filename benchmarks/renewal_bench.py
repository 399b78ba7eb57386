"""10,000 due renewals, two `flask jobs run` processes at once (PostgreSQL): the job's cron runs
every minute, so the whole batch must be renewed, invoiced and its e-mails queued in under
60 s, each number exactly once. Prints the figures; exits 1 when the target is missed.

    SCALE_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \
        python -m benchmarks.renewal_bench [--renewals 10000] [--runners 2]

The database is emptied first (never point it at data you keep). The customers are
bulk-inserted (5,000 customers with two numbers each and the credits for both).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select  # noqa: E402

from benchmarks._database import migrated_and_empty  # noqa: E402
from benchmarks._table import markdown_table  # noqa: E402

TARGET_SECONDS = 60.0


def prepare(url: str, renewals: int) -> None:
    from hardware.models import PhoneNumber
    from storefront import clock, create_app, db
    from storefront.models import LedgerEntry, Rental, User

    migrated_and_empty(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "renewal-bench"})
    now = clock.now()
    with app.app_context():
        session = db.session()
        result = app.test_cli_runner().invoke(args=["catalog", "import", str(ROOT / "storefront/demo/catalog.json")])
        assert result.exit_code == 0, result.output
        customers = renewals // 2
        with db.transaction(session):
            session.execute(insert(User), [{"email": f"renew{index}@example.com", "password_hash": "x",
                                            "email_verified_at": now} for index in range(customers)])
            users = session.execute(select(User.id).where(User.email.like("renew%")).order_by(User.id)).scalars().all()
            session.execute(insert(LedgerEntry), [
                {"user_id": user_id, "kind": "adjustment", "amount": Decimal("100.00"), "balance_after": Decimal("100.00"),
                 "idempotency_key": f"bench-credit:{user_id}", "description": "Credits", "created_at": now}
                for user_id in users])
            session.execute(insert(PhoneNumber), [
                {"e164": f"+4915180{serial:06d}", "country_code": "DE", "kind": "long", "state": "rented"}
                for serial in range(renewals)])
            numbers = session.execute(select(PhoneNumber.id).where(PhoneNumber.e164.like("+4915180%"))
                                      .order_by(PhoneNumber.id)).scalars().all()
            session.execute(insert(Rental), [
                {"user_id": users[serial // 2], "number_id": number_id, "country_code": "DE", "kind": "long",
                 "pricing_model": "bundle", "tier_months": 3, "status": "active", "auto_renew": True,
                 "started_at": now - timedelta(days=90), "paid_through": now - timedelta(minutes=1 + serial % 50),
                 "charged_total": Decimal("16.00"), "bundle_paid": Decimal("16.00"),
                 "purchase_key": f"bench:{uuid.uuid4().hex}"}
                for serial, number_id in enumerate(numbers)])
    app.extensions["database"].engine.dispose()


def count_renewed(url: str) -> tuple[int, int]:
    """(renewal entries booked, distinct renewals among them)."""
    from storefront import create_app, db
    from storefront.models import LedgerEntry

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "renewal-bench"})
    with app.app_context():
        keys = db.session().execute(select(LedgerEntry.idempotency_key).where(
            LedgerEntry.idempotency_key.like("renewal:%"))).scalars().all()
    app.extensions["database"].engine.dispose()
    return len(keys), len(set(keys))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renewals", type=int, default=10_000)
    parser.add_argument("--runners", type=int, default=2)
    args = parser.parse_args(argv)
    url = os.environ.get("SCALE_DATABASE_URL")  # the scale table's database: both empty it
    if not url or not url.startswith("postgresql"):
        print("renewal bench skipped: set SCALE_DATABASE_URL to a PostgreSQL database it may empty")
        return 0
    print(f"preparing {args.renewals:,} due renewals", file=sys.stderr, flush=True)
    prepare(url, args.renewals)
    with tempfile.TemporaryDirectory(prefix="renewal-bench-") as folder:
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="renewal-bench", MAIL_DIR=str(Path(folder) / "mail"),
                   PYTHONPATH=str(ROOT))
        started = time.monotonic()
        runners = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "storefront", "jobs", "run"],
                                    cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(args.runners)]
        outputs = [runner.communicate(timeout=900) for runner in runners]
        took = time.monotonic() - started
    failed = [err for runner, (_, err) in zip(runners, outputs) if runner.returncode != 0]
    renewed, distinct = count_renewed(url)
    ok = not failed and renewed == distinct == args.renewals and took < TARGET_SECONDS
    rows = [[f"{args.renewals:,} renewals, {args.runners} runners", f"{took:.1f}", f"{args.renewals / took:,.0f}",
             f"{renewed:,}", f"< {TARGET_SECONDS:.0f} s, each once: {'PASS' if ok else 'FAIL'}"]]
    print(markdown_table(["work", "seconds", "renewals/s", "renewed", "target"], rows, right={1, 2, 3}))
    for error in failed:
        print(error[-2000:], file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
