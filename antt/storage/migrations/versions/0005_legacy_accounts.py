"""legacy accounts taken over through the e-ID: whether the old system had the account active, the e-ID
user who took it over and when, a refused link pending review on the e-ID user, and the scheduled lock of
the legacy accounts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legacy_active', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('linked_user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('linked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('link_review', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('link_review_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_linked_user_id'), ['linked_user_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_users_linked_user_id_users'), 'users', ['linked_user_id'], ['id'], ondelete='SET NULL'
        )
    # accounts of the old system recorded before this revision were all in use there
    op.execute("UPDATE users SET legacy_active = TRUE WHERE legacy = TRUE")

    op.create_table('legacy_lock_schedule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lock_at', sa.DateTime(), nullable=False),
    sa.Column('scheduled_by', sa.String(length=200), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legacy_lock_schedule'))
    )


def downgrade() -> None:
    op.drop_table('legacy_lock_schedule')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_linked_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_linked_user_id'))
        batch_op.drop_column('link_review_at')
        batch_op.drop_column('link_review')
        batch_op.drop_column('linked_at')
        batch_op.drop_column('linked_user_id')
        batch_op.drop_column('legacy_active')
