"""The ``alerts`` table: store (one row per kind, unit, subject and period start), list in a unit scope,
acknowledge, close. Rows come back as :class:`antt.domain.alerts.Alert`."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from antt.domain.alerts import Alert, AlertCandidate, AlertStatus
from antt.storage.tables import AlertRow

ACTIVE = (AlertStatus.OPEN.value, AlertStatus.ACKNOWLEDGED.value)


def to_alert(row: AlertRow) -> Alert:
    return Alert(
        id=row.id,
        kind=row.kind,
        scheme=row.scheme,
        unit_code=row.unit_code,
        subject=row.subject,
        period_start=row.period_start,
        period_end=row.period_end,
        figures=dict(row.figures or {}),
        explanation_vi=row.explanation_vi,
        explanation_en=row.explanation_en,
        sensitive=bool(row.sensitive),
        status=AlertStatus(row.status),
        created_at=row.created_at,
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=row.acknowledged_at,
        action_taken=row.action_taken,
        closed_at=row.closed_at,
    )


def upsert(
    session: Session, candidates: Iterable[AlertCandidate], now: datetime
) -> tuple[list[int], list[int]]:
    """Store ``candidates``: new ones open; one already stored gets its figures and explanation updated
    (its status kept). → (ids of new alerts, ids of updated ones)."""
    new: list[int] = []
    updated: list[int] = []
    for c in candidates:
        row = session.scalars(
            select(AlertRow).where(
                AlertRow.kind == c.kind,
                AlertRow.scheme == c.scheme,
                AlertRow.unit_code == c.unit_code,
                AlertRow.subject == c.subject,
                AlertRow.period_start == c.period_start,
            )
        ).one_or_none()
        if row is None:
            row = AlertRow(
                kind=c.kind,
                scheme=c.scheme,
                unit_code=c.unit_code,
                subject=c.subject,
                period_start=c.period_start,
                period_end=c.period_end,
                figures=dict(c.figures),
                explanation_vi=c.explanation_vi,
                explanation_en=c.explanation_en,
                sensitive=c.sensitive,
                status=AlertStatus.OPEN.value,
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            new.append(row.id)
        else:
            row.period_end = c.period_end
            row.figures = dict(c.figures)
            row.explanation_vi = c.explanation_vi
            row.explanation_en = c.explanation_en
            row.sensitive = c.sensitive
            row.updated_at = now
            updated.append(row.id)
    return new, updated


def list_alerts(
    session: Session,
    *,
    scheme: str | None = None,
    units: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
    kinds: Collection[str] | None = None,
    subject: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list[Alert]:
    """Alerts newest period first; ``units`` None = every unit."""
    query = select(AlertRow).order_by(
        AlertRow.period_start.desc(), AlertRow.unit_code, AlertRow.subject, AlertRow.id
    )
    if scheme is not None:
        query = query.where(AlertRow.scheme == scheme)
    if units is not None:
        query = query.where(AlertRow.unit_code.in_(list(units)))
    if statuses is not None:
        query = query.where(AlertRow.status.in_(list(statuses)))
    if kinds is not None:
        query = query.where(AlertRow.kind.in_(list(kinds)))
    if subject is not None:
        query = query.where(AlertRow.subject == subject)
    return [to_alert(r) for r in session.scalars(query.offset(offset).limit(limit))]


def version(session: Session) -> tuple[int, int, str]:
    """(how many, newest id, last change): moves whenever an alert is raised, acknowledged or closed."""
    count, newest, changed = session.execute(
        select(func.count(), func.max(AlertRow.id), func.max(AlertRow.updated_at))
    ).one()
    return int(count), int(newest or 0), str(changed or "")


def get(session: Session, alert_id: int, *, lock: bool = False) -> AlertRow | None:
    query = select(AlertRow).where(AlertRow.id == alert_id)
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def close_except(
    session: Session,
    kind: str,
    scheme: str,
    alarming: Collection[tuple[str, str]],
    before: date,
    now: datetime,
    subjects: Collection[str] | None = None,
) -> list[int]:
    """Close the active alerts of ``kind`` whose (unit, subject) is not among ``alarming`` any more (their
    series is back below threshold), for periods starting on or before ``before``; → their ids.
    ``subjects``: only alerts about these subjects (the series that were judged)."""
    query = select(AlertRow).where(
        AlertRow.kind == kind,
        AlertRow.scheme == scheme,
        AlertRow.status.in_(ACTIVE),
        AlertRow.period_start <= before,
    )
    if subjects is not None:
        query = query.where(AlertRow.subject.in_(list(subjects)))
    rows = session.scalars(query).all()
    closed: list[int] = []
    for row in rows:
        if (row.unit_code, row.subject) not in alarming:
            row.status = AlertStatus.CLOSED.value
            row.closed_at = now
            row.updated_at = now
            closed.append(row.id)
    return closed


def daily_counts(
    session: Session, start: date, end: date, *, articles: Collection[str] | None = None
) -> list[tuple[str, str, date, int]]:
    """(reporting unit, reporting group, local day, incidents) for incidents that occurred in [start, end]
    — the input of the weekly early-warning series; units are those of the reporting scheme (carried
    through the crosswalk at import, as CompStat counts them). With ``articles``: (unit, article, day,
    incidents) of the incidents of those Penal Code articles only."""
    from sqlalchemy import Date, literal_column

    from antt.storage.tables import IncidentRow as i

    subject = i.reporting_group if articles is None else i.article
    day: ColumnElement[date] = i.occurred_on.expression
    if articles is None and session.get_bind().dialect.name == "sqlite":
        # "+column" keeps SQLite off the index on the day alone (a lookup of every row, then a sort): the
        # index on (unit, group, day, …) covers the query in its grouping order — 6 s → 1.3 s at 1M
        # incidents without ANALYZE statistics (bench/warn.py --scan-db)
        day = literal_column(f"+{i.__tablename__}.occurred_on", type_=Date)
    query = (
        select(i.report_unit_code, subject, i.occurred_on, func.count())
        .where(day >= start, day <= end)
        .group_by(i.report_unit_code, subject, i.occurred_on)
    )
    if articles is not None:
        query = query.where(i.article.in_(list(articles)))
    return [(u, g, d, int(n)) for u, g, d, n in session.execute(query).all()]
