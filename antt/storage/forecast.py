"""The located incidents a place-based forecast reads: time, WGS84 position and current commune only.

Incidents without coordinates are not read (a forecast needs a place). The actor's scope (``units``) and
the disclosure exclusions are applied here, in the query, like every other figure.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from antt.storage.exclusions import Exclusion, excluding
from antt.storage.tables import IncidentRow


def located_incidents(
    session: Session,
    before: date,
    *,
    units: Collection[str],
    groups: Collection[str],
    exclude: Sequence[Exclusion] = (),
) -> list[tuple[datetime, float, float, str]]:
    """``(occurred_at UTC, lat, lon, commune)`` of the located incidents of ``groups`` in ``units`` that
    occurred on a local day before ``before``, in time order."""
    i = IncidentRow
    query = (
        select(i.occurred_at, i.lat, i.lon, i.report_unit_code)
        .where(
            i.occurred_on < before,
            i.lat.is_not(None),
            i.lon.is_not(None),
            i.report_unit_code.in_(sorted(units)),
            i.reporting_group.in_(sorted(groups)),
        )
        .order_by(i.occurred_at, i.id)
    )
    query = excluding(query, exclude)
    return [
        (at, float(lat), float(lon), code)
        for at, lat, lon, code in session.execute(query).all()
        if lat is not None and lon is not None
    ]
