"""Readers of single cells of an incident file: dates, whole numbers, yes/no flags, statuses, coordinates.

Each reader is a pure function of the cell's value, so the validator may remember its result per distinct
text: an export repeats the same few spellings (and the same few thousand days) a million times. The
rules they implement are those of ``../shared/formats/incidents.md``; the validator turns what they
return into issues.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from typing import TypeVar

from antt.domain.incidents import IncidentStatus, local_date, to_utc_naive
from antt.domain.text import fold

MIN_DATE = date(2000, 1, 1)
EXCEL_EPOCH = datetime(1899, 12, 30)
CACHE_LIMIT = 100_000  # distinct texts remembered per cache; a hostile file cannot grow it further

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_MIDNIGHT = timedelta(0)

STATUS = {
    fold(text): status
    for status, labels in {
        IncidentStatus.UNDER_INVESTIGATION: ("under_investigation", "Đang điều tra", "under investigation"),
        IncidentStatus.CLEARED: ("cleared", "Đã làm rõ", "làm rõ"),
        IncidentStatus.SUSPENDED: ("suspended", "Tạm đình chỉ"),
        IncidentStatus.CLOSED: ("closed", "Đình chỉ"),
        IncidentStatus.TRANSFERRED: ("transferred", "Chuyển cơ quan khác"),
    }.items()
    for text in labels
}
TRUE = {"1", "x", "co", "yes", "true", "y", "đ", "d"}
FALSE = {"", "0", "khong", "no", "false", "n"}

K = TypeVar("K")
V = TypeVar("V")

# What reading a date cell gives: (UTC moment, local day, rule broken, (text, date) of an Excel serial)
MomentResult = tuple[datetime | None, date | None, str | None, tuple[str, str] | None]


# what nobody sees in a cell: byte-order marks (a file pasted into another keeps its BOM mid-file),
# zero-width spaces and joiners, word joiners, soft hyphens
_INVISIBLE = str.maketrans("", "", "\ufeff\u200b\u200c\u200d\u2060\u00ad")


def clean_key(text: str) -> str:
    """An identifier or code as a person reads it: without invisible characters and surrounding
    whitespace (no-break spaces included), in NFC — so "\ufeffHP-2026-000001 " and "HP-2026-000001" are
    one incident, not two."""
    if text.isascii():
        return text.strip()
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE)).strip()


def remember(cache: dict[K, V], key: K, value: V) -> V:
    """Store ``value`` under ``key`` while the cache has room; return it."""
    if len(cache) < CACHE_LIMIT:
        cache[key] = value
    return value


class MomentReader:
    """Date cells → naive UTC moment and local (Asia/Ho_Chi_Minh) calendar day.

    Accepted: ``dd/mm/yyyy``, ``dd/mm/yyyy HH:MM[:SS]`` (also with ``.`` or ``-``), ISO 8601, an Excel
    date cell, and — with a warning — a 5-digit Excel serial number typed as text. Naive times are local
    time. Rules: ``date.format`` (unreadable), ``date.future`` (after ``now``), ``date.too_early``
    (before 1 Jan 2000). The two layouts exports use, ``dd/mm/yyyy`` and ``dd/mm/yyyy HH:MM``, are read
    through a cache of days and of times of day.
    """

    def __init__(self, now_utc: datetime) -> None:
        self.now_utc = now_utc
        # "dd/mm/yyyy" → (its local midnight in UTC, the day); "HH:MM" → time of day; None: not readable
        self._days: dict[str, tuple[datetime, date] | None] = {}
        self._times: dict[str, timedelta | None] = {}

    def read(self, raw: object) -> MomentResult:
        if isinstance(raw, str):
            if len(raw) == 16 and raw[2] == "/" and raw[5] == "/" and raw[10] == " " and raw[13] == ":":
                day_text, time_text = raw[:10], raw[11:]
            elif len(raw) == 10 and raw[2] == "/" and raw[5] == "/":
                day_text, time_text = raw, None
            else:
                return self._read_other(raw)
            day = self._days.get(day_text)
            if day is None and day_text not in self._days:
                day = remember(self._days, day_text, _day(day_text))
            if time_text is None:
                time_of_day: timedelta | None = _MIDNIGHT
            else:
                time_of_day = self._times.get(time_text)
                if time_of_day is None and time_text not in self._times:
                    time_of_day = remember(self._times, time_text, _time_of_day(time_text))
            if day is None or time_of_day is None:
                return None, None, "date.format", None
            utc = day[0] + time_of_day
            if utc > self.now_utc:
                return None, None, "date.future", None
            if day[1] < MIN_DATE:
                return None, None, "date.too_early", None
            return utc, day[1], None, None
        return self._read_other(raw)

    def _read_other(self, raw: object) -> MomentResult:
        moment, serial = _parse_other(raw)
        serial_warning = (serial, moment.strftime("%d/%m/%Y")) if serial and moment else None
        if moment is None:
            return None, None, "date.format", serial_warning
        try:
            utc = to_utc_naive(moment)
        except OverflowError:  # year 1 or 9999 near midnight: certainly too early or in the future
            return (
                None,
                None,
                ("date.too_early" if moment.year < MIN_DATE.year else "date.future"),
                serial_warning,
            )
        if utc > self.now_utc:
            return None, None, "date.future", serial_warning
        day = local_date(utc)
        if day < MIN_DATE:
            return None, None, "date.too_early", serial_warning
        return utc, day, None, serial_warning


def _day(text: str) -> tuple[datetime, date] | None:
    """``dd/mm/yyyy`` → (its local midnight in UTC, the day); ``None`` if it is no real day."""
    try:
        midnight = datetime(int(text[6:]), int(text[3:5]), int(text[:2]))
    except ValueError:
        return None
    try:
        return to_utc_naive(midnight), midnight.date()
    except OverflowError:  # 01/01/0001: no UTC moment, but certainly too early
        return datetime.min, midnight.date()


def _time_of_day(text: str) -> timedelta | None:
    """``HH:MM`` → time since midnight; ``None`` if it is no real time."""
    try:
        hours, minutes = int(text[:2]), int(text[3:])
    except ValueError:
        return None
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        return None
    return timedelta(hours=hours, minutes=minutes)


def _parse_other(raw: object) -> tuple[datetime | None, str | None]:
    """Every other date layout → (naive or aware moment, the text if it was an Excel serial number)."""
    if isinstance(raw, datetime):
        return raw, None
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day), None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return excel_serial(raw), None
    text = str(raw).strip()
    match = _DMY.match(text)
    if match:
        d, m, y, hh, mm, ss = match.groups()
        try:
            return datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0)), None
        except ValueError:
            return None, None
    if text.isdigit() and len(text) == 5:
        return excel_serial(int(text)), text
    if len(text) >= 10 and text[4] == "-" and text[7] == "-":
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")), None
        except ValueError:
            return None, None
    return None, None


def excel_serial(value: float) -> datetime | None:
    if not 36526 <= value < 2958466:  # 01/01/2000 … 31/12/9999
        return None
    return EXCEL_EPOCH + timedelta(days=float(value))


def status_of(text: str) -> IncidentStatus | None:
    return STATUS.get(fold(text))


def flag_of(text: str) -> bool | None:
    """A yes/no cell: ``True``/``False``, or ``None`` when it is neither."""
    key = fold(text)
    return True if key in TRUE else False if key in FALSE else None


def whole_number(raw: object, *, amount: bool) -> tuple[int | None, str | None]:
    """A count (or, with ``amount``, a sum of money that may use ``.`` or spaces between thousands).

    Returns ``(value, None)`` or ``(None, rule)`` with rule ``number.format`` or ``number.negative``.
    """
    if isinstance(raw, bool):
        return None, "number.format"
    if isinstance(raw, float):
        if not raw.is_integer():
            return None, "number.format"
        raw = int(raw)
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).replace(".", "").replace(" ", "") if amount else str(raw)
        try:
            value = int(text)
        except ValueError:
            return None, "number.format"
    if value < 0:
        return None, "number.negative"
    return value, None


def number(raw: object) -> float | None:
    """A decimal number (``,`` or ``.`` as the decimal mark); ``None`` if it is not a finite number."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        try:
            value = float(str(raw).replace(",", "."))
        except ValueError:
            return None
    return value if math.isfinite(value) else None


def person_id_parts(text: str) -> list[str]:
    """The identifiers of a ``person_ids`` cell: separated by ``;`` (also ``,`` or spaces)."""
    parts = text.split(";") if "," not in text and " " not in text else re.split(r"[;,\s]+", text)
    return [p for p in parts if p]


def mask(personal_id: str) -> str:
    """All but the last 3 characters hidden: a (possibly real) identifier is never echoed in full."""
    return "*" * max(len(personal_id) - 3, 0) + personal_id[-3:]
