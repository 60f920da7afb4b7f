"""The report as a city police writes it: four parts, figures computed, narrative written by the analyst.

I. Tình hình — 1. an ninh chính trị (the analyst's text; crimes against national security only for an
author who may see them), 2. trật tự xã hội, 3. kinh tế, tham nhũng, môi trường, công nghệ cao, 4. ma túy,
5. tệ nạn xã hội, 6. cháy, nổ, 7. tai nạn giao thông, 8. cảnh báo sớm (the early-warning alerts of the
period and what became of them); II. Kết quả các mặt công tác (investigation with the
one clearance rate of :func:`antt.services.compstat.clearance`, cases found and suspects of the other
groups, Project 06, the targets, the other work); III. Đánh giá chung (ưu điểm, hạn chế, nguyên nhân);
IV. Phương hướng, nhiệm vụ.

Each part states its figures in one neutral, factual sentence per figure (count, the same period last
year, the change in cases and in percent with its base) and then the analyst's text from the report draft
(:mod:`antt.services.report_drafts`), word for word; where the analyst has written nothing yet, a part that
has no figures is marked for them. Statistics beyond the police's own vocabulary — the Poisson z, the
probability of meeting a target, projection intervals — are not in the body: they go to the analytical
annex (:func:`analysis_annex`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from antt.domain.documents import format_count, format_decimal, format_percent
from antt.domain.targets import GROUPS_VI, STATUS_LABELS_VI
from antt.reports.document import (
    Block,
    Cell,
    Column,
    Header,
    Kind,
    Paragraph,
    Report,
    Section,
    Signature,
    Stamp,
    Table,
)
from antt.services.compstat import CLEARANCE_DEFINITION_VI, CLEARANCE_GROUP, clearance
from antt.services.report_content import (
    BODY_LINE_CHARS,
    CITY,
    CITY_POLICE_LINES,
    MINISTRY,
    Figures,
    _cell,
    _count,
    _lower_first,
    _rate,
    _with_default_authority,
    alert_lines,
    annexes,
    change_phrase,
    commune_map,
    drug_free_lines,
    evaluation_phrase,
    fires_phrase,
    group_chart,
    group_names,
    project06_lines,
    situation_table,
    social_evil_phrase,
    traffic_phrase,
    unit_totals,
    z_phrase,
)
from antt.services.social_order import SOCIAL_EVILS


@dataclass(frozen=True)
class Narrative:
    """One text the analyst writes in the draft: where it goes and what it is for."""

    key: str
    label_vi: str
    label_en: str
    prompt_vi: str  # what the placeholder says when nothing is written and the part needs text


NARRATIVES = (
    Narrative(
        "an_ninh_chinh_tri",
        "I.1. Tình hình an ninh chính trị",
        "I.1. Political security",
        "Tình hình an ninh chính trị, an ninh nội bộ, an ninh kinh tế, an ninh văn hóa, tư tưởng trên địa bàn.",
    ),
    Narrative("trat_tu_xa_hoi", "I.2. Tình hình trật tự xã hội", "I.2. Social order", ""),
    Narrative(
        "kinh_te",
        "I.3. Tội phạm về kinh tế, tham nhũng, môi trường, công nghệ cao",
        "I.3. Economic, corruption, environmental and high-tech crime",
        "",
    ),
    Narrative("ma_tuy", "I.4. Tội phạm về ma túy", "I.4. Drug crime", ""),
    Narrative("te_nan_xa_hoi", "I.5. Tệ nạn xã hội", "I.5. Social evils", ""),
    Narrative("chay_no", "I.6. Cháy, nổ", "I.6. Fires and explosions", ""),
    Narrative("tai_nan_giao_thong", "I.7. Tai nạn giao thông", "I.7. Traffic accidents", ""),
    Narrative(
        "cong_tac_khac",
        "II.5. Các mặt công tác khác",
        "II.5. Other work",
        "Công tác phòng ngừa; quản lý nhà nước về an ninh, trật tự (cư trú, vũ khí, ngành nghề kinh doanh có "
        "điều kiện); xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc.",
    ),
    Narrative("uu_diem", "III.1. Ưu điểm", "III.1. Strengths", "Những kết quả nổi bật, ưu điểm trong kỳ."),
    Narrative("han_che", "III.2. Hạn chế", "III.2. Shortcomings", "Những tồn tại, hạn chế trong kỳ."),
    Narrative(
        "nguyen_nhan",
        "III.3. Nguyên nhân",
        "III.3. Causes",
        "Nguyên nhân của ưu điểm và của hạn chế (khách quan, chủ quan).",
    ),
    Narrative(
        "phuong_huong",
        "IV. Phương hướng, nhiệm vụ kỳ tới",
        "IV. Tasks for the next period",
        "Phương hướng, nhiệm vụ trọng tâm kỳ tới.",
    ),
)
NARRATIVE_KEYS = tuple(n.key for n in NARRATIVES)
_BY_KEY = {n.key: n for n in NARRATIVES}

# the reporting groups stated in each part of I (a group named nowhere goes to "trật tự xã hội")
POLITICAL_GROUPS = ("national_security",)
ECONOMIC_GROUPS = ("economic", "corruption", "smuggling", "environment", "cyber")
DRUG_GROUPS = ("drugs",)
NO_FIGURES = "Chưa có số liệu của kỳ báo cáo trong ANTT."


def paragraphs(text: str) -> list[str]:
    """The analyst's text as paragraphs, one per non-empty line, each word for word (NFC)."""
    clean = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return [line.rstrip() for line in clean.split("\n") if line.strip()]


