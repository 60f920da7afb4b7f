"""Report drafts as stored: a draft row (period, unit, review state) and its versions, appended, never
updated or deleted. Access is decided by the service (:mod:`antt.services.report_drafts`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from antt.storage.tables import ReportDraftRow, ReportDraftVersionRow


@dataclass(frozen=True)
class DraftVersion:
    version: int
    texts: dict[str, str]
    options: dict[str, Any]
    saved_by: str
    saved_at: datetime  # naive UTC


@dataclass(frozen=True)
class Draft:
    id: int
    period_key: str
    scheme: str
    unit_code: str | None  # None: the city's report
    status: str
    current_version: int
    approved_version: int | None
    created_by: str
    created_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_note: str


def _draft(row: ReportDraftRow) -> Draft:
    return Draft(
        row.id,
        row.period_key,
        row.scheme,
        row.unit_code,
        row.status,
        row.current_version,
        row.approved_version,
        row.created_by,
        row.created_at,
        row.reviewed_by,
        row.reviewed_at,
        row.review_note,
    )


def _version(row: ReportDraftVersionRow) -> DraftVersion:
    return DraftVersion(row.version, dict(row.texts), dict(row.options), row.saved_by, row.saved_at)


def create_draft(
    session: Session,
    *,
    period_key: str,
    scheme: str,
    unit_code: str | None,
    texts: dict[str, str],
    options: dict[str, Any],
    by: str,
    at: datetime,
) -> Draft:
    """A new draft with its version 1."""
    row = ReportDraftRow(
        period_key=period_key,
        scheme=scheme,
        unit_code=unit_code,
        status="draft",
        current_version=1,
        created_by=by,
        created_at=at,
        review_note="",
    )
    session.add(row)
    session.flush()
    session.add(
        ReportDraftVersionRow(
            draft_id=row.id, version=1, texts=texts, options=options, saved_by=by, saved_at=at
        )
    )
    session.flush()
    return _draft(row)


def get_draft(session: Session, draft_id: int, *, for_update: bool = False) -> Draft | None:
    query = select(ReportDraftRow).where(ReportDraftRow.id == draft_id)
    if for_update:
        query = query.with_for_update()
    row = session.scalar(query)
    return None if row is None else _draft(row)


def list_drafts(session: Session, *, units: frozenset[str] | None, limit: int = 200) -> list[Draft]:
    """The newest drafts first; with ``units``, only those of these communes (``None``: every draft)."""
    query = select(ReportDraftRow).order_by(ReportDraftRow.id.desc()).limit(limit)
    if units is not None:
        query = query.where(ReportDraftRow.unit_code.in_(sorted(units)))
    return [_draft(row) for row in session.scalars(query)]


def versions(session: Session, draft_id: int) -> list[DraftVersion]:
    query = (
        select(ReportDraftVersionRow)
        .where(ReportDraftVersionRow.draft_id == draft_id)
        .order_by(ReportDraftVersionRow.version)
    )
    return [_version(row) for row in session.scalars(query)]


def get_version(session: Session, draft_id: int, version: int) -> DraftVersion | None:
    row = session.scalar(
        select(ReportDraftVersionRow).where(
            ReportDraftVersionRow.draft_id == draft_id, ReportDraftVersionRow.version == version
        )
    )
    return None if row is None else _version(row)


def append_version(
    session: Session, draft_id: int, *, texts: dict[str, str], options: dict[str, Any], by: str, at: datetime
) -> Draft:
    """Save the next version; a draft changed after submission or approval is a draft again."""
    row = session.scalar(select(ReportDraftRow).where(ReportDraftRow.id == draft_id).with_for_update())
    if row is None:
        raise LookupError(draft_id)
    row.current_version += 1
    row.status = "draft"
    row.approved_version = None
    session.add(
        ReportDraftVersionRow(
            draft_id=draft_id,
            version=row.current_version,
            texts=texts,
            options=options,
            saved_by=by,
            saved_at=at,
        )
    )
    session.flush()
    return _draft(row)


def set_review(
    session: Session,
    draft_id: int,
    *,
    status: str,
    by: str | None,
    at: datetime | None,
    note: str,
    approved_version: int | None,
) -> Draft:
    row = session.scalar(select(ReportDraftRow).where(ReportDraftRow.id == draft_id).with_for_update())
    if row is None:
        raise LookupError(draft_id)
    row.status = status
    row.reviewed_by, row.reviewed_at, row.review_note = by, at, note
    row.approved_version = approved_version
    session.flush()
    return _draft(row)
