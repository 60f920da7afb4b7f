"""The words and tables of the periodic report, from figures already computed by the services.

Counts first, then the change in counts; a percent change only with its base, and flagged when the base is
small — the words a police report uses. The significance of a change (the Poisson z = 2(√C − √P), |z| ≥ 2
notable, ≥ 3 strong) is not in these phrases: the analytical annex gives it
(:func:`antt.services.report_outline.analysis_annex`). Target statuses are the computed ones, quoted —
nothing here judges. The parts of the report are put together in :mod:`antt.services.report_outline`.

A drug figure that the report's author may not see (:mod:`antt.services.disclosure`, docs/disclosure.md)
is written "<5" when it is a small count and "x" when it is withheld whatever its value (not a reporting
period, or a month inside it is small), without the change, percent and z that would give it back, and is
left out of the chart. For such an author the other figures leave out the drug and sexual-offence
incidents of their communes, and the report says so.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from antt.analytics.compstat import SMALL_BASE, Z_NOTABLE, Z_STRONG, Change, Measures, pct_change, total
from antt.domain.access import SUPPRESSED_LABEL, WITHHELD_LABEL, Actor
from antt.domain.alerts import Alert, AlertStatus
from antt.domain.documents import format_count, format_decimal, format_percent
from antt.domain.periods import today_local
from antt.domain.reference import offence_table
from antt.domain.targets import STATUS_LABELS_VI, Evaluation, RuleKind, SourceStatus
from antt.domain.units import Unit
from antt.reports.document import (
    Area,
    Cell,
    Chart,
    Column,
    Kind,
    Map,
    Signature,
    Table,
)
from antt.services.compstat import Clearance, CompstatResult, Row, clearance
from antt.services.disclosure import NOTHING_HIDDEN, SENSITIVE_GROUPS, Disclosure, Hidden
from antt.services.social_order import FigureChange, SocialOrderFigures

CITY = "Hải Phòng"
MINISTRY = "BỘ CÔNG AN"
CITY_POLICE_LINES = ("CÔNG AN THÀNH PHỐ", "HẢI PHÒNG")  # too long for one line of the header's left column
BODY_LINE_CHARS = 21  # what one line of the header's left column holds at 12 pt (checked in LibreOffice)


EID_INDICATORS = ("eid_accounts_assigned", "eid_accounts_collected", "eid_accounts_activated")


@dataclass(frozen=True)
class EidFigure:
    value: float
    period_end: date
    units: int


@dataclass(frozen=True)
class TrafficFigure:
    """Traffic accidents, deaths and injuries in the period and the same period last year (indicator →
    sum); a side is ``None`` when the imported months do not cover it."""

    current: dict[str, float] | None
    previous: dict[str, float] | None


PROJECT06_CUMULATIVE = ("eid_level2_collected", "eid_level2_activated", "chip_id_cards_issued")
ONLINE_SERVICES = "online_public_services"


@dataclass(frozen=True)
class Project06Figures:
    """Project 06 as measured since Decree 69/2024/NĐ-CP: per indicator of :data:`PROJECT06_CUMULATIVE`,
    each unit's latest ``(period end, value)`` by the report's end; the online public-service dossiers of
    the period per unit (those whose months tile it) and for the scope beside the same period last year."""

    latest_by_unit: dict[str, dict[str, tuple[date, float]]]
    online_by_unit: dict[str, float] = field(default_factory=dict)
    online: FigureChange | None = None


@dataclass(frozen=True)
class Figures:
    by_group: CompstatResult
    by_unit_group: CompstatResult
    evaluations: list[Evaluation]
    eid: EidFigure | None
    disclosure: Disclosure = field(default_factory=lambda: Disclosure(Actor.system("report")))
    populations: dict[str, float] = field(default_factory=dict)  # residents per commune code
    geometries: dict[str, dict[str, object]] = field(default_factory=dict)  # GeoJSON per commune code
    # the latest e-ID figures by the period's end: indicator → unit code → (period end, value)
    eid_by_unit: dict[str, dict[str, tuple[date, float]]] = field(default_factory=dict)
    traffic: TrafficFigure | None = None
    social: SocialOrderFigures | None = None  # social evils and fires, when any figure covers the period
    project06: Project06Figures | None = None  # level-2 e-ID, chip cards, online services, when imported
    alerts: list[Alert] | None = None  # the early-warning alerts of the period (None: not gathered)

    def hidden(self, group: str) -> Hidden:
        """What the author may not see of ``group``'s figure of the report's scope."""
        return next((r.hidden for r in self.by_group.rows if r.group == group), NOTHING_HIDDEN)


def group_names() -> dict[str, str]:
    return {g.code: g.name_vi for g in offence_table().groups}


def _label(name: str, hidden: Hidden) -> str | None:
    """How a hidden field is written: "<5" for a small count (and what it gives back), "x" for a withheld
    one; ``None`` when the field is shown."""
    if name not in hidden.fields:
        return None
    if name in hidden.withheld or (name not in hidden.small and not hidden.small):
        return WITHHELD_LABEL
    return SUPPRESSED_LABEL


def _count(value: int, name: str, hidden: Hidden) -> str:
    return _label(name, hidden) or format_count(value)


def _cell(value: Cell, name: str, hidden: Hidden) -> Cell:
    label = _label(name, hidden)
    return value if label is None else label


def change_phrase(c: Change, hidden: Hidden = NOTHING_HIDDEN) -> str:
    """``120 vụ (cùng kỳ 100 vụ; tăng 20 vụ, +20,0% so với 100 vụ)``.

    With ``hidden`` counts: ``<5 vụ (cùng kỳ 7 vụ; số nhỏ hơn 5 không công bố, không nêu tăng, giảm)``;
    withheld ones: ``x vụ (cùng kỳ x vụ; chỉ công bố theo kỳ báo cáo đã kết thúc, không nêu tăng, giảm)``."""
    now, before = c.current.incidents, c.previous.incidents
    if "change" in hidden.fields:
        why = (
            f"số nhỏ hơn {SUPPRESSED_LABEL[1:]} không công bố"
            if hidden.small
            else "chỉ công bố theo kỳ báo cáo đã kết thúc, tháng nào cũng từ 5 vụ trở lên hoặc không có vụ nào"
        )
        return (
            f"{_count(now, 'current', hidden)} vụ (cùng kỳ {_count(before, 'previous', hidden)} vụ; "
            f"{why}, không nêu tăng, giảm)"
        )
    if c.change == 0:
        moved = "không thay đổi"
    else:
        moved = f"{'tăng' if c.change > 0 else 'giảm'} {format_count(abs(c.change))} vụ"
        if c.pct_change is not None:
            moved += f", {_signed(format_percent, c.pct_change)} so với {format_count(before)} vụ"
            if c.small_base:
                moved += f" (cơ số dưới {SMALL_BASE} vụ, tỷ lệ % không ổn định)"
    return f"{format_count(now)} vụ (cùng kỳ {format_count(before)} vụ; {moved})"


def _signed(write: Callable[[float], str], value: float) -> str:
    """``+20,0%`` / ``−16,9%``: the real minus sign (U+2212), which a line never breaks after, unlike the
    hyphen, so "z = −2,31" is not split at the end of a line."""
    if value > 0:
        return "+" + write(value)
    text = write(value)
    return "\u2212" + text[1:] if text.startswith("-") else text


def traffic_phrase(current: dict[str, float], previous: dict[str, float] | None) -> str:
    """``- Tai nạn giao thông: 45 vụ, 21 người chết, 30 người bị thương (cùng kỳ: …; số vụ
    giảm 5 vụ, −10,0%).`` — the figures of the traffic indicators, compared when both sides exist."""

    def stated(values: dict[str, float]) -> str:
        parts = [f"{format_count(round(values.get('traffic_accidents', 0)))} vụ"]
        if "traffic_deaths" in values:
            parts.append(f"{format_count(round(values['traffic_deaths']))} người chết")
        if "traffic_injuries" in values:
            parts.append(f"{format_count(round(values['traffic_injuries']))} người bị thương")
        return ", ".join(parts)

    text = f"- Tai nạn giao thông: {stated(current)}"
    if previous is None:
        return text + " (cùng kỳ: chưa có đủ số liệu để so sánh)."
    now, before = round(current["traffic_accidents"]), round(previous["traffic_accidents"])
    moved = "số vụ không thay đổi"
    if now != before:
        moved = f"số vụ {'tăng' if now > before else 'giảm'} {format_count(abs(now - before))} vụ"
        pct = pct_change(now, before)
        if pct is not None:
            moved += f", {_signed(format_percent, pct)}"
    return f"{text} (cùng kỳ: {stated(previous)}; {moved})."


def z_phrase(z: float) -> str:
    if abs(z) >= Z_STRONG:
        return f"thay đổi rõ rệt (|z| ≥ {Z_STRONG:g})"
    if abs(z) >= Z_NOTABLE:
        return f"thay đổi đáng chú ý (|z| ≥ {Z_NOTABLE:g})"
    return f"trong dao động ngẫu nhiên (|z| < {Z_NOTABLE:g})"


def _rate(value: float | None) -> str:
    return "không có vụ để tính" if value is None else format_percent(value)


def _pct_cell(c: Change) -> Cell:
    return None if c.pct_change is None else round(c.pct_change, 1)


def situation_table(figures: Figures) -> Table:
    """Bảng 1: each group's cases against the same period last year (counts and change; no z)."""
    result = figures.by_group
    names = group_names()
    hidden = {r.group: r.hidden for r in result.rows}
    return Table(
        key="Bảng 1 Tình hình",
        title="Bảng 1. Số vụ phạm tội theo nhóm so với cùng kỳ",
        columns=[
            Column("Nhóm tội phạm", width=40),
            Column("Kỳ này", Kind.COUNT),
            Column("Cùng kỳ", Kind.COUNT),
            Column("Tăng, giảm (vụ)", Kind.COUNT),
            Column("Tăng, giảm (%)", Kind.PERCENT),
        ],
        rows=[
            [
                names[r.group],
                _cell(r.change.current.incidents, "current", hidden[r.group]),
                _cell(r.change.previous.incidents, "previous", hidden[r.group]),
                _cell(r.change.change, "change", hidden[r.group]),
                _cell(_pct_cell(r.change), "pct_change", hidden[r.group]),
            ]
            for r in result.rows
        ],
        total=[
            "Tổng số",
            result.totals.current.incidents,
            result.totals.previous.incidents,
            result.totals.change,
            _pct_cell(result.totals),
        ],
    )


