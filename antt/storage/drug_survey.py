"""The commune drug-control surveys (table ``drug_surveys``): one row per commune and year; the year's
campaign (``survey_campaigns``), the forms analysts defined (``survey_forms``) and the files sent with a
survey (``survey_attachments``)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.orm import Session

from antt.storage.tables import DrugSurveyRow, SurveyAttachmentRow, SurveyCampaignRow, SurveyFormRow


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


def forms(session: Session) -> list[SurveyFormRow]:
    return list(session.scalars(select(SurveyFormRow).order_by(SurveyFormRow.created_at, SurveyFormRow.id)))


def form(session: Session, code: str) -> SurveyFormRow | None:
    return session.scalars(select(SurveyFormRow).where(SurveyFormRow.code == code)).one_or_none()


def add_form(session: Session, row: SurveyFormRow) -> None:
    session.add(row)
    session.flush()


def surveys_on_form(session: Session, year: int, form_version: str) -> int:
    """How many of ``year``'s surveys were given on another form than ``form_version``."""
    query = select(func.count()).where(DrugSurveyRow.year == year, DrugSurveyRow.form_version != form_version)
    return int(session.scalar(query) or 0)


def attachments(session: Session, survey_id: int) -> dict[str, SurveyAttachmentRow]:
    """The files of one survey by question, without their bytes loaded until read."""
    rows = session.scalars(select(SurveyAttachmentRow).where(SurveyAttachmentRow.survey_id == survey_id))
    return {r.question_id: r for r in rows}


def save_attachment(session: Session, row: SurveyAttachmentRow) -> None:
    """Store ``row``, replacing the file the survey had for that question."""
    session.execute(
        delete(SurveyAttachmentRow).where(
            SurveyAttachmentRow.survey_id == row.survey_id,
            SurveyAttachmentRow.question_id == row.question_id,
        )
    )
    session.add(row)
    session.flush()
