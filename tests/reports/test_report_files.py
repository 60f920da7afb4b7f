"""The report's files opened and read back: layout (python-docx), text and figures (pypdf), cells (openpyxl)."""

from __future__ import annotations

import io
import unicodedata
from datetime import date, datetime, timezone
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from pypdf import PdfReader
from sqlalchemy import select

from antt.domain.documents import MOTTO, NATIONAL_TITLE, format_count, format_percent
from antt.domain.periods import parse_period
from antt.domain.reference import offence_table
from antt.domain.targets import STATUS_LABELS_VI
from antt.reports.document import Paragraph
from antt.services.compstat import By, compstat
from antt.services.reports import ReportFormat, ReportOptions, build_report, export_report, render
from antt.services.social_order import SOCIAL_ORDER_INDICATORS
from antt.storage.tables import AuditRecord

PERIOD = parse_period("report-month:2026-10")
AS_OF = date(2026, 10, 31)
NOW = datetime(2026, 11, 2, 8, 30, tzinfo=timezone.utc)


pytestmark = pytest.mark.slow  # renders the report to Word, PDF and PNG, opens it in LibreOffice


@pytest.fixture(scope="module")
def city(demo_database):
    from antt.domain.access import Actor

    return build_report(
        demo_database,
        Actor.system("phân-tích-viên"),
        PERIOD,
        as_of=AS_OF,
        options=ReportOptions(number=7, issued=date(2026, 11, 5)),
        now=NOW,
    )


@pytest.fixture(scope="module")
def commune_code(demo_database):
    from antt.domain.access import Actor

    result = compstat(demo_database, Actor.system("t"), PERIOD, as_of=AS_OF)
    return max(result.rows, key=lambda r: r.change.current.incidents).unit.code


@pytest.fixture(scope="module")
def commune(demo_database, commune_code):
    from antt.domain.access import Actor

    return build_report(demo_database, Actor.system("t"), PERIOD, unit_code=commune_code, as_of=AS_OF)


@pytest.fixture(scope="module")
def city_docx(city):
    return Document(io.BytesIO(render(city, ReportFormat.DOCX)))


@pytest.fixture(scope="module")
def city_pdf(city):
    return PdfReader(io.BytesIO(render(city, ReportFormat.PDF)))


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def flat(text: str) -> str:
    return " ".join(text.split())


def part(report, heading: str):
    """The part (a section or subsection, at any depth) whose heading starts with ``heading``."""

    def walk(sections):
        for section in sections:
            if section.heading.startswith(heading):
                return section
            found = walk(section.subsections)
            if found is not None:
                return found
        return None

    found = walk(report.sections)
    assert found is not None, heading
    return found


def texts_of(section) -> list[str]:
    """Every paragraph of a section and its subsections."""
    found = [b.text for b in section.blocks if isinstance(b, Paragraph)]
    for sub in section.subsections:
        found += texts_of(sub)
    return found


def test_docx_is_a4_with_decree_30_margins_and_a_serif_body_font(city_docx) -> None:
    first = city_docx.sections[0]
    assert abs(first.page_width - Mm(210)) < Mm(0.5) and abs(first.page_height - Mm(297)) < Mm(0.5)
    assert Mm(20) <= first.top_margin <= Mm(25) and Mm(20) <= first.bottom_margin <= Mm(25)
    assert Mm(30) <= first.left_margin <= Mm(35) and Mm(15) <= first.right_margin <= Mm(20)
    normal = city_docx.styles["Normal"].font
    assert normal.name in ("Times New Roman", "Liberation Serif")
    assert 13 <= normal.size.pt <= 14
    annex = city_docx.sections[-1]
    assert annex.page_width > annex.page_height  # annex tables on landscape pages


