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
        """A digest of every stored field: re-importing an unchanged row is detected by comparing it.

        The digested text is each field's ``str()`` (empty for ``None``), joined by U+001F — stored hashes
        depend on it. It is spelled out field by field (``str()`` of a date or datetime is its
        ``isoformat``) because a million-row import computes it a million times.
        """
        (
            source_id,
            occurred_at,
            occurred_on,
            reported_at,
            unit_scheme,
            unit_code,
            lat,
            lon,
            location_flag,
            article,
            clause,
            reporting_group,
            severity,
            severity_min,
            severity_max,
            status,
            cleared_on,
            suspects,
            victims,
            drug_related,
            organised_group,
            damage_vnd,
            note,
            report_unit_code,
            report_approx,
            persons,
        ) = self
        text = "\x1f".join(
            [
                source_id,
                occurred_at.isoformat(" "),
                occurred_on.isoformat(),
                "" if reported_at is None else reported_at.isoformat(" "),
                unit_scheme,
                unit_code,
                "" if lat is None else str(lat),
                "" if lon is None else str(lon),
                str(location_flag),
                article,
                "" if clause is None else str(clause),
                reporting_group,
                "" if severity is None else severity,
                "" if severity_min is None else severity_min,
                "" if severity_max is None else severity_max,
                str(status),
                "" if cleared_on is None else cleared_on.isoformat(),
                "" if suspects is None else str(suspects),
                "" if victims is None else str(victims),
                str(drug_related),
                str(organised_group),
                "" if damage_vnd is None else str(damage_vnd),
                "" if note is None else note,
                report_unit_code,
                str(report_approx),
                str(persons),
            ]
        )
        return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


def to_utc_naive(moment: datetime) -> datetime:
    """An aware datetime → naive UTC; a naive one is taken as local Vietnamese time."""
    if moment.tzinfo is None:
        return moment - LOCAL_TZ_OFFSET
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def local_date(utc_naive: datetime) -> date:
    return (utc_naive + LOCAL_TZ_OFFSET).date()
