"""signature requests: the correlation id of the signature.requested they answer, so document.signed and
signature.rejected follow on that command's chain (correlation, causation)

Revision ID: 0010_requested_correlation
Revises: 0009_idempotency_owner
"""

import sqlalchemy as sa
from alembic import op

revision = '0010_requested_correlation'
down_revision = '0009_idempotency_owner'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('signature_requests') as batch:
        batch.add_column(sa.Column('requested_correlation', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('signature_requests') as batch:
        batch.drop_column('requested_correlation')
