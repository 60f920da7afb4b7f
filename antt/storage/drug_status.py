"""The official drug-status decisions (table ``drug_decisions``): read them as domain records, add new
ones. Rows are never updated or deleted: the history of each commune's status is the table itself."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from antt.domain.drug_status import Decision, DrugStatus
from antt.storage.tables import DrugDecisionRow


def _decision(row: DrugDecisionRow) -> Decision:
    return Decision(
        unit=(row.unit_scheme, row.unit_code),
        year=row.year,
        status=DrugStatus(row.status),
        decision_number=row.decision_number,
        decision_date=row.decision_date,
        issued_by=row.issued_by,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        note=row.note,
    )


def all_decisions(session: Session) -> list[Decision]:
    """Every stored decision, in the order they were recorded."""
    return [_decision(r) for r in session.scalars(select(DrugDecisionRow).order_by(DrugDecisionRow.id))]


def stored_by_key(session: Session) -> dict[tuple[str, str, int, str], tuple[Decision, int]]:
    """Every stored decision by its key, with the import batch that recorded it."""
    return {
        (r.unit_scheme, r.unit_code, r.year, r.decision_number): (_decision(r), r.batch_id)
        for r in session.scalars(select(DrugDecisionRow))
    }


def add_decisions(session: Session, decisions: Iterable[Decision], batch_id: int) -> int:
    """Insert ``decisions`` (none of them stored yet) as imported by ``batch_id``; returns how many."""
    rows = [
        DrugDecisionRow(
            unit_scheme=d.unit[0],
            unit_code=d.unit[1],
            year=d.year,
            status=d.status.value,
            decision_number=d.decision_number,
            decision_date=d.decision_date,
            issued_by=d.issued_by,
            valid_from=d.valid_from,
            valid_to=d.valid_to,
            note=d.note,
            batch_id=batch_id,
        )
        for d in decisions
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)
