"""What the CLI and the GUI's Report… dialog call.

report = load_report(db, ReportSelection(flagged=True), title="Review of AI in China 2026")
data = render(report, "pptx")                  # bytes of the file
write_report(db, report, "pptx", path)          # atomically, with an ExportRecord per item
set_report_section(db, [notice_id], "standards")  # the user's correction (None: automatic)
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path

from docx.opc.exceptions import OpcError as DocxError
from pptx.exc import PythonPptxError as PptxError

from app.errors import UserError
from app.export.service import record_export
from app.files import write_file
from app.report import FORMATS
from app.report.docx_report import render_docx
from app.report.markdown import render_markdown
from app.report.model import Report, ReportSelection, build_report
from app.report.pptx_deck import render_pptx
from app.report.sections import SECTION_ORDER
from app.report.templates import template_path
from storage.db import Database
from storage.models import Notice, UserState


class EmptyReport(UserError):
    """Nothing matches the selection: exit status 1, no file written."""

    exit_code = 1


def load_report(
    db: Database, selection: ReportSelection, *, title: str = "", today: dt.date | None = None
) -> Report:
    """Read the selected notices into a Report (the database is released on return)."""
    with db.read() as session:
        return build_report(session, selection, title=title, today=today)


def render(report: Report, fmt: str, *, template_dir: Path | None = None) -> bytes:
    """The report in ``fmt`` (pptx, docx, md) as the bytes of a file."""
    if fmt == "md":
        return render_markdown(report).encode("utf-8")
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(FORMATS)})")
    template = template_path(fmt, template_dir)
    try:
        if fmt == "pptx":
            return render_pptx(report, template)
        return render_docx(report, template)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, PptxError, DocxError) as exc:
        # what python-pptx/python-docx raise for a missing, broken or foreign template
        raise UserError(f"cannot use the report template {template}: {exc}") from None


def write_report(
    db: Database,
    report: Report,
    fmt: str,
    path: str | os.PathLike,
    *,
    template_dir: Path | None = None,
) -> Path:
    """Render and write atomically; record one ExportRecord per instrument (not "sent")."""
    if not report.items:
        raise EmptyReport(f"nothing to report: there are no {report.selection.describe()}")
    out = write_file(path, render(report, fmt, template_dir=template_dir))
    record_export(db, report.notice_ids, f"report-{fmt}")
    return out


def set_report_section(db: Database, notice_ids: Sequence[int], section: str | None) -> int:
    """Put notices in a review section (None: back to the automatic choice)."""
    if section is not None and section not in SECTION_ORDER:
        raise ValueError(f"unknown report section {section!r}")
    done = 0
    with db.write() as session:
        for nid in notice_ids:
            if session.get(Notice, nid) is None:
                continue
            done += 1
            state = session.get(UserState, nid)
            if state is None:
                state = UserState(notice_id=nid)
                session.add(state)
            state.report_section = section
    return done