def narrative(texts: dict[str, str], key: str) -> list[Block]:
    """The analyst's paragraphs for ``key``; where there are none and the part needs text, a placeholder
    saying what to write (highlighted for the author)."""
    found = paragraphs(texts.get(key, ""))
    if found:
        return [Paragraph(line) for line in found]
    prompt = _BY_KEY[key].prompt_vi
    return [Paragraph(f"[Phần dành cho người soạn thảo: {prompt}]", placeholder=True)] if prompt else []


def _group_lines(figures: Figures, groups: tuple[str, ...]) -> list[Block]:
    names = group_names()
    rows = {r.group: r for r in figures.by_group.rows}
    return [
        Paragraph(f"- {names.get(g, g)}: {change_phrase(rows[g].change, rows[g].hidden)}.")
        for g in groups
        if g in rows
    ]


def situation(figures: Figures, texts: dict[str, str], *, with_map: bool = False) -> Section:
    """Part I: the overall figure, Bảng 1, the chart and the map, then the seven parts."""
    result = figures.by_group
    scope = result.scope.name
    blocks: list[Block] = [
        Paragraph(
            f"{result.period.label_vi()}, trên địa bàn {scope} xảy ra {change_phrase(result.totals)}. "
            f"So sánh với {_lower_first(result.compare.label_vi())}."
        )
    ]
    if result.totals.approximate:
        blocks.append(
            Paragraph(
                f"Ghi chú: {format_percent(100 * result.totals.approximate_share)} số vụ được quy đổi theo "
                "đơn vị hành chính mới qua địa bàn bị chia tách, không có tọa độ (số liệu gần đúng).",
                italic=True,
            )
        )
    blocks.append(situation_table(figures))
    if result.excluded:
        blocks.append(
            Paragraph(
                "Ghi chú: số liệu tổng hợp không gồm các vụ phạm tội về ma túy và xâm phạm tình dục của "
                "địa bàn mà người lập báo cáo không được xem số nhỏ (số vụ ma túy nêu riêng ở dòng của "
                "nhóm đó).",
                italic=True,
            )
        )
    hidden = [r.group for r in result.rows if r.hidden.fields & {"current", "previous"}]
    blocks.append(group_chart(result, hidden))
    drawn = commune_map(figures) if with_map else None
    if drawn is not None:
        blocks.append(drawn)
    named = set(POLITICAL_GROUPS + ECONOMIC_GROUPS + DRUG_GROUPS)
    social_groups = (CLEARANCE_GROUP, *(g for g in result.groups if g not in named and g != CLEARANCE_GROUP))
    parts = [
        Section(
            "1. Tình hình an ninh chính trị",
            [*narrative(texts, "an_ninh_chinh_tri"), *_group_lines(figures, POLITICAL_GROUPS)],
        ),
        Section(
            "2. Tình hình trật tự xã hội",
            [*_group_lines(figures, social_groups), *narrative(texts, "trat_tu_xa_hoi")],
        ),
        Section(
            "3. Tội phạm về kinh tế, tham nhũng, môi trường, công nghệ cao",
            [*_group_lines(figures, ECONOMIC_GROUPS), *narrative(texts, "kinh_te")],
        ),
        Section(
            "4. Tội phạm về ma túy",
            [
                *_group_lines(figures, DRUG_GROUPS),
                *map(Paragraph, drug_free_lines(figures)),
                *narrative(texts, "ma_tuy"),
            ],
        ),
        Section("5. Tệ nạn xã hội", [*social_evil_blocks(figures), *narrative(texts, "te_nan_xa_hoi")]),
        Section("6. Cháy, nổ", [*fire_blocks(figures), *narrative(texts, "chay_no")]),
        Section("7. Tai nạn giao thông", [*traffic_blocks(figures), *narrative(texts, "tai_nan_giao_thong")]),
    ]
    if figures.alerts is not None:
        parts.append(Section("8. Cảnh báo sớm", [Paragraph(line) for line in alert_lines(figures.alerts)]))
    for part in parts:
        if not part.blocks:
            part.blocks.append(Paragraph(NO_FIGURES, italic=True))
    return Section("I. TÌNH HÌNH AN NINH, TRẬT TỰ", blocks, parts)


