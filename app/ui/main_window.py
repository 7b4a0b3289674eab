"""The main window: sidebar | notice list | notice detail, with triage actions and fetching.

Selecting a notice marks it read after ``mark_read_delay_ms`` (800 ms) on that notice, like mail
clients: skimming with j/k past a row does not mark it; set the delay to 0 to mark at once.
Rows marked read stay in the Inbox until the view is reloaded, so the list never jumps.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.bulk_triage import BulkResult, RowSelection
from app.changes import Changes
from app.citation import citation
from app.config import Config
from app.services import notice_list as service
from app.ui.detail_pane import DetailPane
from app.ui.fetch import CycleOutcome, FetchController
from app.ui.fetch_status import FetchStatus
from app.ui.filter_bar import DATE_PRESETS, FilterBar, ListFilters
from app.ui.help import install_help
from app.ui.list_view import LAYOUT_SETTING, ListLayout, NoticeTable
from app.ui.main_menus import build_actions, build_menus, build_toolbar
from app.ui.notice_model import ID_ROLE, NoticeTableModel, nonempty
from app.ui.ops import Op, TaskManager
from app.ui.safe_browser import is_web_url, open_web_url
from app.ui.sidebar import Sidebar, View
from app.ui.source_names import short_source_names, source_display_names
from app.ui.status_text import bulk_message, count_text, empty_text
from storage.db import Database
from storage.queries import NoticeFilter

log = logging.getLogger(__name__)

SPLITTER_SETTING = "ui_splitter_sizes"  # the user's sidebar | list | detail widths
DEFAULT_SPLIT = [230, 740, 430]
DEFAULT_SORT = ("date", True)  # newest first

__all__ = [
    "DATE_PRESETS",
    "DEFAULT_SPLIT",
    "SPLITTER_SETTING",
    "MainWindow",
    "NoticeTable",
    "bulk_message",
    "short_source_names",
    "source_display_names",
]


class MainWindow(QMainWindow):
    changes_applied = Signal(object)  # Changes, after the views were told
    unread_changed = Signal(int)

    def __init__(
        self,
        db: Database,
        config: Config,
        tasks: TaskManager,
        fetcher: FetchController | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.db, self.config, self.tasks = db, config, tasks
        self.today: Callable[[], dt.date] = dt.date.today
        self.mark_read_delay_ms = 800
        self.remember_layout = True  # the screenshot renders a fixed layout and writes nothing
        self._layout_timer = QTimer(self)
        self._layout_timer.setSingleShot(True)
        self._layout_timer.setInterval(1000)
        self._layout_timer.timeout.connect(self.save_layout)
        self.close_to_tray: Callable[[], bool] = lambda: False
        self.next_fetch: Callable[[], dt.datetime | None] = lambda: None
        self.setWindowTitle("regwatch")
        self.resize(1400, 860)
        names = source_display_names(config.general.language)
        short = short_source_names(source_display_names())

        self.sidebar = Sidebar(db, tasks, config, self)
        self.sidebar.source_names = names
        self.sidebar.short_names = short
        self.model = NoticeTableModel(db, tasks, self)
        self.model.source_names = short
        self.model.source_tooltips = names
        self.table = NoticeTable(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.filter_bar = FilterBar(self)
        self.search = self.filter_bar.search
        self.filters = ListFilters()
        self._view_filter = NoticeFilter.inbox()
        self._view_sort: tuple[str, bool] | None = None  # the order the shown view imposed
        list_pane = QWidget(self)
        box = QVBoxLayout(list_pane)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.filter_bar)
        box.addWidget(self.table, 1)
        self.detail = DetailPane(db, tasks, self)
        self.detail.source_names = names
        self.detail.action.connect(self._on_detail_action)
        self.detail.changed.connect(self.apply_changes)

        splitter = QSplitter(self)
        splitter.setObjectName("main-splitter")
        splitter.addWidget(self.sidebar)
        splitter.addWidget(list_pane)
        splitter.addWidget(self.detail)
        splitter.setChildrenCollapsible(False)
        stored = self._stored_settings()
        splitter.setSizes(stored.get(SPLITTER_SETTING) or DEFAULT_SPLIT)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        splitter.splitterMoved.connect(lambda _pos, _i: self._layout_moved())
        self.setCentralWidget(splitter)

        self._read_timer = QTimer(self)
        self._read_timer.setSingleShot(True)
        self._read_timer.timeout.connect(self._mark_current_read)
        self._reselect: int | None = None
        self._reselect_scroll: int | None = None
        self._pending_row: int | None = None

        build_actions(self)
        build_menus(self)
        build_toolbar(self)
        install_help(self)
        self._apply_list_layout(stored.get(LAYOUT_SETTING) or ListLayout.READING)
        self.fetch_status = FetchStatus(self)
        self.fetch_status.source_names = self.model.source_names
        self.count_label = QLabel(self)
        self.statusBar().addWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.fetch_status)
        self.fetch_status.cancel_requested.connect(self._cancel_fetch)

        self.fetcher = fetcher
        if fetcher is not None:
            fetcher.started.connect(self.fetch_status.on_started)
            fetcher.progress.connect(self.fetch_status.on_progress)
            fetcher.cycle_done.connect(self._on_cycle_done)

        self.sidebar.view_selected.connect(self._on_view)
        self.sidebar.counts_changed.connect(lambda _c: self._update_empty_text())
        self.filter_bar.changed.connect(self._on_filters)
        self.model.loaded.connect(self._on_loaded)
        self.model.dataChanged.connect(self._show_pending_row)
        # A re-sort reloads the list: keep the notice being read selected.
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._remember_place)
        self.model.busy_changed.connect(lambda _b: self._update_empty_text())
        self.model.counted.connect(self._show_count)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.detail.loaded.connect(self._on_detail_loaded)
        tasks.error.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        self._clock = QTimer(self)
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self._update_times)
        self._clock.start()
        self.stored_last_fetch: dt.datetime | None = None  # from earlier sessions
        self._read_last_fetch()
        self.sidebar.refresh()
        self.sidebar.select_kind("inbox")

    # -- views, filters and search ------------------------------------------------------------

    def _on_view(self, view: View) -> None:
        """A sidebar view, with the filter bar's choices laid over it; a view with its own
        order (Open for comment: by closing date) sorts that way, and the header says so."""
        self._view_filter = view.filter()
        sort = view.sort
        if sort is None and self._view_sort is not None and self.model.sort_key == self._view_sort:
            sort = DEFAULT_SORT  # leaving Open for comment: back to newest first
        self._view_sort = view.sort
        if sort is not None and sort != self.model.sort_key:
            header = self.table.horizontalHeader()
            header.blockSignals(True)
            order = Qt.SortOrder.DescendingOrder if sort[1] else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(self.model.column_of(sort[0]), order)
            header.blockSignals(False)
            header.viewport().update()
        self.model.set_filter(self._list_filter(), sort)

    def _on_filters(self, filters: ListFilters) -> None:
        if filters.query != self.filters.query:
            self.detail.search_query = filters.query
            self.detail.reload()  # the search terms are marked in the notice shown
        self.filters = filters
        self.model.set_filter(self._list_filter())

    def _list_filter(self) -> NoticeFilter:
        """The sidebar view with the filter bar laid over it; deadlines count from ``today``."""
        return replace(self.filters.apply(self._view_filter), today=self.today())

    def set_today(self, today: Callable[[], dt.date]) -> None:
        """The clock comment deadlines are measured by (tests and screenshots fix it)."""
        self.today = self.model.today = self.sidebar.today = self.filter_bar.today = today
        self.model.set_filter(self._list_filter())
        self.sidebar.refresh()

    def _apply_search(self) -> None:
        """Apply the search box now (the box itself waits for a pause in typing)."""
        self.filter_bar.flush_search()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    _focus_search = focus_search

    def clear_filters(self) -> None:
        self.filter_bar.clear()
        self.filter_bar.flush_search()

    def _show_count(self, total: int) -> None:
        view = self.sidebar.current_view()
        self.count_label.setText(count_text(self, view, total, self.model.counting))
        self._update_empty_text()

    def empty_text(self) -> str:
        """Why the list is empty and what to do, for the view and filters shown."""
        return empty_text(self, self.filters, self.sidebar.current_view(), self.sidebar.last_counts)

    def _update_empty_text(self) -> None:
        self.table.set_empty_text("" if self.model.rowCount() else self.empty_text())

    # -- layout memory ------------------------------------------------------------------------

    def _stored_settings(self) -> dict[str, Any]:
        """The remembered pane widths and list layout (valid values only)."""
        out: dict[str, Any] = {}
        try:
            sizes = service.read_setting(self.db, SPLITTER_SETTING)
            layout = service.read_setting(self.db, LAYOUT_SETTING)
        except Exception:  # an unreadable setting is no reason not to open
            return out
        if (
            isinstance(sizes, list)
            and len(sizes) == 3
            and all(isinstance(v, int) and v > 0 for v in sizes)
        ):
            out[SPLITTER_SETTING] = sizes
        if layout in tuple(ListLayout):
            out[LAYOUT_SETTING] = ListLayout(layout)
        return out

    def _stored_split(self) -> list[int] | None:
        return self._stored_settings().get(SPLITTER_SETTING)

    def _apply_list_layout(self, mode: ListLayout) -> None:
        self.table.set_layout_mode(mode)
        self.layout_actions[ListLayout(mode)].setChecked(True)

    def set_list_layout(self, mode: ListLayout) -> None:
        """Switch between the reading layout and the compact table, and remember the choice."""
        self._apply_list_layout(mode)
        if self.remember_layout:
            self._write_setting(LAYOUT_SETTING, str(ListLayout(mode)))

    def _write_setting(self, key: str, value: Any) -> None:
        db = self.db
        Op(self.tasks, lambda: service.write_setting(db, key, value), kind="write").failure(
            lambda e: log.warning("could not save the window layout: %s", e)
        ).run_in_background()

    def _layout_moved(self) -> None:
        if self.remember_layout:
            self._layout_timer.start()  # one write a second after the user lets go

    def save_layout(self) -> None:
        """Remember the pane widths for the next start (one small write, in the writer)."""
        sizes = [int(v) for v in self.splitter.sizes()]
        if all(v > 0 for v in sizes):
            self._write_setting(SPLITTER_SETTING, sizes)

    def _on_loaded(self, total: int) -> None:
        self._show_count(total)
        target, scroll = self._reselect, self._reselect_scroll
        self._reselect, self._reselect_scroll = None, None
        row = self.model.row_of(target) if target is not None else None
        if row is not None:
            self._restore_place(row, scroll)
        elif target is not None:
            # Beyond the first page: find its row in the view, then go back there.
            self.model.find_row(target, lambda r: self._restore_place(r, scroll))
        elif self.detail.detail is None:
            self.detail.show_notice(None)

    def _remember_place(self, *_args) -> None:
        self._reselect, self._reselect_scroll = self.current_id(), None

    def _restore_place(self, row: int | None, scroll: int | None) -> None:
        """Select ``row`` again after a reload, keeping the list where the reader left it."""
        if row is None or not 0 <= row < self.model.rowCount():
            return  # the notice left the view; the pane keeps showing it
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if scroll is not None:
            self.table.verticalScrollBar().setValue(scroll)
        else:
            self.table.scrollTo(self.model.index(row, 0))

    def _show_pending_row(self, top_left, bottom_right, _roles=()) -> None:
        """A row the user jumped to (Ctrl+End) whose page was not loaded: show it once it is."""
        row = self._pending_row
        if row is not None and top_left.row() <= row <= bottom_right.row():
            cur = self.table.currentIndex()
            if cur.isValid() and cur.row() == row:
                self._pending_row = None
                self._on_current_row(cur, None)

    def select_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            idx = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                idx,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.table.scrollTo(idx)

    def move(self, step: int) -> None:
        cur = self.table.currentIndex()
        row = cur.row() + step if cur.isValid() else 0
        self.select_row(max(0, min(row, self.model.rowCount() - 1)))

    def _on_current_row(self, current, _previous) -> None:
        nid = self.model.data(current, ID_ROLE) if current.isValid() else None
        self._pending_row = current.row() if current.isValid() and nid is None else None
        if self._pending_row is not None:
            return  # its page is being read: _show_pending_row shows it when it arrives
        self.detail.show_notice(nid)
        self._read_timer.stop()
        if nid is not None:
            self._read_timer.start(self.mark_read_delay_ms)

    def _on_detail_loaded(self, d) -> None:
        pass

    def current_id(self) -> int | None:
        idx = self.table.currentIndex()
        return self.model.data(idx, ID_ROLE) if idx.isValid() else None

    def row_selection(self) -> RowSelection | None:
        """The selected rows as the database understands them: ids when every selected row
        is loaded, else the view's filter with row ranges, or the whole view (Ctrl+A)."""
        ranges: list[tuple[int, int]] = []
        for r in sorted((r.top(), r.bottom()) for r in self.table.selectionModel().selection()):
            if ranges and r[0] <= ranges[-1][1] + 1:
                ranges[-1] = (ranges[-1][0], max(ranges[-1][1], r[1]))
            else:
                ranges.append(r)
        if not ranges:
            cur = self.current_id()
            return RowSelection(ids=(cur,)) if cur is not None else None
        m = self.model
        n = m.rowCount()
        f, (sort, desc) = nonempty(m.filter), m.sort_key
        if ranges == [(0, n - 1)] and not m.counting and not all(m.is_loaded(i) for i in range(n)):
            return RowSelection(view=f, sort=sort, descending=desc, whole_view=True)
        if all(m.is_loaded(i) for a, b in ranges for i in range(a, b + 1)):
            return RowSelection(ids=tuple(self.selected_ids()))
        return RowSelection(view=f, sort=sort, descending=desc, ranges=tuple(ranges))

    def bulk(self, name: str, value: object | None = None) -> None:
        """Set (or toggle, ``value`` None) one state field on every selected row, in SQL;
        the status bar says how many notices changed."""
        sel = self.row_selection()
        if sel is None:
            return
        self._read_timer.stop()

        db = self.db

        def work() -> BulkResult:
            return service.bulk_set(db, sel, name, value)

        def done(result: BulkResult) -> None:
            self.apply_changes(result.changes)
            self.statusBar().showMessage(bulk_message(self, result), 8000)

        Op(self.tasks, work, kind="write").success(done).failure(
            lambda e: self.statusBar().showMessage(getattr(e, "message", None) or str(e), 10000)
        ).run_in_background()

    def mark_view_read(self) -> None:
        """Mark every notice of the list as filtered now read, in SQL by the view's filter
        (not only the loaded rows); the status bar says how many changed."""
        self._read_timer.stop()
        db, view = self.db, nonempty(self.model.filter)

        def done(result: BulkResult) -> None:
            self.apply_changes(result.changes)
            self.statusBar().showMessage(bulk_message(self, result), 8000)

        Op(self.tasks, lambda: service.mark_view_read(db, view), kind="write").success(
            done
        ).failure(
            lambda e: self.statusBar().showMessage(getattr(e, "message", None) or str(e), 10000)
        ).run_in_background()

    def selected_ids(self) -> list[int]:
        rows = self.table.selectionModel().selectedRows()
        ids = [self.model.data(i, ID_ROLE) for i in rows]
        ids = [i for i in ids if i is not None]
        if not ids and (cur := self.current_id()) is not None:
            ids = [cur]
        return ids

    # -- triage -------------------------------------------------------------------------------

    def write(self, fn: Callable, done: Callable[[Changes], None] | None = None) -> None:
        """Run ``fn(session) -> Changes`` in the DB writer, then refresh what changed."""

        def work() -> Changes:
            with self.db.write() as s:
                return fn(s)

        def ok(changes: Changes) -> None:
            self.apply_changes(changes)
            if done:
                done(changes)

        Op(self.tasks, work, kind="write").success(ok).run_in_background()

    def write_state(self, ids: list[int], **fields) -> None:
        """Set user-state fields (read, flagged, status, note) in the writer, then refresh."""
        db = self.db

        def work() -> Changes:
            return service.set_notice_state(db, ids, **fields)

        Op(self.tasks, work, kind="write").success(self.apply_changes).run_in_background()

    def _mark_current_read(self) -> None:
        nid = self.current_id()
        if nid is not None and (self.detail.detail is None or not self.detail.detail.read):
            self.write_state([nid], read=True)

    def toggle_read(self) -> None:
        self.bulk("read")

    def toggle_flag(self) -> None:
        self.bulk("flagged")

    def set_status(self, status: str) -> None:
        self.bulk("status", status)

    def edit_note(self) -> None:
        self.detail.focus_note()

    def edit_translation(self) -> None:
        from app.ui.dialogs.translation_edit import TranslationEditDialog

        d = self.detail.detail
        if d is None:
            return
        dlg = TranslationEditDialog(d.title, d.title_en, d.title_en_provider, self)
        if dlg.exec():
            self.set_translation(d.title, dlg.text())

    def set_translation(self, title: str, english: str) -> None:
        """Store a corrected English title for every notice with this Chinese title."""
        db = self.db

        def work() -> Changes:
            return service.set_title_translation(db, title, english)

        def done(changes: Changes) -> None:
            self.apply_changes(changes)
            n = len(changes.notices)
            self.statusBar().showMessage(
                self.tr("English title saved for {n} notices.").replace("{n}", str(n)), 5000
            )

        Op(self.tasks, work, kind="write").success(done).failure(
            lambda e: self.statusBar().showMessage(getattr(e, "message", None) or str(e), 10000)
        ).run_in_background()

    def translate_body(self) -> None:
        d = self.detail.detail
        if d is None:
            return
        from app.translation.service import Translator

        db, tr_config, nid = self.db, self.config.translation, d.id

        def work():
            translator = Translator(tr_config)
            try:
                return translator.translate_body(db, nid)
            finally:
                translator.close()

        def done(result) -> None:
            self.statusBar().clearMessage()
            self.detail.set_body_translation(nid, result)

        self.statusBar().showMessage(self.tr("Translating the text…"))
        Op(self.tasks, work, kind="net").success(done).failure(
            lambda e: self.statusBar().showMessage(
                self.tr("Translation failed: ") + (getattr(e, "message", None) or str(e)), 10000
            )
        ).run_in_background()

    def open_original(self) -> None:
        d = self.detail.detail
        if d is None:
            return
        if not is_web_url(d.url):
            self.statusBar().showMessage(self.tr("Not a web address; not opened."), 5000)
        elif not open_web_url(d.url):
            QGuiApplication.clipboard().setText(d.url)
            self.statusBar().showMessage(
                self.tr(
                    "No web browser could be started; the address was copied to the clipboard."
                ),
                10000,
            )

    def citation_text(self) -> str:
        d = self.detail.detail
        if d is None:
            return ""
        return citation(
            title=d.title,
            title_en=d.title_en,
            issuers=d.issuers,
            doc_number=d.doc_number or d.standard_number,
            date=d.published_date or d.sort_date,
            url=d.url,
        )

    def copy_citation(self) -> None:
        text = self.citation_text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.statusBar().showMessage(self.tr("Citation copied."), 4000)

    def _on_detail_action(self, action: str) -> None:
        if action == "edit-translation":
            self.edit_translation()

    # -- changes ------------------------------------------------------------------------------

    def apply_changes(self, changes: Changes) -> None:
        """Tell each view what changed; each refreshes only what it shows."""
        if changes.config:
            self.sidebar.set_config(self.config)
        if changes.added or changes.topics:
            self._reselect = self.current_id()
            self._reselect_scroll = self.table.verticalScrollBar().value()
            self.model.reload()
        elif changes.notices:
            self.model.refresh_ids(changes.notices)
        if changes.notices or changes.added or changes.topics or changes.sources or changes.config:
            self.sidebar.refresh()
        d = self.detail.detail
        if d is not None and (d.id in changes.notices or changes.topics):
            self.detail.reload()
        self.changes_applied.emit(changes)

    # -- fetching -----------------------------------------------------------------------------

    def fetch_now(self) -> None:
        if self.fetcher is not None:
            self.fetcher.fetch(None)

    def _cancel_fetch(self) -> None:
        if self.fetcher is not None:
            self.fetcher.cancel()

    def _on_cycle_done(self, outcome: CycleOutcome, changes: Changes) -> None:
        self.fetch_status.on_finished(outcome)
        self.apply_changes(changes)
        self._update_times()

    def _update_times(self) -> None:
        last = self.fetcher.last_finished if self.fetcher else None
        self.fetch_status.set_times(last or self.stored_last_fetch, self.next_fetch())

    def _read_last_fetch(self) -> None:
        """When the newest stored fetch run ended, so a fresh start does not say "Not fetched
        yet" over a database full of notices."""
        db = self.db

        def work() -> dt.datetime | None:
            return service.last_fetch_finished(db)

        def done(t: dt.datetime | None) -> None:
            self.stored_last_fetch = t
            self._update_times()

        Op(self.tasks, work, kind="read").success(done).run_in_background()

    # -- dialogs ------------------------------------------------------------------------------

    def open_settings(self) -> None:
        from app.ui.dialogs.settings import SettingsDialog

        dlg = SettingsDialog(self.config, self.tasks, self)
        if dlg.exec() and dlg.saved is not None:
            self.set_config(dlg.saved)

    def open_sources(self) -> None:
        from app.ui.dialogs.sources import SourcesDialog

        dlg = SourcesDialog(self.db, self.config, self.tasks, self)
        if dlg.exec() and dlg.saved is not None:
            self.set_config(dlg.saved)

    def open_topics(self) -> None:
        from app.ui.dialogs.topics import TopicsDialog

        dlg = TopicsDialog(self.db, self.tasks, self)
        dlg.exec()
        if dlg.changed:
            self.apply_changes(Changes(topics=True))
        dlg.deleteLater()  # not kept as a child of the window with what it loaded

    def email_dialog(self):
        """The "Email flagged…" dialog, wired to refresh the rows it marks as sent."""
        from app.ui.dialogs.email_digest import EmailDialog

        dlg = EmailDialog(self.db, self.config, self.tasks, self)
        dlg.exported.connect(self.apply_changes)
        return dlg

    def open_email(self) -> None:
        self.email_dialog().exec()

    def report_dialog(self):
        """The "Report…" dialog (the review deck), wired to refresh notices it re-sections."""
        from app.ui.dialogs.report import ReportDialog

        dlg = ReportDialog(self.db, self.config, self.tasks, self)
        dlg.exported.connect(self.apply_changes)
        return dlg

    def open_report(self) -> None:
        self.report_dialog().exec()

    config_changed = Signal(object)

    def set_config(self, config: Config) -> None:
        self.config = config
        self.config_changed.emit(config)
        self.apply_changes(Changes(config=True))

    # -- closing ------------------------------------------------------------------------------

    quit_requested = Signal()  # File → Quit / Ctrl+Q / the tray's Quit: end the app

    def quit_app(self) -> None:
        """Quit for real, tray or not: close the window and end the event loop (build_desktop
        connects ``quit_requested`` to ``QApplication.quit``), so no scheduler keeps fetching."""
        self._really_quit = True
        self.close()
        self.quit_requested.emit()

    _quit = quit_app  # the old name

    def closeEvent(self, event: QCloseEvent) -> None:
        if not getattr(self, "_really_quit", False) and self.close_to_tray():
            event.ignore()
            self.hide()
            return
        event.accept()
