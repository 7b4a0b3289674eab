"""The right pane: one notice, rendered from escaped text, loaded off the GUI thread, with the
reader's note under it (``NoteEditor``: saved as you type)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QToolButton, QVBoxLayout, QWidget

from app.ui.note_editor import NoteEditor
from app.ui.notice_detail import NoticeDetail, load_detail
from app.ui.notice_html import SETTINGS_TRANSLATION, render
from app.ui.ops import Op, TaskManager
from app.ui.safe_browser import SafeTextBrowser
from storage.db import Database


class DetailPane(QWidget):
    loaded = Signal(object)  # NoticeDetail | None
    action = Signal(str)  # "edit-translation" …
    changed = Signal(object)  # Changes made here (a note saved)

    def __init__(self, db: Database, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self._db, self._tasks = db, tasks
        self._token = 0
        self.requested: int | None = None  # the notice asked for last (shown once loaded)
        self.detail: NoticeDetail | None = None
        self.body_en: dict[int, object] = {}  # notice id -> BodyTranslation, this session
        self.search_query = ""  # the list's search text, marked in the notice shown
        self.source_names: dict[str, str] = {}
        self.settings_dialog = None  # the Settings dialog the pane opened last (tests)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(4, 4, 4, 0)
        lay.addLayout(self.buttons)
        self.browser = SafeTextBrowser(self)
        self.browser.action.connect(self._on_link)
        self.note = NoteEditor(db, tasks, self)
        self.note.changed.connect(self.changed)
        self.split = QSplitter(Qt.Orientation.Vertical, self)
        self.split.setObjectName("detail-note-splitter")
        self.split.addWidget(self.browser)
        self.split.addWidget(self.note)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(0, 1)
        self.split.setSizes([520, 130])
        lay.addWidget(self.split)
        self.empty = QLabel(self.tr("Select a notice to read it."), self)
        self.browser.setPlaceholderText(self.empty.text())
        self.empty.hide()

    def _on_link(self, action: str) -> None:
        if action == SETTINGS_TRANSLATION:
            self.open_translation_settings()
        else:
            self.action.emit(action)

    def open_translation_settings(self) -> None:
        """Settings on the translation page, from the note under literal offline English; the
        window applies a saved configuration as its own Settings command does."""
        from app.ui.dialogs.settings import SettingsDialog

        win = self.window()
        config = getattr(win, "config", None)
        if config is None:
            return
        dlg = SettingsDialog(config, self._tasks, win)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show_translation()

        def saved() -> None:
            if dlg.saved is not None and hasattr(win, "set_config"):
                win.set_config(dlg.saved)

        dlg.accepted.connect(saved)
        self.settings_dialog = dlg
        dlg.open()

    def add_action_button(self, action) -> QToolButton:
        b = QToolButton(self)
        b.setDefaultAction(action)
        self.buttons.addWidget(b)
        return b

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)

    def show_notice(self, notice_id: int | None) -> None:
        self._token += 1
        token = self._token
        self.requested = notice_id
        if notice_id != self.note.notice_id:
            self.note.set_notice(None)  # saves the note being left; none is typed until loaded
        if notice_id is None:
            self.detail = None
            self.browser.clear()
            self.loaded.emit(None)
            return

        def work() -> NoticeDetail | None:
            with self._db.read() as s:
                return load_detail(s, notice_id)

        def done(d: NoticeDetail | None) -> None:
            if token != self._token:
                return
            same = self.detail is not None and self.detail.id == notice_id
            self.detail = d
            if d is None:
                self.browser.clear()
                self.note.set_notice(None)
            else:
                self.note.set_notice(d.id, d.note)
                bar = self.browser.verticalScrollBar()
                keep = bar.value() if same else 0
                self.browser.setHtml(
                    render(
                        d,
                        source_name=self.source_names.get(d.source, ""),
                        tr=self.tr,
                        body_en=self.body_en.get(d.id),
                        search=self.search_query,
                    )
                )
                bar.setValue(keep)
            self.loaded.emit(d)

        Op(self._tasks, work, kind="read").success(done).run_in_background()

    def set_body_translation(self, notice_id: int, translation) -> None:
        self.body_en[notice_id] = translation
        if self.detail is not None and self.detail.id == notice_id:
            self.reload()

    def reload(self) -> None:
        """Read the notice again: the one asked for last, so a change to the notice shown
        while another one loads does not bring the old one back."""
        if self.requested is not None:
            self.show_notice(self.requested)

    def focus_note(self) -> None:
        """Put the cursor at the end of the note (the Note action, N)."""
        if self.note.notice_id is None:
            return
        self.note.edit.setFocus()
        self.note.edit.moveCursor(self.note.edit.textCursor().MoveOperation.End)

    def hideEvent(self, event) -> None:
        self.note.flush()  # the window is closed or hidden to the tray: nothing typed is lost
        super().hideEvent(event)