RATE_COVERAGE = 0.9  # map rates per 10,000 residents when this share of communes has a population


def commune_map(figures: Figures) -> Map | None:
    """This period's incidents per commune (all groups, as in Phụ lục 3), per 10,000 residents where the
    populations are imported, else as counts; ``None`` when ANTT ships no boundaries for the scheme."""
    result = figures.by_unit_group
    per_unit = unit_totals(result)
    totals = {u.code: c.current.incidents for u, c in per_unit.items()}
    names = {u.code: u.short_name for u in per_unit}
    shown = [code for code in totals if code in figures.geometries]
    if not shown:
        return None
    with_population = [c for c in shown if figures.populations.get(c, 0) > 0]
    per_residents = len(with_population) >= RATE_COVERAGE * len(shown)

    def value(code: str) -> float | None:
        if not per_residents:
            return float(totals[code])
        people = figures.populations.get(code, 0)
        return 10_000 * totals[code] / people if people > 0 else None

    measure = "Số vụ trên 10.000 dân" if per_residents else "Số vụ"
    return Map(
        title=f"Bản đồ 1. {measure} theo xã, phường, đặc khu — {result.period.label_vi()}",
        areas=[Area(code, names[code], figures.geometries[code], value(code)) for code in shown],
        legend=measure,
        decimals=1 if per_residents else 0,
    )


