"""Literal offline body English says a provider gives fluent text, and its link opens Settings
on the translation provider."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor

from app.ui.notice_html import SETTINGS_TRANSLATION
from tests.ui.conftest import wait_idle


def _anchor_point(browser, href: str) -> QPoint:
    """Viewport point inside the first link to ``href`` (scrolled into view)."""
    block = browser.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            frag = it.fragment()
            if frag.charFormat().anchorHref() == href:
                cursor = QTextCursor(browser.document())
                cursor.setPosition(frag.position() + 1)
                browser.setTextCursor(cursor)
                browser.ensureCursorVisible()
                return browser.cursorRect(cursor).center()
            it += 1
        block = block.next()
    raise AssertionError(f"no link to {href}")


def test_the_note_under_literal_english_opens_the_translation_settings(qtbot, window, tasks):
    window.select_row(0)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=5000)
    window.act_translate.trigger()
    browser = window.detail.browser
    qtbot.waitUntil(lambda: "English text" in browser.toPlainText(), timeout=60000)
    wait_idle(qtbot, tasks)
    assert "Choose a translation provider" in browser.toPlainText()
    edits: list[str] = []
    window.detail.action.connect(edits.append)

    point = _anchor_point(browser, f"action:{SETTINGS_TRANSLATION}")
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)

    qtbot.waitUntil(lambda: window.detail.settings_dialog is not None, timeout=5000)
    dlg = window.detail.settings_dialog
    qtbot.waitUntil(dlg.isVisible, timeout=5000)
    assert dlg.tabs.currentWidget() is dlg.translation_page
    assert dlg.provider.currentData() == window.config.translation.provider
    assert edits == []  # handled by the pane, not passed on as another action
    dlg.reject()
    qtbot.waitUntil(lambda: not dlg.isVisible(), timeout=5000)
