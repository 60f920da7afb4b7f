"""The commune drug-control surveys (table ``drug_surveys``): one row per commune and year."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from antt.storage.tables import DrugSurveyRow, SurveyCampaignRow


def get(session: Session, year: int, unit: tuple[str, str], *, lock: bool = False) -> DrugSurveyRow | None:
    query = select(DrugSurveyRow).where(
        DrugSurveyRow.year == year,
        DrugSurveyRow.unit_scheme == unit[0],
        DrugSurveyRow.unit_code == unit[1],
    )
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def of_year(session: Session, year: int, units: Collection[tuple[str, str]] | None) -> list[DrugSurveyRow]:
    """The year's surveys, of ``units`` only when given (the reader's scope)."""
    query = select(DrugSurveyRow).where(DrugSurveyRow.year == year)
    if units is not None:
        if not units:
            return []
        query = query.where(tuple_(DrugSurveyRow.unit_scheme, DrugSurveyRow.unit_code).in_(sorted(units)))
    return list(session.scalars(query.order_by(DrugSurveyRow.unit_code)))


def save(
    session: Session,
    year: int,
    unit: tuple[str, str],
    form_version: str,
    answers: dict[str, object],
    status: str,
    by: str,
    at: datetime,
) -> DrugSurveyRow:
    """Insert or replace the commune's answers (a resubmission clears the earlier review)."""
    row = get(session, year, unit, lock=True)
    if row is None:
        row = DrugSurveyRow(year=year, unit_scheme=unit[0], unit_code=unit[1], review_comment="")
        session.add(row)
    row.form_version = form_version
    row.answers = answers
    row.status = status
    row.submitted_by = by
    row.submitted_at = at
    row.reviewed_by = None
    row.reviewed_at = None
    session.flush()
    return row


def campaign(session: Session, year: int) -> SurveyCampaignRow | None:
    return session.scalars(select(SurveyCampaignRow).where(SurveyCampaignRow.year == year)).one_or_none()


def save_campaign(
    session: Session,
    year: int,
    *,
    name: str,
    form_version: str,
    deadline: date,
    scheme: str,
    units: list[str] | None,
    by: str,
    now: datetime,
) -> SurveyCampaignRow:
    """Create ``year``'s campaign or replace its settings (one campaign a year)."""
    row = campaign(session, year)
    if row is None:
        row = SurveyCampaignRow(year=year)
        session.add(row)
    row.name, row.form_version, row.deadline, row.scheme = name, form_version, deadline, scheme
    row.units, row.created_by, row.updated_at = units, by, now
    session.flush()
    return row