def group_chart(result: CompstatResult, hidden: Collection[str] = ()) -> Chart:
    """Both periods by group; the ``hidden`` groups (a count not shown to the author) are left out."""
    names = group_names()
    rows = [r for r in result.rows if r.group not in hidden]
    return Chart(
        title="Số vụ phạm tội theo nhóm: kỳ này và cùng kỳ năm trước",
        categories=[names[r.group] for r in rows],
        series=[
            ("Kỳ này", [float(r.change.current.incidents) for r in rows]),
            ("Cùng kỳ năm trước", [float(r.change.previous.incidents) for r in rows]),
        ],
        y_label="Số vụ",
    )


def _value(x: float | None) -> str:
    if x is None:
        return "—"
    return format_count(round(x)) if float(x).is_integer() else format_decimal(x, 1)


def evaluation_phrase(e: Evaluation) -> str:
    """``- Chỉ tiêu “…”: Đạt; thực hiện …; yêu cầu …; số liệu đến ngày …; căn cứ …`` — the computed status
    and the figures, without the probability and projection (those are in the analytical annex)."""
    parts = [f"Chỉ tiêu “{e.target.name_vi}”: {STATUS_LABELS_VI[e.status]}"]
    facts = []
    if e.actual is not None:
        facts.append(f"thực hiện {_value(e.actual)}")
    if e.required is not None:
        required = e.target.rule.describe_vi()
        if e.target.rule.kind is RuleKind.RELATIVE_TO_BASELINE:  # the limit it works out to, in cases
            required += f" (mức {_value(e.required)})"
        facts.append(f"yêu cầu {required}")
    facts.append(f"số liệu đến ngày {e.as_of:%d/%m/%Y}")
    facts.append(source_phrase(e))
    return f"- {parts[0]}; " + "; ".join(facts) + "."