def social_evil_blocks(figures: Figures) -> list[Block]:
    """The social evils handled administratively, from the imported figures that cover the period (none
    when nothing is imported: the report does not claim a zero it was not given)."""
    social = figures.social
    if social is None:
        return []
    lines = [
        social_evil_phrase(e.name_vi, social[e.cases], social[e.persons])
        for e in SOCIAL_EVILS
        if e.cases in social.figures
    ]
    if not any(lines):
        return []
    intro = Paragraph(
        f"{social.period.label_vi()}, phát hiện, xử lý vi phạm hành chính về tệ nạn xã hội "
        f"(so với cùng kỳ: {_lower_first(social.compare.label_vi())}):"
    )
    return [intro, *(Paragraph(line) for line in lines if line is not None)]


def fire_blocks(figures: Figures) -> list[Block]:
    social = figures.social
    fires = fires_phrase(social) if social is not None and "fire_cases" in social.figures else None
    return [] if fires is None else [Paragraph(fires)]


def traffic_blocks(figures: Figures) -> list[Block]:
    if figures.traffic is None or figures.traffic.current is None:
        return []
    return [Paragraph(traffic_phrase(figures.traffic.current, figures.traffic.previous))]


def clearance_lines(figures: Figures) -> list[Block]:
    """The one clearance rate (:func:`antt.services.compstat.clearance`), stated with its definition."""
    found = clearance(figures.by_group)
    result = figures.by_group
    dates = f"tính đến ngày {result.as_of:%d/%m/%Y}, cùng kỳ tính đến ngày {result.compare_as_of:%d/%m/%Y}"
    if found is None:
        return [Paragraph(f"- Tội phạm về trật tự xã hội: không có vụ để tính tỷ lệ ({dates}).")]
    now = found.current
    return [
        Paragraph(
            f"- Tội phạm về trật tự xã hội: điều tra làm rõ {format_count(now.cleared)}/"
            f"{format_count(now.incidents)} vụ, đạt {_rate(found.rate)} (cùng kỳ: "
            f"{_rate(found.previous_rate)}); trong đó án rất nghiêm trọng, đặc biệt nghiêm trọng làm rõ "
            f"{format_count(now.grave_cleared)}/{format_count(now.grave)} vụ, đạt {_rate(found.grave_rate)} "
            f"({dates})."
        ),
        Paragraph(f"Ghi chú: {CLEARANCE_DEFINITION_VI}", italic=True),
    ]


def found_lines(figures: Figures) -> list[Block]:
    """Cases found and suspects of the groups the police find themselves: no clearance rate for them."""
    names = group_names()
    lines: list[Block] = []
    for row in figures.by_group.rows:
        if row.group not in ECONOMIC_GROUPS + DRUG_GROUPS:
            continue
        c, hidden = row.change, row.hidden
        lines.append(
            Paragraph(
                f"- {names.get(row.group, row.group)}: phát hiện "
                f"{_count(c.current.incidents, 'current', hidden)} vụ, "
                f"{_count(c.current.suspects, 'suspects', hidden)} đối tượng (cùng kỳ "
                f"{_count(c.previous.incidents, 'previous', hidden)} vụ, "
                f"{_count(c.previous.suspects, 'previous_suspects', hidden)} đối tượng)."
            )
        )
    return lines


