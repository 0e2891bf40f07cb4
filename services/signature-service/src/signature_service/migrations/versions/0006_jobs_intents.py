"""batch jobs with a lease, archive intents, attempts reserved against the lockout

Revision ID: 0006_jobs_intents
Revises: 0005_bsre
Create Date: 2026-12-01 09:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006_jobs_intents'
down_revision = '0005_bsre'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'batch_jobs',
        sa.Column('batch_id', sa.String(length=36), primary_key=True),
        sa.Column('signer', sa.String(length=50), primary_key=True),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_count', sa.Integer(), nullable=False),
        sa.Column('left_count', sa.Integer(), nullable=False),
        sa.Column('error_code', sa.String(length=50), nullable=True),
        sa.Column('error_message', sa.String(length=500), nullable=True),
    )
    op.create_table(
        'archive_intents',
        sa.Column('request_id', sa.String(length=36), primary_key=True),
        sa.Column('signer', sa.String(length=50), nullable=False),
        sa.Column('bucket', sa.String(length=100), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=True),
        sa.Column('sha256_in', sa.String(length=64), nullable=True),
        sa.Column('remote_addr', sa.String(length=100), nullable=True),
        sa.Column('user_agent', sa.String(length=300), nullable=True),
    )
    with op.batch_alter_table('signer_lockouts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reserved', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('reserved_until', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('signer_lockouts', schema=None) as batch_op:
        batch_op.drop_column('reserved_until')
        batch_op.drop_column('reserved')
    op.drop_table('archive_intents')
    op.drop_table('batch_jobs')
