"""The report as an editable Word document (python-docx), laid out per Decree 30/2020, Appendix I.

A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm; body 14 pt justified with a 1.27 cm
first-line indent; the header block is a borderless two-column table (bodies and number on the left,
national title, motto and date on the right) with rules under the issuing body and the motto; page numbers
centred in the top margin from page 2 (different first page); annexes on landscape pages.
"""

from __future__ import annotations

import io
import math
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor, Twips

from antt.reports.charts import picture
from antt.reports.document import Chart, Kind, Map, Paragraph, Report, Section, Table
from antt.reports.fonts import body_font
from antt.reports.measure import text_width_cm
from antt.reports.numbers import cell_text

BODY_PT = 14
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
PORTRAIT_TEXT_CM = (210 - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10
LANDSCAPE_TEXT_CM = (297 - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10


def render_docx(report: Report) -> bytes:
    doc = Document()
    font = body_font()
    _styles(doc, font)
    section = doc.sections[0]
    _page(section, landscape=False)
    section.different_first_page_header_footer = True
    _page_number(section.header.paragraphs[0])
    _header_block(doc, report)
    for part in report.sections:
        _section(doc, part, level=0)
    _signature(doc, report)
    for title, tables in ((report.annex_title, report.annexes), (report.analysis_title, report.analysis)):
        if not tables:
            continue
        annex = doc.add_section()
        _page(annex, landscape=True)
        annex.different_first_page_header_footer = False
        heading = doc.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(heading, title, bold=True)
        for table in tables:
            _table(doc, table, LANDSCAPE_TEXT_CM)
    _properties(doc, report)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _properties(doc: Any, report: Report) -> None:
    """Where the export comes from (the audit reference, the user, the data date, the filters, the draft)
    goes into the core properties (File > Properties), not into the text a leader signs. Word's core
    properties hold 255 characters each: the stamp is spread over several."""
    stamp = report.stamp
    properties = doc.core_properties
    properties.title = f"{report.header.doc_type} {report.header.summary}"[:255]
    properties.subject = report.header.issuing_body[:255]
    properties.author = "ANTT"
    properties.comments = (
        f"Xuất từ ANTT lúc {stamp.generated_at:%d/%m/%Y %H:%M} bởi {stamp.user}; số liệu đến ngày "
        f"{stamp.data_as_of:%d/%m/%Y}"
        + (f"; mã tham chiếu nhật ký kiểm tra: {stamp.reference}" if stamp.reference else "")
        + "."
    )[:255]
    properties.category = "; ".join(f"{k}: {v}" for k, v in stamp.filters.items())[:255]
    properties.identifier = stamp.reference
    properties.keywords = f"ANTT; {stamp.reference}" if stamp.reference else "ANTT"
    properties.created = properties.modified = stamp.generated_at
    properties.last_modified_by = stamp.user[:255]
    properties.content_status = stamp.draft[:255]


def _styles(doc: object, font: str) -> None:
    normal = doc.styles["Normal"]  # type: ignore[attr-defined]
    normal.font.name = font
    normal.font.size = Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), font)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15


def _page(section: object, *, landscape: bool) -> None:
    s = section
    s.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
    s.page_width, s.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))  # type: ignore[attr-defined]
    s.top_margin, s.bottom_margin = _mm(MARGINS_MM["top"]), _mm(MARGINS_MM["bottom"])  # type: ignore[attr-defined]
    s.left_margin, s.right_margin = _mm(MARGINS_MM["left"]), _mm(MARGINS_MM["right"])  # type: ignore[attr-defined]
    s.header_distance = Mm(10)  # type: ignore[attr-defined]


def _mm(mm: float) -> Twips:
    """Word stores margins in twips; round up so a margin is never below its millimetre minimum."""
    return Twips(math.ceil(mm * 1440 / 25.4))


def _field(paragraph: object, instruction: str) -> None:
    run = paragraph.add_run()  # type: ignore[attr-defined]
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def _page_number(paragraph: object) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    _field(paragraph, "PAGE")


