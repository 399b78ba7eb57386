"""Alembic environment: runs on the connection handed over by `storefront.db`
(`db upgrade`, `db revision`), against the metadata of every model, hardware's and
storefront's, so autogenerate sees every table."""
from alembic import context

from storefront.db import models_metadata

connection = context.config.attributes["connection"]


def skip_empty_revision(_context, _revision, directives):
    """`db revision` writes no file when autogenerate finds nothing to change."""
    if context.config.attributes.get("autogenerate") and directives[0].upgrade_ops.is_empty():
        directives[:] = []


context.configure(
    connection=connection,
    target_metadata=models_metadata(),
    render_as_batch=True,
    process_revision_directives=skip_empty_revision,
)
with context.begin_transaction():
    context.run_migrations()
