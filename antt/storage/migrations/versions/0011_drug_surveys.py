"""drug surveys: each commune's answers to the year's drug-control survey and their review (drug_surveys)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-11 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drug_surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("unit_scheme", sa.String(length=16), nullable=False),
        sa.Column("unit_code", sa.String(length=8), nullable=False),
        sa.Column("form_version", sa.String(length=32), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("submitted_by", sa.String(length=200), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_by", sa.String(length=200), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_scheme", "unit_code"],
            ["units.scheme", "units.code"],
            name=op.f("fk_drug_surveys_unit_scheme_unit_code_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drug_surveys")),
        sa.UniqueConstraint(
            "year", "unit_scheme", "unit_code", name=op.f("uq_drug_surveys_year_unit_scheme_unit_code")
        ),
    )


def downgrade() -> None:
    op.drop_table("drug_surveys")
