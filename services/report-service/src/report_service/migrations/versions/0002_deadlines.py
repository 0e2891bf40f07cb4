"""step reminders: the mutu baku deadlines' reminders, claimed once

Revision ID: 0002_deadlines
Revises: 0001
Create Date: 2026-12-01 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0002_deadlines'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'step_reminders',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('activity_id', sa.String(length=36), nullable=False),
        sa.Column('step', sa.Integer(), nullable=False),
        sa.Column('deadline_key', sa.String(length=40), nullable=False),
        sa.Column('deadline', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recipients', sa.JSON(), nullable=False),
        sa.Column('email_status', sa.String(length=10), nullable=False),
        sa.Column('email_attempts', sa.Integer(), nullable=False),
        sa.Column('email_error', sa.String(length=500), nullable=True),
        sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('activity_id', 'step', 'deadline_key', 'seq', name='uq_step_reminder'),
    )
    with op.batch_alter_table('step_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_reminders_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_step_reminders_email_status'), ['email_status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('step_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_reminders_email_status'))
        batch_op.drop_index(batch_op.f('ix_step_reminders_activity_id'))
    op.drop_table('step_reminders')
