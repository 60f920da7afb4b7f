"""Targets (chỉ tiêu): an indicator, a unit scope, a period and a rule, with the document that set it.

Targets are data — the shipped defaults (``antt/data/targets.yaml``) and the city's own, set by an
administrator with the document that sets them (``antt targets set``, ``/admin/targets``; stored, versioned)
— and their status is always computed, never typed in. What a leader signs must be the law's, so every
target says where it comes from (:class:`SourceStatus`): ``document`` — a document (number, date, issuing
body, its wording) sets this figure; ``inferred`` — the figure is ANTT's reading of reports or speeches,
no document found sets it; ``none`` — no source at all ("chưa có văn bản"). Only the first carries the
weight of a document; the others are labelled wherever the target appears. Rule kinds:

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


class SourceStatus(StrEnum):
    DOCUMENT = "document"  # a document sets the figure: number, date, issuing body, wording
    INFERRED = "inferred"  # read from reports or speeches: no document found sets it
    NONE = "none"  # no source document at all


#: how each source status is written next to a target (Vietnamese, English)
SOURCE_LABELS: dict[SourceStatus, tuple[str, str]] = {
    SourceStatus.DOCUMENT: ("Có văn bản", "source document"),
    SourceStatus.INFERRED: ("Suy ra, chưa có văn bản", "inferred, no source document"),
    SourceStatus.NONE: ("Chưa có văn bản", "no source document"),
}


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
        """The rule in Vietnamese as a document writes it: ``≥ 12,35``, ``không vượt quá 95 % cùng kỳ``,
        the number at the precision it was set (never rounded), a decimal comma, a real ≥ / ≤ sign."""
        if self.kind is RuleKind.RELATIVE_TO_BASELINE:
            return f"không vượt quá {vietnamese_number(100 * (self.max_ratio or 0))} % cùng kỳ năm trước"
        deadline = f" đến ngày {self.deadline:%d/%m/%Y}" if self.deadline else ""
        return f"{OPERATOR_SIGNS[self.op]} {vietnamese_number(self.value or 0)}{deadline}"

    def describe_en(self) -> str:
        """:meth:`describe_vi` in English: ``≥ 12.35``, ``at most 95 % of the same period last year``."""
        if self.kind is RuleKind.RELATIVE_TO_BASELINE:
            return f"at most {english_number(100 * (self.max_ratio or 0))} % of the same period last year"
        deadline = f" by {self.deadline:%d/%m/%Y}" if self.deadline else ""
        return f"{OPERATOR_SIGNS[self.op]} {english_number(self.value or 0)}{deadline}"


OPERATOR_SIGNS = {">": ">", ">=": "≥", "<": "<", "<=": "≤"}


def vietnamese_number(value: float) -> str:
    """``value`` with a decimal comma and dots between thousands, at its own precision (up to 6 decimals,
    no float noise): 12.35 → ``12,35``, 1175 → ``1.175``, 95.00000000000001 → ``95``."""
    text = f"{round(value, 6):,.6f}".rstrip("0").rstrip(".")
    return text.translate(_SWAP_SEPARATORS)


_SWAP_SEPARATORS = str.maketrans(",.", ".,")


def english_number(value: float) -> str:
    """:func:`vietnamese_number` with English separators: 12.35 → ``12.35``, 1175 → ``1,175``."""
    return f"{round(value, 6):,.6f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class SourceDocument:
    """The document that sets a target: ``number`` as it is printed (``96/2019/QH14``; empty when the
    sources seen do not give it — shown as not verified), the day it was issued or adopted, the issuing
    body, and the target as the document words it."""

    issuer: str
    issued: date
    wording: str
    number: str = ""
    title: str = ""  # e.g. "Nghị quyết về công tác phòng, chống tội phạm …"
    url: str = ""

    def kind_vi(self) -> str:
        """The kind of document its title starts with (``Nghị quyết``, ``Kế hoạch`` …), else ``Văn bản``."""
        return next((k for k in DOCUMENT_KINDS if self.title.startswith(k)), "Văn bản")

    def cite_vi(self) -> str:
        """``Nghị quyết số 96/2019/QH14 ngày 27/11/2019 của Quốc hội`` — as a report cites a document (the
        number marked unverified when it is not known)."""
        number = f"số {self.number}" if self.number else "(chưa xác minh số hiệu)"
        return f"{self.kind_vi()} {number} ngày {self.issued:%d/%m/%Y} của {self.issuer}"

    def cite_en(self) -> str:
        number = f"No. {self.number}" if self.number else "(number not verified)"
        return f"{number} of {self.issued:%d/%m/%Y}, {self.issuer}"


DOCUMENT_KINDS = (
    "Nghị quyết",
    "Quyết định",
    "Kế hoạch",
    "Chỉ thị",
    "Kết luận",
    "Đề án",
    "Chương trình",
    "Luật",
    "Nghị định",
    "Thông tư",
    "Công văn",
)


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
    source: str = ""  # a short citation (free text); the document itself is ``document``
    source_url: str = ""
    confidence: str = ""  # H / M / L as REFERENCE tags what the sources show
    note: str = ""
    source_status: SourceStatus = SourceStatus.NONE
    document: SourceDocument | None = None  # the document that sets it (or, when inferred, is cited for it)
    basis: str = ""  # inferred: how the figure was read, and from what
    origin: str = "default"  # "default": shipped in antt/data/targets.yaml; "city": set by an administrator
    version: int = 0  # the stored version of a city target (0: the shipped default)

    def source_label_vi(self) -> str:
        """The source as a report or a tile states it: the document, or what the target lacks."""
        if self.source_status is SourceStatus.DOCUMENT and self.document is not None:
            return self.document.cite_vi()
        return SOURCE_LABELS[self.source_status][0].lower()

    def source_label_en(self) -> str:
        if self.source_status is SourceStatus.DOCUMENT and self.document is not None:
            return self.document.cite_en()
        return SOURCE_LABELS[self.source_status][1]


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


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def parse_document(entry: Mapping[str, Any] | None) -> SourceDocument | None:
    """A ``document:`` block (issuer, issued, wording required; number, title, url optional)."""
    if not entry:
        return None
    document = SourceDocument(
        issuer=str(entry["issuer"]).strip(),
        issued=_day(entry["issued"]),
        wording=str(entry["wording"]).strip(),
        number=str(entry.get("number") or "").strip(),
        title=str(entry.get("title") or "").strip(),
        url=str(entry.get("url") or "").strip(),
    )
    if not (document.issuer and document.wording):
        raise ValueError("a document needs its issuing body and its wording of the target")
    return document


def _source_status(entry: Mapping[str, Any], document: SourceDocument | None) -> SourceStatus:
    """The declared status, checked: ``document`` needs the document; ``inferred`` needs its basis."""
    declared = entry.get("source_status")
    status = SourceStatus(declared) if declared else SourceStatus.DOCUMENT if document else SourceStatus.NONE
    if status is SourceStatus.DOCUMENT and document is None:
        raise ValueError(f"target {entry.get('id')!r}: source_status document without a document")
    if status is SourceStatus.INFERRED and not str(entry.get("basis") or "").strip():
        raise ValueError(f"target {entry.get('id')!r}: an inferred target must say how (basis)")
    return status


def _target(entry: Mapping[str, Any]) -> Target:
    rule = entry["rule"]
    kind = RuleKind(rule["kind"])
    op = str(rule.get("op", "<="))
    if op not in OPERATORS:
        raise ValueError(f"unknown operator {op!r}")
    deadline = rule.get("deadline")
    document = parse_document(entry.get("document"))
    origin = str(entry.get("origin") or "default")
    if origin not in ("default", "city"):
        raise ValueError(f"unknown origin {origin!r}")
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
        source=str(entry.get("source") or ""),
        source_url=str(entry.get("source_url") or (document.url if document else "")),
        confidence=str(entry.get("confidence") or ""),
        note=str(entry.get("note") or ""),
        source_status=_source_status(entry, document),
        document=document,
        basis=str(entry.get("basis") or "").strip(),
        origin=origin,
        version=int(entry.get("version") or 0),
    )


def target_entry(target: Target) -> dict[str, Any]:
    """``target`` as a targets-document entry (the shape :func:`parse_targets` reads): what is stored for a
    city target's version, and what ``antt targets list --format json`` prints."""
    rule: dict[str, Any] = {"kind": target.rule.kind.value}
    if target.rule.kind is RuleKind.RELATIVE_TO_BASELINE:
        rule |= {"baseline": "same_period_last_year", "max_ratio": target.rule.max_ratio}
    else:
        rule |= {"op": target.rule.op, "value": target.rule.value}
    if target.rule.deadline:
        rule["deadline"] = target.rule.deadline.isoformat()
    entry: dict[str, Any] = {
        "id": target.id,
        "name_vi": target.name_vi,
        "name_en": target.name_en,
        "group": target.group,
        "indicator": target.indicator,
        "unit_scope": target.unit_scope,
        "rule": rule,
        "period": target.period,
        "source_status": target.source_status.value,
        "source": target.source,
        "source_url": target.source_url,
        "confidence": target.confidence,
        "note": target.note,
        "basis": target.basis,
    }
    if target.document is not None:
        d = target.document
        entry["document"] = {
            "number": d.number,
            "issued": d.issued.isoformat(),
            "issuer": d.issuer,
            "title": d.title,
            "wording": d.wording,
            "url": d.url,
        }
    return entry


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
