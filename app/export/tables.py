"""One row per item: CSV (UTF-8 with BOM, for Excel) and XLSX, with stable columns.

Spreadsheets execute cells that start with = + - @ (and TAB / CR tricks), so a scraped
title or a note like ``=HYPERLINK(...)`` would become a live formula. CSV cells get a leading
apostrophe; XLSX cells are stored as text with Excel's quote prefix (value unchanged).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from app.export.digest import Digest, DigestItem
from app.export.registry import RenderOptions, register
from app.export.text import one_line

# (key, header, width) — a contract for people's spreadsheets: append, never reorder.
COLUMNS: list[tuple[str, str, int]] = [
    ("topic", "Topic", 18),
    ("date", "Date", 11),
    ("title_en", "Title (English)", 60),
    ("title_zh", "Title (Chinese)", 50),
    ("translation", "Translation", 18),
    ("issuers", "Issuers", 30),
    ("doc_number", "Document number (文号)", 24),
    ("written_date", "Written", 11),
    ("published_date", "Published", 11),
    ("comment_deadline", "Comment deadline", 11),
    ("deadline_state", "Deadline state", 12),
    ("topics", "All topics", 24),
    ("status", "Status", 12),
    ("flagged", "Flagged", 8),
    ("note", "Note", 40),
    ("source", "Source", 20),
    ("url", "URL", 50),
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES)


def neutralise(value: str) -> str:
    """A CSV cell that a spreadsheet will show as text, never evaluate."""
    return "'" + value if is_formula_like(value) else value


def row(item: DigestItem) -> dict[str, Any]:
    """The item as typed cell values (dates stay dates for XLSX)."""
    return {
        "topic": item.topics[0] if item.topics else "Other",
        "date": item.date,
        "title_en": one_line(item.title_en),
        "title_zh": one_line(item.title_zh),
        "translation": item.translation or ("human" if item.title_en else ""),
        "issuers": "; ".join(item.issuers),
        "doc_number": item.doc_number,
        "written_date": item.written_date,
        "published_date": item.published_date,
        "comment_deadline": item.deadline.date if item.deadline else None,
        "deadline_state": item.deadline.state if item.deadline else "",
        "topics": "; ".join(item.topics),
        "status": item.status_label,
        "flagged": "yes" if item.flagged else "",
        "note": item.note,
        "source": item.source_name,
        "url": item.url,
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@register("csv", extension=".csv", mime="text/csv", description="CSV, one row per item")
def render_csv(digest: Digest, _options: RenderOptions) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([header for _, header, _ in COLUMNS])
    for item in digest.items:
        cells = row(item)
        writer.writerow([neutralise(_text(cells[key])) for key, _, _ in COLUMNS])
    # The BOM makes Excel read UTF-8 (Chinese) instead of the ANSI code page.
    return buf.getvalue().encode("utf-8-sig")


@register(
    "xlsx",
    extension=".xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    description="Excel workbook, one row per item",
)
def render_xlsx(digest: Digest, _options: RenderOptions) -> bytes:
    # openpyxl is loaded here, not at import: every export loads the format registry, and
    # only this format needs it.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Digest"
    bold = Font(bold=True)
    for col, (_, header, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.font = bold
        ws.column_dimensions[get_column_letter(col)].width = width
    for r, item in enumerate(digest.items, start=2):
        cells = row(item)
        for col, (key, _, _) in enumerate(COLUMNS, start=1):
            value = cells[key]
            cell = ws.cell(row=r, column=col)
            if isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
                continue
            text = ILLEGAL_CHARACTERS_RE.sub("", _text(value))
            cell.value = text
            # openpyxl turns any string starting with "=" into a formula: force text.
            cell.data_type = "s"
            if is_formula_like(text):
                cell.quotePrefix = True
            if key == "url" and item.link:
                cell.hyperlink = item.link
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{max(1, len(digest.items) + 1)}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
