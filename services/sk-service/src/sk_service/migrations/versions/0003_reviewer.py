"""reviews bound to persons: the reviewer's nama, and which system vouched

Revision ID: 0003_reviewer
Revises: 0002
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_reviewer'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sk_reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewer_nama', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('vouched_by', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sk_reviews', schema=None) as batch_op:
        batch_op.drop_column('vouched_by')
        batch_op.drop_column('reviewer_nama')
