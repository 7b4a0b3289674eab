"""The Report… dialog on real widgets: outline preview, section correction, saving."""

from __future__ import annotations

from pptx import Presentation
from sqlalchemy import select

from storage.models import ExportRecord, UserState
from tests.report.conftest import seed
from tests.ui.conftest import wait_idle


def _outline(dlg) -> dict[str, list[str]]:
    out = {}
    for i in range(dlg.outline.topLevelItemCount()):
        head = dlg.outline.topLevelItem(i)
        out[head.text(0)] = [head.child(n).text(0) for n in range(head.childCount())]
    return out


def _row(dlg, title: str):
    for i in range(dlg.outline.topLevelItemCount()):
        head = dlg.outline.topLevelItem(i)
        for n in range(head.childCount()):
            if head.child(n).text(0) == title:
                return head.child(n)
    raise AssertionError(title)


def test_report_dialog_previews_corrects_a_section_and_saves(qtbot, tasks, config, tmp_path):
    from app.ui.dialogs.report import ReportDialog

    seeded = seed(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    dlg = ReportDialog(seeded.db, config, tasks)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.current is not None, timeout=5000)
    outline = _outline(dlg)
    assert list(outline) == [
        "Laws & Regulations (2)",
        "Policies & Initiatives (2)",
        "Standardisation (2)",
    ]
    assert "Table of 2 standards and plans" in outline["Standardisation (2)"]
    assert "6 instruments released" in dlg.count.text()

    # move the humanoid-robot opinions to Standardisation, then back to automatic
    title = "Notice of MIIT on Issuing the Guiding Opinions on Humanoid Robots"
    dlg.outline.setCurrentItem(_row(dlg, title))
    assert dlg.section.currentData() == ""  # automatic
    dlg.section.setCurrentIndex(dlg.section.findData("standards"))
    with qtbot.waitSignal(dlg.exported, timeout=5000):
        dlg.section.activated.emit(dlg.section.currentIndex())
    qtbot.waitUntil(lambda: "Standardisation (3)" in _outline(dlg), timeout=5000)
    with seeded.db.read() as s:
        assert s.get(UserState, seeded.ids["policy"]).report_section == "standards"
    assert dlg.section.currentData() == "standards"  # the row stays selected

    out = tmp_path / "review.pptx"
    dlg.save(out, "pptx")
    qtbot.waitUntil(lambda: dlg.last_file is not None, timeout=10000)
    headers = [
        s.shapes.title.text
        for s in Presentation(str(out)).slides
        if s.slide_layout.name == "Section Header"
    ]
    assert headers == ["Laws & Regulations", "Policies & Initiatives", "Standardisation"]
    with seeded.db.read() as s:
        assert {r.channel for r in s.scalars(select(ExportRecord))} == {"report-pptx"}

    # another selection: by triage status
    dlg.kind.setCurrentIndex(dlg.kind.findData("status"))
    dlg.status.setCurrentIndex(dlg.status.findData("closed"))
    qtbot.waitUntil(lambda: dlg.current is not None and dlg.current.count == 1, timeout=5000)
    dlg.status.setCurrentIndex(dlg.status.findData("escalated"))
    qtbot.waitUntil(lambda: dlg.current is not None and dlg.current.count == 0, timeout=5000)
    assert not dlg.save_btn.isEnabled() and "Nothing to report" in dlg.count.text()
    wait_idle(qtbot, tasks)
    seeded.db.close()


def test_main_window_has_a_report_action(qtbot, window, tasks):
    assert window.act_report.text() == "Report…"
    dlg = window.report_dialog()
    assert dlg.windowTitle() == "Review report"
    qtbot.waitUntil(lambda: dlg.current is not None, timeout=5000)
    wait_idle(qtbot, tasks)
    dlg.close()
