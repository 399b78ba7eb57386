"""Shared by the benchmarks that serve from a PostgreSQL database they may wipe."""


def migrated_and_empty(url: str) -> None:
    """Migrate the database `url` names and delete every row, children first."""
    from hardware.db import Base
    from storefront.db import make_engine, upgrade

    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
