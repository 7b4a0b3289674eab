"""The right pane: one notice, rendered from escaped text, loaded off the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from app.ui.notice_detail import NoticeDetail, load_detail
from app.ui.notice_html import render
from app.ui.ops import Op, TaskManager
from app.ui.safe_browser import SafeTextBrowser
from storage.db import Database


class DetailPane(QWidget):
    loaded = Signal(object)  # NoticeDetail | None
    action = Signal(str)  # "edit-translation" …

    def __init__(self, db: Database, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self._db, self._tasks = db, tasks
        self._token = 0
        self.detail: NoticeDetail | None = None
        self.body_en: dict[int, object] = {}  # notice id -> BodyTranslation, this session
        self.search_query = ""  # the list's search text, marked in the notice shown
        self.source_names: dict[str, str] = {}
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(4, 4, 4, 0)
        lay.addLayout(self.buttons)
        self.browser = SafeTextBrowser(self)
        self.browser.action.connect(self.action)
        lay.addWidget(self.browser)
        self.empty = QLabel(self.tr("Select a notice to read it."), self)
        self.browser.setPlaceholderText(self.empty.text())
        self.empty.hide()

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
            else:
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
        if self.detail is not None:
            self.show_notice(self.detail.id)
