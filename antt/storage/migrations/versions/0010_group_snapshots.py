"""group snapshots: the tracked co-offending groups of each weekly step, so tracking resumes instead of
starting again from the first incident (group_snapshots; a cache, pseudonyms only)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-10 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rules_key", sa.String(length=64), nullable=False),
        sa.Column("step_end", sa.Date(), nullable=False),
        sa.Column("group_id", sa.String(length=72), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_snapshots")),
    )
    with op.batch_alter_table("group_snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_group_snapshots_rules_step", ["rules_key", "step_end"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("group_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_group_snapshots_rules_step")

    op.drop_table("group_snapshots")