def _run(
    paragraph: object,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float | None = None,
    color: RGBColor | None = None,
) -> None:
    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color


def _rule(paragraph: object, indent_cm: float) -> None:
    """A solid rule under ``paragraph`` (the last of its cell or of the body), shortened by ``indent_cm``
    on each side. It is an empty paragraph of its own, so the indents shorten the line, not the text."""
    rule = paragraph._parent.add_paragraph()  # type: ignore[attr-defined]
    fmt = rule.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(indent_cm)
    fmt.first_line_indent = Cm(0)
    fmt.space_before, fmt.space_after = Pt(0), Pt(3)
    fmt.line_spacing = Pt(2)  # exact: the rule sits right under the text
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    rule._p.get_or_add_pPr().append(borders)


def _two_columns(doc: object, left_cm: float, right_cm: float) -> tuple[Any, Any]:
    """A borderless one-row table of two fixed-width cells (the header block, the signature block). The
    widths go in the table grid and every cell, as LibreOffice reads the grid and Word the cells."""
    table = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _no_borders(table)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, (left_cm, right_cm), strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    left, right = table.rows[0].cells
    return left, right


def _no_borders(table: object) -> None:
    properties = table._tbl.tblPr  # type: ignore[attr-defined]
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _centred(cell: object, text: str, *, first: bool = False, **style: object) -> object:
    paragraph = cell.paragraphs[0] if first else cell.add_paragraph()  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    _run(paragraph, text, **style)  # type: ignore[arg-type]
    return paragraph


def _lines(paragraph: Any, more: tuple[str, ...], **style: Any) -> None:
    """Further lines of a centred paragraph, each after a line break (one paragraph, one body)."""
    for line in more:
        paragraph.runs[-1].add_break(WD_BREAK.LINE)
        _run(paragraph, line, **style)


HEADER_COLUMNS_CM = (6.5, 10.0)
CELL_PADDING_CM = 2 * 0.19  # Word's and LibreOffice's default left and right cell margins
ISSUING_RULE_SHARE = 0.4  # Decree 30: the rule under the issuing body is 1/3 to 1/2 of its line


def rule_indent(cell_cm: float, rule_cm: float) -> float:
    """The indent on each side that leaves a centred rule of ``rule_cm`` in a cell ``cell_cm`` wide."""
    return max(0.0, (cell_cm - CELL_PADDING_CM - rule_cm) / 2)


def _header_block(doc: object, report: Report) -> None:
    h = report.header
    # Decree 30 sizes: bodies 12–13 pt, number 13, national title 12–13, motto 13–14, date 13–14; the
    # national title needs 10 cm at 13 pt, so the issuing body takes two lines where it is long
    left_cm, right_cm = HEADER_COLUMNS_CM
    left, right = _two_columns(doc, left_cm, right_cm)
    _lines(_centred(left, h.superior_lines[0], first=True, size=12), h.superior_lines[1:], size=12)
    issuing = _centred(left, h.issuing_lines[0], bold=True, size=12)
    _lines(issuing, h.issuing_lines[1:], bold=True, size=12)
    body_cm = max(text_width_cm(line, 12, bold=True) for line in h.issuing_lines)
    _rule(issuing, rule_indent(left_cm, ISSUING_RULE_SHARE * body_cm))
    number = _centred(left, h.number_line, size=13)
    for t in number.runs[0]._r.findall(qn("w:t")):  # type: ignore[attr-defined]
        t.set(qn("xml:space"), "preserve")  # a blank number keeps its spaces: "Số:      /BC-CATP"
    if report.secrecy:
        _centred(left, report.secrecy, bold=True, size=13)
    if report.urgency:
        _centred(left, report.urgency, bold=True, size=13, color=RGBColor(0xC0, 0, 0))
    _centred(right, h.national_title, first=True, bold=True, size=13)
    # the rule under the motto is as long as the motto
    _rule(
        _centred(right, h.motto, bold=True, size=14),
        rule_indent(right_cm, text_width_cm(h.motto, 14, bold=True)),
    )
    date_line = _centred(right, h.date_line, italic=True, size=14)
    date_line.paragraph_format.space_before = Pt(6)  # type: ignore[attr-defined]
    for text, rule in ((h.doc_type, False), (h.summary, True)):
        paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = Pt(12 if not rule else 0)
        _run(paragraph, text, bold=True, size=14)
        if rule:
            _rule(paragraph, 6)


