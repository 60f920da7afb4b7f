"""The report as the police write it (issue 16, items 2 and 5): one clearance rate everywhere, the analyst's
text from a saved and approved draft beside the computed figures, statistics in the analytical annex, the
audit reference in the file's properties, and Decree 30's header details — read back from the files."""

from __future__ import annotations

import io
import unicodedata
from datetime import date

import openpyxl
import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm
from pypdf import PdfReader

from antt.domain.access import Actor, Grant, Role
from antt.domain.documents import MOTTO, document_number, format_count, format_percent
from antt.domain.periods import parse_period
from antt.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from antt.reports.document import Paragraph
from antt.reports.docx import CELL_PADDING_CM, HEADER_COLUMNS_CM
from antt.reports.measure import text_width_cm
from antt.services.compstat import By, clearance, compstat, result_document
from antt.services.report_drafts import (
    create_draft,
    draft_report,
    export_draft,
    open_draft,
    review_draft,
    save_draft,
)
from antt.services.reports import ReportFormat, ReportOptions, build_report, render
from tests.user_fixtures import audit_records

PERIOD = parse_period("report-month:2026-10")
AS_OF = date(2026, 10, 31)
ANALYST = Actor.system("phân-tích-viên")
LEADER = Actor("lãnh-đạo", units=None, grants=(Grant.city(Role.LEADER),))
OTHER_ANALYST = Actor("phân-tích-viên-2", units=None, grants=(Grant.city(Role.ANALYST),))

# typed decomposed (NFD) on some systems, with two paragraphs and a blank line between them
POLITICAL = unicodedata.normalize(
    "NFD",
    "Tình hình an ninh chính trị trên địa bàn cơ bản ổn định; không để xảy ra đột xuất, bất ngờ.\n\n"
    "Các lực lượng nắm chắc tình hình ở cơ sở, “không để bị động”.",
)
TEXTS = {
    "an_ninh_chinh_tri": POLITICAL,
    "uu_diem": "Kéo giảm tội phạm về trật tự xã hội ở nhiều địa bàn trọng điểm.",
    "han_che": "Một số xã, phường còn để xảy ra trộm cắp tài sản kéo dài.",
    "nguyen_nhan": "Lực lượng Công an xã mới được kiện toàn sau sắp xếp đơn vị hành chính.",
    "phuong_huong": "Mở đợt cao điểm tấn công, trấn áp tội phạm dịp cuối năm.\nTiếp tục thực hiện Đề án 06.",
    "cong_tac_khac": "Tổ chức 12 đợt tuần tra, kiểm soát; quản lý chặt cư trú và vũ khí.",
}


def body_texts(sections) -> list[str]:
    found: list[str] = []
    for section in sections:
        found.append(section.heading)
        found += [b.text for b in section.blocks if isinstance(b, Paragraph)]
        found += body_texts(section.subsections)
    return found


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    return "\n".join(parts)