def drug_free_lines(figures: Figures) -> list[str]:
    """Part I.4's drug-free communes (issue 15): each drug-free target's recognised share, counted from the
    competent authority's recognitions (``antt import drug-status``) — never ANTT's indicator-derived
    figure — against the city's plan (30 / 45 / 60 / 100 %), one sentence each; nothing without a target."""
    found = [e for e in figures.evaluations if e.target.indicator == "drug_free_communes_share"]
    if not found:
        return []
    head = "- Xây dựng xã, phường không ma túy (theo quyết định công nhận của cơ quan có thẩm quyền):"
    return [head, *(evaluation_phrase(e) for e in found)]


MAX_ALERT_LINES = 30
"""Part I.8 states at most this many alerts, the rest counted (the alerts page lists them all)."""


def alert_phrase(alert: Alert) -> str:
    """One early-warning alert as the report states it: the detector's own sentence (withheld ones as
    withheld), then what became of it — not yet taken up, taken up (the day, the action taken), ended."""
    states = []
    if alert.acknowledged_at is not None:
        taken = f"đã tiếp nhận ngày {today_local(_aware(alert.acknowledged_at)):%d/%m/%Y}"
        if alert.action_taken:
            taken += f", biện pháp: {' '.join(alert.action_taken.split())}"
        states.append(taken)
    elif alert.status is AlertStatus.OPEN:
        states.append("chưa tiếp nhận")
    if alert.status is AlertStatus.CLOSED:
        ended = f" ngày {today_local(_aware(alert.closed_at)):%d/%m/%Y}" if alert.closed_at else ""
        states.append(f"đã trở lại dưới ngưỡng{ended}")
    return f"- {alert.explanation_vi.rstrip('. ')} ({'; '.join(states)})."


def _aware(moment: datetime) -> datetime:
    """A stored moment (UTC, naive in SQLite) as an aware one."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def alert_lines(alerts: list[Alert]) -> list[str]:
    """Part I.8 (issue 13): the rises the early-warning scan found in the period — one sentence for the
    count, then each alert by week and commune; none is a sentence too (the scan ran and found nothing)."""
    if not alerts:
        return ["Trong kỳ, hệ thống cảnh báo sớm không phát hiện số vụ tăng vượt ngưỡng ở xã, phường nào."]
    communes = len({a.unit_code for a in alerts})
    head = (
        f"Trong kỳ, hệ thống cảnh báo sớm phát hiện {format_count(len(alerts))} trường hợp số vụ trong tuần "
        f"tăng vượt ngưỡng dự kiến tại {format_count(communes)} xã, phường:"
    )
    shown = [alert_phrase(a) for a in alerts[:MAX_ALERT_LINES]]
    rest = len(alerts) - MAX_ALERT_LINES
    if rest > 0:
        shown.append(f"- Và {format_count(rest)} cảnh báo khác (xem trang Cảnh báo).")
    return [head, *shown]


def source_phrase(e: Evaluation) -> str:
    """Where the target comes from, as the report states it: ``căn cứ Nghị quyết số … ngày … của …``, or
    ``nguồn: chưa có văn bản`` (``suy ra, chưa có văn bản``) — never an undocumented figure as the law's."""
    if e.target.source_status is SourceStatus.DOCUMENT:
        return f"căn cứ {e.target.source_label_vi()}"
    return f"nguồn: {e.target.source_label_vi()}"


def _in_totals(result: CompstatResult, row: Row) -> bool:
    """Whether ``row``'s cell counts in the totals of several groups: not a drug cell of a commune whose
    sensitive incidents are left out for the author (rule 2 of docs/disclosure.md)."""
    return not (row.unit.code in result.excluded and row.group in SENSITIVE_GROUPS)


def unit_totals(result: CompstatResult) -> dict[Unit, Change]:
    """Each commune of a by-unit-and-group result over all its groups, in the result's order: the rows of
    Phụ lục 3 and 4 and the map's values (all groups together, so no sensitive category stands alone;
    without the drug cells left out for the author)."""
    by_unit: dict[Unit, list[Change]] = {}
    for row in result.rows:
        by_unit.setdefault(row.unit, [])
        if _in_totals(result, row):
            by_unit[row.unit].append(row.change)
    return {unit: total(changes) for unit, changes in by_unit.items()}


