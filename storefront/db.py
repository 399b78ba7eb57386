"""Database engine, the per-request session, and the `db upgrade` / `db revision` /
`db check` commands (Alembic)."""
import re
import select as socket_select
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import AppGroup
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from flask import Flask, current_app, g
from sqlalchemy import create_engine, event, inspect
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


READ_ONLY = "storefront_read_only"


class Database:
    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Same pool and listeners; connections carry READ_ONLY, see _sqlite_begin.
        self.read_sessions = sessionmaker(self.engine.execution_options(**{READ_ONLY: True}),
                                          expire_on_commit=False)
        # One read on its own, outside any transaction (the sign-in check of every request):
        # on PostgreSQL in autocommit, so it is one round trip instead of three (BEGIN, the
        # query, ROLLBACK). SQLite has no round trips, and its driver must keep the
        # transaction handling _sqlite_pragmas set up: a read-only session there.
        self.single_read_sessions = (self.read_sessions if self.engine.dialect.name == "sqlite" else
                                     sessionmaker(self.engine.execution_options(isolation_level="AUTOCOMMIT"),
                                                  expire_on_commit=False))


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url)
    event.listen(engine, "checkout", _alive_or_replaced)
    return engine


def _alive_or_replaced(dbapi_connection, _record, _proxy):
    """Each checkout makes sure the pooled connection is still alive, without a round trip.

    A connection waiting in the pool is idle: the server sends nothing on it unless it is
    going away (a restart or pg_terminate_backend sends its last message, then closes the
    socket). So a socket with anything to read — or a connection psycopg already knows is
    broken — is dead: DisconnectionError makes the pool throw it away and check out another
    (or connect anew). This replaces SQLAlchemy's pool_pre_ping, which asked `SELECT 1` on
    every checkout: one more round trip on every request that touches the database.
    """
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the database connection is closed")
    try:
        readable, _, _ = socket_select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError) as error:
        raise DisconnectionError(f"the database connection's socket is gone: {error}") from error
    if readable:
        raise DisconnectionError("the database server sent something on an idle connection (it is going away)")


def _sqlite_pragmas(dbapi_connection, _record):
    # The sqlite3 driver's own transaction handling delays BEGIN, which breaks SAVEPOINTs
    # (a RELEASE would commit); SQLAlchemy emits BEGIN itself instead (_sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _sqlite_begin(connection):
    # SQLite has one writer at a time. Taking the write lock at BEGIN makes a concurrent
    # transaction wait its turn (busy timeout) instead of failing half-way with
    # "database is locked" when it first writes after reading.
    # A read-only session (read_session) never writes: a plain BEGIN reads a snapshot
    # (WAL) without queueing behind writers and other requests for that lock.
    if connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN")
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def session() -> Session:
    """The session of the current request or CLI command, closed at teardown."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["database"].sessions()
        for obj in g.pop(_TO_ATTACH, ()):
            _attached(g.db_session, obj)
    return g.db_session


_TO_ATTACH = "db_session_to_attach"


def attach(obj):
    """Put `obj` (loaded by another session, now closed: the signed-in user) in the current
    request's session, without asking the database again: now if the request has opened
    its session, else when it opens it — an answer that needs no database (a kept page)
    doesn't open one for it. Until then `obj` is detached, its loaded attributes readable."""
    if "db_session" in g:
        return _attached(g.db_session, obj)
    g.setdefault(_TO_ATTACH, []).append(obj)
    return obj


def _attached(db_session: Session, obj):
    present = db_session.identity_map.get(inspect(obj).key)
    if present is not None:  # the session has read it already: one instance per row
        return present
    db_session.add(obj)
    return obj


def read_session() -> Session:
    """A second session of the current request, for reads only (never write with it).

    On SQLite its transactions don't take the write lock at BEGIN, so pages that only
    show data (the landing page's stock) don't queue behind each other; on PostgreSQL
    it is an ordinary session.
    """
    if "db_read_session" not in g:
        g.db_read_session = current_app.extensions["database"].read_sessions()
    return g.db_read_session


