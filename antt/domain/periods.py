"""Periods: inclusive date windows, and the one textual form of presets the CLI, the API and URLs share.

A :class:`Period` is ``start``–``end`` (both inclusive) plus its canonical ``key``; ``parse_period(p.key)
== p`` for every preset. The forms (see :func:`presets_help`):

* calendar: ``month:2026-04``, ``quarter:2026-Q2``, ``half:2026-H1``, ``year:2026``;
* the 15th→14th administrative reporting windows of Decree 09/2019/NĐ-CP Art. 12 (REFERENCE §3.5):
  ``report-month:2026-04`` = 15/03/2026–14/04/2026, ``report-quarter:2026-Q2`` = 15/03–14/06,
  ``report-half:2026-H1`` = 15/12/2025–14/06/2026, ``report-year:2025`` = 15/12/2024–14/12/2025;
* anchored on a day: ``ytd:``, ``report-ytd:``, ``last28:``, ``wtd:`` (ISO week, Monday first), ``day:``
  followed by ``YYYY-MM-DD``;
* ``custom:2026-01-01..2026-01-31`` (the prefix may be left out) and ``campaign:NAME``, looked up in a
  mapping of named campaign windows (e.g. the Tết peak 15/12/2023–29/02/2024).

``current`` / ``today`` (and ``previous`` for the month/quarter/half/year kinds) resolve against a given
``today`` (default: :func:`today_local`) to the concrete canonical key, so a saved link never drifts.

Comparisons: "cùng kỳ" (:meth:`Period.same_period_last_year`) and "kỳ trước"
(:meth:`Period.previous_period`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Final, TypeVar

from antt.errors import InvalidInput, Issue

VIETNAM_TZ: Final = timezone(timedelta(hours=7), "Asia/Ho_Chi_Minh")
"""Asia/Ho_Chi_Minh: UTC+7 all year (no daylight saving since 1975)."""

MAX_YEARS: Final = 10
"""The longest window accepted: ten years (a longer one is almost always a typo in a year)."""

_RANGE_SEP: Final = ".."
_ROMAN: Final = ("I", "II", "III", "IV")
_MONTHS_EN: Final = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)

# Kinds made of whole units of n months, numbered by an index: month y*12+m-1, quarter y*4+q-1, …
_SPAN_MONTHS: Final = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_REPORT_PREFIX: Final = "report-"
_DAY_KINDS: Final = ("ytd", "report-ytd", "last28", "wtd", "day")
_CURRENT_WORDS: Final = frozenset({"current", "today"})
_PREVIOUS_WORD: Final = "previous"

# (form, example, meaning in Vietnamese, meaning in English)
_HELP: Final = (
    ("month:YYYY-MM", "month:2026-04", "Tháng dương lịch", "Calendar month"),
    ("quarter:YYYY-Qn", "quarter:2026-Q2", "Quý dương lịch (Q1–Q4)", "Calendar quarter (Q1–Q4)"),
    (
        "half:YYYY-Hn",
        "half:2026-H1",
        "6 tháng đầu năm (H1) hoặc cuối năm (H2)",
        "Calendar half-year (H1, H2)",
    ),
    ("year:YYYY", "year:2026", "Năm dương lịch", "Calendar year"),
    (
        "report-month:YYYY-MM",
        "report-month:2026-04",
        "Tháng báo cáo (NĐ 09/2019): từ ngày 15 tháng trước đến ngày 14 tháng báo cáo",
        "Reporting month (Decree 09/2019): the 15th of the previous month to the 14th",
    ),
    (
        "report-quarter:YYYY-Qn",
        "report-quarter:2026-Q2",
        "Quý báo cáo: từ ngày 15 tháng trước quý đến ngày 14 tháng cuối quý",
        "Reporting quarter: the 15th of the month before the quarter to the 14th of its last month",
    ),
    (
        "report-half:YYYY-Hn",
        "report-half:2026-H1",
        "6 tháng báo cáo: H1 từ 15/12 năm trước đến 14/6, H2 từ 15/6 đến 14/12",
        "Reporting half-year: H1 15 Dec (previous year) – 14 Jun, H2 15 Jun – 14 Dec",
    ),
    (
        "report-year:YYYY",
        "report-year:2025",
        "Năm báo cáo: từ 15/12 năm trước đến 14/12",
        "Reporting year: 15 Dec of the previous year to 14 Dec",
    ),
    ("ytd:YYYY-MM-DD", "ytd:2026-04-14", "Từ đầu năm (01/01) đến ngày đã cho", "Year to date (from 1 Jan)"),
    (
        "report-ytd:YYYY-MM-DD",
        "report-ytd:2026-04-14",
        "Từ đầu năm báo cáo (15/12 năm trước) đến ngày đã cho",
        "Reporting year to date (from 15 Dec of the previous year)",
    ),
    (
        "last28:YYYY-MM-DD",
        "last28:2026-04-14",
        "28 ngày kết thúc vào ngày đã cho",
        "The 28 days ending on the given day",
    ),
    (
        "wtd:YYYY-MM-DD",
        "wtd:2026-04-14",
        "Từ thứ Hai đầu tuần đến ngày đã cho",
        "Week to date (from the Monday of that week)",
    ),
    ("day:YYYY-MM-DD", "day:2026-04-14", "Một ngày", "A single day"),
    (
        "custom:YYYY-MM-DD..YYYY-MM-DD",
        "custom:2026-01-01..2026-01-31",
        "Khoảng ngày tùy chọn, gồm cả hai đầu (tối đa 10 năm); có thể bỏ tiền tố custom:",
        "Any inclusive range of days (at most 10 years); the custom: prefix may be left out",
    ),
    ("campaign:NAME", "campaign:tet-2024", "Đợt cao điểm, chuyên đề đã khai báo", "A configured campaign"),
)
_CURRENT_HELP_VI: Final = (
    "Thay giá trị bằng current/today (vd. report-month:current, ytd:today) để lấy kỳ hiện tại; "
    "previous (vd. month:previous) để lấy kỳ liền trước"
)
_CURRENT_HELP_EN: Final = (
    "Use current/today as the value (e.g. report-month:current, ytd:today) for the period containing "
    "today; previous (e.g. month:previous) for the one before it"
)


class Comparison(StrEnum):
    SAME_PERIOD_LAST_YEAR = "same-period-last-year"  # "cùng kỳ"
    PREVIOUS_PERIOD = "previous-period"  # "kỳ trước"


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """An inclusive window of days and its canonical textual form.

    Build one with :func:`parse_period`, :func:`custom` or :func:`report_month_of`: they keep ``key``
    consistent with the dates; the methods below read the preset from ``key``.
    """

    start: date
    end: date
    key: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise _end_before_start(self.start, self.end, self.key)

    def __str__(self) -> str:
        return self.key

    @property
    def kind(self) -> str:
        """The preset: ``month``, ``report-month``, ``ytd``, ``custom``, ``campaign``, …"""
        return self.key.partition(":")[0]

    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def label_vi(self) -> str:
        """A Vietnamese label, dates ``dd/MM/yyyy``: ``Tháng 4/2026 (15/03/2026 – 14/04/2026)``."""
        return _label(self, vietnamese=True)

    def label_en(self) -> str:
        """An English label, dates ``dd/MM/yyyy``: ``Reporting month April 2026 (15/03/2026 – 14/04/2026)``."""
        return _label(self, vietnamese=False)

    def same_period_last_year(self) -> Period:
        """Cùng kỳ (the same period last year): the same preset one year earlier.

        Month/quarter/half/year kinds (calendar and reporting) take the same unit a year before. ``ytd``,
        ``report-ytd``, ``last28`` and ``day`` move their day back one year (29 Feb → 28 Feb), so
        ``last28`` keeps 28 days. ``wtd`` moves back 52 weeks (364 days): the same weekdays of the same
        ISO week, so the two windows have the same length and weekday mix. ``custom`` and ``campaign``
        shift both ends by one year (29 Feb → 28 Feb) and give a ``custom`` period.
        """
        return _guard(self.key, lambda: _same_period_last_year(self))

    def previous_period(self) -> Period:
        """Kỳ trước (the previous period): the preceding period of the same preset.

        Month/quarter/half/year kinds: the unit before (``report-month:2026-01`` → ``report-month:2025-12``);
        ``last28``: the 28 days before; ``day``: the day before; ``wtd``: the same days of the previous week.
        ``custom``, ``campaign``, ``ytd`` and ``report-ytd`` (whose windows overlap one another): a
        ``custom`` window of the same number of days ending the day before ``start``.
        """
        return _guard(self.key, lambda: _previous_period(self))

    def compare(self, how: Comparison | str) -> Period:
        """The period to compare with: :attr:`Comparison.SAME_PERIOD_LAST_YEAR` or ``PREVIOUS_PERIOD``."""
        try:
            comparison = Comparison(how)
        except ValueError:
            accepted = ", ".join(c.value for c in Comparison)
            raise InvalidInput(
                f"Không nhận ra cách so sánh {str(how)!r}. Các giá trị hợp lệ: {accepted}",
                f"Unknown comparison {str(how)!r}. Accepted: {accepted}",
            ) from None
        if comparison is Comparison.SAME_PERIOD_LAST_YEAR:
            return self.same_period_last_year()
        return self.previous_period()


# ---------------------------------------------------------------------------------------------- public API


def today_local(now: datetime | None = None) -> date:
    """Today's date in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). ``now`` must be timezone-aware."""
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("today_local() needs a timezone-aware datetime")
    return now.astimezone(VIETNAM_TZ).date()


