"""``antt warn backtest`` and ``antt warn inject``: the early-warning detectors on ANY events file.

An events file is a CSV with one row per event and at least a time, a unit and a category column (named
by the caller). Times are ISO 8601 (``2024-03-05``, ``2024-03-05 14:20``, ``2024-03-05T14:20:00+07:00``,
``…Z``); a time without an offset is local time in ``--tz``, one with an offset is converted to it. Each
event counts in the week (Monday–Sunday, local) of its local date.

The backtest judges every week whose Monday lies in [Monday of ``--from``, ``--to``]; everything before
``--from``'s week is history the detectors learn from (at least two years of it). Its file contract is
exact (issue 13): ``{"alerts": [{"unit", "category", "week_start", "observed", "expected", "threshold",
"score", "method"}]}``, one alert per series-week that alarms.

``inject`` writes a copy of an events file with rises of known size added (extra events at random times
of the rise's weeks) and the ground truth, so that ``backtest --truth`` measures every detector on any
data — with the naive baselines in the same run.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from antt.analytics.alerts import NAIVE_METHODS, Detection, Detector, IntArray, methods
from antt.analytics.alerts.evaluation import Evaluation, Injection, evaluate, inject
from antt.errors import InvalidInput, Issue

MIN_HISTORY_DAYS = 730  # two years before --from
EPOCH_MONDAY = date(1970, 1, 5)
# an offset after a time of day: Z, +07:00, +0700 or +07 (ISO 8601; PostgreSQL writes "+00"); a bare date
# "2019-12-01" ends in "-01" but has no time, so it is local
_OFFSET = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$")


@dataclass(frozen=True)
class Events:
    """Events as arrays: the local date of each, its series index; the series' (unit, category)."""

    frame: pd.DataFrame  # the file as read (strings), for inject
    day: np.ndarray  # datetime64[D] local dates
    series: IntArray
    keys: list[tuple[str, str]]


@dataclass(frozen=True)
class Weekly:
    counts: IntArray  # (series, weeks)
    first_monday: date
    keys: list[tuple[str, str]]

    def monday(self, week: int) -> date:
        return self.first_monday + timedelta(weeks=week)

    def week_of(self, day: date) -> int:
        return (day - self.first_monday).days // 7


def _problem(rule: str, vi: str, en: str, **where: Any) -> InvalidInput:
    return InvalidInput(vi, en, [Issue(rule, vi, en, **where)])


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _problem(
            "tz.unknown", f"Không biết múi giờ {name!r}.", f"Unknown time zone {name!r}.", value=name
        ) from None


def read_events(path: Path, time_col: str, unit_col: str, category_col: str, tz: str) -> Events:
    """Read and check an events file; every problem found → one :class:`InvalidInput`."""
    where = zone(tz)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise _problem(
            "file.missing", f"Không có tệp {path}.", f"No such file {path}.", file=str(path)
        ) from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _problem(
            "file.unreadable",
            f"Không đọc được tệp CSV {path}: {exc}",
            f"Cannot read the CSV file {path}: {exc}",
            file=str(path),
        ) from None
    missing = [c for c in (time_col, unit_col, category_col) if c not in frame.columns]
    if missing:
        issues = [
            Issue(
                "column.missing",
                f"Thiếu cột {c!r}.",
                f"Missing column {c!r}.",
                file=str(path),
                column=c,
            )
            for c in missing
        ]
        raise InvalidInput(
            f"Tệp {path} thiếu cột {', '.join(missing)} (có: {', '.join(frame.columns)}).",
            f"The file {path} lacks the column(s) {', '.join(missing)} (has: {', '.join(frame.columns)}).",
            issues,
        )
    day = local_days(frame[time_col], where, path, time_col)
    units = frame[unit_col].str.strip()
    cats = frame[category_col].str.strip()
    blank = np.flatnonzero((units == "").to_numpy() | (cats == "").to_numpy())
    if blank.size:
        raise _rows_problem(
            path,
            unit_col if (units == "").any() else category_col,
            blank,
            frame,
            "value.missing",
            "đơn vị hoặc nhóm trống",
            "empty unit or category",
        )
    codes, keys = pd.factorize(pd.MultiIndex.from_arrays([units, cats]), sort=True)
    return Events(frame, day, codes.astype(np.int64), [(str(u), str(c)) for u, c in keys])