def body_of(doc) -> str:
    """The docx text up to the annexes (paragraphs and the header and signature tables)."""
    lines = []
    for p in doc.paragraphs:
        if p.text == "PHỤ LỤC SỐ LIỆU":
            break
        lines.append(p.text)
    header, signature = doc.tables[0], next(t for t in doc.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    lines += [c.text for t in (header, signature) for c in t.rows[0].cells]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def draft_id(demo_database) -> int:
    draft = create_draft(demo_database, ANALYST, PERIOD, as_of=AS_OF)
    save_draft(
        demo_database, ANALYST, draft.id, TEXTS, ReportOptions(number=3, issued=date(2026, 11, 5)), based_on=1
    )
    review_draft(demo_database, ANALYST, draft.id, "submit", version=2)
    review_draft(demo_database, LEADER, draft.id, "approve", version=2, note="Đồng ý.")
    return draft.id


@pytest.fixture(scope="module")
def exported(demo_database, draft_id):
    _view, content = export_draft(demo_database, ANALYST, draft_id, ReportFormat.DOCX)
    return Document(io.BytesIO(content))


# ---------------------------------------------------------------------------------- one clearance rate


def test_the_reports_clearance_equals_compstats_social_order_clearance(demo_database, draft_id) -> None:
    by_group = compstat(demo_database, ANALYST, PERIOD, by=By.GROUP, as_of=AS_OF)
    social = compstat(demo_database, ANALYST, PERIOD, group="social_order", by=By.UNIT, as_of=AS_OF)
    found = clearance(by_group)
    assert found is not None and found.rate is not None
    # the same figure by either CompStat query, and in the JSON the page and the API show
    assert found.rate == social.totals.clearance == clearance(social).rate  # type: ignore[union-attr]
    assert result_document(by_group)["clearance"]["rate"] == round(found.rate, 1)
    everything = by_group.totals
    assert everything.clearance != found.rate  # the test can tell the mixed rate from the right one
    report = draft_report(demo_database, ANALYST, draft_id)
    lines = body_texts(report.sections)
    (line,) = [t for t in lines if t.startswith("- Tội phạm về trật tự xã hội: điều tra")]
    now = found.current
    assert line.startswith(
        f"- Tội phạm về trật tự xã hội: điều tra làm rõ {format_count(now.cleared)}/"
        f"{format_count(now.incidents)} vụ, đạt {format_percent(found.rate)} (cùng kỳ: "
        f"{format_percent(found.previous_rate)}); trong đó án rất nghiêm trọng, đặc biệt nghiêm trọng làm rõ "
        f"{format_count(now.grave_cleared)}/{format_count(now.grave)} vụ, đạt {format_percent(found.grave_rate)}"
    )
    mixed = f"{format_count(everything.current.cleared)}/{format_count(everything.current.incidents)}"
    assert not any(mixed in t for t in lines)  # no rate over all groups anywhere
    assert sum("Nghị quyết 96/2019/QH14" in t for t in lines) == 1  # the definition, stated once
    # the other groups: cases found and suspects, no rate
    drugs = next(t for t in lines if t.startswith("- Tội phạm về ma túy: phát hiện"))
    assert "đạt" not in drugs and "%" not in drugs
    # per commune (Phụ lục 3) the same definition: CompStat's social-order clearance of the commune
    per_unit = {r.unit.code: r.change.clearance for r in social.rows}
    annex = next(t for t in report.annexes if t.key == "PL3 So sánh")
    assert annex.columns[-1].header == "Tỷ lệ điều tra, khám phá TTXH (%)"
    for row in annex.rows:
        expected = per_unit[row[1]]
        assert row[-1] == (None if expected is None else round(expected, 1))


@pytest.mark.slow
def test_the_compstat_page_states_the_same_clearance_and_its_definition(demo_database) -> None:
    from antt.settings import load_settings
    from antt.web.app import create_app
    from antt.web.i18n import percent
    from tests.conftest import TEST_KEY
    from tests.web.signed_in import client_as

    url = demo_database.engine.url.render_as_string(hide_password=False)
    app = create_app(load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True))
    try:
        client = client_as(app, demo_database, "leader", subject="clearance-leader")
        page = client.get(f"/compstat?period={PERIOD.key}")
        assert page.status_code == 200
        found = clearance(compstat(demo_database, ANALYST, PERIOD, by=By.GROUP))
        assert found is not None and found.rate is not None
        assert f'data-testid="clearance-rate">{percent(round(found.rate, 1), 1)}<' in page.text
        assert "Nghị quyết 96/2019/QH14" in page.text
        drugs = client.get(f"/compstat?period={PERIOD.key}&group=drugs").text
        assert 'data-testid="clearance-rate"' not in drugs  # no rate for a group the police find themselves
        api = client.get(f"/api/compstat?period={PERIOD.key}&by=group").json()
        assert api["clearance"]["rate"] == round(found.rate, 1)
    finally:
        app.state.database.dispose()


# ---------------------------------------------------------------------------------- the draft, rendered