def test_docx_header_block_has_the_decree_30_texts(city_docx) -> None:
    header = city_docx.tables[0]
    left, right = ([line for line in c.text.splitlines() if line] for c in header.rows[0].cells)
    assert left == ["BỘ CÔNG AN", "CÔNG AN THÀNH PHỐ", "HẢI PHÒNG", "Số: 07/BC-CATP"]  # body on two lines
    assert right == [NATIONAL_TITLE, MOTTO, "Hải Phòng, ngày 05 tháng 11 năm 2026"]
    # the rules under the issuing body and the motto: empty paragraphs with a bottom border (the text
    # keeps the cell's full width; LibreOffice and Word draw the line)
    for cell, after in ((header.rows[0].cells[0], "HẢI PHÒNG"), (header.rows[0].cells[1], MOTTO)):
        texts = [p.text for p in cell.paragraphs]
        rule = cell.paragraphs[next(i for i, t in enumerate(texts) if t.endswith(after)) + 1]
        assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None
    texts = [p.text for p in city_docx.paragraphs]
    assert "BÁO CÁO" in texts
    label = PERIOD.label_vi()
    assert label.startswith("Tháng")
    assert f"Kết quả công tác bảo đảm an ninh, trật tự tháng{label[5:]}" in texts  # "tháng" lower case
    date_run = header.rows[0].cells[1].paragraphs[3].runs[0]
    assert date_run.italic and not date_run.bold
    assert header.rows[0].cells[1].paragraphs[0].runs[0].bold


def test_docx_numbers_pages_from_page_two(city_docx) -> None:
    first = city_docx.sections[0]
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml
    assert "PAGE" not in first.first_page_header._element.xml


def test_docx_has_the_four_parts_signature_and_recipients(city_docx) -> None:
    text = all_text(city_docx)
    for heading in (
        "I. TÌNH HÌNH",
        "1. Tình hình an ninh chính trị",
        "2. Tình hình trật tự xã hội",
        "3. Tội phạm về kinh tế, tham nhũng, môi trường, công nghệ cao",
        "4. Tội phạm về ma túy",
        "5. Tệ nạn xã hội",
        "6. Cháy, nổ",
        "7. Tai nạn giao thông",
        "II. KẾT QUẢ CÁC MẶT CÔNG TÁC",
        "III. ĐÁNH GIÁ CHUNG",
        "1. Ưu điểm",
        "2. Hạn chế",
        "3. Nguyên nhân",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ",
        "PHỤ LỤC PHÂN TÍCH THỐNG KÊ",
    ):
        assert heading in text, heading
    assert "[Phần dành cho người soạn thảo" in text  # nothing written yet: the parts to write are marked
    assert "Nơi nhận:" in text and "- Lưu: VT, PV01." in text and "GIÁM ĐỐC" in text
    assert "tính đến ngày 31/10/2026" in text


def test_every_vietnamese_string_survives_exactly_in_nfc(city_docx, city_pdf) -> None:
    docx_text = all_text(city_docx)
    pdf_text = flat("\n".join(page.extract_text() for page in city_pdf.pages))
    assert unicodedata.is_normalized("NFC", docx_text)
    assert unicodedata.is_normalized("NFC", pdf_text)
    names = [g.name_vi for g in offence_table().groups]
    for text in [NATIONAL_TITLE, MOTTO, "BÁO CÁO", "Hải Phòng, ngày 05 tháng 11 năm 2026", *names]:
        assert text in docx_text
        assert flat(text) in pdf_text, text


def test_pdf_figures_equal_the_compstat_service(demo_database, city_pdf) -> None:
    from antt.domain.access import Actor

    result = compstat(demo_database, Actor.system("t"), PERIOD, by=By.GROUP, as_of=AS_OF)
    text = flat("\n".join(page.extract_text() for page in city_pdf.pages))
    names = {g.code: g.name_vi for g in offence_table().groups}
    total = result.totals
    assert (
        f"{format_count(total.current.incidents)} vụ (cùng kỳ {format_count(total.previous.incidents)} vụ"
        in text
    )
    for row in result.rows:
        c = row.change
        expected = f"{names[row.group]}: {format_count(c.current.incidents)} vụ (cùng kỳ {format_count(c.previous.incidents)} vụ"
        assert expected in text, expected
    social = next(r.change.current for r in result.rows if r.group == "social_order")
    cleared = f"điều tra làm rõ {format_count(social.cleared)}/{format_count(social.incidents)} vụ"
    assert cleared in text
    assert (
        f"làm rõ {format_count(total.current.cleared)}/{format_count(total.current.incidents)} vụ" not in text
    )


