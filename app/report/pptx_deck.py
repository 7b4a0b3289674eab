"""The review as a PowerPoint deck (python-pptx), on the organisation's template or ours.

Slides: title; summary (counts per section and per issuing authority); timeline (a native,
editable stacked column chart); then per section a header, one slide per instrument and the
section's standards table (split over slides of ``TABLE_ROWS``). Layouts are found by their
standard names ("Title Slide", "Title and Content", "Section Header", "Title Only"), so any
corporate template built from PowerPoint's defaults works; missing ones fall back by position.
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.oxml.xmlchemy import OxmlElement
from pptx.util import Emu, Inches, Pt

from app.report.model import Report, ReportItem, ReportSection, slash_date
from app.report.timeline import SECTION_COLOURS, build_timeline

TABLE_ROWS = 8  # standards per table slide: more would not be readable on a projector
ISSUER_ROWS = 12  # issuers listed on the summary before "Other authorities"
GREY = RGBColor(0x4B, 0x55, 0x63)
_LAYOUTS = {
    "title": ("Title Slide", 0),
    "content": ("Title and Content", 1),
    "section": ("Section Header", 2),
    "title_only": ("Title Only", 5),
}


def _layout(prs, kind: str):
    name, index = _LAYOUTS[kind]
    for layout in prs.slide_layouts:
        if layout.name == name:
            return layout
    layouts = list(prs.slide_layouts)
    return layouts[min(index, len(layouts) - 1)]


def _remove_slides(prs) -> None:
    """A template's own sample slides are not part of the review."""
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)


def _title_size(text: str) -> int:
    """Long official titles must fit the title box: smaller type the longer the title."""
    for limit, size in ((50, 32), (90, 26), (140, 22), (200, 18)):
        if len(text) <= limit:
            return size
    return 16


def _set_title(slide, text: str) -> None:
    if slide.shapes.title is not None:
        tf = slide.shapes.title.text_frame
        tf.text = text
        tf.word_wrap = True
        tf.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
        for p in tf.paragraphs:
            for r in p.runs:
                r.font.size = Pt(_title_size(text))


def _no_bullet(paragraph) -> None:
    """A field line ("Releasing Date: …") is a label, not a list item."""
    ppr = paragraph._p.get_or_add_pPr()
    ppr.set("marL", "0")
    ppr.set("indent", "0")
    ppr.insert(0, OxmlElement("a:buNone"))


