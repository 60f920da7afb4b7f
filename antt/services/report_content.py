"""The words and tables of the periodic report, from figures already computed by the services.

Counts first, then the change in counts; a percent change only with its base, and flagged when the base is
small; the significance of a change stated as the Poisson z = 2(√C − √P) with its thresholds (|z| ≥ 2
notable, ≥ 3 strong). Target statuses are the computed ones, quoted — nothing here judges.

A small count of a sensitive category that the report's author may not see (drug offences of a commune,
:mod:`antt.services.disclosure`) is written "<5" in the text and the tables, without the change, percent
and z that would give it back, and is left out of the chart.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date

from antt.analytics.compstat import SMALL_BASE, Z_NOTABLE, Z_STRONG, Change, Measures, pct_change, total
from antt.domain.access import SUPPRESSED_LABEL, Actor
from antt.domain.documents import format_count, format_decimal, format_percent
from antt.domain.reference import offence_table
from antt.domain.targets import GROUPS_VI, STATUS_LABELS_VI, Evaluation
from antt.domain.units import Unit
from antt.reports.document import (
    Area,
    Block,
    Cell,
    Chart,
    Column,
    Header,
    Kind,
    Map,
    Paragraph,
    Report,
    Section,
    Signature,
    Stamp,
    Table,
)
from antt.services.compstat import CompstatResult
from antt.services.disclosure import Disclosure, sensitive_groups

CITY = "Hải Phòng"
MINISTRY = "BỘ CÔNG AN"
CITY_POLICE_LINES = ("CÔNG AN THÀNH PHỐ", "HẢI PHÒNG")  # too long for one line of the header's left column
BODY_LINE_CHARS = 21  # what one line of the header's left column holds at 12 pt (checked in LibreOffice)
PLACEHOLDER = (
    "[Phần dành cho người soạn thảo: phương hướng, nhiệm vụ trọng tâm kỳ tới. ANTT không tự viết phần này.]"
)


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

    def hidden(self, change: Change, group: str, unit_code: str | None = None) -> frozenset[str]:
        """The fields of a cell of ``group`` (in ``unit_code``; default the report's scope) to hide."""
        unit = unit_code or self.by_group.scope.code
        groups = self.by_group.groups if group == "all" else [group]
        return self.disclosure.change_hidden(change, groups=groups, unit_code=unit)


def group_names() -> dict[str, str]:
    return {g.code: g.name_vi for g in offence_table().groups}


def _count(value: int, name: str, hidden: Collection[str]) -> str:
    return SUPPRESSED_LABEL if name in hidden else format_count(value)


def _cell(value: Cell, name: str, hidden: Collection[str]) -> Cell:
    return SUPPRESSED_LABEL if name in hidden else value


def change_phrase(c: Change, hidden: Collection[str] = ()) -> str:
    """``120 vụ (cùng kỳ 100 vụ; tăng 20 vụ, +20,0% so với 100 vụ; z = +1,89, trong dao động ngẫu nhiên)``.

    With ``hidden`` counts: ``<5 vụ (cùng kỳ 7 vụ; số nhỏ hơn 5 không công bố, không nêu tăng, giảm)``."""
    now, before = c.current.incidents, c.previous.incidents
    if "change" in hidden:
        return (
            f"{_count(now, 'current', hidden)} vụ (cùng kỳ {_count(before, 'previous', hidden)} vụ; "
            f"số nhỏ hơn {SUPPRESSED_LABEL[1:]} không công bố, không nêu tăng, giảm)"
        )
    if c.change == 0:
        moved = "không thay đổi"
    else:
        moved = f"{'tăng' if c.change > 0 else 'giảm'} {format_count(abs(c.change))} vụ"
        if c.pct_change is not None:
            moved += f", {_signed(format_percent, c.pct_change)} so với {format_count(before)} vụ"
            if c.small_base:
                moved += f" (cơ số dưới {SMALL_BASE} vụ, tỷ lệ % không ổn định)"
    return (
        f"{format_count(now)} vụ (cùng kỳ {format_count(before)} vụ; {moved}; "
        f"z\u00a0=\u00a0{_signed(lambda v: format_decimal(v, 2), c.z)}, {z_phrase(c.z)})"
    )


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


def situation(figures: Figures, *, with_map: bool = False) -> Section:
    result = figures.by_group
    names = group_names()
    scope = result.scope.name
    blocks: list[Block] = [
        Paragraph(
            f"{result.period.label_vi()}, trên địa bàn {scope} ghi nhận "
            f"{change_phrase(result.totals)}. So sánh với {result.compare.label_vi()}."
        )
    ]
    hidden = {r.group: figures.hidden(r.change, r.group) for r in result.rows}
    blocks += [
        Paragraph(f"- {names[r.group]}: {change_phrase(r.change, hidden[r.group])}.") for r in result.rows
    ]
    if figures.traffic is not None and figures.traffic.current is not None:
        blocks.append(Paragraph(traffic_phrase(figures.traffic.current, figures.traffic.previous)))
    if result.totals.approximate:
        blocks.append(
            Paragraph(
                f"Ghi chú: {format_percent(100 * result.totals.approximate_share)} số vụ được quy đổi theo "
                "đơn vị hành chính mới qua địa bàn bị chia tách, không có tọa độ (số liệu gần đúng).",
                italic=True,
            )
        )
    blocks.append(
        Table(
            key="Bảng 1 Tình hình",
            title="Bảng 1. Số vụ phạm tội theo nhóm so với cùng kỳ",
            columns=[
                Column("Nhóm tội phạm", width=40),
                Column("Kỳ này", Kind.COUNT),
                Column("Cùng kỳ", Kind.COUNT),
                Column("Tăng, giảm (vụ)", Kind.COUNT),
                Column("Tăng, giảm (%)", Kind.PERCENT),
                Column("z", Kind.DECIMAL),
            ],
            rows=[
                [
                    names[r.group],
                    _cell(r.change.current.incidents, "current", hidden[r.group]),
                    _cell(r.change.previous.incidents, "previous", hidden[r.group]),
                    _cell(r.change.change, "change", hidden[r.group]),
                    _cell(_pct_cell(r.change), "pct_change", hidden[r.group]),
                    _cell(round(r.change.z, 2), "z", hidden[r.group]),
                ]
                for r in result.rows
            ],
            total=[
                "Tổng số",
                result.totals.current.incidents,
                result.totals.previous.incidents,
                result.totals.change,
                _pct_cell(result.totals),
                round(result.totals.z, 2),
            ],
        )
    )
    blocks.append(group_chart(result, [g for g, h in hidden.items() if h & {"current", "previous"}]))
    drawn = commune_map(figures) if with_map else None
    if drawn is not None:
        blocks.append(drawn)
    return Section("I. TÌNH HÌNH AN NINH, TRẬT TỰ", blocks)


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


def results(figures: Figures) -> Section:
    t = figures.by_group.totals
    now, before = t.current, t.previous
    drugs = next((r.change for r in figures.by_group.rows if r.group == "drugs"), None)
    lines = [
        f"- Điều tra, khám phá: làm rõ {format_count(now.cleared)}/{format_count(now.incidents)} vụ, "
        f"đạt {_rate(t.clearance)} (cùng kỳ: {_rate(t.previous_clearance)}; tính đến ngày "
        f"{figures.by_group.as_of:%d/%m/%Y}, cùng kỳ tính đến ngày {figures.by_group.compare_as_of:%d/%m/%Y}).",
        f"- Án rất nghiêm trọng, đặc biệt nghiêm trọng: làm rõ {format_count(now.grave_cleared)}/"
        f"{format_count(now.grave)} vụ, đạt {_rate(t.grave_clearance)}.",
        f"- Số đối tượng liên quan: {format_count(now.suspects)} (cùng kỳ {format_count(before.suspects)}).",
        f"- Số vụ do băng, nhóm tội phạm thực hiện: {format_count(now.organised_group)} vụ "
        f"(cùng kỳ {format_count(before.organised_group)} vụ).",
    ]
    if drugs is not None:
        hidden = figures.hidden(drugs, "drugs")
        lines.append(
            f"- Phòng, chống ma túy: phát hiện {_count(drugs.current.incidents, 'current', hidden)} vụ, "
            f"{_count(drugs.current.suspects, 'suspects', hidden)} đối tượng (cùng kỳ "
            f"{_count(drugs.previous.incidents, 'previous', hidden)} vụ, "
            f"{_count(drugs.previous.suspects, 'previous_suspects', hidden)} đối tượng)."
        )
    if figures.eid is not None:
        lines.append(
            f"- Đề án 06: {format_count(round(figures.eid.value))} tài khoản định danh điện tử đã kích hoạt "
            f"(số liệu mới nhất của {figures.eid.units} đơn vị báo cáo, đến ngày {figures.eid.period_end:%d/%m/%Y})."
        )
    return Section("II. KẾT QUẢ CÔNG TÁC", [Paragraph(line) for line in lines])


def _value(x: float | None) -> str:
    if x is None:
        return "—"
    return format_count(round(x)) if float(x).is_integer() else format_decimal(x, 1)


def evaluation_phrase(e: Evaluation) -> str:
    parts = [f"Chỉ tiêu “{e.target.name_vi}”: {STATUS_LABELS_VI[e.status]}"]
    if e.probability is not None:
        parts[0] += f" (xác suất đạt {format_percent(100 * e.probability, 0)})"
    facts = []
    if e.actual is not None:
        facts.append(f"thực hiện {_value(e.actual)}")
    if e.required is not None:
        facts.append(f"yêu cầu {e.target.rule.describe_vi()} (mức {_value(e.required)})")
    if e.expected is not None:
        facts.append(f"dự báo cuối kỳ {_value(e.expected)}")
    facts.append(f"số liệu đến ngày {e.as_of:%d/%m/%Y}")
    return f"- {parts[0]}; " + "; ".join(facts) + "."


def assessment(figures: Figures) -> Section:
    subsections = []
    for group, title in GROUPS_VI.items():
        found = [e for e in figures.evaluations if e.target.group == group]
        if found:
            subsections.append(Section(title, [Paragraph(evaluation_phrase(e)) for e in found]))
    intro = Paragraph(
        "Trạng thái từng chỉ tiêu do ANTT tính từ số liệu (không nhập tay): Đạt, Đúng tiến độ (xác suất đạt "
        "từ 70%), Có nguy cơ (từ 30%), Không đạt, Chưa có số liệu."
    )
    return Section("III. ĐÁNH GIÁ VIỆC THỰC HIỆN CHỈ TIÊU", [intro], subsections)


def unit_totals(result: CompstatResult) -> dict[Unit, Change]:
    """Each commune of a by-unit-and-group result over all its groups, in the result's order: the rows of
    Phụ lục 3 and 4 and the map's values (all groups together, so no sensitive category stands alone)."""
    by_unit: dict[Unit, list[Change]] = {}
    for row in result.rows:
        by_unit.setdefault(row.unit, []).append(row.change)
    return {unit: total(changes) for unit, changes in by_unit.items()}


def annexes(figures: Figures) -> list[Table]:
    result = figures.by_unit_group
    names = group_names()
    groups = result.groups
    cells: dict[tuple[str, str], Change] = {(r.unit.code, r.group): r.change for r in result.rows}
    per_unit = unit_totals(result)
    units = list(per_unit)
    columns = [Column("STT", Kind.COUNT, 5), Column("Mã", width=8), Column("Xã, phường, đặc khu", width=28)]
    columns += [Column(names[g], Kind.COUNT, 9) for g in groups] + [Column("Tổng số", Kind.COUNT, 9)]

    def counts(current: bool) -> Table:
        name = "current" if current else "previous"
        rows: list[list[Cell]] = []
        column_sums = [0] * (len(groups) + 1)
        for i, u in enumerate(units, 1):
            values = [
                (cells[(u.code, g)].current if current else cells[(u.code, g)].previous).incidents
                for g in groups
            ]
            shown = [
                _cell(v, name, figures.hidden(cells[(u.code, g)], g, u.code))
                for v, g in zip(values, groups, strict=True)
            ]
            rows.append([i, u.code, u.name, *shown, sum(values)])
            column_sums = [a + b for a, b in zip(column_sums, [*values, sum(values)], strict=True)]
        # a group's column sums its communes: a count of the scope, hidden like the scope's own figure
        sums: list[Cell] = [
            SUPPRESSED_LABEL
            if j < len(groups)
            and figures.disclosure.count(
                column_sums[j], sensitive=sensitive_groups([groups[j]]), unit_code=result.scope.code
            )
            is None
            else column_sums[j]
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
                round(c.z, 2),
                None if c.clearance is None else round(c.clearance, 1),
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
            Column("z", Kind.DECIMAL),
            Column("Tỷ lệ làm rõ (%)", Kind.PERCENT),
        ],
        rows=change_rows,
    )
    tables = [
        counts(True),
        counts(False),
        change,
        work_annex(per_unit, columns[:3], result.period.label_vi()),
    ]
    eid = eid_annex(figures, units, columns[:3])
    return tables + ([eid] if eid is not None else [])