def custom(start: date, end: date) -> Period:
    """Any inclusive window of at most :data:`MAX_YEARS` years: ``custom:YYYY-MM-DD..YYYY-MM-DD``."""
    key = f"custom:{start.isoformat()}{_RANGE_SEP}{end.isoformat()}"
    return _guard(key, lambda: _checked_window(start, end, key))


def period_from(text: str | None, start: date | None = None, end: date | None = None) -> Period:
    """A preset's textual form, or else an explicit window: what the CLI's --period / --from --to and the
    API's period / from / to both accept (exactly one of the two)."""
    if (text is None) == (start is None or end is None):
        raise InvalidInput(
            "Cần chỉ định kỳ (period) hoặc cả ngày bắt đầu và ngày kết thúc (from, to), không cả hai.",
            "Give either a period or both from and to dates, not both.",
        )
    return parse_period(text) if text is not None else custom(start, end)  # type: ignore[arg-type]


def report_month_of(day: date) -> Period:
    """The Decree 09/2019 reporting month ``day`` falls in: the 14th closes a month, the 15th opens the next."""
    return _guard(day.isoformat(), lambda: _span_period("report-month", _report_month_index(day)))


def presets_help() -> list[tuple[str, str, str]]:
    """Every accepted form as ``(form, example, meaning in Vietnamese)``, for help texts and docs."""
    return [(form, example, vi) for form, example, vi, _ in _HELP]


