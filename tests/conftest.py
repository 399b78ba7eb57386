"""Fixtures shared by every test that needs the app: one per database backend.

Tests that touch the database run on SQLite, and again on PostgreSQL when
TEST_DATABASE_URL is set (`.ci/run` sets it when a server answers).
"""
import os
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from storefront import clock as storefront_clock
from storefront import create_app
from storefront.cli import DEMO_CATALOG
from storefront.db import make_engine, upgrade
from tests.database import empty_every_table, ensure_database
from tests.helpers import WEBHOOK_SECRET
from tools.stripe_standin import LocalStripe


@pytest.fixture
def clock():
    """The storefront's one clock, frozen at the real now for this test: travel with
    `clock.set(datetime(..., tzinfo=timezone.utc))` or `clock.advance(days=31)` (caches
    age too). Module-level, so a live server thread sees the same time. Reset after."""
    storefront_clock.freeze()
    yield storefront_clock
    storefront_clock.reset()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'storefront.sqlite3'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: PostgreSQL run skipped (set it to a PostgreSQL "
                    "database the tests may wipe, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    url = per_worker(url)
    try:
        ensure_database(url)
    except RuntimeError as error:
        pytest.exit(str(error), returncode=4)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def per_worker(url: str) -> str:
    """Under pytest-xdist (`make test` runs two workers) each worker wipes and fills a database
    of its own: `test` becomes `test_gw0`, `test_gw1`, ... (created when missing)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items):
    """The load and fault tests start servers of several processes and measure them: under
    xdist's `loadgroup` they all run on one worker, one after another, never two at once."""
    for item in items:
        if "tests/load/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group("load"))


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2 at its lowest cost for the whole run (as the load tests do): hashing and
    checking passwords work as in production, in a millisecond instead of most of a second."""
    from storefront.services import accounts

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    patch = pytest.MonkeyPatch()
    patch.setattr(accounts, "_hasher", cheap)
    accounts._dummy_hash.cache_clear()  # made again, cheaply, at the first sign-in
    yield
    patch.undo()
    accounts._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """The Stripe stand-in, on a free port for the whole run."""
    standin = LocalStripe(log_path=tmp_path_factory.mktemp("localstripe") / "localstripe.log")
    yield standin
    standin.stop()


@pytest.fixture(scope="session")
def migrated_database(database_url) -> str:
    engine = make_engine(database_url)
    upgrade(engine)
    engine.dispose()
    return database_url


@pytest.fixture
def empty_app(migrated_database, localstripe, tmp_path):
    """The app on a migrated database with nothing in it, not even a catalog."""
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": migrated_database,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "STRIPE_API_BASE": localstripe.base_url,
            "STRIPE_JS_URL": localstripe.js_url,
            "STRIPE_SECRET_KEY": "sk_test_suite",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_suite",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "MAIL_DIR": str(tmp_path / "mail"),
        }
    )
    yield app
    engine = app.extensions["database"].engine
    empty_every_table(engine)
    engine.dispose()


@pytest.fixture
def app(empty_app):
    """The app with the demo catalog loaded."""
    result = empty_app.test_cli_runner().invoke(args=["catalog", "import", str(DEMO_CATALOG)])
    assert result.exit_code == 0, result.output
    return empty_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo_catalog_path() -> Path:
    return DEMO_CATALOG


@pytest.fixture
def stocked_app(app):
    """The app with the demo catalog and the demo inventory (Sweden out of long-term stock)."""
    result = app.test_cli_runner().invoke(args=["demo", "load", "--no-accounts"])
    assert result.exit_code == 0, result.output
    return app


class Customers:
    """Makes customers with credits and signed-in test clients."""

    def __init__(self, app):
        self.app = app

    def signed_in(self, email: str = "ada@example.com", credits: str | None = None, roles=("customer",)):
        from storefront import db
        from storefront.services.accounts import create_user
        from storefront.services.credits import adjust_credits

        with self.app.app_context():
            create_user(db.session(), email, "correct horse battery", roles)
            if credits:
                adjust_credits(db.session(), email, credits, "Welcome credit")
        from storefront.models import STAFF_ROLES
        from tests.storefront.helpers import enrol_two_factor, sign_in

        if set(roles) & set(STAFF_ROLES):
            enrol_two_factor(self.app, email)  # staff must have two-factor sign-in
        client = self.app.test_client()
        sign_in(client, email, "correct horse battery")
        return client


@pytest.fixture
def customers(stocked_app) -> Customers:
    return Customers(stocked_app)


class CurrentApp:
    """A WSGI app that hands each request to the app of the test running now."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def http_server():
    """One HTTP server on a free loopback port for the whole run; `live_server` points it
    at each test's app (starting and stopping a server per test cost half a second each)."""
    current = CurrentApp()
    server = make_server("127.0.0.1", 0, current, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, current
    server.shutdown()
    thread.join()


@pytest.fixture
def live_server(app, http_server):
    """The test app served over HTTP on a free loopback port; yields its base URL.

    CSRF protection is on, as in production: every form a browser test submits (and every
    htmx post) must carry its token.
    """
    app.config["WTF_CSRF_ENABLED"] = True
    server, current = http_server
    current.app = app
    yield f"http://127.0.0.1:{server.server_port}"


def pytest_terminal_summary(terminalreporter):
    """Why tests were skipped, one line per reason with its count (pytest's own `-rs`
    names every test, hundreds of lines when the PostgreSQL variants are skipped)."""
    from collections import Counter

    reasons = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    if reasons:
        terminalreporter.section("why tests were skipped")
        for reason, count in reasons.most_common():
            terminalreporter.write_line(f"{count:5d}  {reason}")
