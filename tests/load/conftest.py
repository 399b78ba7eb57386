"""Load and fault tests: the app under gunicorn (4 sync workers) on PostgreSQL, over loopback.

They run with the rest of the suite but only on PostgreSQL: without a TEST_DATABASE_URL
pointing at one they are skipped (SQLite has one writer at a time; concurrency there is
not what these tests are about). Each test prepares its data through the services in
this process, starts its own gunicorn on a free port, drives it with threads of plain
HTTP clients (cookies, CSRF tokens read from the pages, as a browser does) and empties
every table afterwards.
"""
import pytest
from argon2 import PasswordHasher

from storefront import create_app
from storefront.cli import DEMO_CATALOG
from tests.database import empty_every_table
from tests.load.harness import SECRET_KEY, Server


@pytest.fixture
def pg_url(database_url, request, tmp_path):
    """The migrated PostgreSQL test database; skipped on SQLite. Emptied afterwards."""
    if not database_url.startswith("postgresql"):
        pytest.skip("load and fault tests run on PostgreSQL only (TEST_DATABASE_URL)")
    url = request.getfixturevalue("migrated_database")
    yield url
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "MAIL_DIR": str(tmp_path / "mail")})
    engine = app.extensions["database"].engine
    empty_every_table(engine)
    engine.dispose()


@pytest.fixture
def setup_app(pg_url, tmp_path, monkeypatch):
    """An app in this process, for preparing data through the services.

    Accounts get a cheap Argon2 hash (the server verifies whatever parameters a hash
    carries), so 200 sign-ins measure the storefront rather than the password hashing.
    """
    from storefront.services import accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    app = create_app({"DATABASE_URL": pg_url, "SECRET_KEY": SECRET_KEY, "MAIL_DIR": str(tmp_path / "mail")})
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["catalog", "import", str(DEMO_CATALOG)])
        assert result.exit_code == 0, result.output
    yield app
    app.extensions["database"].engine.dispose()


@pytest.fixture
def start_server(pg_url, tmp_path):
    servers = []

    def start(**environment) -> Server:
        directory = tmp_path / f"server{len(servers)}"
        directory.mkdir()
        server = Server(pg_url, directory, **environment)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()

