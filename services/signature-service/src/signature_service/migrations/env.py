"""Alembic environment of signature-service (see naskah_shared.db.migrations)."""

from alembic import context

from naskah_shared.db.migrations import run_migrations
from signature_service.adapters.tables import metadata

run_migrations(context, metadata)