def test_a_report_rendered_from_a_saved_draft_carries_the_text_verbatim_and_the_figures(
    demo_database, draft_id, exported
) -> None:
    text = all_text(exported)
    assert unicodedata.is_normalized("NFC", text)
    for key, written in TEXTS.items():
        for paragraph in [line for line in unicodedata.normalize("NFC", written).split("\n") if line]:
            assert paragraph in [p.text for p in exported.paragraphs], (key, paragraph)
    assert unicodedata.normalize("NFD", "Tình hình an ninh chính trị") not in text  # stored and written NFC
    # the analyst's text sits in its part, the computed figures beside it
    report = draft_report(demo_database, ANALYST, draft_id)
    political = report.sections[0].subsections[0]
    assert political.heading == "1. Tình hình an ninh chính trị"
    assert [b.text for b in political.blocks][:2] == [
        "Tình hình an ninh chính trị trên địa bàn cơ bản ổn định; không để xảy ra đột xuất, bất ngờ.",
        "Các lực lượng nắm chắc tình hình ở cơ sở, “không để bị động”.",
    ]
    result = compstat(demo_database, ANALYST, PERIOD, by=By.GROUP, as_of=AS_OF)
    social = next(r.change for r in result.rows if r.group == "social_order")
    assert (
        f"- Tội phạm về trật tự xã hội: {format_count(social.current.incidents)} vụ (cùng kỳ "
        f"{format_count(social.previous.incidents)} vụ;" in text
    )
    header = [p.text for c in exported.tables[0].rows[0].cells for p in c.paragraphs]
    assert "Số: 03/BC-CATP" in header and "Hải Phòng, ngày 05 tháng 11 năm 2026" in header
    # nothing left for the author to write: every part has its text
    assert "[Phần dành cho người soạn thảo" not in text


def test_no_z_probability_or_interval_in_the_body_they_are_in_the_analytical_annex(
    demo_database, draft_id, exported
) -> None:
    report = draft_report(demo_database, ANALYST, draft_id)
    body = "\n".join(body_texts(report.sections))
    body_tables = [t for s in report.sections for t in _tables(s)]
    for word in (
        "z =",
        "z\u00a0=",
        "|z|",
        "xác suất",
        "khoảng dự báo",
        "dự báo cuối kỳ",
        "dao động ngẫu nhiên",
    ):
        assert word not in body, word
        assert word not in body_of(exported), word
    assert all(c.header != "z" for t in body_tables + report.annexes for c in t.columns)
    keys = [t.key for t in report.analysis]
    assert keys == ["PT1 Nhóm tội phạm", "PT2 Xã phường", "PT3 Chỉ tiêu"]
    groups = report.analysis[0]
    result = compstat(demo_database, ANALYST, PERIOD, by=By.GROUP, as_of=AS_OF)
    assert [row[3] for row in groups.rows] == [round(r.change.z, 2) for r in result.rows]
    assert "z = 2(√C − √P)" in groups.note
    text = all_text(exported)
    assert "PHỤ LỤC PHÂN TÍCH THỐNG KÊ" in text and "Xác suất đạt (%)" in text


def _tables(section):
    from antt.reports.document import Table

    found = [b for b in section.blocks if isinstance(b, Table)]
    for sub in section.subsections:
        found += _tables(sub)
    return found


@pytest.mark.slow
def test_the_audit_reference_is_in_the_files_properties_not_in_the_body(demo_database, draft_id) -> None:
    files = {}
    for fmt in ReportFormat:
        _view, files[fmt] = export_draft(demo_database, ANALYST, draft_id, fmt)
    records = [r for r in audit_records(demo_database, "report.export") if r.details.get("draft") == draft_id]
    references = {r.details["format"]: r.details["reference"] for r in records[-3:]}
    assert all(r.details["version"] == 2 and r.details["approved"] for r in records[-3:])
    doc = Document(io.BytesIO(files[ReportFormat.DOCX]))
    reference = references["docx"]
    assert doc.core_properties.identifier == reference and reference in doc.core_properties.comments
    assert doc.core_properties.content_status.startswith(
        f"dự thảo số {draft_id}, phiên bản 2, đã duyệt bởi lãnh-đạo"
    )
    assert doc.core_properties.category.startswith("Kỳ báo cáo: Tháng 10/2026")
    assert reference not in all_text(doc) and "Xuất từ ANTT" not in all_text(doc)
    pdf = PdfReader(io.BytesIO(files[ReportFormat.PDF]))
    assert (
        references["pdf"] in str(pdf.metadata.get("/Keywords")) and references["pdf"] in pdf.metadata.subject
    )
    pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    assert references["pdf"] not in pdf_text and "Xuất từ ANTT" not in pdf_text
    book = openpyxl.load_workbook(io.BytesIO(files[ReportFormat.XLSX]))
    assert (
        references["xlsx"] in book.properties.keywords and references["xlsx"] in book.properties.description
    )
    cells = [
        str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    ]
    assert not any(references["xlsx"] in c or "Xuất từ ANTT" in c for c in cells)
    assert len(set(references.values())) == 3  # one reference per export