@contextmanager
def transaction(db_session: Session):
    """One unit of work: committed at the end, rolled back whole on any error.

    Reads made on the session before it (which SQLAlchemy has already begun) join it.
    """
    try:
        yield db_session
        db_session.commit()
    except BaseException:
        db_session.rollback()
        raise


def _close_session(_exc):
    for name in ("db_session", "db_read_session"):
        db_session = g.pop(name, None)
        if db_session is not None:
            try:
                db_session.close()
            except DBAPIError as error:
                # The database dropped the connection after the answer was made (a restart):
                # SQLAlchemy has invalidated it, the pool replaces it; the answer stands.
                current_app.logger.warning("database connection lost at the end of a request: %s",
                                           getattr(error, "orig", None) or error)


def alembic_config(connection, script_location: Path | None = None) -> AlembicConfig:
    """Alembic's settings for our migrations, on an open connection (see migrations/env.py)."""
    config = AlembicConfig()
    config.set_main_option("script_location", str(script_location or MIGRATIONS))
    # A revision's file is named by its id, which says its place and what it does: 0016_outbox_retries.py
    config.set_main_option("file_template", "%%(rev)s")
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision of every migration branch."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "heads")


def next_revision_id(message: str, script_location: Path | None = None) -> str:
    """The next number after the highest revision file's, then the message in a few words:
    `0016_outbox_retries`."""
    numbers = [int(match.group(1)) for path in ((script_location or MIGRATIONS) / "versions").glob("*.py")
               if (match := re.match(r"(\d{4})_", path.name))]
    slug = "_".join(re.findall(r"[a-z0-9]+", message.lower()))[:40].rstrip("_") or "revision"
    return f"{max(numbers, default=0) + 1:04d}_{slug}"


def new_revision(engine: Engine, message: str, autogenerate: bool = True,
                 script_location: Path | None = None) -> Path | None:
    """Write the next migration: what the models have and the database (upgraded to the newest
    revision) lacks, or an empty one to fill in by hand. None when autogenerate finds nothing."""
    with engine.begin() as connection:
        config = alembic_config(connection, script_location)
        command.upgrade(config, "heads")
        config.attributes["autogenerate"] = autogenerate
        script = command.revision(config, message=message, autogenerate=autogenerate,
                                  rev_id=next_revision_id(message, script_location))
    if not script:  # autogenerate found nothing (migrations/env.py writes no file then)
        return None
    return Path(script.path)


def model_changes(engine: Engine) -> list:
    """What the models have and the migrations (applied to this database) lack, as Alembic
    lists it: empty when they agree."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection)
        return compare_metadata(context, models_metadata())


def models_metadata():
    """The metadata of every table: storefront's and hardware's share one declarative base."""
    import hardware.models  # noqa: F401  (registers the tables)
    import storefront.models  # noqa: F401
    from hardware.db import Base
    return Base.metadata


@click.group("db", cls=AppGroup)
def db_cli():
    """Database schema."""


@db_cli.command("upgrade")
def upgrade_command():
    """Apply every pending migration."""
    upgrade(current_app.extensions["database"].engine)
    click.echo("Database is up to date.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does, in a few words.")
@click.option("--empty", is_flag=True, help="Write an empty migration to fill in by hand (data changes).")
def revision_command(message, empty):
    """Write the next migration from what the models changed (Alembic autogenerate).

    Upgrades the database first, so it compares with the newest migration. Read the file
    it writes before committing it: autogenerate misses renames and some constraints.
    """
    path = new_revision(current_app.extensions["database"].engine, message, autogenerate=not empty)
    if path is None:
        click.echo("No changes: the models and the migrations agree, so no migration was written.")
        return
    click.echo(f"Wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}: "
               "read it, adjust it, then run `db upgrade`.")


@db_cli.command("check")
def check_command():
    """Fail when the models and the migrations disagree (a migration is missing)."""
    engine = current_app.extensions["database"].engine
    upgrade(engine)
    changes = model_changes(engine)
    if changes:
        click.echo("The models differ from the migrations; write one with `db revision -m ...`:", err=True)
        for change in changes:
            click.echo(f"  {change}", err=True)
        raise SystemExit(1)
    click.echo("The models and the migrations agree.")


def init_app(app: Flask) -> None:
    app.extensions["database"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)
    app.cli.add_command(db_cli)
