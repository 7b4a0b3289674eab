"""The review as a Word document (python-docx), on the organisation's template or ours.

The template's body is cleared (its headers, footers, page setup and styles stay); then: title,
summary with counts per section and per issuing authority and the timeline figure (a table of
coloured bars), and per section one heading per instrument with its fields and key points and the
section's standards table. Styles are used by their built-in names; a template that lacks one
falls back to plain paragraphs rather than failing.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.shared import Cm, Pt, RGBColor

from app.report.model import Report, ReportItem, ReportSection, slash_date
from app.report.timeline import SECTION_COLOURS, Timeline, build_timeline

GREY = RGBColor(0x4B, 0x55, 0x63)


def _clear_body(doc) -> None:
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def _para(doc, text: str = "", style: str | None = None):
    try:
        return doc.add_paragraph(text, style=style)
    except KeyError:  # the organisation's template has no such style
        return doc.add_paragraph(text)


def _heading(doc, text: str, level: int):
    try:
        return doc.add_heading(text, level=level)
    except KeyError:
        p = doc.add_paragraph()
        run = p.add_run(text)
        run.bold = True
        run.font.size = Pt({0: 24, 1: 18, 2: 14}.get(level, 12))
        return p


def _table(doc, header: list[str], rows: list[list[str]]):
    table = doc.add_table(rows=1, cols=len(header))
    try:
        table.style = "Table Grid"
    except (KeyError, ValueError):
        pass
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def _tight(p):
    """Field lines sit together under their heading, like the deck's slide body."""
    p.paragraph_format.space_after = Pt(2)
    return p


def _labelled(doc, label: str, value: str):
    p = _tight(_para(doc))
    p.add_run(f"{label}: ").bold = True
    p.add_run(value)
    return p


def _hyperlink(paragraph, url: str) -> None:
    """A clickable link (python-docx has no API for it: one w:hyperlink element)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "1D4ED8")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(colour)
    props.append(underline)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = url
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def _item(doc, item: ReportItem) -> None:
    _heading(doc, item.title, 2)
    if item.title_en:
        run = _tight(_para(doc)).add_run(item.title_zh)
        run.font.color.rgb = GREY
    for label, value in item.fields():
        _labelled(doc, label, value)
    p = _tight(_para(doc))
    p.add_run("Link: ").bold = True
    if item.link:
        _hyperlink(p, item.link)
    else:
        p.add_run(item.url)
    if item.key_points:
        p = _para(doc)
        p.add_run("Key points:").bold = True
        for point in item.key_points:
            _para(doc, point, style="List Bullet")


def _standards(doc, section: ReportSection) -> None:
    _heading(doc, f"{section.title}: standards and plans", 2)
    rows = [
        [
            str(n),
            "\n".join(v for label, v in i.numbers if label != "Document No."),
            i.title,
            i.stage,
        ]
        for n, i in enumerate(section.standards, start=1)
    ]
    _table(doc, ["No.", "Plan / standard No.", "English name", "Stage"], rows)


BAR = "█"


def _timeline_figure(doc, tl: Timeline) -> None:
    """Instruments per period as a table of stacked bars, one coloured block per instrument."""
    legend = _tight(_para(doc))
    for key, title, _counts in tl.series:
        run = legend.add_run(BAR + " ")
        run.font.color.rgb = RGBColor(*SECTION_COLOURS.get(key, (120, 120, 120)))
        legend.add_run(title + "   ")
    table = _table(doc, [tl.unit.capitalize(), "Instruments", "Count"], [])
    for n, label in enumerate(tl.labels):
        cells = table.add_row().cells
        cells[0].text = label
        bar = cells[1].paragraphs[0]
        for key, _title, counts in tl.series:
            if counts[n]:
                run = bar.add_run(BAR * counts[n])
                run.font.color.rgb = RGBColor(*SECTION_COLOURS.get(key, (120, 120, 120)))
        cells[2].text = str(sum(c[n] for _, _, c in tl.series))
    for row in table.rows:
        row.cells[0].width, row.cells[1].width, row.cells[2].width = Cm(3), Cm(11), Cm(2)
    if tl.undated:
        _para(doc, f"{tl.undated} instruments without a release date are not shown.")


def render_docx(report: Report, template: Path) -> bytes:
    """The review as the bytes of a .docx file."""
    doc = Document(str(template))
    _clear_body(doc)
    _heading(doc, report.title, 0)
    _para(doc, f"{report.count} instruments released {report.period}.")
    note = _para(doc).add_run(
        "English titles are translations; the Chinese original is authoritative. "
        f"Prepared with regwatch on {slash_date(report.today)}."
    )
    note.font.color.rgb = GREY
    _heading(doc, "Summary", 1)
    sections = [[t, str(n)] for t, n in report.counts_by_section()]
    sections.append(["Total", str(report.count)])
    _table(doc, ["Section", "Instruments"], sections)
    _para(doc)
    _table(
        doc,
        ["Issuing authority", "Instruments"],
        [[a, str(n)] for a, n in report.counts_by_issuer()],
    )
    tl = build_timeline(report)
    if tl.labels:
        _heading(doc, f"Timeline of release dates (per {tl.unit})", 2)
        _timeline_figure(doc, tl)
    for section in report.sections:
        _heading(doc, section.title, 1)
        for item in section.items:
            _item(doc, item)
        if section.standards:
            _standards(doc, section)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
