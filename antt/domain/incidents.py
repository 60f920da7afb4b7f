"""Incidents (vụ việc): one reported crime event, as validated at import and as stored.

Timestamps are stored in UTC; ``occurred_on`` is the local (Asia/Ho_Chi_Minh) calendar date, which every
period statistic counts by. Personal identifiers appear only as pseudonyms (see :mod:`antt.domain.people`).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from typing import NamedTuple

LOCAL_TZ_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving
LOCAL_TZ = timezone(LOCAL_TZ_OFFSET, "Asia/Ho_Chi_Minh")


class IncidentStatus(StrEnum):
    UNDER_INVESTIGATION = "under_investigation"
    CLEARED = "cleared"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    TRANSFERRED = "transferred"


STATUS_LABELS_VI = {
    IncidentStatus.UNDER_INVESTIGATION: "Đang điều tra",
    IncidentStatus.CLEARED: "Đã làm rõ",
    IncidentStatus.SUSPENDED: "Tạm đình chỉ",
    IncidentStatus.CLOSED: "Đình chỉ",
    IncidentStatus.TRANSFERRED: "Chuyển cơ quan khác",
}


class LocationFlag(StrEnum):
    """How the incident's unit relates to its coordinates."""

    CODE = "code"  # unit from the code; no coordinates
    MATCH = "match"  # code and coordinates agree
    MISMATCH = "mismatch"  # code and coordinates disagree (the code wins; flagged)
    POINT = "point"  # unit from the coordinates (no code given)
    NEAREST = "nearest"  # coordinates just outside every unit: nearest unit within the snap distance


class IncidentRecord(NamedTuple):
    """A validated incident row, ready to store (a named tuple: imports build a million of these)."""

    source_id: str
    occurred_at: datetime  # UTC, naive
    occurred_on: date  # local date
    reported_at: datetime | None
    unit_scheme: str
    unit_code: str
    lat: float | None
    lon: float | None
    location_flag: LocationFlag
    article: str
    clause: int | None
    reporting_group: str
    severity: str | None  # exact severity when known
    severity_min: (
        str | None
    )  # the lightest possible severity (the article's range when the clause is unknown)
    severity_max: str | None  # the heaviest possible severity
    status: IncidentStatus
    cleared_on: date | None
    suspects: int | None
    victims: int | None
    drug_related: bool
    organised_group: bool
    damage_vnd: int | None
    note: str | None
    report_unit_code: str = ""  # the unit in the reporting (current) scheme, carried through the crosswalk
    report_approx: bool = False  # the crosswalk split the old unit and no coordinates decided
    persons: tuple[str, ...] = ()

    def content_hash(self) -> str:
        """A digest of every stored field: re-importing an unchanged row is detected by comparing it."""
        text = "\x1f".join(["" if v is None else str(v) for v in self])
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def to_utc_naive(moment: datetime) -> datetime:
    """An aware datetime → naive UTC; a naive one is taken as local Vietnamese time."""
    if moment.tzinfo is None:
        return moment - LOCAL_TZ_OFFSET
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def local_date(utc_naive: datetime) -> date:
    return (utc_naive + LOCAL_TZ_OFFSET).date()