def _top_margin_text(page) -> str:
    height = float(page.mediabox.height)
    found: list[str] = []

    def visit(text, cm, tm, font, size) -> None:
        y = tm[5] * cm[3] + cm[5] if cm else tm[5]
        if y > height - 20 * 72 / 25.4 and text.strip():
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(found)


def test_pdf_page_one_has_no_page_number_and_page_two_has_one(city_pdf) -> None:
    assert len(city_pdf.pages) >= 3
    assert _top_margin_text(city_pdf.pages[0]) == ""
    assert _top_margin_text(city_pdf.pages[1]) == "2"
    assert _top_margin_text(city_pdf.pages[2]) == "3"


def test_part_two_states_each_target_status_as_computed_without_probabilities(city) -> None:
    targets = part(city, "4. Thực hiện các chỉ tiêu")
    statements = [b.text for s in targets.subsections for b in s.blocks]
    assert statements
    labels = tuple(STATUS_LABELS_VI.values())
    for line in statements:
        assert line.startswith("- Chỉ tiêu “")
        assert any(f"”: {label}" in line for label in labels), line
        assert "xác suất" not in line and "dự báo" not in line  # in the analytical annex
    annex = next(t for t in city.analysis if t.key == "PT3 Chỉ tiêu")
    assert len(annex.rows) == len(statements)
    assert any(isinstance(row[2], float) for row in annex.rows)  # the probabilities are there


def test_xlsx_cells_are_numbers_with_frozen_vietnamese_headers(city) -> None:
    book = openpyxl.load_workbook(io.BytesIO(render(city, ReportFormat.XLSX)))
    assert book.sheetnames == [
        "Thông tin",
        "PL1 Kỳ này",
        "PL2 Cùng kỳ",
        "PL3 So sánh",
        "PL4 Kết quả",
        "PL5 Đề án 06",
        "PT1 Nhóm tội phạm",
        "PT2 Xã phường",
        "PT3 Chỉ tiêu",
    ]
    sheet = book["PL1 Kỳ này"]
    assert sheet.freeze_panes == "A3"
    headers = [c.value for c in sheet[2]]
    assert headers[:3] == ["STT", "Mã", "Xã, phường, đặc khu"] and headers[-1] == "Tổng số"
    body = list(sheet.iter_rows(min_row=3, values_only=False))
    assert len(body) == 114 + 1  # every commune, then the total
    for row in body[:-1]:
        assert row[1].data_type == "s" and row[2].data_type == "s"
        assert all(c.data_type == "n" and isinstance(c.value, int) for c in row[3:])
    assert body[-1][-1].value == sum(r[-1].value for r in body[:-1])


def test_a_commune_report_contains_only_that_communes_rows(commune, commune_code) -> None:
    for table in commune.annexes:
        assert [row[1] for row in table.rows] == [commune_code]
    doc = Document(io.BytesIO(render(commune, ReportFormat.DOCX)))
    first = len(doc.tables) - len(commune.annexes) - len(commune.analysis)
    annexes = [*doc.tables[first : first + len(commune.annexes)], doc.tables[-2]]  # and PT2, by commune
    codes = {row.cells[1].text for t in annexes for row in t.rows[1:]}
    assert codes <= {commune_code, ""}
    book = openpyxl.load_workbook(io.BytesIO(render(commune, ReportFormat.XLSX)))
    for name in [n for n in book.sheetnames if n.startswith("PL") or n == "PT2 Xã phường"]:
        values = {r[1] for r in book[name].iter_rows(min_row=3, values_only=True)}
        assert values <= {commune_code, None}
    header = doc.tables[0].rows[0].cells[0].text
    assert header.splitlines()[:2] == ["CÔNG AN THÀNH PHỐ", "HẢI PHÒNG"]  # the superior body, on two lines


