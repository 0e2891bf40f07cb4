"""Alembic environment of report-service (see naskah_shared.db.migrations)."""

from alembic import context

from naskah_shared.db.migrations import run_migrations
from report_service.adapters.tables import metadata

run_migrations(context, metadata)