def annexes(figures: Figures) -> list[Table]:
    result = figures.by_unit_group
    names = group_names()
    groups = result.groups
    cells: dict[tuple[str, str], Row] = {(r.unit.code, r.group): r for r in result.rows}
    per_unit = unit_totals(result)
    units = list(per_unit)
    columns = [Column("STT", Kind.COUNT, 5), Column("Mã", width=8), Column("Xã, phường, đặc khu", width=28)]
    columns += [Column(names[g], Kind.COUNT, 9) for g in groups] + [Column("Tổng số", Kind.COUNT, 9)]

    def counts(current: bool) -> Table:
        name = "current" if current else "previous"
        rows: list[list[Cell]] = []
        column_sums = [0] * (len(groups) + 1)
        for i, u in enumerate(units, 1):
            found = [cells[(u.code, g)] for g in groups]
            values = [(r.change.current if current else r.change.previous).incidents for r in found]
            shown = [_cell(v, name, r.hidden) for v, r in zip(values, found, strict=True)]
            whole = sum(v for v, r in zip(values, found, strict=True) if _in_totals(result, r))
            rows.append([i, u.code, u.name, *shown, whole])
            column_sums = [a + b for a, b in zip(column_sums, [*values, whole], strict=True)]
        # a group's column sums its communes: the scope's figure of that group, hidden as it is
        sums: list[Cell] = [
            _cell(column_sums[j], name, figures.hidden(groups[j])) if j < len(groups) else column_sums[j]
            for j in range(len(groups) + 1)
        ]
        label = result.period.label_vi() if current else result.compare.label_vi()
        return Table(
            key="PL1 Kỳ này" if current else "PL2 Cùng kỳ",
            title=f"Phụ lục {1 if current else 2}. Số vụ phạm tội theo xã, phường và nhóm tội phạm — {label}",
            columns=columns,
            rows=rows,
            total=["", "", "Tổng số", *sums],
        )

    # the one clearance rate, of social-order crime, per commune (antt.services.compstat.clearance)
    social = {u.code: found for u in units if (found := clearance(result, u.code)) is not None}
    change_rows: list[list[Cell]] = []
    for i, (u, c) in enumerate(per_unit.items(), 1):
        change_rows.append(
            [
                i,
                u.code,
                u.name,
                c.current.incidents,
                c.previous.incidents,
                c.change,
                _pct_cell(c),
                _rate_cell(social[u.code].rate if u.code in social else None),
            ]
        )
    change = Table(
        key="PL3 So sánh",
        title="Phụ lục 3. Tăng, giảm theo xã, phường so với cùng kỳ và tỷ lệ điều tra, khám phá",
        columns=[
            *columns[:3],
            Column("Kỳ này", Kind.COUNT),
            Column("Cùng kỳ", Kind.COUNT),
            Column("Tăng, giảm (vụ)", Kind.COUNT),
            Column("Tăng, giảm (%)", Kind.PERCENT),
            Column("Tỷ lệ điều tra, khám phá TTXH (%)", Kind.PERCENT),
        ],
        rows=change_rows,
        note=CLEARANCE_NOTE,
    )
    tables = [
        counts(True),
        counts(False),
        change,
        work_annex(per_unit, social, columns[:3], result.period.label_vi()),
    ]
    eid = project06_annex(figures, units, columns[:3]) or eid_annex(figures, units, columns[:3])
    return tables + ([eid] if eid is not None else [])


CLEARANCE_NOTE = (
    "TTXH: tội phạm về trật tự xã hội; tỷ lệ điều tra, khám phá theo Nghị quyết 96/2019/QH14 (các nhóm "
    "khác do lực lượng Công an chủ động phát hiện, không tính tỷ lệ)."
)


def _rate_cell(value: float | None) -> Cell:
    return None if value is None else round(value, 1)


def work_annex(
    per_unit: dict[Unit, Change], social: dict[str, Clearance], lead: list[Column], label: str
) -> Table:
    """Phụ lục 4: the results of the work per commune — all cases; the social-order cases, cleared, their
    rate and their very serious and especially serious cases (the one clearance rate); suspects and
    organised groups of all groups (together, so no sensitive category stands alone)."""
    rows: list[list[Cell]] = []
    sums, social_sums = Measures(), Measures()
    for i, (u, c) in enumerate(per_unit.items(), 1):
        m = c.current
        s = social[u.code].current if u.code in social else Measures()
        sums, social_sums = sums + m, social_sums + s
        rows.append([i, u.code, u.name, *_work_cells(m, s)])
    return Table(
        key="PL4 Kết quả",
        title=f"Phụ lục 4. Kết quả điều tra, khám phá theo xã, phường, đặc khu — {label}",
        columns=[
            *lead,
            Column("Số vụ", Kind.COUNT),
            Column("Vụ TTXH", Kind.COUNT),
            Column("TTXH làm rõ", Kind.COUNT),
            Column("Tỷ lệ ĐTKP TTXH (%)", Kind.PERCENT),
            Column("TTXH RNT, ĐBNT", Kind.COUNT),
            Column("Làm rõ RNT, ĐBNT", Kind.COUNT),
            Column("Đối tượng", Kind.COUNT),
            Column("Vụ do băng, nhóm", Kind.COUNT),
        ],
        rows=rows,
        total=["", "", "Tổng số", *_work_cells(sums, social_sums)],
        note="RNT, ĐBNT: tội phạm rất nghiêm trọng, đặc biệt nghiêm trọng. " + CLEARANCE_NOTE,
    )


