"""The main window's actions, menus and toolbar, built in one place so every shortcut is
visible in a menu (Ctrl+F included) and the window module keeps to behaviour."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QToolBar

from app.ui.list_view import ListLayout
from app.ui.notice_model import STATUS_LABELS

# The window these are built for (app.ui.main_window.MainWindow, which imports this module:
# typed loosely so the two modules do not import each other).
MainWindow = Any


def _action(w: MainWindow, text: str, slot, shortcut=None) -> QAction:
    a = QAction(w.tr(text), w)
    if shortcut is not None:
        a.setShortcut(QKeySequence(shortcut))
    a.triggered.connect(lambda _checked=False: slot())
    w.addAction(a)
    return a


def build_actions(w: MainWindow) -> None:
    w.act_fetch = _action(w, "Fetch now", w.fetch_now, "Ctrl+R")
    w.act_next = _action(w, "Next notice", lambda: w.move(1), "J")
    w.act_prev = _action(w, "Previous notice", lambda: w.move(-1), "K")
    w.act_read = _action(w, "Mark read/unread", w.toggle_read, "M")
    w.act_read_view = _action(w, "Mark all in view as read", w.mark_view_read, "Ctrl+Shift+M")
    w.act_flag = _action(w, "Flag", w.toggle_flag, "F")
    w.act_note = _action(w, "Note…", w.edit_note, "N")
    w.act_translate = _action(w, "Translate body", w.translate_body, "T")
    w.act_edit_tr = _action(w, "Edit translation…", w.edit_translation, "E")
    w.act_open = _action(w, "Open original", w.open_original, "O")
    w.act_cite = _action(w, "Copy citation", w.copy_citation, "Ctrl+Shift+C")
    w.act_search = _action(w, "Search…", w.focus_search, QKeySequence.StandardKey.Find)
    w.act_clear_filters = _action(w, "Clear search and filters", w.clear_filters)
    w.status_actions = {}
    for i, (key, label) in enumerate(STATUS_LABELS.items(), start=1):
        w.status_actions[key] = _action(w, label, lambda k=key: w.set_status(k), f"{i}")
    w.act_settings = _action(w, "Settings…", w.open_settings, "Ctrl+,")
    w.act_sources = _action(w, "Sources…", w.open_sources)
    w.act_topics = _action(w, "Watch topics…", w.open_topics)
    w.act_email = _action(w, "Email flagged…", w.open_email, "Ctrl+E")
    w.act_report = _action(w, "Report…", w.open_report, "Ctrl+Shift+E")
    w.act_quit = _action(w, "Quit", w.quit_app, QKeySequence.StandardKey.Quit)
    group = QActionGroup(w)
    w.layout_actions = {}
    for mode, text in (
        (ListLayout.READING, "Reading layout"),
        (ListLayout.COMPACT, "Compact table"),
    ):
        a = QAction(w.tr(text), w)
        a.setCheckable(True)
        a.triggered.connect(lambda _checked=False, m=mode: w.set_list_layout(m))
        group.addAction(a)
        w.layout_actions[mode] = a


def build_menus(w: MainWindow) -> None:
    mb = w.menuBar()
    m = mb.addMenu(w.tr("&File"))
    for a in (w.act_fetch, w.act_email, w.act_report, w.act_settings, w.act_sources, w.act_topics):
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.act_quit)
    m = mb.addMenu(w.tr("&View"))
    m.addAction(w.act_search)
    m.addAction(w.act_clear_filters)
    m.addSeparator()
    for a in w.layout_actions.values():
        m.addAction(a)
    m = mb.addMenu(w.tr("&Notice"))
    for a in (w.act_next, w.act_prev, w.act_read, w.act_flag):
        m.addAction(a)
    sm = m.addMenu(w.tr("Status"))
    for a in w.status_actions.values():
        sm.addAction(a)
    for a in (w.act_note, w.act_edit_tr, w.act_translate, w.act_open, w.act_cite):
        m.addAction(a)
    m.addSeparator()
    m.addAction(w.act_read_view)
    for a in (w.act_open, w.act_cite, w.act_edit_tr, w.act_translate):
        w.detail.add_action_button(a)
    w.detail.finish_buttons()


def build_toolbar(w: MainWindow) -> QToolBar:
    tb = QToolBar(w.tr("Main"), w)
    tb.setObjectName("main-toolbar")
    tb.setMovable(False)
    w.addToolBar(tb)
    tb.addAction(w.act_fetch)
    tb.addSeparator()
    tb.addAction(w.act_flag)
    tb.addAction(w.act_read)
    tb.addAction(w.act_email)
    tb.addSeparator()
    tb.addWidget(w.filter_bar.search)
    return tb
