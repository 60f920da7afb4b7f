"""the city's own targets: every version of a target an administrator set or retired, with the document
that sets it (target_versions)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('target_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.String(length=80), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=12), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_versions')),
    sa.UniqueConstraint('target_id', 'version', name=op.f('uq_target_versions_target_id_version'))
    )
    with op.batch_alter_table('target_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_versions_target_id'), ['target_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('target_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_versions_target_id'))

    op.drop_table('target_versions')
