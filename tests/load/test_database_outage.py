"""The database drops every connection under load (as a PostgreSQL restart does): the app
recovers by itself, without a restart: requests after the outage succeed.

PostgreSQL is shared on developer machines, so the restart is simulated the way it looks
to the app: every server-side connection to the test database is terminated at once
(`pg_terminate_backend`), idle pooled ones and busy ones alike.
"""
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool

from storefront import db
from storefront.models import Rental
from storefront.services import operations
from storefront.services.accounts import create_user
from storefront.services.credits import adjust_credits
from tests.load.harness import PASSWORD, Browser, iccid

CLIENTS = 8
PATHS = ["/buy?country=DE&kind=long&tier_months=3", "/api/v1/quote?country=DE&kind=long&tier_months=6",
         "/?country=FR", "/faq"]
GRACE = 0.5  # requests already under way when the connections died may fail


def test_the_app_recovers_when_the_database_drops_every_connection(setup_app, start_server, pg_url):
    with setup_app.app_context():
        session = db.session()
        operations.add_gateway(session, "outage-de", "DE", 4)
        for slot in range(1, 5):
            operations.insert_sim(session, "outage-de", slot, iccid(100 + slot), f"+4915123458{slot:03d}")
        create_user(session, "after@example.com", PASSWORD)
        adjust_credits(session, "after@example.com", "20.00", "Load test credit")
    server = start_server()
    for _ in range(40):  # every worker has pooled connections to lose
        assert Browser(server).get(PATHS[0]).status == 200

    results: list[tuple[float, int | str]] = []
    stop = threading.Event()

    def load():
        browser = Browser(server, timeout=30)
        index = 0
        while not stop.is_set():
            started = time.monotonic()
            try:
                status = browser.get(PATHS[index % len(PATHS)]).status
            except OSError as error:
                status = type(error).__name__
            results.append((started, status))
            index += 1

    admin = create_engine(pg_url, poolclass=NullPool)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for _ in range(CLIENTS):
            pool.submit(load)
        time.sleep(1.5)
        outage = time.monotonic()
        with admin.connect() as connection:
            killed = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        time.sleep(3)
        stop.set()
    admin.dispose()

    assert killed >= 4, "each gunicorn worker had at least one connection"
    before = Counter(status for started, status in results if started < outage - GRACE)
    during = Counter(status for started, status in results if outage - GRACE <= started <= outage + GRACE)
    after = Counter(status for started, status in results if started > outage + GRACE)
    assert set(before) == {200}, before
    # Only a request a worker was serving at that moment may fail, with a 503 to retry.
    assert set(during) <= {200, 503} and during[503] <= 4, during
    assert sum(after.values()) > 20 and set(after) == {200}, (after, server.log()[-3000:])
    assert server.process.poll() is None

    # A purchase, which writes, goes through too.
    browser = Browser(server)
    browser.sign_in("after@example.com")
    page = browser.get("/buy?country=DE&kind=long&tier_months=3")
    number = page.text.split('name="number" value="', 1)[1].split('"', 1)[0]
    review = browser.get(f"/buy/review?country=DE&kind=long&tier_months=3&number={number}")
    paid = browser.post("/buy/checkout", {"token": Browser.hidden(review, "token"),
                                         "csrf_token": Browser.hidden(review, "csrf_token")})
    assert paid.status == 302 and "/buy/done/" in paid.location
    with setup_app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Rental)) == 1