def _body(slide, prs):
    """The slide's body placeholder, else a text box in the content area."""
    for ph in slide.placeholders:
        if ph.placeholder_format.idx != 0:
            return ph
    w, h = prs.slide_width, prs.slide_height
    return slide.shapes.add_textbox(Emu(w // 20), Emu(h // 5), Emu(w * 9 // 10), Emu(h * 7 // 10))


def _content_box(prs) -> tuple[int, int, int, int]:
    w, h = prs.slide_width, prs.slide_height
    return w // 24, h * 22 // 100, w * 22 // 24, h * 72 // 100


def _add_line(
    tf, text: str, *, size: int, first: bool, level: int = 0, colour=None, bullet: bool = False
):
    p = tf.paragraphs[0] if first else tf.add_paragraph()
    p.level = level
    if not bullet:
        _no_bullet(p)
    run = p.add_run()
    run.text = text
    run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = colour
    return p


def _instrument_slide(prs, item: ReportItem) -> None:
    slide = prs.slides.add_slide(_layout(prs, "content"))
    _set_title(slide, item.title)
    tf = _body(slide, prs).text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    size = 16 if len(item.key_points) <= 4 else 14
    first = True
    if item.title_en:
        _add_line(tf, item.title_zh, size=size, first=True, colour=GREY)
        first = False
    for label, value in item.fields():
        _add_line(tf, f"{label}: {value}", size=size, first=first)
        first = False
    p = tf.add_paragraph()
    _no_bullet(p)
    label = p.add_run()
    label.text = "Link: "
    label.font.size = Pt(size)
    run = p.add_run()
    run.text = item.url
    run.font.size = Pt(size - 2)
    if item.link:
        run.hyperlink.address = item.link
    if item.key_points:
        _add_line(tf, "Key points:", size=size, first=False)
        for point in item.key_points:
            _add_line(tf, point, size=size - 2, first=False, level=1, bullet=True)


def _table(slide, prs, header: list[str], rows: list[list[str]], widths: list[int], box=None):
    left, top, width, height = box or _content_box(prs)
    # rows as tall as their text needs (a table stretched to the box looks empty)
    height = min(height, Emu(Inches(0.42) * (len(rows) + 1)))
    shape = slide.shapes.add_table(len(rows) + 1, len(header), left, top, width, height)
    table = shape.table
    total = sum(widths)
    for n, w in enumerate(widths):
        table.columns[n].width = Emu(width * w // total)
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = value
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.size = Pt(14 if r == 0 else 12)
                    run.font.bold = r == 0
    return table


def _standards_slides(prs, section: ReportSection) -> None:
    items = section.standards
    pages = [items[i : i + TABLE_ROWS] for i in range(0, len(items), TABLE_ROWS)]
    for page_no, page in enumerate(pages, start=1):
        slide = prs.slides.add_slide(_layout(prs, "title_only"))
        suffix = f" ({page_no}/{len(pages)})" if len(pages) > 1 else ""
        _set_title(slide, f"{section.title}: standards and plans{suffix}")
        start = (page_no - 1) * TABLE_ROWS
        rows = [
            [
                str(start + n),
                "\n".join(v for label, v in i.numbers if label != "Document No."),
                i.title,
                i.stage,
            ]
            for n, i in enumerate(page, start=1)
        ]
        _table(
            slide, prs, ["No.", "Plan / standard No.", "English name", "Stage"], rows, [1, 4, 10, 5]
        )


def _summary_slide(prs, report: Report) -> None:
    slide = prs.slides.add_slide(_layout(prs, "title_only"))
    _set_title(slide, "Summary")
    left, top, width, height = _content_box(prs)
    gap = width // 20
    half = (width - gap) // 2
    sections = [[t, str(n)] for t, n in report.counts_by_section()]
    sections.append(["Total", str(report.count)])
    _table(slide, prs, ["Section", "Instruments"], sections, [5, 2], (left, top, half, height // 3))
    issuers = report.counts_by_issuer()
    rows = [[a, str(n)] for a, n in issuers[:ISSUER_ROWS]]
    if len(issuers) > ISSUER_ROWS:
        rest = issuers[ISSUER_ROWS:]
        rows.append([f"Other authorities ({len(rest)})", str(sum(n for _, n in rest))])
    if rows:
        _table(
            slide,
            prs,
            ["Issuing authority", "Instruments"],
            rows,
            [5, 2],
            (left + half + gap, top, half, height),
        )
    box = slide.shapes.add_textbox(left, top + height // 2, half, height // 3)
    tf = box.text_frame
    tf.word_wrap = True
    _add_line(tf, f"{report.count} instruments released {report.period}.", size=16, first=True)
    _add_line(
        tf,
        "English titles are translations; the Chinese original is authoritative.",
        size=12,
        first=False,
        colour=GREY,
    )


def _timeline_slide(prs, report: Report) -> None:
    tl = build_timeline(report)
    if not tl.labels:
        return
    slide = prs.slides.add_slide(_layout(prs, "title_only"))
    _set_title(slide, f"Timeline of release dates (per {tl.unit})")
    data = CategoryChartData()
    data.categories = tl.labels
    for _key, title, counts in tl.series:
        data.add_series(title, counts)
    left, top, width, height = _content_box(prs)
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_STACKED, left, top, width, height, data
    ).chart
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    for plot in chart.plots:
        plot.gap_width = 60
        for (key, _title, _counts), series in zip(tl.series, plot.series, strict=False):
            series.format.fill.solid()
            series.format.fill.fore_color.rgb = RGBColor(*SECTION_COLOURS.get(key, (120, 120, 120)))
    if tl.undated:
        box = slide.shapes.add_textbox(left, top + height, width, prs.slide_height // 20)
        _add_line(
            box.text_frame,
            f"{tl.undated} instruments without a release date are not shown.",
            size=12,
            first=True,
            colour=GREY,
        )


def render_pptx(report: Report, template: Path) -> bytes:
    """The deck as the bytes of a .pptx file."""
    prs = Presentation(str(template))
    _remove_slides(prs)
    slide = prs.slides.add_slide(_layout(prs, "title"))
    _set_title(slide, report.title)
    subtitle = next((p for p in slide.placeholders if p.placeholder_format.idx != 0), None)
    if subtitle is not None:
        subtitle.text = (
            f"{report.count} instruments released {report.period}\n"
            f"Prepared with regwatch on {slash_date(report.today)}"
        )
    _summary_slide(prs, report)
    _timeline_slide(prs, report)
    for section in report.sections:
        slide = prs.slides.add_slide(_layout(prs, "section"))
        _set_title(slide, section.title)
        body = next((p for p in slide.placeholders if p.placeholder_format.idx != 0), None)
        if body is not None:
            n = len(section.items)
            body.text = f"{n} instrument{'s' if n != 1 else ''}"
        for item in section.items:
            _instrument_slide(prs, item)
        if section.standards:
            _standards_slides(prs, section)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()
