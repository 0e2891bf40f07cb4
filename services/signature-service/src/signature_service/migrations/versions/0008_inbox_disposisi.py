"""inbox_disposisi: the dispositions addressed to people, from report-service's disposisi.* events

Revision ID: 0008_inbox_disposisi
Revises: 0007_idempotency
Create Date: 2026-12-01 10:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008_inbox_disposisi'
down_revision = '0007_idempotency'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'inbox_disposisi',
        sa.Column('disposisi_id', sa.String(length=36), nullable=False),
        sa.Column('activity_id', sa.String(length=36), nullable=False),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('dari', sa.String(length=20), nullable=False),
        sa.Column('kepada', sa.String(length=20), nullable=False),
        sa.Column('nomor', sa.String(length=120), nullable=False),
        sa.Column('hal', sa.String(length=2000), nullable=False),
        sa.Column('sifat', sa.String(length=20), nullable=False),
        sa.Column('instruksi', sa.JSON(), nullable=False),
        sa.Column('catatan', sa.String(length=2000), nullable=False),
        sa.Column('batas_waktu', sa.DateTime(timezone=True), nullable=False),
        sa.Column('diberikan_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_by', sa.String(length=200), nullable=True),
        sa.Column('done_note', sa.String(length=2000), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('disposisi_id'),
    )
    op.create_index('ix_inbox_disposisi_kepada', 'inbox_disposisi', ['kepada'])


def downgrade() -> None:
    op.drop_table('inbox_disposisi')
