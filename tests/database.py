"""Helpers for tests that share one migrated database."""
from hardware.db import Base


def empty_every_table(engine) -> None:
    """Delete every row, children first, so the next test starts from nothing."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
