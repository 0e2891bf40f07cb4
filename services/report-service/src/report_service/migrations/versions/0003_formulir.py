"""formulir: each kampung's letter and every Formulir it returned (SOP steps 8-10)

Revision ID: 0003_formulir
Revises: 0002_deadlines
Create Date: 2026-12-01 10:05:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_formulir'
down_revision = '0002_deadlines'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'formulir_letters',
        sa.Column('letter_id', sa.String(length=36), nullable=False),
        sa.Column('batch_id', sa.String(length=36), nullable=False),
        sa.Column('sk_id', sa.String(length=36), nullable=False),
        sa.Column('kampung_kode', sa.String(length=120), nullable=False),
        sa.Column('kampung_nama', sa.String(length=300), nullable=False),
        sa.Column('distrik', sa.String(length=300), nullable=False),
        sa.Column('token_sha256', sa.String(length=64), nullable=True),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('letter_id'),
        sa.UniqueConstraint('token_sha256'),
    )
    op.create_index('ix_formulir_letters_batch_id', 'formulir_letters', ['batch_id'])
    op.create_index('ix_formulir_letters_sk_id', 'formulir_letters', ['sk_id'])
    op.create_table(
        'formulir_submissions',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('letter_id', sa.String(length=36), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('values', sa.JSON(), nullable=False),
        sa.Column('document', sa.JSON(), nullable=True),
        sa.Column('submitted_by', sa.String(length=200), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('notes', sa.JSON(), nullable=False),
        sa.Column('reviewed_by', sa.String(length=200), nullable=True),
        sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('letter_id', 'version', name='uq_formulir_version'),
    )
    op.create_index('ix_formulir_submissions_letter_id', 'formulir_submissions', ['letter_id'])


def downgrade() -> None:
    op.drop_table('formulir_submissions')
    op.drop_table('formulir_letters')
