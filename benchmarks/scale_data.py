"""A business of a given size, loaded fast into an empty PostgreSQL database for the scale bench.

    python -m benchmarks.scale_data postgresql+psycopg://postgres@127.0.0.1:5432/i19bench 100000

Empties the database (drops and recreates the public schema), migrates it, loads the demo
catalog and inventory, then bulk-loads with COPY: `numbers` long-term numbers on SIMs in
gateways of 100 slots spread over the demo countries (one in five rented, the rest in
stock), one message event per number, and one customer, bench@example.com (password
"correct horse battery"; roles customer, operations and support), who rents 1,000 of
them and has 1,000 ledger entries. Prints the customer's API token. Stock counts are
recounted at the end (hardware/stock.py).
"""
import io
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EMAIL = "bench@example.com"
PASSWORD = "correct horse battery"
RENTALS = 1000
PER_GATEWAY = 100
COUNTRIES = ("DE", "FR", "ES", "IT", "NL", "GB", "PL", "AT", "BE")


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(r"\N" if value is None else str(value) for value in row) + "\n")
    buffer.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)


def load(url: str, numbers: int) -> str:
    import psycopg

    from storefront import create_app, db
    from storefront.services.accounts import create_user
    from storefront.services.api_tokens import create_token

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    env = {"DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    for args in (["db", "upgrade"], ["demo", "load", "--no-accounts"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "storefront", *args], cwd=ROOT,
                       env={**os.environ, **env}, check=True, stdout=subprocess.DEVNULL)
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        session = db.session()
        user = create_user(session, EMAIL, PASSWORD, ("customer", "operations", "support"))
        _, token = create_token(session, user, "bench")
        user_id = user.id
    app.extensions["database"].engine.dispose()

    now = datetime.now(timezone.utc)
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        base = {table: cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0] + 1
                for table in ("hw_gateways", "hw_slots", "hw_sims", "hw_numbers", "hw_events", "rentals",
                              "credit_ledger")}
        gateways, slots, sims, phone_numbers, events, rentals, ledger = [], [], [], [], [], [], []
        for serial in range(numbers):
            gateway_index, position = divmod(serial, PER_GATEWAY)
            country = COUNTRIES[gateway_index % len(COUNTRIES)]
            gateway_id = base["hw_gateways"] + gateway_index
            if position == 0:
                gateways.append((gateway_id, f"scale-{gateway_index:05d}", country, "t", now))
            slot_id, sim_id, number_id = (base["hw_slots"] + serial, base["hw_sims"] + serial,
                                          base["hw_numbers"] + serial)
            slots.append((slot_id, gateway_id, position + 1))
            sims.append((sim_id, f"89{serial:018d}", slot_id))
            mine = serial < min(RENTALS, numbers // 2)
            state = "rented" if mine or serial % 5 == 0 else "available"
            phone_numbers.append((number_id, f"+{serial:012d}", country, "long", sim_id, state, now, 1, 0, now))
            events.append((base["hw_events"] + serial, "message_sent", number_id, "{}", now - timedelta(days=2)))
            if mine:
                started = now - timedelta(hours=serial)
                rentals.append((base["rentals"] + serial, user_id, number_id, country, "long", "bundle", 3,
                                "active", "t", started, started + timedelta(days=90), "16.00", "16.00",
                                f"scale:{serial}", started))
                ledger.append((base["credit_ledger"] + serial, user_id, "adjustment", "100.00",
                               f"scale:{serial}", "Bench credit", started))
        _copy(cursor, "hw_gateways", ("id", "name", "country_code", "online", "created_at"), gateways)
        _copy(cursor, "hw_slots", ("id", "gateway_id", "position"), slots)
        _copy(cursor, "hw_sims", ("id", "iccid", "slot_id"), sims)
        _copy(cursor, "hw_numbers", ("id", "e164", "country_code", "kind", "sim_id", "state", "state_changed_at",
                                     "messages_sent", "messages_received", "created_at"), phone_numbers)
        _copy(cursor, "hw_events", ("id", "kind", "number_id", "detail", "created_at"), events)
        _copy(cursor, "rentals", ("id", "user_id", "number_id", "country_code", "kind", "pricing_model",
                                  "tier_months", "status", "auto_renew", "started_at", "paid_through",
                                  "charged_total", "bundle_paid", "purchase_key", "created_at"), rentals)
        _copy(cursor, "credit_ledger", ("id", "user_id", "kind", "amount", "idempotency_key", "description",
                                        "created_at"), ledger)
        for table in base:
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("DELETE FROM hw_stock")
        cursor.execute("INSERT INTO hw_stock (country_code, kind, available) SELECT country_code, kind, count(*) "
                       "FROM hw_numbers WHERE state = 'available' GROUP BY country_code, kind")
        connection.commit()
        connection.autocommit = True
        cursor.execute("VACUUM ANALYZE")
    return token


def main(argv=None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    url, numbers = args[0], int(args[1])
    started = time.perf_counter()
    token = load(url, numbers)
    print(f"loaded {numbers:,} numbers in {time.perf_counter() - started:.1f} s; API token {token}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
