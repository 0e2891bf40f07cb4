"""bsre: the audit trail records the remote signing service's receipt (BSrE's id_dokumen)

Revision ID: 0005_bsre
Revises: 0004_verify_cache
Create Date: 2026-12-01 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005_bsre'
down_revision = '0004_verify_cache'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_trail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remote_ref', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_trail', schema=None) as batch_op:
        batch_op.drop_column('remote_ref')
