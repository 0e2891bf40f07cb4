"""verification_cache: the verification report of each archived version, computed once

Revision ID: 0004_verify_cache
Revises: 0003_people
Create Date: 2026-12-01 09:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004_verify_cache'
down_revision = '0003_people'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'verification_cache',
        sa.Column('bucket', sa.String(length=63), nullable=False),
        sa.Column('key', sa.String(length=300), nullable=False),
        sa.Column('version_id', sa.String(length=200), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('report', sa.JSON(), nullable=False),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('bucket', 'key', 'version_id'),
    )


def downgrade() -> None:
    op.drop_table('verification_cache')
