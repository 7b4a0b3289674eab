"""Help → Keyboard shortcuts and About; notice actions that follow the selection."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication

import app
from app.ui.help import AboutDialog, ShortcutsDialog
from tests.ui.conftest import wait_idle


def _keys(seq: str) -> str:
    return QKeySequence(seq).toString(QKeySequence.SequenceFormat.NativeText)


def test_shortcuts_dialog_lists_the_actions_own_shortcuts(qtbot, window):
    dlg = ShortcutsDialog(window)
    qtbot.addWidget(dlg)
    rows = {(r.action, r.keys) for r in dlg.rows}
    assert ("Sources", _keys("Ctrl+Shift+S")) in rows
    assert ("Watch topics", _keys("Ctrl+Shift+T")) in rows
    assert ("Fetch now", _keys("Ctrl+R")) in rows and ("Flag", "F") in rows
    assert ("Escalated", "3") in {(r.action, r.keys) for r in dlg.rows if "Status" in r.menu}
    assert dlg.table.rowCount() == len(dlg.rows)
    # Generated from the actions, not written down: a changed shortcut shows as changed.
    window.act_cite.setShortcut(QKeySequence("Ctrl+Alt+K"))
    again = ShortcutsDialog(window)
    qtbot.addWidget(again)
    assert ("Copy citation", _keys("Ctrl+Alt+K")) in {(r.action, r.keys) for r in again.rows}


def test_no_two_window_actions_share_a_shortcut(window):
    seen: dict[str, str] = {}
    for a in window.findChildren(QAction):
        for k in a.shortcuts():
            key = k.toString()
            assert key not in seen, f"{key} is both {seen[key]!r} and {a.text()!r}"
            seen[key] = a.text()


def test_sources_and_topics_shortcuts_open_their_dialogs(qtbot, window, tasks):
    opened: list[str] = []

    def close_dialog() -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            QTimer.singleShot(20, close_dialog)
            return
        opened.append(type(dlg).__name__)
        dlg.reject()

    for action in (window.act_sources, window.act_topics):
        QTimer.singleShot(0, close_dialog)
        action.trigger()  # runs the dialog until the timer closes it
        wait_idle(qtbot, tasks)
    assert opened == ["SourcesDialog", "TopicsDialog"]


def test_about_names_version_paths_and_licences(qtbot, window, config, tmp_path, monkeypatch):
    monkeypatch.setenv("REGWATCH_CACHE_DIR", str(tmp_path / "cache"))
    dlg = AboutDialog(window)
    qtbot.addWidget(dlg)
    text = dlg.text()
    assert app.__version__ in text
    assert str(config.path) in text
    assert str(tmp_path / "gui.sqlite3") in text  # the database this window has open
    assert str(tmp_path / "cache") in text
    assert "no log file" in text
    assert "CC-CEDICT" in text and "CC BY-SA 4.0" in text and "MIT" in text


def test_help_menu_has_both_entries(window):
    help_menu = [a.menu() for a in window.menuBar().actions() if a.menu() is not None][-1]
    texts = [a.text() for a in help_menu.actions()]
    assert texts == ["Keyboard shortcuts…", "About regwatch…"]


def test_notice_actions_are_disabled_without_a_selection(qtbot, window, seeded_db, tasks):
    window.table.clearSelection()
    window.table.setCurrentIndex(window.model.index(-1, -1))
    window.detail.show_notice(None)
    for a in (window.act_flag, window.act_read, window.act_note, window.act_open, window.act_cite):
        assert not a.isEnabled(), a.text()
    assert not any(a.isEnabled() for a in window.status_actions.values())
    window.select_row(0)
    assert window.act_flag.isEnabled() and window.status_actions["relevant"].isEnabled()
    qtbot.waitUntil(lambda: window.act_open.isEnabled(), timeout=10000)  # once the notice loads
    assert window.act_cite.isEnabled() and window.act_note.isEnabled()


def test_flag_and_status_menu_items_show_the_notice_being_read(qtbot, window, tasks):
    window.select_row(0)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=10000)
    first = window.current_id()
    assert not window.act_flag.isChecked()
    assert window.status_actions["new"].isChecked()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: window.detail.detail.flagged, timeout=10000)
    assert window.act_flag.isChecked()
    qtbot.keyClick(window.table, Qt.Key.Key_3)  # escalated
    qtbot.waitUntil(lambda: window.detail.detail.status == "escalated", timeout=10000)
    assert window.status_actions["escalated"].isChecked()
    assert not window.status_actions["new"].isChecked()
    wait_idle(qtbot, tasks)

    window.select_row(1)  # another notice: neither flagged nor escalated
    qtbot.waitUntil(lambda: window.detail.detail.id != first, timeout=10000)
    assert not window.act_flag.isChecked()
    assert window.status_actions["new"].isChecked()

    row = window.model.row_of(first)
    assert row is not None, "the flagged notice is still in the view"
    window.select_row(row)
    qtbot.waitUntil(lambda: window.detail.detail.id == first, timeout=10000)
    assert window.act_flag.isChecked() and window.status_actions["escalated"].isChecked()


def test_menu_texts_lose_their_mnemonics_in_both_languages():
    from app.ui.help import plain

    assert plain("&File") == "File" and plain("文件(&F)") == "文件"
    assert plain("Sources…") == "Sources" and plain("R&&D") == "R&D"
