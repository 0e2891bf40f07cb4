"""disposisi: the Lembar Disposisi of SOP steps 1, 2, 7, 8 and 12

Revision ID: 0004_disposisi
Revises: 0003_formulir
Create Date: 2026-12-01 10:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_disposisi'
down_revision = '0003_formulir'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'disposisi',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('activity_id', sa.String(length=36), nullable=False),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('dari', sa.String(length=20), nullable=False),
        sa.Column('kepada', sa.String(length=20), nullable=False),
        sa.Column('nomor', sa.String(length=120), nullable=False),
        sa.Column('tanggal', sa.String(length=40), nullable=False),
        sa.Column('hal', sa.String(length=2000), nullable=False),
        sa.Column('sifat', sa.String(length=20), nullable=False),
        sa.Column('instruksi', sa.JSON(), nullable=False),
        sa.Column('catatan', sa.String(length=2000), nullable=False),
        sa.Column('batas_waktu', sa.DateTime(timezone=True), nullable=False),
        sa.Column('diberikan_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_by', sa.String(length=200), nullable=False),
        sa.Column('done_note', sa.String(length=2000), nullable=False),
        sa.Column('pdf', sa.JSON(), nullable=True),
        sa.Column('signed', sa.JSON(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('activity_id', 'step', name='uq_disposisi_step'),
    )
    op.create_index('ix_disposisi_activity_id', 'disposisi', ['activity_id'])
    op.create_index('ix_disposisi_kepada', 'disposisi', ['kepada'])


def downgrade() -> None:
    op.drop_table('disposisi')