def work_annex(per_unit: dict[Unit, Change], lead: list[Column], label: str) -> Table:
    """Phụ lục 4: the results of the work per commune — cleared, very serious, suspects, organised groups
    (all groups together, as Phụ lục 3, so no sensitive category stands alone)."""
    rows: list[list[Cell]] = []
    sums = Measures()
    for i, (u, c) in enumerate(per_unit.items(), 1):
        m = c.current
        sums += m
        rows.append([i, u.code, u.name, *_work_cells(m)])
    return Table(
        key="PL4 Kết quả",
        title=f"Phụ lục 4. Kết quả điều tra, khám phá theo xã, phường, đặc khu — {label}",
        columns=[
            *lead,
            Column("Số vụ", Kind.COUNT),
            Column("Làm rõ", Kind.COUNT),
            Column("Tỷ lệ làm rõ (%)", Kind.PERCENT),
            Column("RNT, ĐBNT", Kind.COUNT),
            Column("Làm rõ RNT, ĐBNT", Kind.COUNT),
            Column("Đối tượng", Kind.COUNT),
            Column("Vụ do băng, nhóm", Kind.COUNT),
        ],
        rows=rows,
        total=["", "", "Tổng số", *_work_cells(sums)],
        note="RNT, ĐBNT: tội phạm rất nghiêm trọng, đặc biệt nghiêm trọng.",
    )