def test_an_export_is_audited_with_its_filters_and_format(demo_database, commune_code) -> None:
    from antt.domain.access import Actor

    content = export_report(
        demo_database,
        Actor.system("kiểm-tra"),
        PERIOD,
        ReportFormat.XLSX,
        unit_code=commune_code,
        as_of=AS_OF,
    )
    assert content[:2] == b"PK"
    with demo_database.transaction(write=False) as session:
        record = session.scalars(
            select(AuditRecord).where(AuditRecord.action == "report.export").order_by(AuditRecord.id.desc())
        ).first()
    assert record is not None and record.actor == "kiểm-tra"
    assert record.details["format"] == "xlsx" and record.details["period"] == PERIOD.key
    assert record.details["unit"] == commune_code and record.details["as_of"] == "2026-10-31"


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


def test_the_first_pdf_pages_render_to_png_artifacts(city, tmp_path) -> None:
    """Rendered with poppler's pdftoppm (installed by scripts/setup.sh) into test-artifacts/reports/."""
    import shutil
    import subprocess

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm is missing: scripts/setup.sh installs poppler-utils"
    source = tmp_path / "report.pdf"
    source.write_bytes(render(city, ReportFormat.PDF))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [pdftoppm, "-r", "60", "-png", "-f", "1", "-l", "3", str(source), str(ARTIFACTS / "city-report-pdf")],
        check=True,
        timeout=120,
    )
    pages = sorted(ARTIFACTS.glob("city-report-pdf-*.png"))
    assert len(pages) == 3 and all(p.stat().st_size > 5_000 for p in pages)
    assert pages[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_city_report_maps_every_commune_at_its_annex_count_per_10000(
    city, commune, city_docx, demo_database
):
    from antt.domain.access import Actor
    from antt.reports.document import Map
    from antt.services.units import populations

    maps = [b for b in city.sections[0].blocks if isinstance(b, Map)]
    assert len(maps) == 1 and maps[0].legend == "Số vụ trên 10.000 dân"  # the demo imports populations
    areas = {a.code: a for a in maps[0].areas}
    annex = next(t for t in city.annexes if t.key == "PL3 So sánh")
    assert set(areas) == {row[1] for row in annex.rows} and len(areas) == 114
    residents = populations(demo_database, Actor.system("t"), AS_OF)
    for row in annex.rows:
        assert areas[row[1]].value == pytest.approx(10_000 * row[3] / residents[row[1]])
    assert len(city_docx.inline_shapes) == 2  # the group chart and the map
    assert not any(isinstance(b, Map) for s in commune.sections for b in s.blocks)  # one commune: no map


def test_the_work_annex_totals_equal_the_compstat_service(city, demo_database) -> None:
    from antt.domain.access import Actor

    annex = next(t for t in city.annexes if t.key == "PL4 Kết quả")
    result = compstat(demo_database, Actor.system("t"), PERIOD, by=By.UNIT, as_of=AS_OF)
    social = compstat(demo_database, Actor.system("t"), PERIOD, by=By.UNIT, group="social_order", as_of=AS_OF)
    by_code = {r.unit.code: r.change.current for r in result.rows}
    social_by_code = {r.unit.code: r.change.current for r in social.rows}
    for row in annex.rows:
        m, s = by_code[row[1]], social_by_code[row[1]]
        assert row[3:] == [
            m.incidents,
            s.incidents,
            s.cleared,
            None if s.incidents == 0 else round(100 * s.cleared / s.incidents, 1),  # social order only
            s.grave,
            s.grave_cleared,
            m.suspects,
            m.organised_group,
        ]
    t, st = result.totals.current, social.totals.current
    assert annex.total[3:6] == [t.incidents, st.incidents, st.cleared]
    assert annex.total[9:] == [t.suspects, t.organised_group]


def _latest(database, indicator: str, end: date) -> dict[str, tuple[date, float]]:
    from antt.domain.access import Actor
    from antt.services.indicators import indicator_values

    latest: dict[str, tuple[date, float]] = {}
    for code, _, _, period_end, value in indicator_values(database, Actor.system("t"), indicator, end=end):
        if period_end <= end and (code not in latest or period_end > latest[code][0]):
            latest[code] = (period_end, value)
    return latest


def test_the_eid_annex_gives_each_communes_latest_level2_figures_by_the_periods_end(
    city, demo_database
) -> None:
    from antt.domain.access import Actor
    from antt.services.indicators import indicator_values

    annex = next(t for t in city.annexes if t.key == "PL5 Đề án 06")
    assert [c.header for c in annex.columns[3:]] == [
        "Chỉ tiêu giao",
        "Mức 2 đã thu nhận",
        "Mức 2 đã kích hoạt",
        "Kích hoạt mức 2/chỉ tiêu (%)",
        "Thẻ căn cước đã cấp",
        "Hồ sơ DVC trực tuyến trong kỳ",
        "Số liệu đến ngày",
    ]
    assert "mức 2" in annex.title and "69/2024/NĐ-CP" in annex.note
    assigned = _latest(demo_database, "eid_accounts_assigned", PERIOD.end)
    collected = _latest(demo_database, "eid_level2_collected", PERIOD.end)
    activated = _latest(demo_database, "eid_level2_activated", PERIOD.end)
    cards = _latest(demo_database, "chip_id_cards_issued", PERIOD.end)
    online = {
        code: value
        for code, key, *_, value in indicator_values(
            demo_database, Actor.system("t"), "online_public_services"
        )
        if key == PERIOD.key  # the report month's own figure: it tiles the period
    }
    assert len(annex.rows) == 114 and len(online) == 114
    for row in annex.rows:
        code = row[1]
        assert row[3:6] == [assigned[code][1], collected[code][1], activated[code][1]]
        assert activated[code][0] == PERIOD.end  # report-month:2026-10 ends on 14/10/2026
        assert row[6] == pytest.approx(round(100 * row[5] / row[3], 1))
        assert row[7:9] == [cards[code][1], online[code]]
        assert row[9] == "14/10/2026"  # the level-2 figures' date: later than the e-ID month of September
    assert annex.total[3:6] == [
        sum(v for _, v in assigned.values()),
        sum(v for _, v in collected.values()),
        sum(v for _, v in activated.values()),
    ]
    assert annex.total[7:9] == [sum(v for _, v in cards.values()), sum(online.values())]


def test_part_two_states_the_level2_accounts_chip_cards_and_online_services(city, demo_database) -> None:
    from antt.domain.access import Actor
    from antt.services.indicators import indicator_values

    collected = _latest(demo_database, "eid_level2_collected", PERIOD.end)
    activated = _latest(demo_database, "eid_level2_activated", PERIOD.end)
    cards = _latest(demo_database, "chip_id_cards_issued", PERIOD.end)
    points = indicator_values(demo_database, Actor.system("t"), "online_public_services")
    now = round(sum(v for _, key, *_, v in points if key == PERIOD.key))
    before = round(sum(v for _, key, *_, v in points if key == "report-month:2025-10"))
    lines = texts_of(city.sections[1])
    count = lambda values: format_count(round(sum(v for _, v in values.values())))  # noqa: E731
    assert (
        "- Đề án 06, tài khoản định danh điện tử mức 2 (Nghị định 69/2024/NĐ-CP): thu nhận "
        f"{count(collected)} hồ sơ, kích hoạt {count(activated)} tài khoản (lũy kế, số liệu mới nhất của "
        "114 đơn vị báo cáo, đến ngày 14/10/2026)."
    ) in lines
    assert (
        f"- Cấp thẻ căn cước (gắn chíp): {count(cards)} thẻ (lũy kế, số liệu của 114 đơn vị báo cáo, "
        "đến ngày 14/10/2026)."
    ) in lines
    online = next(line for line in lines if line.startswith("- Dịch vụ công trực tuyến"))
    sign = "tăng" if now > before else "giảm"
    assert online.startswith(
        f"- Dịch vụ công trực tuyến: tiếp nhận {format_count(now)} hồ sơ trong kỳ (cùng kỳ: "
        f"{format_count(before)} hồ sơ; số hồ sơ {sign} {format_count(abs(now - before))} hồ sơ, "
    )
    assert f"so với {format_count(before)} hồ sơ)." in online
    assert not any("tài khoản định danh điện tử đã kích hoạt (số liệu" in line for line in lines)  # not both


def test_social_evils_and_fires_are_stated_in_part_one_from_the_imported_months(
    city, city_docx, city_pdf, commune, demo_database
) -> None:
    from antt.domain.access import Actor
    from antt.services.indicators import indicator_values

    def month(name: str, key: str) -> int:
        points = indicator_values(demo_database, Actor.system("t"), name, unit_code="31")
        return round(next(p[4] for p in points if p[1] == key))

    now = {n: month(n, PERIOD.key) for n in SOCIAL_ORDER_INDICATORS}
    before = {n: month(n, "report-month:2025-10") for n in SOCIAL_ORDER_INDICATORS}
    social, fires = part(city, "5. Tệ nạn xã hội"), part(city, "6. Cháy, nổ")
    texts = [b.text for b in social.blocks]
    assert texts[0] == (
        f"{PERIOD.label_vi()}, phát hiện, xử lý vi phạm hành chính về tệ nạn xã hội (so với cùng kỳ: "
        "tháng 10/2025 (15/09/2025 – 14/10/2025)):"
    )

    def moved(a: int, b: int) -> str:
        if a == b:
            return "số vụ không thay đổi"
        text = f"số vụ {'tăng' if a > b else 'giảm'} {abs(a - b)} vụ"
        if b:
            sign = "+" if a > b else "−"
            text += f", {sign}{format_percent(100 * abs(a - b) / b)} so với {b} vụ"
            if b < 10:
                text += " (cơ số dưới 10 vụ, tỷ lệ % không ổn định)"
        return text

    for name, kind in (("Mại dâm", "prostitution"), ("Đánh bạc", "gambling"), ("Sử dụng", "drug_use")):
        cases, persons = f"{kind}_admin_cases", f"{kind}_admin_persons"
        line = next(t for t in texts if t.startswith(f"- {name}"))
        assert line.endswith(
            f": {format_count(now[cases])} vụ, {format_count(now[persons])} người (cùng kỳ: "
            f"{format_count(before[cases])} vụ, {format_count(before[persons])} người; "
            f"{moved(now[cases], before[cases])})."
        ), line
    (fire_line,) = [b.text for b in fires.blocks if not b.placeholder]
    deaths = f"làm chết {now['fire_deaths']} người" if now["fire_deaths"] else "không có người chết"
    injured = (
        f"bị thương {now['fire_injuries']} người" if now["fire_injuries"] else "không có người bị thương"
    )
    assert fire_line.startswith(
        f"- Xảy ra {now['fire_cases']} vụ cháy, nổ, {deaths}, {injured}, thiệt hại tài sản ước tính "
    )
    assert fire_line.endswith(f"{moved(now['fire_cases'], before['fire_cases'])}).")
    # the same words in the Word and PDF files the leader signs
    docx_text, pdf_text = flat(all_text(city_docx)), flat(" ".join(p.extract_text() for p in city_pdf.pages))
    for line in (texts[1], fire_line):
        assert flat(line) in docx_text
    assert "Tệ nạn xã hội" in docx_text and "Cháy, nổ" in docx_text and "Tệ nạn xã hội" in pdf_text
    # the figures are the city's: a commune's report has none to state, and says so
    for heading in ("5. Tệ nạn xã hội", "6. Cháy, nổ"):
        assert [b.text for b in part(commune, heading).blocks] == [
            "Chưa có số liệu của kỳ báo cáo trong ANTT."
        ]


def test_the_social_phrases_say_a_hidden_or_missing_figure_as_such() -> None:
    from antt.services.report_content import fires_phrase, social_evil_phrase
    from antt.services.social_order import FigureChange, SocialOrderFigures

    cases = FigureChange("drug_use_admin_cases", None, 7.0, "<5", None)
    persons = FigureChange("drug_use_admin_persons", 9.0, None)
    assert social_evil_phrase("sử dụng trái phép chất ma túy", cases, persons) == (
        "- Sử dụng trái phép chất ma túy: <5 vụ, 9 người (cùng kỳ: 7 vụ; không nêu tăng, giảm số vụ)."
    )
    none = FigureChange("gambling_admin_cases", None, 3.0)
    assert social_evil_phrase("đánh bạc", none, FigureChange("gambling_admin_persons", None, None)) is None
    figures = SocialOrderFigures(
        scope=None,  # type: ignore[arg-type]
        period=PERIOD,
        compare=PERIOD.same_period_last_year(),
        as_of=AS_OF,
        figures={
            "fire_cases": FigureChange("fire_cases", 12.0, 15.0),
            "fire_deaths": FigureChange("fire_deaths", 1.0, 0.0),
            "fire_injuries": FigureChange("fire_injuries", 2.0, None),
            "fire_damage_vnd": FigureChange("fire_damage_vnd", 1_250_000_000.0, 350_000_000.0),
        },
    )
    assert fires_phrase(figures) == (
        "- Xảy ra 12 vụ cháy, nổ, làm chết 1 người, bị thương 2 người, thiệt hại tài sản ước tính 1,25 tỷ "
        "đồng (cùng kỳ: xảy ra 15 vụ cháy, nổ, không có người chết, thiệt hại tài sản ước tính 350,0 triệu "
        "đồng; số vụ giảm 3 vụ, −20,0% so với 15 vụ)."
    )


def test_the_word_report_opens_in_libreoffice_as_laid_out(city, tmp_path) -> None:
    """The docx converted by a real office suite (LibreOffice headless, installed by scripts/setup.sh for
    the tests): header lines unbroken where they should be, page numbers from page 2, ≥ 20 pages; its
    first pages are kept as PNG in test-artifacts/reports/ beside the PDF renderer's."""
    import shutil
    import subprocess

    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    assert soffice and pdftoppm, "scripts/setup.sh installs libreoffice-writer-nogui and poppler-utils"
    source = tmp_path / "report.docx"
    source.write_bytes(render(city, ReportFormat.DOCX))
    profile = f"-env:UserInstallation=file://{tmp_path / 'profile'}"  # never the user's own profile
    command = [soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)]
    subprocess.run(command, check=True, timeout=240, capture_output=True)
    pdf = PdfReader(tmp_path / "report.pdf")
    first = pdf.pages[0].extract_text().splitlines()
    assert first[:4] == ["BỘ CÔNG AN", "CÔNG AN THÀNH PHỐ", "HẢI PHÒNG", "Số: 07/BC-CATP"]
    assert NATIONAL_TITLE in first and MOTTO in first  # each on one line: the columns are wide enough
    assert all(unicodedata.is_normalized("NFC", line) for line in first)
    assert _top_margin_text(pdf.pages[0]) == "" and _top_margin_text(pdf.pages[1]) == "2"
    assert len(pdf.pages) >= 20
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = [pdftoppm, "-r", "60", "-png", "-f", "1", "-l", "3", str(tmp_path / "report.pdf")]
    subprocess.run([*png, str(ARTIFACTS / "city-report-docx")], check=True, timeout=120)
    pages = sorted(ARTIFACTS.glob("city-report-docx-*.png"))
    assert len(pages) == 3 and all(p.stat().st_size > 5_000 for p in pages)