def _section(doc: object, section: Section, level: int) -> None:
    heading = doc.add_paragraph()  # type: ignore[attr-defined]
    heading.paragraph_format.first_line_indent = Cm(1.27)
    heading.paragraph_format.keep_with_next = True
    _run(heading, section.heading, bold=True, italic=level > 0)
    for block in section.blocks:
        if isinstance(block, Paragraph):
            p = doc.add_paragraph()  # type: ignore[attr-defined]
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if block.indent:
                p.paragraph_format.first_line_indent = Cm(1.27)
            _run(p, block.text, bold=block.bold, italic=block.italic or block.placeholder)
            if block.placeholder:
                p.runs[0].font.highlight_color = 7  # yellow: for the author
        elif isinstance(block, Table):
            _table(doc, block, PORTRAIT_TEXT_CM)
        elif isinstance(block, Chart | Map):
            doc.add_picture(io.BytesIO(picture(block)), width=Cm(16))  # type: ignore[attr-defined]
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    for sub in section.subsections:
        _section(doc, sub, level + 1)


def _column_widths(table: Table, text_cm: float) -> list[float]:
    """Each column's share of the text width, in proportion to its width hint (names wide, counts narrow)."""
    hints = [max(c.width, 4) for c in table.columns]
    return [text_cm * h / sum(hints) for h in hints]


def _table(doc: object, table: Table, text_cm: float) -> None:
    title = doc.add_paragraph()  # type: ignore[attr-defined]
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.keep_with_next = True
    _run(title, table.title, bold=True, size=12)
    rows = [*table.rows, *([table.total] if table.total else [])]
    grid = doc.add_table(rows=1 + len(rows), cols=len(table.columns))  # type: ignore[attr-defined]
    grid.style = "Table Grid"
    grid.autofit = False
    widths = [Cm(w) for w in _column_widths(table, text_cm)]
    for column, column_width in zip(grid.columns, widths, strict=True):
        column.width = column_width  # the grid, which LibreOffice reads; Word reads the cells' widths
    header_row = grid.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # the header row again at the top of every page the table runs on
    repeat.set(qn("w:val"), "true")
    header_row.append(repeat)
    size = 11 if len(table.columns) <= 8 else 9
    width = len(table.columns)
    every = grid._cells  # computed once: row.cells walks the whole grid on every call
    for j, column in enumerate(table.columns):
        cell = every[j]
        cell.width = widths[j]
        _run(cell.paragraphs[0], column.header, bold=True, size=size)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, row in enumerate(rows, 1):
        bold = table.total is not None and i == len(rows)
        for j, (column, value) in enumerate(zip(table.columns, row, strict=True)):
            cell = every[i * width + j]
            cell.width = widths[j]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if column.kind is not Kind.TEXT:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(paragraph, cell_text(value, column.kind), bold=bold, size=size)
    after = doc.add_paragraph()  # type: ignore[attr-defined]
    if table.note:
        _run(after, table.note, italic=True, size=10)


def _signature(doc: object, report: Report) -> None:
    left, right = _two_columns(doc, 7.5, 9)
    first = left.paragraphs[0]
    first.paragraph_format.first_line_indent = Cm(0)
    _run(first, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in report.recipients:
        p = left.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        _run(p, line, size=11)
    s = report.signature
    _centred(right, s.authority, first=True, bold=True, size=14)
    if s.title:
        _centred(right, s.title, bold=True, size=14)
    for _ in range(3):
        right.add_paragraph()
    _centred(right, s.name or "[Họ và tên người ký]", bold=True, size=14)
    doc.add_paragraph().add_run().add_break(WD_BREAK.LINE)  # type: ignore[attr-defined]
