"""idempotency keys: the owner (host:pid:boot) of a first request, so a retry takes over the key of a dead one

Revision ID: 0006_idempotency_owner
Revises: 0005_idempotency
"""

import sqlalchemy as sa
from alembic import op

revision = '0006_idempotency_owner'
down_revision = '0005_idempotency'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_keys') as batch:
        batch.add_column(sa.Column('owner', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('idempotency_keys') as batch:
        batch.drop_column('owner')
