"""Targets (chỉ tiêu): an indicator, a unit scope, a period and a rule, with the document that set it.

Targets are data — a file the administrator edits (``antt/data/targets.yaml`` by default), versioned, each
entry citing its source — and their status is always computed, never typed in. Rule kinds:

* ``relative_to_baseline`` — e.g. social-order crime ≤ 95 % of the same period last year;
* ``threshold`` — e.g. clearance > 75 %, very serious > 90 %, GRDP growth ≥ 12.35 %;
* ``rank`` — e.g. PCI rank ≤ 3 (a smaller rank is better);
* ``cumulative_by_deadline`` — e.g. drug-free communes ≥ 30 % of communes by 31/12/2025.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from antt.domain.periods import Period
from antt.errors import InvalidInput

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
GROUPS_VI = {
    "crime_reduction_and_clearance": "Kéo giảm tội phạm và điều tra, khám phá",
    "drugs": "Phòng, chống ma túy",
    "eid_project06": "Định danh điện tử, Đề án 06",
    "socio_economic": "Kinh tế – xã hội",
}


class RuleKind(StrEnum):
    RELATIVE_TO_BASELINE = "relative_to_baseline"
    THRESHOLD = "threshold"
    RANK = "rank"
    CUMULATIVE_BY_DEADLINE = "cumulative_by_deadline"


class TargetStatus(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NO_DATA = "no_data"


STATUS_LABELS_VI = {
    TargetStatus.MET: "Đạt",
    TargetStatus.ON_TRACK: "Đúng tiến độ",
    TargetStatus.AT_RISK: "Có nguy cơ",
    TargetStatus.OFF_TRACK: "Không đạt",
    TargetStatus.NO_DATA: "Chưa có số liệu",
}


@dataclass(frozen=True)
class Rule:
    kind: RuleKind
    op: str = "<="
    value: float | None = None  # the threshold / rank / share required
    max_ratio: float | None = None  # relative_to_baseline: at most this share of the baseline
    deadline: date | None = None  # cumulative_by_deadline

    def required(self, baseline: float | None = None) -> float | None:
        """The value the indicator must reach (for a relative rule: the limit computed from the baseline)."""
        if self.kind is RuleKind.RELATIVE_TO_BASELINE:
            return None if baseline is None or self.max_ratio is None else baseline * self.max_ratio
        return self.value

    def satisfied(self, actual: float, baseline: float | None = None) -> bool:
        required = self.required(baseline)
        if required is None:
            raise ValueError("a relative rule needs its baseline")
        op = "<=" if self.kind is RuleKind.RELATIVE_TO_BASELINE else self.op
        return OPERATORS[op](actual, required)

    def describe_vi(self) -> str:
        if self.kind is RuleKind.RELATIVE_TO_BASELINE:
            return f"không vượt quá {100 * (self.max_ratio or 0):g}% cùng kỳ năm trước"
        deadline = f" đến ngày {self.deadline:%d/%m/%Y}" if self.deadline else ""
        return f"{self.op} {self.value:g}{deadline}"


@dataclass(frozen=True)
class Target:
    id: str
    name_vi: str
    name_en: str
    group: str
    indicator: str
    unit_scope: str
    rule: Rule
    period: str  # a period's textual form (antt.domain.periods), e.g. report-year:2026
    source: str
    source_url: str = ""
    confidence: str = ""
    note: str = ""


def parse_targets(document: Mapping[str, Any]) -> tuple[int, list[Target]]:
    """The version and the targets of a targets document (already parsed from YAML or JSON)."""
    try:
        version = int(document.get("version", 1))
        targets = [_target(entry) for entry in document["targets"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"Tệp chỉ tiêu không hợp lệ: {exc}.", f"Invalid targets file: {exc}.") from exc
    ids = [t.id for t in targets]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InvalidInput(f"Mã chỉ tiêu trùng: {duplicates}.", f"Duplicate target ids: {duplicates}.")
    return version, targets


def _target(entry: Mapping[str, Any]) -> Target:
    rule = entry["rule"]
    kind = RuleKind(rule["kind"])
    op = str(rule.get("op", "<="))
    if op not in OPERATORS:
        raise ValueError(f"unknown operator {op!r}")
    deadline = rule.get("deadline")
    return Target(
        id=str(entry["id"]),
        name_vi=str(entry["name_vi"]),
        name_en=str(entry.get("name_en", "")),
        group=str(entry["group"]),
        indicator=str(entry["indicator"]),
        unit_scope=str(entry.get("unit_scope", "city")),
        rule=Rule(
            kind=kind,
            op=op,
            value=float(rule["value"]) if "value" in rule else None,
            max_ratio=float(rule["max_ratio"]) if "max_ratio" in rule else None,
            deadline=deadline
            if isinstance(deadline, date)
            else date.fromisoformat(deadline)
            if deadline
            else None,
        ),
        period=str(entry.get("period", "")),
        source=str(entry["source"]),
        source_url=str(entry.get("source_url", "")),
        confidence=str(entry.get("confidence", "")),
        note=str(entry.get("note", "")),
    )


@dataclass(frozen=True)
class Evaluation:
    target: Target
    status: TargetStatus
    as_of: date
    period: Period | None = None
    actual: float | None = None  # the value so far: count, rate in %, or the latest indicator value
    required: float | None = None  # what the rule asks for (a relative rule's limit from its baseline)
    baseline: float | None = None
    expected: float | None = None  # projected value at the end of the period (or at the deadline)
    interval: tuple[float, float] | None = None  # 90 % predictive interval of ``expected``
    probability: float | None = None  # of meeting the target
    observed: float | None = None
    expected_remainder: float | None = None
    model: str = ""
    series: list[tuple[str, float]] = field(default_factory=list)  # recent values, for a sparkline
