"""people, login sessions and the inbox's read model of SKs

Revision ID: 0003_people
Revises: 0002
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0003_people'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'people',
        sa.Column('id', sa.String(length=36), primary_key=True),
        sa.Column('username', sa.String(length=50), nullable=False, unique=True),
        sa.Column('nip', sa.String(length=18), nullable=True),
        sa.Column('nama', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('jabatan', sa.String(length=200), nullable=False),
        sa.Column('pangkat', sa.String(length=200), nullable=False),
        sa.Column('signer_id', sa.String(length=50), nullable=True),
        sa.Column('password_hash', sa.String(length=300), nullable=False),
        sa.Column('failed_logins', sa.Integer(), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_people_nip', 'people', ['nip'])
    op.create_table(
        'sessions',
        sa.Column('id_sha256', sa.String(length=64), primary_key=True),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('csrf_token', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_sessions_person_id', 'sessions', ['person_id'])
    op.create_table(
        'inbox_sk',
        sa.Column('sk_id', sa.String(length=36), primary_key=True),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('nomor', sa.String(length=100), nullable=True),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('awaiting', sa.String(length=20), nullable=True),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('document', sa.JSON(), nullable=True),
        sa.Column('last_action', sa.String(length=30), nullable=False),
        sa.Column('last_by', sa.String(length=200), nullable=True),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_inbox_sk_awaiting', 'inbox_sk', ['awaiting'])
    op.create_table(
        'inbox_activity',
        sa.Column('event_id', sa.String(length=36), primary_key=True),
        sa.Column('sk_id', sa.String(length=36), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=True),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('decision', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('ix_inbox_activity_person_id', 'inbox_activity', ['person_id'])


def downgrade() -> None:
    op.drop_table('inbox_activity')
    op.drop_table('inbox_sk')
    op.drop_table('sessions')
    op.drop_table('people')