@pytest.mark.slow
def test_the_docx_header_follows_decree_30s_details(demo_database) -> None:
    report = build_report(demo_database, ANALYST, PERIOD, as_of=AS_OF)  # no number: the clerk's blank
    doc = Document(io.BytesIO(render(report, ReportFormat.DOCX)))
    left, right = doc.tables[0].rows[0].cells

    def rule_after(cell, text: str) -> float:
        paragraphs = cell.paragraphs
        i = next(i for i, p in enumerate(paragraphs) if p.text.endswith(text))
        rule = paragraphs[i + 1]
        assert rule.text == "" and rule._p.pPr.find(qn("w:pBdr")) is not None
        fmt = rule.paragraph_format
        assert fmt.left_indent == fmt.right_indent  # centred
        return fmt.left_indent / Cm(1)

    # the rule under the issuing body: 1/3 to 1/2 of its line
    body = max(text_width_cm(line, 12, bold=True) for line in report.header.issuing_lines)
    issuing_rule = HEADER_COLUMNS_CM[0] - CELL_PADDING_CM - 2 * rule_after(left, "HẢI PHÒNG")
    assert body / 3 <= issuing_rule <= body / 2
    # the rule under the motto: as long as the motto
    motto_rule = HEADER_COLUMNS_CM[1] - CELL_PADDING_CM - 2 * rule_after(right, MOTTO)
    assert motto_rule == pytest.approx(text_width_cm(MOTTO, 14, bold=True), rel=0.02)
    # a blank number keeps its space
    number = next(p for p in left.paragraphs if p.text.startswith("Số:"))
    assert number.text == document_number("BC-CATP") and "Số:     " in number.text
    assert number.runs[0]._r.find(qn("w:t")).get(qn("xml:space")) == "preserve"
    # "tháng" in lower case in the abstract
    summary = next(p.text for p in doc.paragraphs if p.text.startswith("Kết quả công tác"))
    assert summary.startswith("Kết quả công tác bảo đảm an ninh, trật tự tháng 10/2026")
    # the PDF keeps the blank too
    from antt.reports.pdf import render_html

    assert f'<span class="number">{document_number("BC-CATP")}</span>' in render_html(report)


# ---------------------------------------------------------------------------------- the draft's life


def test_a_draft_is_versioned_reviewed_by_a_leader_and_audited(demo_database) -> None:
    draft = create_draft(demo_database, OTHER_ANALYST, PERIOD, as_of=AS_OF)
    saved = save_draft(demo_database, OTHER_ANALYST, draft.id, {"uu_diem": "Bản một."}, ReportOptions())
    saved = save_draft(
        demo_database, OTHER_ANALYST, draft.id, {"uu_diem": "Bản hai."}, ReportOptions(), based_on=2
    )
    assert saved.current_version == 3 and saved.status == "draft"
    with pytest.raises(Conflict):  # edited version 2, someone saved 3 since: refused, nothing lost
        save_draft(demo_database, OTHER_ANALYST, draft.id, {"uu_diem": "Cũ."}, ReportOptions(), based_on=2)
    view = open_draft(demo_database, OTHER_ANALYST, draft.id, 2)
    assert view.version.texts == {"uu_diem": "Bản một."} and [v.version for v in view.versions] == [1, 2, 3]
    with pytest.raises(Conflict):  # not submitted yet
        review_draft(demo_database, LEADER, draft.id, "approve", version=3)
    review_draft(demo_database, OTHER_ANALYST, draft.id, "submit", version=3)
    with pytest.raises(PermissionDenied):  # an analyst does not approve
        review_draft(demo_database, OTHER_ANALYST, draft.id, "approve", version=3)
    officer = Actor(
        "cán-bộ-xã",
        units=frozenset({("2025-07", "11383")}),
        grants=(Grant.on(Role.LEADER, ("2025-07", "11383")),),
    )
    with pytest.raises(NotFound):  # the city's draft does not exist for a commune's account
        review_draft(demo_database, officer, draft.id, "approve", version=3)
    returned = review_draft(demo_database, LEADER, draft.id, "return", version=3, note="Bổ sung nguyên nhân.")
    assert returned.status == "returned" and returned.review_note == "Bổ sung nguyên nhân."
    save_draft(demo_database, OTHER_ANALYST, draft.id, {"nguyen_nhan": "Đã bổ sung."}, ReportOptions())
    review_draft(demo_database, OTHER_ANALYST, draft.id, "submit", version=4)
    with pytest.raises(Conflict):  # the leader read version 3; 4 is what stands
        review_draft(demo_database, LEADER, draft.id, "approve", version=3)
    approved = review_draft(demo_database, LEADER, draft.id, "approve", version=4)
    assert approved.status == "approved" and approved.approved_version == 4
    again = save_draft(
        demo_database, OTHER_ANALYST, draft.id, {"nguyen_nhan": "Sửa sau duyệt."}, ReportOptions()
    )
    assert again.status == "draft" and again.approved_version is None  # a change needs a new approval
    actions = [r.action for r in audit_records(demo_database) if r.target == f"report_draft:{draft.id}"]
    assert actions == [
        "report_draft.create",
        "report_draft.save",
        "report_draft.save",
        "report_draft.submit",
        "report_draft.return",
        "report_draft.save",
        "report_draft.submit",
        "report_draft.approve",
        "report_draft.save",
    ]
    record = next(
        r for r in audit_records(demo_database, "report_draft.save") if r.target == f"report_draft:{draft.id}"
    )
    assert "Bản một." not in str(record.details)  # sizes, not the (possibly classified) text