def parse_period(
    text: str,
    *,
    today: date | None = None,
    campaigns: Mapping[str, tuple[date, date]] | None = None,
) -> Period:
    """The period a textual form names; raises :class:`InvalidInput` (Vietnamese + English) if malformed.

    >>> parse_period("report-month:2026-04").label_vi()
    'Tháng 4/2026 (15/03/2026 – 14/04/2026)'
    >>> parse_period("report-month:current", today=date(2026, 11, 28)).key
    'report-month:2026-12'
    """
    raw = text.strip()
    if not raw:
        raise _malformed(text, "Chưa nhập kỳ", "No period given")
    prefix, colon, value = raw.partition(":")
    if not colon:
        if _RANGE_SEP in raw:
            return _guard(text, lambda: _parse_custom(text, raw))
        raise _malformed(text, "Không nhận ra dạng kỳ", "Unrecognised period form")
    kind = prefix.strip().lower()
    value = value.strip()
    if kind == "custom":
        return _guard(text, lambda: _parse_custom(text, value))
    if kind == "campaign":
        return _parse_campaign(text, value, campaigns)
    if kind in _DAY_KINDS:
        return _guard(text, lambda: _parse_day_kind(text, kind, value, today))
    base = kind.removeprefix(_REPORT_PREFIX)
    if base in _SPAN_MONTHS:
        return _guard(text, lambda: _parse_span_kind(text, kind, value, today))
    raise _malformed(text, f"Không có loại kỳ {prefix!r}", f"Unknown period kind {prefix!r}")


# ------------------------------------------------------------------------ month / quarter / half / year

# A "span" kind is a run of whole units of n months (n = 1, 3, 6, 12), numbered by an index i: the unit
# covers months i*n … i*n+n-1 counted as year*12 + month-1. The calendar window runs from the 1st of its
# first month to the last day of its last month; the reporting window (Decree 09/2019 Art. 12) from the 15th
# of the month *before* its first month to the 14th of its last month, so consecutive units tile the days.


def _month_date(month_index: int, day: int) -> date:
    year, month0 = divmod(month_index, 12)
    return date(year, month0 + 1, day)


def _last_day(month_index: int) -> date:
    return _month_date(month_index + 1, 1) - timedelta(days=1)