def local_days(text: pd.Series, where: ZoneInfo, path: Path, column: str) -> np.ndarray:
    """The local calendar day of each time (see the module docstring); unparseable → InvalidInput."""
    raw = text.str.strip()
    aware = raw.str.contains(_OFFSET)
    days = np.empty(len(raw), dtype="datetime64[D]")
    bad = np.zeros(len(raw), dtype=bool)
    if aware.any():
        parsed = pd.to_datetime(raw[aware], format="ISO8601", utc=True, errors="coerce")
        local = parsed.dt.tz_convert(where).dt.tz_localize(None)
        bad[aware.to_numpy()] = local.isna().to_numpy()
        days[aware.to_numpy()] = local.dt.floor("D").to_numpy().astype("datetime64[D]")
    naive = ~aware
    if naive.any():
        parsed = pd.to_datetime(raw[naive], format="ISO8601", errors="coerce")
        bad[naive.to_numpy()] = parsed.isna().to_numpy()
        days[naive.to_numpy()] = parsed.dt.floor("D").to_numpy().astype("datetime64[D]")
    rows = np.flatnonzero(bad)
    if rows.size:
        raise _rows_problem(
            path,
            column,
            rows,
            text.to_frame(column),
            "time.unparseable",
            "thời gian không đọc được (cần ISO 8601, vd. 2024-03-05 14:20)",
            "unparseable time (ISO 8601 expected, e.g. 2024-03-05 14:20)",
        )
    return days


def _rows_problem(
    path: Path, column: str, rows: np.ndarray, frame: pd.DataFrame, rule: str, vi: str, en: str
) -> InvalidInput:
    issues = [
        Issue(rule, vi, en, file=str(path), row=int(r) + 2, column=column, value=str(frame[column].iloc[r]))
        for r in rows[:20]
    ]
    more = f" (+{rows.size - 20})" if rows.size > 20 else ""
    return InvalidInput(
        f"{path}: {rows.size} dòng có {vi}, vd. dòng {int(rows[0]) + 2}{more}.",
        f"{path}: {rows.size} row(s) with an {en}, e.g. row {int(rows[0]) + 2}{more}.",
        issues,
    )


def weekly(events: Events, last_day: date) -> Weekly:
    """Counts per series and Monday–Sunday week, from the week of the first event to that of ``last_day``."""
    first = events.day.min().astype(date) if events.day.size else last_day
    first_monday = first - timedelta(days=first.weekday())
    start = np.datetime64(first_monday, "D")
    week = ((events.day - start).astype(np.int64)) // 7
    n_weeks = (last_day - first_monday).days // 7 + 1
    keep = week < n_weeks
    counts = np.zeros((len(events.keys), n_weeks), dtype=np.int64)
    np.add.at(counts, (events.series[keep], week[keep]), 1)
    return Weekly(counts, first_monday, events.keys)


def judged_weeks(series: Weekly, start: date, end: date, first_event: date) -> IntArray:
    if end < start:
        raise _problem(
            "period.reversed",
            f"--to ({end}) trước --from ({start}).",
            f"--to ({end}) is before --from ({start}).",
        )
    if (start - first_event).days < MIN_HISTORY_DAYS:
        raise _problem(
            "history.short",
            f"Cần ít nhất hai năm dữ liệu trước --from ({start}); sự kiện đầu tiên ngày {first_event}.",
            f"At least two years of history are needed before --from ({start}); the first event is on "
            f"{first_event}.",
        )
    first = series.week_of(start)
    last = series.week_of(end)
    return np.arange(first, last + 1, dtype=np.int64)


def _number(x: float) -> float | None:
    return None if not math.isfinite(x) else round(float(x), 4)


def alert_rows(series: Weekly, detection: Detection) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for s, k in zip(*np.nonzero(detection.alarm), strict=True):
        unit, category = series.keys[s]
        rows.append(
            {
                "unit": unit,
                "category": category,
                "week_start": series.monday(int(detection.weeks[k])).isoformat(),
                "observed": int(detection.observed[s, k]),
                "expected": _number(detection.expected[s, k]),
                "threshold": _number(detection.threshold[s, k]),
                "score": _number(detection.score[s, k]),
                "method": detection.method,
            }
        )
    return rows


@dataclass(frozen=True)
class BacktestResult:
    alerts: list[dict[str, Any]]
    methods: list[str]
    series: int
    weeks: int
    evaluations: list[Evaluation]


def backtest(
    events_file: Path,
    *,
    time_col: str,
    unit_col: str,
    category_col: str,
    tz: str,
    start: date,
    end: date,
    method: str = "default",
    truth_file: Path | None = None,
) -> BacktestResult:
    chosen = methods(method)
    events = read_events(events_file, time_col, unit_col, category_col, tz)
    truth = read_truth(truth_file) if truth_file else None
    if not events.day.size:
        raise _problem("file.empty", f"Tệp {events_file} không có sự kiện.", f"No events in {events_file}.")
    series = weekly(events, end)
    weeks = judged_weeks(series, start, end, events.day.min().astype(date))
    detections = {d.name: d.run(series.counts, weeks) for d in chosen}
    alerts = [row for d in detections.values() for row in alert_rows(series, d)]
    alerts.sort(key=lambda r: (r["week_start"], r["unit"], r["category"], r["method"]))
    evaluations: list[Evaluation] = []
    if truth is not None:
        index = {key: n for n, key in enumerate(series.keys)}
        injections = [
            Injection(
                index[(r["unit"], r["category"])],
                series.week_of(date.fromisoformat(r["onset_week_start"])),
                int(r["weeks"]),
                float(r["factor"]),
                float(r.get("baseline_weekly", 0.0)),
                tuple(r.get("added", ())),
            )
            for r in truth
            if (r["unit"], r["category"]) in index
        ]
        compare = [d for d in methods(",".join(NAIVE_METHODS)) if d.name not in detections]
        for d in compare:
            detections[d.name] = d.run(series.counts, weeks)
        evaluations = [evaluate(name, det.alarm, weeks, injections) for name, det in detections.items()]
    return BacktestResult(alerts, [d.name for d in chosen], len(series.keys), int(weeks.size), evaluations)


