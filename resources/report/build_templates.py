"""Rebuild the clean default report templates (report.pptx, report.docx) in this folder.

    .venv/bin/python resources/report/build_templates.py

The pptx is python-pptx's default master made 16:9 (placeholders scaled to the wider slide),
the docx is python-docx's default document with A4 pages. An organisation replaces either with
its own file of the same name in ~/.config/regwatch/templates/.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Cm
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

HERE = Path(__file__).resolve().parent


def build_pptx(path: Path) -> None:
    prs = Presentation()
    old_w = prs.slide_width
    prs.slide_width = Emu(12192000)  # 13.333 in: 16:9 at the default 7.5 in height
    scale = prs.slide_width / old_w
    shapes = list(prs.slide_master.placeholders)
    for layout in prs.slide_layouts:
        shapes.extend(layout.placeholders)
    for shape in shapes:
        # only positions a shape sets itself: inherited ones follow the master's, once scaled
        if shape._element.spPr.find(qn("a:xfrm")) is not None:
            shape.left = Emu(int(shape.left * scale))
            shape.width = Emu(int(shape.width * scale))
    prs.save(str(path))


def build_docx(path: Path) -> None:
    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.2)
    doc.save(str(path))


if __name__ == "__main__":
    build_pptx(HERE / "report.pptx")
    build_docx(HERE / "report.docx")