def test_word_tables_repeat_their_header_row_and_give_names_the_widest_column(city_docx) -> None:
    annex = next(t for t in city_docx.tables if t.rows[0].cells[0].text == "STT")
    first_row = annex.rows[0]._tr
    assert first_row.trPr is not None and first_row.trPr.find(qn("w:tblHeader")) is not None
    grid = [int(col.get(qn("w:w"))) for col in annex._tbl.tblGrid.findall(qn("w:gridCol"))]
    names = [c.text for c in annex.rows[0].cells].index("Xã, phường, đặc khu")
    assert grid[names] == max(grid)
    assert sum(grid) == pytest.approx(Mm(297 - 30 - 15).twips, rel=0.01)  # the landscape text width


def test_traffic_accidents_are_stated_from_the_imported_months_of_the_period(city, commune, demo_database):
    from antt.domain.access import Actor
    from antt.services.indicators import indicator_values

    def month(name: str, key: str) -> int:
        points = indicator_values(demo_database, Actor.system("t"), name, unit_code="31")
        return round(next(p[4] for p in points if p[1] == key))

    now = [
        month(n, "report-month:2026-10") for n in ("traffic_accidents", "traffic_deaths", "traffic_injuries")
    ]
    before = [
        month(n, "report-month:2025-10") for n in ("traffic_accidents", "traffic_deaths", "traffic_injuries")
    ]
    lines = [t for t in texts_of(part(city, "7. Tai nạn giao thông")) if t.startswith("- Tai nạn giao thông")]
    change = now[0] - before[0]
    moved = "số vụ không thay đổi"
    if change:
        sign = "+" if change > 0 else "\u2212"
        moved = f"số vụ {'tăng' if change > 0 else 'giảm'} {abs(change)} vụ, {sign}{format_percent(100 * abs(change) / before[0])}"
    assert lines == [
        f"- Tai nạn giao thông: {now[0]} vụ, {now[1]} người chết, {now[2]} người bị thương (cùng kỳ: "
        f"{before[0]} vụ, {before[1]} người chết, {before[2]} người bị thương; {moved})."
    ]
    # the figures are the city's, reported by the traffic police: a commune's report does not state them
    assert not any(t.startswith("- Tai nạn") for t in texts_of(commune.sections[0]))
    # the reporting year 2026 runs to 14/12/2026; the months imported so far do not cover it: no figure
    year = build_report(demo_database, Actor.system("t"), parse_period("report-year:2026"), as_of=AS_OF)
    assert not any(t.startswith("- Tai nạn") for t in texts_of(year.sections[0]))


