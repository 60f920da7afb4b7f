"""The report as PDF: HTML and CSS laid out by WeasyPrint, the same layout as the Word document.

``@page`` A4 with Decree 30's margins (top/bottom 20 mm, left 30 mm, right 15 mm); the page number centred
in the top margin from page 2 (``@page :first`` has none); annexes on landscape pages; fonts Times New Roman
where installed, else Liberation Serif; charts embedded as PNG.
"""

from __future__ import annotations

import base64
from html import escape

from antt.reports.charts import picture
from antt.reports.document import Chart, Kind, Map, Paragraph, Report, Section, Table
from antt.reports.fonts import font_stack
from antt.reports.numbers import cell_text

CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm;
        @top-center { content: counter(page); font-family: %(fonts)s; font-size: 13pt; } }
@page :first { @top-center { content: none; } }
@page annex { size: A4 landscape; }
body { font-family: %(fonts)s; font-size: 14pt; line-height: 1.3; color: #000; }
p { margin: 0 0 6pt 0; text-align: justify; }
p.body { text-indent: 1.27cm; }
table.head { width: 100%%; border-collapse: collapse; }
table.head td { vertical-align: top; text-align: center; font-size: 13pt; padding: 0; }
table.head td.left { width: 40%%; } table.head td.right { width: 60%%; }
.rule { display: inline-block; border-bottom: 1px solid #000; padding-bottom: 1pt; }
.body { display: inline-block; }
.short-rule { display: block; width: 40%%; margin: 1pt auto 0 auto; border-top: 1px solid #000; }
.number { white-space: pre; }
.motto { font-size: 14pt; font-weight: bold; }
.date { font-style: italic; font-size: 14pt; margin-top: 6pt; display: block; }
.type { text-align: center; font-weight: bold; margin: 14pt 0 0 0; }
.summary { text-align: center; font-weight: bold; }
h2 { font-size: 14pt; margin: 8pt 0 6pt 0; text-indent: 1.27cm; }
h3 { font-size: 14pt; font-style: italic; margin: 6pt 0; text-indent: 1.27cm; }
.placeholder { background: #ff0; font-style: italic; }
table.grid { border-collapse: collapse; width: 100%%; margin: 0 0 10pt 0; font-size: 10pt; }
table.grid th, table.grid td { border: 0.5pt solid #000; padding: 1pt 3pt; }
table.grid th { font-weight: bold; text-align: center; }
table.grid td.num { text-align: right; } table.grid tr.total td { font-weight: bold; }
table.grid thead { display: table-header-group; }
caption { font-weight: bold; font-size: 12pt; padding-bottom: 4pt; text-align: center; }
p.note { font-size: 10pt; font-style: italic; margin-top: 2pt; }
figure { text-align: center; margin: 6pt 0; } figure img { width: 16cm; }
table.sign { width: 100%%; margin-top: 12pt; page-break-inside: avoid; }
table.sign td { vertical-align: top; }
.recipients { font-size: 11pt; } .recipients b { font-size: 12pt; font-style: italic; }
.signer { text-align: center; font-weight: bold; }
section.annex { page: annex; page-break-before: always; }
section.annex table.grid { font-size: 9pt; }
.urgency { color: #c00000; border: 1.5pt solid #c00000; padding: 0 4pt; font-weight: bold; }
"""


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(report)).write_pdf()
    return pdf


def render_html(report: Report) -> str:
    fonts = ", ".join(f'"{f}"' for f in font_stack()) + ", serif"
    body = [_header(report)]
    body += [_section(s, 0) for s in report.sections]
    body.append(_signature(report))
    for title, tables in ((report.annex_title, report.annexes), (report.analysis_title, report.analysis)):
        if tables:
            annex = [f'<p class="type">{escape(title)}</p>'] + [_table(t) for t in tables]
            body.append('<section class="annex">' + "".join(annex) + "</section>")
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(report.header.doc_type)} {escape(report.header.summary)}</title>"
        f"{_metadata(report)}<style>{CSS % {'fonts': fonts}}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )


def _metadata(report: Report) -> str:
    """Where the export comes from (the audit reference, the user, the data date, the draft): the PDF's
    metadata (WeasyPrint writes these ``meta`` elements into the document information), never the text."""
    stamp = report.stamp
    entries = {
        "author": "ANTT",
        "description": stamp.line_vi(),  # the PDF's Subject
        "keywords": f"ANTT, {stamp.reference}" if stamp.reference else "ANTT",
        "dcterms.created": stamp.generated_at.isoformat(timespec="seconds"),
    }
    return "".join(f'<meta name="{k}" content="{escape(v)}">' for k, v in entries.items())


def _header(report: Report) -> str:
    h = report.header
    marks = ""
    if report.secrecy:
        marks += f"<br><b>{escape(report.secrecy)}</b>"
    if report.urgency:
        marks += f'<br><span class="urgency">{escape(report.urgency)}</span>'
    return (
        '<table class="head"><tr>'
        f'<td class="left">{_lines(h.superior_lines)}<br>'
        f'<span class="body"><b>{_lines(h.issuing_lines)}</b><span class="short-rule"></span></span><br>'
        f'<span class="number">{escape(h.number_line)}</span>{marks}</td>'
        f'<td class="right"><b>{escape(h.national_title)}</b><br>'
        f'<span class="motto rule">{escape(h.motto)}</span>'
        f'<span class="date">{escape(h.date_line)}</span></td>'
        "</tr></table>"
        f'<p class="type">{escape(h.doc_type)}</p>'
        f'<p class="summary"><span class="rule">{escape(h.summary)}</span></p>'
    )


def _lines(lines: tuple[str, ...]) -> str:
    return "<br>".join(escape(line) for line in lines)


def _section(section: Section, level: int) -> str:
    tag = "h2" if level == 0 else "h3"
    parts = [f"<{tag}>{escape(section.heading)}</{tag}>"]
    for block in section.blocks:
        if isinstance(block, Paragraph):
            classes = ["body"] if block.indent else []
            if block.placeholder:
                classes.append("placeholder")
            text = escape(block.text)
            if block.bold:
                text = f"<b>{text}</b>"
            if block.italic:
                text = f"<i>{text}</i>"
            parts.append(f'<p class="{" ".join(classes)}">{text}</p>')
        elif isinstance(block, Table):
            parts.append(_table(block))
        elif isinstance(block, Chart | Map):
            data = base64.b64encode(picture(block)).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{escape(block.title)}"></figure>'
            )
    parts += [_section(s, level + 1) for s in section.subsections]
    return "".join(parts)


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(c.header)}</th>" for c in table.columns)
    rows = []
    for row, css in [(r, "") for r in table.rows] + ([(table.total, "total")] if table.total else []):
        cells = "".join(
            f'<td class="num">{escape(cell_text(v, c.kind))}</td>'
            if c.kind is not Kind.TEXT
            else f"<td>{escape(cell_text(v, c.kind))}</td>"
            for c, v in zip(table.columns, row, strict=True)
        )
        rows.append(f'<tr class="{css}">{cells}</tr>')
    return (
        f'<table class="grid"><caption>{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + (f'<p class="note">{escape(table.note)}</p>' if table.note else "")
    )


def _signature(report: Report) -> str:
    s = report.signature
    recipients = "<br>".join(escape(r) for r in report.recipients)
    title = f"<br>{escape(s.title)}" if s.title else ""
    return (
        '<table class="sign"><tr>'
        f'<td class="recipients" style="width:50%"><b>Nơi nhận:</b><br>{recipients}</td>'
        f'<td class="signer">{escape(s.authority)}{title}<br><br><br><br>'
        f"{escape(s.name or '[Họ và tên người ký]')}</td></tr></table>"
    )
