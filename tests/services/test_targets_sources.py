"""The report's target section on the demo city names each target's source: the document that sets it, or
"chưa có văn bản" — and once the city sets its own figure with its document, the report cites that."""

from __future__ import annotations

from datetime import date

from antt.domain.access import Actor
from antt.domain.periods import parse_period
from antt.domain.targets import SourceDocument
from antt.reports.document import Paragraph, Section
from antt.services.report_content import evaluation_phrase
from antt.services.reports import build_report
from antt.services.target_admin import set_target
from antt.services.targets import targets_status

AS_OF = date(2026, 10, 31)
PERIOD = parse_period("report-month:2026-10")
ANALYST = Actor.system("phân-tích-viên")


def lines(sections: list[Section]) -> list[str]:
    found: list[str] = []
    for section in sections:
        found += [b.text for b in section.blocks if isinstance(b, Paragraph)]
        found += lines(section.subsections)
    return found


def target_line(demo_database, name_start: str) -> str:
    report = build_report(demo_database, ANALYST, PERIOD, as_of=AS_OF)
    (line,) = [t for t in lines(report.sections) if t.startswith(f"- Chỉ tiêu “{name_start}")]
    return line


def test_each_target_line_says_which_document_sets_it_or_that_none_does(demo_database) -> None:
    by_id = {e.target.id: e for e in targets_status(demo_database, ANALYST, as_of=AS_OF)}
    assert evaluation_phrase(by_id["social-order-crime-reduction"]).endswith("; nguồn: chưa có văn bản.")
    assert evaluation_phrase(by_id["pci-rank"]).endswith("; nguồn: suy ra, chưa có văn bản.")
    assert evaluation_phrase(by_id["crime-report-resolution"]).endswith(
        "; căn cứ Nghị quyết số 96/2019/QH14 ngày 27/11/2019 của Quốc hội."
    )
    assert "nguồn: chưa có văn bản" in target_line(demo_database, "Kéo giảm tội phạm")


def test_the_report_cites_the_document_the_city_set_its_figure_with(demo_database) -> None:
    plan = SourceDocument(
        issuer="Ủy ban nhân dân thành phố Hải Phòng",
        issued=date(2026, 1, 10),
        wording="Kéo giảm ít nhất 7% số vụ phạm tội về trật tự xã hội so với năm 2025",
        number="15/KH-UBND",
        title="Kế hoạch phòng, chống tội phạm năm 2026",
    )
    set_target(
        demo_database,
        Actor.system("cli:admin"),
        "social-order-crime-reduction",
        {"rule": {"max_ratio": 0.93}},
        document=plan,
    )
    line = target_line(demo_database, "Kéo giảm tội phạm")
    assert "không vượt quá 93 % cùng kỳ năm trước" in line
    assert line.endswith(
        "; căn cứ Kế hoạch số 15/KH-UBND ngày 10/01/2026 của Ủy ban nhân dân thành phố Hải Phòng."
    )
    assert "chưa có văn bản" not in line
