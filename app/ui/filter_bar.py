"""The filters above the notice list, laid over whichever sidebar view is shown.

Unread only, triage status, comment deadline (open / closing within 14 days) and date range
combine with the view (a topic, a source, Flagged…) and the search text; together they become
one ``NoticeFilter`` that storage turns into SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QWidget,
)

from app.ui.notice_model import STATUS_LABELS
from storage.queries import CLOSING_DAYS, NoticeFilter

DATE_PRESETS = (("Any time", None), ("Last 7 days", 7), ("Last 30 days", 30), ("Last year", 365))


@dataclass(frozen=True)
class ListFilters:
    """The filter bar's choices; ``apply`` lays them over a sidebar view's filter."""

    query: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    unread_only: bool = False
    status: str | None = None
    deadline: str | None = None  # open | closing

    def apply(self, view: NoticeFilter) -> NoticeFilter:
        f = replace(view, query=self.query, since=self.since, until=self.until)
        if self.unread_only:
            f = replace(f, unread=True)
        if self.status:
            f = replace(f, status=self.status)
        if self.deadline:
            f = replace(f, deadline=self.deadline)
        return f

    @property
    def narrowing(self) -> bool:
        """True when a filter besides the search hides notices of the view."""
        return bool(self.since or self.until or self.unread_only or self.status or self.deadline)


class SearchBox(QLineEdit):
    """The search field: Escape clears it (a second Escape leaves it)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.clearFocus()
        super().keyPressEvent(event)


class FilterBar(QWidget):
    changed = Signal(object)  # ListFilters

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = SearchBox(self)
        self.search.setPlaceholderText(self.tr("Search titles and text (中文 / English)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(200)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())

        self.unread = QCheckBox(self.tr("Unread only"), self)
        self.status = QComboBox(self)
        self.status.addItem(self.tr("Any status"), None)
        for key, label in STATUS_LABELS.items():
            self.status.addItem(self.tr(label), key)
        self.deadline = QComboBox(self)
        self.deadline.addItem(self.tr("Any deadline"), None)
        self.deadline.addItem(self.tr("Open for comment"), "open")
        self.deadline.addItem(
            self.tr("Closing within {n} days").replace("{n}", str(CLOSING_DAYS)), "closing"
        )
        self.date_preset = QComboBox(self)
        for label, days in DATE_PRESETS:
            self.date_preset.addItem(self.tr(label), days)
        self.date_preset.addItem(self.tr("Custom range"), -1)
        self.date_from, self.date_to = QDateEdit(self), QDateEdit(self)
        for w, d in (
            (self.date_from, QDate.currentDate().addMonths(-3)),
            (self.date_to, QDate.currentDate()),
        ):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setDate(d)
            w.setVisible(False)
            w.dateChanged.connect(lambda _d: self._emit())
        self.date_preset.currentIndexChanged.connect(self._on_date_preset)
        self.unread.toggled.connect(lambda _on: self._emit())
        self.status.currentIndexChanged.connect(lambda _i: self._emit())
        self.deadline.currentIndexChanged.connect(lambda _i: self._emit())
        for w in (self.status, self.deadline, self.date_preset):
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.setSpacing(6)
        for w in (self.unread, self.status, self.deadline, self.date_preset):
            row.addWidget(w)
        row.addWidget(self.date_from)
        row.addWidget(self.date_to)
        row.addStretch(1)
        self.today = dt.date.today  # the clock the date presets count from

    def _on_date_preset(self, _i: int) -> None:
        custom = self.date_preset.currentData() == -1
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)
        self._emit()

    def flush_search(self) -> None:
        """Apply typed search text now instead of after the typing pause."""
        self._search_timer.stop()
        self._emit()

    def filters(self) -> ListFilters:
        days = self.date_preset.currentData()
        since = until = None
        if days == -1:
            since, until = self.date_from.date().toPython(), self.date_to.date().toPython()
        elif days is not None:
            since = self.today() - dt.timedelta(days=days)
        return ListFilters(
            query=self.search.text().strip(),
            since=since,
            until=until,
            unread_only=self.unread.isChecked(),
            status=self.status.currentData(),
            deadline=self.deadline.currentData(),
        )

    def clear(self) -> None:
        """Back to no filters (the search box too)."""
        for w, value in ((self.status, 0), (self.deadline, 0), (self.date_preset, 0)):
            w.blockSignals(True)
            w.setCurrentIndex(value)
            w.blockSignals(False)
        self.unread.blockSignals(True)
        self.unread.setChecked(False)
        self.unread.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._on_date_preset(0)

    def _emit(self) -> None:
        self.changed.emit(self.filters())