def test_a_leader_does_not_approve_the_version_they_wrote_and_bad_text_is_refused(demo_database) -> None:
    draft = create_draft(demo_database, LEADER, PERIOD, as_of=AS_OF)
    save_draft(demo_database, LEADER, draft.id, {"phuong_huong": "Tự viết."}, ReportOptions())
    review_draft(demo_database, LEADER, draft.id, "submit", version=2)
    with pytest.raises(PermissionDenied):
        review_draft(demo_database, LEADER, draft.id, "approve", version=2)
    with pytest.raises(InvalidInput) as refused:
        save_draft(
            demo_database,
            LEADER,
            draft.id,
            {"phuong_huong": "a\x00b", "uu_diem": "x" * 20_001, "no_such_part": "?"},
            ReportOptions(),
        )
    assert "no_such_part" in refused.value.message_en
    with pytest.raises(InvalidInput) as refused:
        save_draft(
            demo_database,
            LEADER,
            draft.id,
            {"phuong_huong": "a\x00b", "uu_diem": "x" * 20_001},
            ReportOptions(),
        )
    assert "U+0000" in refused.value.message_vi and "20.000" in refused.value.message_vi  # both at once


def test_a_commune_officer_sees_only_their_communes_drafts(demo_database) -> None:
    from antt.services.report_drafts import list_drafts

    officer = Actor(
        "cán-bộ-lê-chân",
        units=frozenset({("2025-07", "11383")}),
        grants=(Grant.on(Role.COMMUNE_OFFICER, ("2025-07", "11383")),),
    )
    own = create_draft(demo_database, officer, PERIOD, as_of=AS_OF)  # their commune's, implied
    assert own.unit_code == "11383"
    other = create_draft(demo_database, ANALYST, PERIOD, unit_code="11311", as_of=AS_OF)
    assert {d.id for d in list_drafts(demo_database, officer)} == {own.id}
    with pytest.raises(NotFound):
        open_draft(demo_database, officer, other.id)
    with pytest.raises(NotFound):
        create_draft(demo_database, officer, PERIOD, unit_code="11311")


