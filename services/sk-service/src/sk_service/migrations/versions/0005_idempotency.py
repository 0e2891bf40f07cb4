"""idempotency keys: the answer of each POST sent with an Idempotency-Key, for its retries

Revision ID: 0005_idempotency
Revises: 0004_letter_guards
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_idempotency'
down_revision = '0004_letter_guards'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('idempotency_keys',
    sa.Column('scope', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('scope', 'key')
    )


def downgrade() -> None:
    op.drop_table('idempotency_keys')
