"""letter guards: a lease per letter being produced, a version for compare-and-set writes

Revision ID: 0004_letter_guards
Revises: 0003_reviewer
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_letter_guards'
down_revision = '0003_reviewer'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('surat_edaran_letters') as batch:
        batch.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('surat_edaran_letters') as batch:
        batch.drop_column('version')
        batch.drop_column('claimed_until')
        batch.drop_column('claimed_by')
