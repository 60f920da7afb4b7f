"""official drug status of communes: the decisions recognising drug-free communes and deciding the
QĐ 28/2025/QĐ-TTg classes, per commune and year, with their document and validity (drug_decisions)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('drug_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_scheme', sa.String(length=16), nullable=False),
    sa.Column('unit_code', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decision_number', sa.String(length=100), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('issued_by', sa.String(length=300), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_drug_decisions_batch_id_import_batches')),
    sa.ForeignKeyConstraint(['unit_scheme', 'unit_code'], ['units.scheme', 'units.code'], name=op.f('fk_drug_decisions_unit_scheme_unit_code_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drug_decisions')),
    sa.UniqueConstraint('unit_scheme', 'unit_code', 'year', 'decision_number', name=op.f('uq_drug_decisions_unit_scheme_unit_code_year_decision_number'))
    )
    with op.batch_alter_table('drug_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drug_decisions_batch_id'), ['batch_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('drug_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drug_decisions_batch_id'))

    op.drop_table('drug_decisions')
