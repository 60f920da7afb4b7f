"""report drafts: the periodic report written by the analyst on the web, every saved version of its texts
and options, and its review by the leader (report_drafts, report_draft_versions)

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-09 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period_key', sa.String(length=64), nullable=False),
    sa.Column('scheme', sa.String(length=16), nullable=False),
    sa.Column('unit_code', sa.String(length=16), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('approved_version', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('reviewed_by', sa.String(length=200), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_drafts'))
    )
    with op.batch_alter_table('report_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_drafts_unit_code'), ['unit_code'], unique=False)

    op.create_table('report_draft_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('saved_by', sa.String(length=200), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['report_drafts.id'], name=op.f('fk_report_draft_versions_draft_id_report_drafts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_draft_versions')),
    sa.UniqueConstraint('draft_id', 'version', name=op.f('uq_report_draft_versions_draft_id_version'))
    )
    with op.batch_alter_table('report_draft_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_draft_versions_draft_id'), ['draft_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('report_draft_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_draft_versions_draft_id'))

    op.drop_table('report_draft_versions')
    with op.batch_alter_table('report_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_drafts_unit_code'))

    op.drop_table('report_drafts')