def _report_month_index(day: date) -> int:
    """The reporting month's index: from the 15th on, a day belongs to the next month's report."""
    return day.year * 12 + day.month - 1 + (1 if day.day >= 15 else 0)


def _span_period(kind: str, index: int) -> Period:
    months = _SPAN_MONTHS[kind.removeprefix(_REPORT_PREFIX)]
    first, last = index * months, index * months + months - 1
    if kind.startswith(_REPORT_PREFIX):
        start, end = _month_date(first - 1, 15), _month_date(last, 14)
    else:
        start, end = _month_date(first, 1), _last_day(last)
    return Period(start, end, f"{kind}:{_span_value(kind, index)}")


def _span_value(kind: str, index: int) -> str:
    base = kind.removeprefix(_REPORT_PREFIX)
    if base == "year":
        return f"{index:04d}"
    year, part = divmod(index, 12 // _SPAN_MONTHS[base])
    if base == "month":
        return f"{year:04d}-{part + 1:02d}"
    return f"{year:04d}-{'Q' if base == 'quarter' else 'H'}{part + 1}"


_SPAN_PATTERNS: Final = {
    "month": re.compile(r"(\d{4})-(\d{1,2})"),
    "quarter": re.compile(r"(\d{4})-[Qq](\d)"),
    "half": re.compile(r"(\d{4})-[Hh](\d)"),
    "year": re.compile(r"(\d{4})"),
}
_SPAN_PART_NAMES: Final = {
    "month": ("Tháng phải từ 01 đến 12", "Month must be 01 to 12"),
    "quarter": ("Quý phải từ Q1 đến Q4", "Quarter must be Q1 to Q4"),
    "half": ("Nửa năm phải là H1 hoặc H2", "Half-year must be H1 or H2"),
}


def _parse_span_kind(text: str, kind: str, value: str, today: date | None) -> Period:
    base = kind.removeprefix(_REPORT_PREFIX)
    lowered = value.lower()
    if lowered in _CURRENT_WORDS or lowered == _PREVIOUS_WORD:
        day = today if today is not None else today_local()
        month_index = (
            _report_month_index(day) if kind.startswith(_REPORT_PREFIX) else day.year * 12 + day.month - 1
        )
        index = month_index // _SPAN_MONTHS[base] - (1 if lowered == _PREVIOUS_WORD else 0)
        return _span_period(kind, index)
    match = _SPAN_PATTERNS[base].fullmatch(value)
    if match is None:
        raise _malformed(text, "Sai dạng giá trị", "Malformed value", kind=kind)
    year = int(match.group(1))
    if base == "year":
        return _span_period(kind, year)
    part, parts = int(match.group(2)), 12 // _SPAN_MONTHS[base]
    if not 1 <= part <= parts:
        vi, en = _SPAN_PART_NAMES[base]
        raise _malformed(text, vi, en, kind=kind)
    return _span_period(kind, year * parts + part - 1)


# ------------------------------------------------------------------------------------ day-anchored kinds


def _day_period(kind: str, day: date) -> Period:
    if kind == "ytd":
        start = date(day.year, 1, 1)
    elif kind == "report-ytd":
        report_year = day.year + (1 if (day.month, day.day) >= (12, 15) else 0)
        start = date(report_year - 1, 12, 15)
    elif kind == "last28":
        start = day - timedelta(days=27)
    elif kind == "wtd":
        start = day - timedelta(days=day.weekday())
    else:
        start = day
    return Period(start, day, f"{kind}:{day.isoformat()}")


def _parse_day_kind(text: str, kind: str, value: str, today: date | None) -> Period:
    if value.lower() in _CURRENT_WORDS:
        return _day_period(kind, today if today is not None else today_local())
    return _day_period(kind, _parse_date(text, value, kind=kind))


_DATE_RE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _parse_date(text: str, value: str, *, kind: str) -> date:
    match = _DATE_RE.fullmatch(value.strip())
    if match is None:
        raise _malformed(
            text, f"Ngày {value!r} không đúng dạng YYYY-MM-DD", f"Date {value!r} is not YYYY-MM-DD", kind=kind
        )
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise _malformed(text, f"Không có ngày {value!r}", f"No such date {value!r}", kind=kind) from None


# ------------------------------------------------------------------------------------ custom and campaign


def _parse_custom(text: str, value: str) -> Period:
    first, sep, second = value.partition(_RANGE_SEP)
    if not sep:
        raise _malformed(
            text, "Thiếu '..' giữa hai ngày", "Missing '..' between the two dates", kind="custom"
        )
    start = _parse_date(text, first, kind="custom")
    end = _parse_date(text, second, kind="custom")
    _check_window(start, end, text)
    return custom(start, end)


def _parse_campaign(text: str, name: str, campaigns: Mapping[str, tuple[date, date]] | None) -> Period:
    known = dict(campaigns or {})
    found = name if name in known else None
    if found is None and name:
        folded = [k for k in known if k.casefold() == name.casefold()]
        found = folded[0] if len(folded) == 1 else None
    if found is None:
        names = ", ".join(sorted(known)) if known else None
        raise InvalidInput(
            f"Không có đợt {name!r}. "
            + (f"Các đợt đã khai báo: {names}" if names else "Chưa khai báo đợt nào"),
            f"Unknown campaign {name!r}. "
            + (f"Known campaigns: {names}" if names else "No campaigns are configured"),
            [_issue(text, "period.campaign", f"Không có đợt {name!r}", f"Unknown campaign {name!r}")],
        )
    start, end = known[found]
    key = f"campaign:{found}"
    _guard(text, lambda: _check_window(start, end, text, "campaign"))
    return Period(start, end, key)


def _checked_window(start: date, end: date, key: str) -> Period:
    _check_window(start, end, key)
    return Period(start, end, key)


def _check_window(start: date, end: date, text: str, kind: str = "custom") -> None:
    if end < start:
        raise _end_before_start(start, end, text, kind)
    if end >= _shift_years(start, MAX_YEARS):
        raise _malformed(
            text,
            f"Khoảng {_fmt(start)} – {_fmt(end)} dài hơn {MAX_YEARS} năm",
            f"The range {_fmt(start)} – {_fmt(end)} is longer than {MAX_YEARS} years",
            kind=kind,
        )


def _end_before_start(start: date, end: date, text: str, kind: str = "custom") -> InvalidInput:
    return _malformed(
        text,
        f"Ngày kết thúc {_fmt(end)} trước ngày bắt đầu {_fmt(start)}",
        f"End date {_fmt(end)} is before start date {_fmt(start)}",
        kind=kind,
    )


# ------------------------------------------------------------------------------------------ comparisons


def _shift_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (earlier if negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def _same_period_last_year(period: Period) -> Period:
    kind = period.kind
    base = kind.removeprefix(_REPORT_PREFIX)
    if base in _SPAN_MONTHS:
        return _span_period(kind, _span_index(period) - 12 // _SPAN_MONTHS[base])
    if kind == "wtd":
        return _day_period(kind, period.end - timedelta(weeks=52))
    if kind in _DAY_KINDS:
        return _day_period(kind, _shift_years(period.end, -1))
    return custom(_shift_years(period.start, -1), _shift_years(period.end, -1))


def _previous_period(period: Period) -> Period:
    kind = period.kind
    if kind.removeprefix(_REPORT_PREFIX) in _SPAN_MONTHS:
        return _span_period(kind, _span_index(period) - 1)
    if kind == "last28":
        return _day_period(kind, period.start - timedelta(days=1))
    if kind == "day":
        return _day_period(kind, period.end - timedelta(days=1))
    if kind == "wtd":
        return _day_period(kind, period.end - timedelta(weeks=1))
    return custom(period.start - timedelta(days=period.days()), period.start - timedelta(days=1))


def _span_index(period: Period) -> int:
    """The unit index of a month/quarter/half/year period, from its last day (which both windows share)."""
    kind = period.kind
    months = _SPAN_MONTHS[kind.removeprefix(_REPORT_PREFIX)]
    return (period.end.year * 12 + period.end.month - 1) // months


# ---------------------------------------------------------------------------------------------- labels


def _fmt(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _label(period: Period, *, vietnamese: bool) -> str:
    kind = period.kind
    base = kind.removeprefix(_REPORT_PREFIX)
    reporting = kind.startswith(_REPORT_PREFIX) and base in _SPAN_MONTHS
    span = f"{_fmt(period.start)} – {_fmt(period.end)}"
    if base in _SPAN_MONTHS:
        name = _span_name(period, base, vietnamese=vietnamese, reporting=reporting)
        return f"{name} ({span})" if reporting else name
    end = _fmt(period.end)
    if vietnamese:
        labels_vi = {
            "last28": f"28 ngày đến {end} ({span})",
            "wtd": f"Từ đầu tuần đến {end} ({span})",
            "day": f"Ngày {end}",
            "campaign": f"Đợt {period.key.partition(':')[2]} ({span})",
        }
        return labels_vi.get(kind, f"Từ {_fmt(period.start)} đến {end}")
    labels_en = {
        "ytd": f"Year to date, {span}",
        "report-ytd": f"Reporting year to date, {span}",
        "last28": f"28 days to {end} ({span})",
        "wtd": f"Week to date ({span})",
        "day": end,
        "campaign": f"Campaign {period.key.partition(':')[2]} ({span})",
    }
    return labels_en.get(kind, f"From {_fmt(period.start)} to {end}")


def _span_name(period: Period, base: str, *, vietnamese: bool, reporting: bool) -> str:
    index = _span_index(period)
    if base == "year":
        if vietnamese:
            return f"Năm {index}"
        return f"Reporting year {index}" if reporting else f"Year {index}"
    year, part = divmod(index, 12 // _SPAN_MONTHS[base])
    if vietnamese:
        if base == "month":
            return f"Tháng {part + 1}/{year}"
        if base == "quarter":
            return f"Quý {_ROMAN[part]}/{year}"
        return f"6 tháng {'đầu' if part == 0 else 'cuối'} năm {year}"
    if base == "month":
        name, word = f"{_MONTHS_EN[part]} {year}", "month"
    elif base == "quarter":
        name, word = f"Q{part + 1} {year}", "quarter"
    else:
        name, word = f"H{part + 1} {year}", "half-year"
    return f"Reporting {word} {name}" if reporting else name


# ---------------------------------------------------------------------------------------------- errors

_T = TypeVar("_T")


FIRST_SUPPORTED_DAY = date(1800, 1, 1)
LAST_SUPPORTED_DAY = date(2299, 12, 31)
"""Periods lie within these days: far wider than any record (imports refuse dates before 2000 and in the
future), and far enough from Python's own limits (years 1–9999) that comparisons, trends and projections
a century either side never overflow."""


def check_supported_day(day: date | None, name: str = "as_of") -> None:
    """Refuse a ``day`` outside the supported days, naming the field: an "as of" day in year 1 or 9999
    would overflow the comparison a year before or after. ``None`` (not given) passes."""
    if day is None or FIRST_SUPPORTED_DAY <= day <= LAST_SUPPORTED_DAY:
        return
    vi = f"Ngày {name} = {day:%d/%m/%Y} nằm ngoài khoảng ngày hỗ trợ (năm 1800–2299)"
    en = f"The {name} day {day:%d/%m/%Y} is outside the supported dates (years 1800–2299)"
    raise InvalidInput(
        f"{vi}.", f"{en}.", [Issue(rule="date.unsupported", message_vi=vi, message_en=en, value=str(day))]
    )


def _guard(text: str, build: Callable[[], _T]) -> _T:
    """Run ``build``; a period outside the supported days (or Python's) becomes an :class:`InvalidInput`."""
    try:
        result = build()
    except (ValueError, OverflowError):
        pass
    else:
        if not isinstance(result, Period) or (
            result.start >= FIRST_SUPPORTED_DAY and result.end <= LAST_SUPPORTED_DAY
        ):
            return result
    raise _malformed(
        text,
        "Kỳ nằm ngoài khoảng ngày hỗ trợ (năm 1800–2299)",
        "The period falls outside the supported dates (years 1800–2299)",
    )


def _issue(text: str, rule: str, vi: str, en: str) -> Issue:
    return Issue(rule=rule, message_vi=vi, message_en=en, value=text)


def _malformed(text: str, vi: str, en: str, *, kind: str | None = None) -> InvalidInput:
    """An error naming the input, what is wrong, and the accepted forms (those of ``kind`` if given)."""
    rows = [row for row in _HELP if kind is not None and row[0].partition(":")[0] == kind] or list(_HELP)
    forms = "; ".join(f"{form} (vd. {example})" for form, example, _, _ in rows)
    forms_en = "; ".join(f"{form} (e.g. {example})" for form, example, _, _ in rows)
    relative = kind is None or kind in _DAY_KINDS or kind.removeprefix(_REPORT_PREFIX) in _SPAN_MONTHS
    return InvalidInput(
        f"Kỳ {text!r} không hợp lệ: {vi}. Dạng hợp lệ: {forms}."
        + (f" {_CURRENT_HELP_VI}." if relative else ""),
        f"Invalid period {text!r}: {en}. Accepted forms: {forms_en}."
        + (f" {_CURRENT_HELP_EN}." if relative else ""),
        [_issue(text, f"period.{kind or 'form'}", vi, en)],
    )