def _work_cells(m: Measures, social: Measures) -> list[Cell]:
    rate = None if social.incidents == 0 else round(100 * social.cleared / social.incidents, 1)
    return [
        m.incidents,
        social.incidents,
        social.cleared,
        rate,
        social.grave,
        social.grave_cleared,
        m.suspects,
        m.organised_group,
    ]


def eid_annex(figures: Figures, units: list[Unit], lead: list[Column]) -> Table | None:
    """Phụ lục 5: Đề án 06 per commune — the e-ID accounts assigned, collected and activated by the
    period's end (the latest imported figure of each), and activated as a share of assigned."""
    found = figures.eid_by_unit
    if not any(found.get(name) for name in ("eid_accounts_activated", "eid_accounts_assigned")):
        return None

    def value(name: str, code: str) -> float | None:
        latest = found.get(name, {}).get(code)
        return None if latest is None else latest[1]

    rows: list[list[Cell]] = []
    sums = [0.0] * len(EID_INDICATORS)
    share_base = [0.0, 0.0]  # activated and assigned of the communes with a target: the total's share
    for i, u in enumerate(units, 1):
        assigned = value("eid_accounts_assigned", u.code)
        activated = value("eid_accounts_activated", u.code)
        share = None
        if assigned and activated is not None:
            share = round(100 * activated / assigned, 1)
            share_base = [share_base[0] + activated, share_base[1] + assigned]
        ends = [found[n][u.code][0] for n in found if u.code in found[n]]
        for j, name in enumerate(EID_INDICATORS):
            sums[j] += value(name, u.code) or 0.0
        rows.append(
            [
                i,
                u.code,
                u.name,
                assigned,
                value("eid_accounts_collected", u.code),
                activated,
                share,
                max(ends).strftime("%d/%m/%Y") if ends else None,
            ]
        )
    return Table(
        key="PL5 Đề án 06",
        title="Phụ lục 5. Đề án 06: tài khoản định danh điện tử theo xã, phường, đặc khu",
        columns=[
            *lead,
            Column("Chỉ tiêu giao", Kind.COUNT),
            Column("Đã thu nhận", Kind.COUNT),
            Column("Đã kích hoạt", Kind.COUNT),
            Column("Kích hoạt/chỉ tiêu (%)", Kind.PERCENT),
            Column("Số liệu đến ngày", width=12),
        ],
        rows=rows,
        total=[
            "",
            "",
            "Tổng số",
            *sums,
            round(100 * share_base[0] / share_base[1], 1) if share_base[1] else None,
            None,
        ],
        note="Số liệu lũy kế, theo kỳ nhập gần nhất kết thúc không muộn hơn ngày cuối kỳ báo cáo.",
    )


# --- social evils and fires (part I), Project 06 (part II and Phụ lục 5) --------------------------------


def _amount(value: float) -> str:
    """Money as police reports write it: ``1,25 tỷ đồng``, ``350,0 triệu đồng``, ``800.000 đồng``."""
    if abs(value) >= 1e9:
        return f"{format_decimal(value / 1e9, 2)} tỷ đồng"
    if abs(value) >= 1e6:
        return f"{format_decimal(value / 1e6, 1)} triệu đồng"
    return f"{format_count(round(value))} đồng"


def _side(c: FigureChange, current: bool, unit: str) -> str | None:
    """One side of a figure as written: ``12 vụ``, ``<5 người``, ``x người``; ``None`` when unknown."""
    label = c.current_label if current else c.previous_label
    value = c.current if current else c.previous
    if label is not None:
        return f"{label} {unit}"
    if value is None:
        return None
    return _amount(value) if unit == "đồng" else f"{format_count(round(value))} {unit}"