def results(figures: Figures, texts: dict[str, str]) -> Section:
    t = figures.by_group.totals
    now, before = t.current, t.previous
    investigation = [
        *clearance_lines(figures),
        Paragraph(
            f"- Số đối tượng liên quan đến các vụ phạm tội: {format_count(now.suspects)} (cùng kỳ "
            f"{format_count(before.suspects)})."
        ),
        Paragraph(
            f"- Số vụ do băng, nhóm tội phạm thực hiện: {format_count(now.organised_group)} vụ "
            f"(cùng kỳ {format_count(before.organised_group)} vụ)."
        ),
    ]
    found = found_lines(figures)
    project06: list[Block] = [Paragraph(line) for line in project06_lines(figures)]
    return Section(
        "II. KẾT QUẢ CÁC MẶT CÔNG TÁC",
        [],
        [
            Section("1. Công tác điều tra, khám phá tội phạm", investigation),
            Section(
                "2. Đấu tranh với tội phạm về kinh tế, tham nhũng, môi trường, công nghệ cao, ma túy",
                found or [Paragraph(NO_FIGURES, italic=True)],
            ),
            Section("3. Thực hiện Đề án 06", project06 or [Paragraph(NO_FIGURES, italic=True)]),
            targets_section(figures),
            Section("5. Các mặt công tác khác", narrative(texts, "cong_tac_khac")),
        ],
    )


def targets_section(figures: Figures) -> Section:
    subsections = []
    for group, title in GROUPS_VI.items():
        found = [e for e in figures.evaluations if e.target.group == group]
        if found:
            subsections.append(Section(title, [Paragraph(evaluation_phrase(e)) for e in found]))
    intro = Paragraph(
        "Kết quả từng chỉ tiêu do ANTT tính từ số liệu (không nhập tay); mỗi chỉ tiêu ghi văn bản đặt ra "
        "nó, chỉ tiêu chưa có văn bản ghi rõ “chưa có văn bản”."
    )
    return Section("4. Thực hiện các chỉ tiêu", [intro], subsections)


def assessment(texts: dict[str, str]) -> Section:
    return Section(
        "III. ĐÁNH GIÁ CHUNG",
        [],
        [
            Section("1. Ưu điểm", narrative(texts, "uu_diem")),
            Section("2. Hạn chế", narrative(texts, "han_che")),
            Section("3. Nguyên nhân", narrative(texts, "nguyen_nhan")),
        ],
    )


# --- the analytical annex: what a police report does not say in its body ---------------------------------