def test_a_commune_draft_an_analyst_wrote_in_is_not_shown_to_a_commune_officer(demo_database) -> None:
    """The analyst sees 1–4 drug users and sexual offences; a commune officer does not. A draft the analyst
    wrote in may quote such a figure, so from the analyst's save on it is withheld from the officer (and
    from the list), while a draft only officers wrote stays theirs."""
    from antt.services.report_drafts import list_drafts

    commune = ("2025-07", "11383")
    officer = Actor(
        "cán-bộ-lê-chân", units=frozenset({commune}), grants=(Grant.on(Role.COMMUNE_OFFICER, commune),)
    )
    draft = create_draft(demo_database, officer, PERIOD, as_of=AS_OF)
    save_draft(demo_database, officer, draft.id, {"uu_diem": "Xã tự viết."}, ReportOptions())
    assert open_draft(demo_database, officer, draft.id).version.texts == {"uu_diem": "Xã tự viết."}
    save_draft(
        demo_database, OTHER_ANALYST, draft.id, {"han_che": "2 đối tượng nghiện mới."}, ReportOptions()
    )
    with pytest.raises(NotFound):
        open_draft(demo_database, officer, draft.id)
    with pytest.raises(NotFound):
        open_draft(demo_database, officer, draft.id, 2)  # nor an older version of a draft now withheld
    with pytest.raises(NotFound):
        save_draft(demo_database, officer, draft.id, {"uu_diem": "Ghi đè."}, ReportOptions())
    assert draft.id not in {d.id for d in list_drafts(demo_database, officer)}
    assert open_draft(demo_database, OTHER_ANALYST, draft.id).version.version == 3
    leader_of_commune = Actor(
        "lãnh-đạo-xã", units=frozenset({commune}), grants=(Grant.on(Role.LEADER, commune),)
    )
    assert (
        open_draft(demo_database, leader_of_commune, draft.id).draft.id == draft.id
    )  # holds both privileges


@pytest.mark.slow
def test_the_draft_pages_save_submit_approve_and_download(demo_database) -> None:
    from antt.settings import load_settings
    from antt.web.app import create_app
    from tests.conftest import TEST_KEY
    from tests.web.signed_in import client_as

    url = demo_database.engine.url.render_as_string(hide_password=False)
    app = create_app(load_settings(database_url=url, pseudonym_key=TEST_KEY, demo=True))
    try:
        analyst = client_as(app, demo_database, "analyst", subject="drafts-analyst")
        leader = client_as(app, demo_database, "leader", subject="drafts-leader")
        made = analyst.post(
            "/reports/drafts",
            data={"csrf_token": analyst.csrf_token, "period": PERIOD.key, "as_of": "31/10/2026"},
            follow_redirects=False,
        )
        assert made.status_code == 303
        page_url = made.headers["location"]
        draft = int(page_url.rsplit("/", 1)[1])
        page = analyst.get(page_url)
        assert page.status_code == 200 and 'name="an_ninh_chinh_tri"' in page.text
        assert 'data-testid="computed-trat_tu_xa_hoi"' in page.text  # the figures beside the text box
        written = "Tình hình an ninh chính trị ổn định.\nKhông có điểm nóng."
        saved = analyst.post(
            page_url,
            files={"an_ninh_chinh_tri": (None, written)},
            data={"csrf_token": analyst.csrf_token, "based_on": "1", "as_of": "31/10/2026", "number": "9"},
            follow_redirects=False,
        )
        assert saved.status_code == 303, saved.text[:500]
        assert open_draft(demo_database, ANALYST, draft).version.texts == {"an_ninh_chinh_tri": written}
        submitted = analyst.post(
            f"{page_url}/review",
            data={"csrf_token": analyst.csrf_token, "decision": "submit", "version": "2"},
        )
        assert submitted.status_code == 200
        refused = analyst.post(
            f"{page_url}/review",
            data={"csrf_token": analyst.csrf_token, "decision": "approve", "version": "2"},
        )
        assert refused.status_code == 403
        approved = leader.post(
            f"{page_url}/review",
            data={"csrf_token": leader.csrf_token, "decision": "approve", "version": "2"},
        )
        assert approved.status_code == 200 and 'data-status="approved"' in approved.text
        download = analyst.post(
            f"{page_url}/export", data={"csrf_token": analyst.csrf_token, "format": "docx"}
        )
        assert download.status_code == 200
        doc = Document(io.BytesIO(download.content))
        texts = [p.text for p in doc.paragraphs]
        assert "Tình hình an ninh chính trị ổn định." in texts and "Không có điểm nóng." in texts
        assert "phiên bản 2, đã duyệt bởi" in doc.core_properties.content_status
        listing = analyst.get("/reports/drafts")
        assert f'data-draft="{draft}"' in listing.text
    finally:
        app.state.database.dispose()