def indicator_change_phrase(c: FigureChange, what: str, unit: str) -> str:
    """``số vụ tăng 2 vụ, +20,0% so với 10 vụ`` — the change of one figure against its base; nothing is
    said of a hidden figure's change, nor of one without a comparison figure."""
    if c.hidden:
        return f"không nêu tăng, giảm {what}"
    change = c.change
    if change is None or c.previous is None:
        return f"chưa có đủ số liệu cùng kỳ để so sánh {what}"
    if round(change) == 0:
        return f"{what} không thay đổi"
    moved = f"{what} {'tăng' if change > 0 else 'giảm'} {format_count(abs(round(change)))} {unit}"
    if c.pct_change is not None:
        moved += f", {_signed(format_percent, c.pct_change)} so với {format_count(round(c.previous))} {unit}"
        if c.small_base:
            moved += f" (cơ số dưới {SMALL_BASE} {unit}, tỷ lệ % không ổn định)"
    return moved


def _stated(parts: list[str | None]) -> str:
    return ", ".join(p for p in parts if p is not None)


def social_evil_phrase(name: str, cases: FigureChange, persons: FigureChange) -> str | None:
    """``- Đánh bạc: 25 vụ, 96 người (cùng kỳ: 20 vụ, 80 người; số vụ tăng 5 vụ, +25,0% so với 20 vụ).``;
    ``None`` when neither figure of the period is known."""
    now = _stated([_side(cases, True, "vụ"), _side(persons, True, "người")])
    if not now:
        return None
    before = _stated([_side(cases, False, "vụ"), _side(persons, False, "người")])
    compared = indicator_change_phrase(cases, "số vụ", "vụ")
    return f"- {name[:1].upper()}{name[1:]}: {now} (cùng kỳ: {before or 'chưa có số liệu'}; {compared})."


def fires_phrase(figures: SocialOrderFigures) -> str | None:
    """``- Xảy ra 12 vụ cháy, nổ, làm chết 1 người, bị thương 2 người, thiệt hại tài sản ước tính 1,25 tỷ
    đồng (cùng kỳ: …; số vụ giảm 3 vụ, −20,0% so với 15 vụ).``; ``None`` without the period's cases."""
    cases = figures["fire_cases"]
    if cases.current is None:
        return None

    def stated(current: bool) -> str | None:
        first = _side(cases, current, "vụ")
        if first is None:
            return None
        parts = [f"xảy ra {first} cháy, nổ"]
        for name, words, none in (
            ("fire_deaths", "làm chết", "không có người chết"),
            ("fire_injuries", "bị thương", "không có người bị thương"),
        ):
            side = _side(figures[name], current, "người")
            if side is not None:
                parts.append(none if side == "0 người" else f"{words} {side}")
        damage = _side(figures["fire_damage_vnd"], current, "đồng")
        if damage is not None:
            parts.append(f"thiệt hại tài sản ước tính {damage}")
        return ", ".join(parts)

    now = stated(True) or ""
    before = stated(False)
    return (
        f"- {now[:1].upper()}{now[1:]} (cùng kỳ: {before or 'chưa có số liệu'}; "
        f"{indicator_change_phrase(cases, 'số vụ', 'vụ')})."
    )


def _lower_first(text: str) -> str:
    """``tháng 10/2025 (…)`` inside a sentence, as Decree 30 writes "tháng"."""
    return text[:1].lower() + text[1:]


def _project06_total(p: Project06Figures, name: str) -> tuple[float, int, date] | None:
    """The sum over units of their latest figure of ``name``, how many units, the newest date."""
    found = p.latest_by_unit.get(name) or {}
    if not found:
        return None
    return sum(v for _, v in found.values()), len(found), max(end for end, _ in found.values())


def project06_lines(figures: Figures) -> list[str]:
    """Part II's Project 06 lines: level-2 e-ID accounts collected and activated, chip ID cards and the
    period's online public-service dossiers when imported; else the older e-ID figure, if any."""
    p = figures.project06
    if p is None:
        if figures.eid is None:
            return []
        return [
            f"- Đề án 06: {format_count(round(figures.eid.value))} tài khoản định danh điện tử đã kích hoạt "
            f"(số liệu mới nhất của {figures.eid.units} đơn vị báo cáo, đến ngày "
            f"{figures.eid.period_end:%d/%m/%Y})."
        ]
    done = []
    collected = _project06_total(p, "eid_level2_collected")
    activated = _project06_total(p, "eid_level2_activated")
    if collected is not None:
        done.append(f"thu nhận {format_count(round(collected[0]))} hồ sơ")
    if activated is not None:
        done.append(f"kích hoạt {format_count(round(activated[0]))} tài khoản")
    known = [t for t in (collected, activated) if t is not None]
    lines = [
        f"- Đề án 06, tài khoản định danh điện tử mức 2 (Nghị định 69/2024/NĐ-CP): {', '.join(done)} "
        f"(lũy kế, số liệu mới nhất của {max(t[1] for t in known)} đơn vị báo cáo, đến ngày "
        f"{max(t[2] for t in known):%d/%m/%Y})."
    ]
    cards = _project06_total(p, "chip_id_cards_issued")
    if cards is not None:
        lines.append(
            f"- Cấp thẻ căn cước (gắn chíp): {format_count(round(cards[0]))} thẻ (lũy kế, số liệu của "
            f"{cards[1]} đơn vị báo cáo, đến ngày {cards[2]:%d/%m/%Y})."
        )
    if p.online is not None and p.online.current is not None:
        before = _side(p.online, False, "hồ sơ")
        lines.append(
            f"- Dịch vụ công trực tuyến: tiếp nhận {format_count(round(p.online.current))} hồ sơ trong kỳ "
            f"(cùng kỳ: {before or 'chưa có số liệu'}; "
            f"{indicator_change_phrase(p.online, 'số hồ sơ', 'hồ sơ')})."
        )
    return lines


