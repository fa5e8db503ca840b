"""Alembic environment: runs on the connection office_tui.core.migrate hands in."""

from alembic import context

import models

config = context.config
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=models.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