def analysis_annex(figures: Figures) -> list[Table]:
    """The statistics behind the body: the Poisson z of each group's and each commune's change, and each
    target's probability of being met, its projection and 90 % interval (ANTT's own computation, for
    reference)."""
    names = group_names()
    result = figures.by_group
    z_columns = [
        Column("Kỳ này", Kind.COUNT),
        Column("Cùng kỳ", Kind.COUNT),
        Column("z", Kind.DECIMAL),
        Column("Nhận định", width=30),
    ]
    group_rows: list[list[Cell]] = []
    for r in result.rows:
        c, hidden = r.change, r.hidden  # a figure hidden from the author is written as in the body
        group_rows.append(
            [
                names.get(r.group, r.group),
                _cell(c.current.incidents, "current", hidden),
                _cell(c.previous.incidents, "previous", hidden),
                _cell(round(c.z, 2), "z", hidden),
                "không công bố" if "z" in hidden.fields else z_phrase(c.z),
            ]
        )
    tot = result.totals
    by_group = Table(
        key="PT1 Nhóm tội phạm",
        title="Phụ lục phân tích 1. Mức ý nghĩa của tăng, giảm theo nhóm tội phạm",
        columns=[Column("Nhóm tội phạm", width=40), *z_columns],
        rows=group_rows,
        total=["Tổng số", tot.current.incidents, tot.previous.incidents, round(tot.z, 2), z_phrase(tot.z)],
        note=(
            "z = 2(√C − √P), C: số vụ kỳ này, P: số vụ cùng kỳ; |z| ≥ 2: thay đổi đáng chú ý, |z| ≥ 3: thay "
            "đổi rõ rệt, |z| < 2: trong dao động ngẫu nhiên (kiểm định Poisson)."
        ),
    )
    unit_rows: list[list[Cell]] = []
    for i, (u, c) in enumerate(unit_totals(figures.by_unit_group).items(), 1):
        unit_rows.append(
            [i, u.code, u.name, c.current.incidents, c.previous.incidents, round(c.z, 2), z_phrase(c.z)]
        )
    by_unit = Table(
        key="PT2 Xã phường",
        title="Phụ lục phân tích 2. Mức ý nghĩa của tăng, giảm theo xã, phường, đặc khu",
        columns=[
            Column("STT", Kind.COUNT, 5),
            Column("Mã", width=8),
            Column("Xã, phường, đặc khu", width=28),
            *z_columns,
        ],
        rows=unit_rows,
    )
    target_rows: list[list[Cell]] = []
    for e in figures.evaluations:
        interval = None if e.interval is None else f"{_number(e.interval[0])} – {_number(e.interval[1])}"
        target_rows.append(
            [
                e.target.name_vi,
                STATUS_LABELS_VI[e.status],
                None if e.probability is None else round(100 * e.probability, 1),
                None if e.expected is None else round(e.expected, 1),
                interval,
                e.model or None,
            ]
        )
    targets = Table(
        key="PT3 Chỉ tiêu",
        title="Phụ lục phân tích 3. Dự báo cuối kỳ và xác suất đạt chỉ tiêu",
        columns=[
            Column("Chỉ tiêu", width=40),
            Column("Trạng thái", width=14),
            Column("Xác suất đạt (%)", Kind.PERCENT),
            Column("Dự báo cuối kỳ", Kind.DECIMAL),
            Column("Khoảng dự báo 90%", width=18),
            Column("Mô hình", width=30),
        ],
        rows=target_rows,
        note=(
            "Đúng tiến độ: xác suất đạt từ 70%; có nguy cơ: từ 30%; không đạt: dưới 30% hoặc kỳ đã kết thúc "
            "mà không đạt. Dự báo và xác suất do ANTT tính từ số liệu các kỳ trước, chỉ để tham khảo."
        ),
    )
    return [by_group, by_unit, targets]


def _number(value: float) -> str:
    return format_count(round(value)) if float(value).is_integer() else format_decimal(value, 1)


def compose(
    figures: Figures,
    stamp: Stamp,
    *,
    texts: dict[str, str] | None = None,
    number: int | None,
    issued: date,
    signature: Signature,
    secrecy: str | None,
    urgency: str | None,
    city_wide: bool,
) -> Report:
    texts = texts or {}
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
        # "tháng" in lower case inside the abstract, as Decree 30 writes it
        summary=f"Kết quả công tác bảo đảm an ninh, trật tự {_lower_first(figures.by_group.period.label_vi())}",
    )
    return Report(
        header=header,
        sections=[
            situation(figures, texts, with_map=city_wide),
            results(figures, texts),
            assessment(texts),
            Section("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ KỲ TỚI", narrative(texts, "phuong_huong")),
        ],
        annexes=annexes(figures),
        analysis=analysis_annex(figures),
        signature=_with_default_authority(signature, "GIÁM ĐỐC" if city_wide else "TRƯỞNG CÔNG AN"),
        recipients=recipients,
        stamp=stamp,
        secrecy=secrecy,
        urgency=urgency,
    )


def part_sentences(report: Report, texts: dict[str, str]) -> dict[str, list[str]]:
    """The sentences ANTT computed for each part the analyst writes (narrative key → sentences), shown
    beside the text box in the draft; part II's figures go beside its "other work"."""

    def computed(section: Section, key: str) -> list[str]:
        written = set(paragraphs(texts.get(key, "")))
        found = [
            b.text
            for b in section.blocks
            if isinstance(b, Paragraph) and not b.placeholder and b.text not in written
        ]
        for sub in section.subsections:
            found += computed(sub, key)
        return found

    situation_part, results_part = report.sections[0], report.sections[1]
    found = {
        key: computed(section, key)
        for key, section in zip(
            NARRATIVE_KEYS[:7], situation_part.subsections[:7], strict=True
        )  # I.8: no text
    }
    found["cong_tac_khac"] = [line for sub in results_part.subsections[:-1] for line in computed(sub, "")]
    return found