def project06_annex(figures: Figures, units: list[Unit], lead: list[Column]) -> Table | None:
    """Phụ lục 5 as measured since Decree 69/2024: per commune the assigned target (when imported), level-2
    accounts collected and activated, activated over the target, chip ID cards issued (each the latest
    figure by the period's end), and the period's online public-service dossiers. ``None`` without any
    level-2 figure (:func:`eid_annex` then gives the older table)."""
    p = figures.project06
    if p is None:
        return None
    latest = {
        **p.latest_by_unit,
        "eid_accounts_assigned": figures.eid_by_unit.get("eid_accounts_assigned", {}),
    }

    def value(name: str, code: str) -> float | None:
        found = latest.get(name, {}).get(code)
        return None if found is None else found[1]

    counted = ("eid_accounts_assigned", "eid_level2_collected", "eid_level2_activated")
    rows: list[list[Cell]] = []
    sums = [0.0] * 5  # assigned, collected, activated, cards, online
    share_base = [0.0, 0.0]
    for i, u in enumerate(units, 1):
        assigned, collected, activated = (value(n, u.code) for n in counted)
        cards = value("chip_id_cards_issued", u.code)
        online = p.online_by_unit.get(u.code)
        share = None
        if assigned and activated is not None:
            share = round(100 * activated / assigned, 1)
            share_base = [share_base[0] + activated, share_base[1] + assigned]
        for j, v in enumerate((assigned, collected, activated, cards, online)):
            sums[j] += v or 0.0
        ends = [latest[n][u.code][0] for n in latest if u.code in latest[n]]
        rows.append(
            [
                i,
                u.code,
                u.name,
                assigned,
                collected,
                activated,
                share,
                cards,
                online,
                max(ends).strftime("%d/%m/%Y") if ends else None,
            ]
        )
    return Table(
        key="PL5 Đề án 06",
        title=(
            "Phụ lục 5. Đề án 06: tài khoản định danh điện tử mức 2, thẻ căn cước và dịch vụ công trực "
            "tuyến theo xã, phường, đặc khu"
        ),
        columns=[
            *lead,
            Column("Chỉ tiêu giao", Kind.COUNT),
            Column("Mức 2 đã thu nhận", Kind.COUNT),
            Column("Mức 2 đã kích hoạt", Kind.COUNT),
            Column("Kích hoạt mức 2/chỉ tiêu (%)", Kind.PERCENT),
            Column("Thẻ căn cước đã cấp", Kind.COUNT),
            Column("Hồ sơ DVC trực tuyến trong kỳ", Kind.COUNT),
            Column("Số liệu đến ngày", width=12),
        ],
        rows=rows,
        total=[
            "",
            "",
            "Tổng số",
            *sums[:3],
            round(100 * share_base[0] / share_base[1], 1) if share_base[1] else None,
            *sums[3:],
            None,
        ],
        note=(
            "Tài khoản mức 2 theo Nghị định 69/2024/NĐ-CP. Tài khoản, thẻ căn cước: số liệu lũy kế, theo kỳ "
            "nhập gần nhất kết thúc không muộn hơn ngày cuối kỳ báo cáo; hồ sơ dịch vụ công trực tuyến: "
            "trong kỳ báo cáo (trống khi số liệu các tháng không phủ kín kỳ)."
        ),
    )


def _with_default_authority(signature: Signature, authority: str) -> Signature:
    """The author's signature block, signed for the head of the unit unless they said otherwise. A title
    other than the head's without an authority is a deputy signing on the head's behalf: "KT." (ký thay)
    as Decree 30 writes it; the head's own title needs no second line."""
    if signature.authority:
        return signature
    if not signature.title or signature.title == authority:
        return Signature(authority, "", signature.name)
    return Signature(f"KT. {authority}", signature.title, signature.name)
