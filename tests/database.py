"""Helpers for tests that share one migrated database."""
from hardware.db import Base


def empty_every_table(engine) -> None:
    """Delete every row, children first, so the next test starts from nothing."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


def ensure_database(url: str) -> None:
    """Create the database `url` names if the server answers but it doesn't exist yet;
    otherwise fail the run with a message that says what to do."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError, ProgrammingError

    engine = create_engine(url)
    try:
        with engine.connect():
            return
    except OperationalError as error:
        if f'database "{make_url(url).database}" does not exist' not in str(error):
            raise RuntimeError(f"TEST_DATABASE_URL: cannot connect to {make_url(url).render_as_string()}: "
                               f"{error.orig}. Start the server or fix the URL.") from None
    finally:
        engine.dispose()
    name = make_url(url).database
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except (OperationalError, ProgrammingError) as error:
        raise RuntimeError(f"TEST_DATABASE_URL names the database {name!r}, which does not exist, and it could not "
                           f"be created ({error.orig}). Create it (createdb {name}) or point TEST_DATABASE_URL "
                           "at a database the tests may wipe.") from None
    finally:
        server.dispose()
