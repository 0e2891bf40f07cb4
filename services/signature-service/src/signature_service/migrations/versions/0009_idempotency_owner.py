"""idempotency keys: the owner (host:pid:boot) of a first request, so a retry takes over the key of a dead one

Revision ID: 0009_idempotency_owner
Revises: 0008_inbox_disposisi
"""

import sqlalchemy as sa
from alembic import op

revision = '0009_idempotency_owner'
down_revision = '0008_inbox_disposisi'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_keys') as batch:
        batch.add_column(sa.Column('owner', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('idempotency_keys') as batch:
        batch.drop_column('owner')