def test_the_traffic_phrase_compares_the_accidents_with_their_base() -> None:
    from antt.services.report_content import traffic_phrase

    current = {"traffic_accidents": 45.0, "traffic_deaths": 21.0, "traffic_injuries": 30.0}
    previous = {"traffic_accidents": 50.0, "traffic_deaths": 24.0, "traffic_injuries": 35.0}
    assert traffic_phrase(current, previous) == (
        "- Tai nạn giao thông: 45 vụ, 21 người chết, 30 người bị thương (cùng kỳ: 50 vụ, 24 người chết, "
        "35 người bị thương; số vụ giảm 5 vụ, \u221210,0%)."
    )
    assert traffic_phrase({"traffic_accidents": 3.0}, None) == (
        "- Tai nạn giao thông: 3 vụ (cùng kỳ: chưa có đủ số liệu để so sánh)."
    )


def test_an_officer_of_one_commune_writes_that_communes_report_and_of_several_must_choose(
    demo_database, commune_code
) -> None:
    from antt.domain.access import Actor
    from antt.errors import InvalidInput

    officer = Actor("cán bộ xã", units=frozenset({("2025-07", commune_code)}))
    report = build_report(demo_database, officer, PERIOD, as_of=AS_OF)  # no unit given
    assert report.header.superior_body == "CÔNG AN THÀNH PHỐ HẢI PHÒNG"  # the city is the superior body
    assert report.header.symbol == "BC-CAX" and report.stamp.filters["Đơn vị"].endswith(f"({commune_code})")
    assert [row[1] for row in report.annexes[0].rows] == [commune_code]
    two = Actor("cán bộ hai xã", units=frozenset({("2025-07", commune_code), ("2025-07", "10507")}))
    with pytest.raises(InvalidInput) as refused:
        build_report(demo_database, two, PERIOD, as_of=AS_OF)
    assert commune_code in refused.value.message_vi and "10507" in refused.value.message_vi


def test_traffic_and_eid_figures_stop_at_the_day_the_data_are_counted_to(demo_database) -> None:
    from antt.domain.access import Actor

    early = build_report(demo_database, Actor.system("t"), PERIOD, as_of=date(2026, 9, 20))
    assert not any(t.startswith("- Tai nạn") for t in texts_of(early.sections[0]))
    eid = next(t for t in early.annexes if t.key == "PL5 Đề án 06")
    # report-month:2026-09 ends on 14/09, before 20/09; October's (to 14/10) is not yet counted
    assert {row[9] for row in eid.rows} == {"14/09/2026"}
    assert {row[8] for row in eid.rows} == {None}  # the period's online applications: October not ended
