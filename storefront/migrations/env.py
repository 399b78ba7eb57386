"""Alembic environment: runs on the connection handed over by `storefront.db.upgrade`."""
from alembic import context

import storefront.models  # noqa: F401  (registers every table on the metadata)
from hardware.db import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