def read_truth(path: Path) -> list[dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        rows = document["injections"]
        for r in rows:
            date.fromisoformat(r["onset_week_start"])
            int(r["weeks"])
            float(r["factor"])
            (r["unit"], r["category"])
        return list(rows)
    except FileNotFoundError:
        raise _problem("file.missing", f"Không có tệp {path}.", f"No such file {path}.") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise _problem(
            "truth.invalid",
            f"Tệp kết quả đúng {path} không hợp lệ ({exc}).",
            f"The ground-truth file {path} is not valid ({exc}).",
        ) from None


def write_json(path: Path, document: object) -> None:
    """Write beside and rename: the file is whole or absent."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def check_writable(*paths: Path) -> None:
    for p in paths:
        if not Path(p).parent.is_dir():
            raise _problem(
                "out.folder",
                f"Thư mục {Path(p).parent} không tồn tại.",
                f"The folder {Path(p).parent} does not exist.",
            )


def evaluation_document(e: Evaluation) -> dict[str, Any]:
    return {
        "method": e.method,
        "rises": e.rises,
        f"detected_within_{e.within}_weeks": _number(e.detected_within),
        "detected_any": _number(e.detected_any),
        "median_weeks_to_detection": e.median_weeks_to_detection,
        "false_alarms": e.false_alarms,
        "quiet_series_weeks": e.quiet_series_weeks,
        "false_alarm_rate": _number(e.false_alarm_rate),
    }


@dataclass(frozen=True)
class InjectResult:
    added_events: int
    injections: list[dict[str, Any]]


def inject_events(
    events_file: Path,
    out: Path,
    truth_out: Path,
    *,
    time_col: str,
    unit_col: str,
    category_col: str,
    tz: str,
    start: date,
    end: date,
    factor: float,
    weeks: int,
    rises: int,
    seed: int,
    min_baseline: float = 1.0,
) -> InjectResult:
    """Add ``rises`` rises of ``factor`` × for ``weeks`` weeks (onsets in [--from, --to]) to a copy of the
    events file; the added rows carry ``injected = 1``; the truth goes to ``truth_out``."""
    if factor <= 1.0 or weeks < 1 or rises < 1:
        raise _problem(
            "inject.size",
            "--factor phải > 1, --weeks và --rises ≥ 1.",
            "--factor must be > 1, --weeks and --rises ≥ 1.",
        )
    check_writable(out, truth_out)
    events = read_events(events_file, time_col, unit_col, category_col, tz)
    if not events.day.size:
        raise _problem("file.empty", f"Tệp {events_file} không có sự kiện.", f"No events in {events_file}.")
    series = weekly(events, end)
    judged = judged_weeks(series, start, end, events.day.min().astype(date))
    rng = np.random.default_rng(seed)
    _, truth = inject(
        series.counts,
        rng,
        factor=factor,
        length=weeks,
        rises=rises,
        first_week=int(judged[0]),
        last_week=int(judged[-1]),
        min_baseline=min_baseline,
    )
    where = zone(tz)
    new_rows: list[dict[str, str]] = []
    documents: list[dict[str, Any]] = []
    for rise in truth:
        unit, category = series.keys[rise.series]
        for d, n in enumerate(rise.added):
            monday = series.monday(rise.onset + d)
            seconds = rng.integers(0, 7 * 86400, size=n)
            for sec in seconds:
                moment = datetime(monday.year, monday.month, monday.day, tzinfo=where) + timedelta(
                    seconds=int(sec)
                )
                new_rows.append(
                    {time_col: moment.isoformat(timespec="seconds"), unit_col: unit, category_col: category}
                )
        documents.append(
            {
                "unit": unit,
                "category": category,
                "onset_week_start": series.monday(rise.onset).isoformat(),
                "weeks": rise.length,
                "factor": rise.factor,
                "baseline_weekly": round(rise.baseline, 4),
                "added": list(rise.added),
            }
        )
    frame = events.frame.copy()
    frame["injected"] = "0"
    added = pd.DataFrame(new_rows, columns=list(events.frame.columns)).fillna("")
    added["injected"] = "1"
    result = pd.concat([frame, added], ignore_index=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        result.to_csv(temporary, index=False)
        write_json(truth_out, {"injections": documents, "seed": seed})
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return InjectResult(len(new_rows), documents)


def detector_names(chosen: Sequence[Detector]) -> list[str]:
    return [d.name for d in chosen]