def _work_cells(m: Measures) -> list[Cell]:
    rate = None if m.incidents == 0 else round(100 * m.cleared / m.incidents, 1)
    return [m.incidents, m.cleared, rate, m.grave, m.grave_cleared, m.suspects, m.organised_group]


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


def compose(
    figures: Figures,
    stamp: Stamp,
    *,
    number: int | None,
    issued: date,
    signature: Signature,
    secrecy: str | None,
    urgency: str | None,
    city_wide: bool,
) -> Report:
    scope = figures.by_group.scope
    superior: tuple[str, ...]
    issuing: tuple[str, ...]
    if city_wide:
        superior, issuing, symbol = (MINISTRY,), CITY_POLICE_LINES, "BC-CATP"
        recipients = [
            "- Bộ Công an (để báo cáo);",
            "- Thường trực Thành ủy, UBND thành phố (để báo cáo);",
            "- Ban Giám đốc Công an thành phố;",
            "- Công an các xã, phường, đặc khu;",
            "- Lưu: VT, PV01.",
        ]
    else:
        kind = scope.name.removesuffix(scope.short_name).strip()  # "Phường", "Xã", "Đặc khu"
        issuing = (f"CÔNG AN {scope.name.upper()}",)
        if kind and len(issuing[0]) > BODY_LINE_CHARS:
            issuing = (f"CÔNG AN {kind.upper()}", scope.short_name.upper())
        superior, symbol = CITY_POLICE_LINES, "BC-CAX"
        recipients = ["- Công an thành phố (để báo cáo);", f"- Đảng ủy, UBND {scope.name};", "- Lưu: VT."]
    header = Header(
        superior_lines=superior,
        issuing_lines=issuing,
        symbol=symbol,
        place=CITY,
        issued=issued,
        number=number,
        summary=f"Kết quả công tác bảo đảm an ninh, trật tự {figures.by_group.period.label_vi()}",
    )
    return Report(
        header=header,
        sections=[
            situation(figures, with_map=city_wide),
            results(figures),
            assessment(figures),
            Section("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", [Paragraph(PLACEHOLDER, placeholder=True)]),
        ],
        annexes=annexes(figures),
        signature=_with_default_authority(signature, "GIÁM ĐỐC" if city_wide else "TRƯỞNG CÔNG AN"),
        recipients=recipients,
        stamp=stamp,
        secrecy=secrecy,
        urgency=urgency,
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
