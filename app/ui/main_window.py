"""The main window: sidebar | notice list | notice detail, with triage actions and fetching.

Selecting a notice marks it read after ``mark_read_delay_ms`` (800 ms) on that notice, like mail
clients: skimming with j/k past a row does not mark it; set the delay to 0 to mark at once.
Rows marked read stay in the Inbox until the view is reloaded, so the list never jumps.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QDate, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QToolBar,
    QWidget,
)

from app.bulk_triage import BulkResult, RowSelection, apply_to_selection
from app.changes import Changes
from app.citation import citation
from app.config import Config
from app.triage import set_state
from app.ui.detail_pane import DetailPane
from app.ui.fetch import CycleOutcome, FetchController
from app.ui.fetch_status import FetchStatus
from app.ui.notice_model import ID_ROLE, STATUS_LABELS, NoticeTableModel, nonempty
from app.ui.ops import Op, TaskManager
from app.ui.safe_browser import is_web_url, open_web_url
from app.ui.sidebar import Sidebar, View
from storage.db import Database

log = logging.getLogger(__name__)

SPLITTER_SETTING = "ui_splitter_sizes"  # the user's sidebar | list | detail widths
DEFAULT_SPLIT = [230, 740, 430]

DATE_PRESETS = (("Any time", None), ("Last 7 days", 7), ("Last 30 days", 30), ("Last year", 365))


def source_display_names(language: str = "en") -> dict[str, str]:
    """Each source's name in the UI language (Chinese names in the Chinese UI)."""
    from scrapers.base import get_source, source_keys

    out = {}
    for key in source_keys():
        try:
            info = get_source(key).info
            out[key] = info.name_zh if language.startswith("zh") and info.name_zh else info.name_en
        except KeyError:
            pass
    return out


def short_source_names(names: dict[str, str]) -> dict[str, str]:
    """ "Cyberspace Administration of China (CAC)" → "CAC", for the narrow Source column."""
    out = {}
    for key, name in names.items():
        short = name.rsplit("(", 1)[1].rstrip(")") if name.endswith(")") else key
        out[key] = short.removesuffix(".gov.cn") if short.count(".") > 1 else short
    return out


def bulk_message(ctx: QWidget, result: BulkResult) -> str:
    """ "2,503 notices marked read (124 already were)." for the status bar."""
    if result.field == "status":
        what = ctx.tr("set to {status}").replace(
            "{status}", ctx.tr(STATUS_LABELS.get(str(result.value), str(result.value)))
        )
    else:
        what = {
            ("read", True): ctx.tr("marked read"),
            ("read", False): ctx.tr("marked unread"),
            ("flagged", True): ctx.tr("flagged"),
            ("flagged", False): ctx.tr("unflagged"),
        }[(result.field, bool(result.value))]
    text = ctx.tr("{n} notices {what}.").replace("{n}", f"{result.changed:,}")
    text = text.replace("{what}", what)
    unchanged = result.selected - result.changed
    if unchanged > 0:
        text += " " + ctx.tr("({n} already were.)").replace("{n}", f"{unchanged:,}")
    return text


class NoticeTable(QTableView):
    """The notice list; while it has no rows it says why, and what to do about it."""

    empty_text = ""

    def set_empty_text(self, text: str) -> None:
        self.empty_text = text
        self.viewport().update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is None or model.rowCount() or not self.empty_text:
            return
        if getattr(model, "loading", False):
            return
        p = QPainter(self.viewport())
        p.setPen(self.palette().placeholderText().color())
        rect = self.viewport().rect().adjusted(24, 24, -24, -24)
        p.drawText(
            rect,
            int(
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            ),
            self.empty_text,
        )
        p.end()


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

        self.sidebar = Sidebar(db, tasks, config, self)
        self.sidebar.source_names = names
        self.model = NoticeTableModel(db, tasks, self)
        self.model.source_names = short_source_names(source_display_names())
        self.model.source_tooltips = names
        self.table = NoticeTable(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        for col, width in enumerate((88, 72, 166, 204, 106, 22, 60)):
            header.resizeSection(col, width)
        header.setMinimumSectionSize(20)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        # The English title takes the width the others leave: no horizontal scroll bar at the
        # default size, and a wider window shows more of the title a European reader needs.
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.detail = DetailPane(db, tasks, self)
        self.detail.source_names = names
        self.detail.action.connect(self._on_detail_action)

        splitter = QSplitter(self)
        splitter.setObjectName("main-splitter")
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes(self._stored_split() or DEFAULT_SPLIT)
        splitter.setStretchFactor(1, 1)
        self.splitter = splitter
        splitter.splitterMoved.connect(lambda _pos, _i: self._layout_moved())
        self.setCentralWidget(splitter)

        self._read_timer = QTimer(self)
        self._read_timer.setSingleShot(True)
        self._read_timer.timeout.connect(self._mark_current_read)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._apply_search)
        self._reselect: int | None = None
        self._reselect_scroll: int | None = None
        self._pending_row: int | None = None

        self._build_actions()
        self._build_toolbar()
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

    # -- building -----------------------------------------------------------------------------

    def _action(
        self, text: str, slot, shortcut: str | QKeySequence.StandardKey | None = None
    ) -> QAction:
        a = QAction(self.tr(text), self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(lambda _checked=False: slot())
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self.act_fetch = self._action("Fetch now", self.fetch_now, "Ctrl+R")
        self.act_next = self._action("Next notice", lambda: self.move(1), "J")
        self.act_prev = self._action("Previous notice", lambda: self.move(-1), "K")
        self.act_read = self._action("Mark read/unread", self.toggle_read, "M")
        self.act_flag = self._action("Flag", self.toggle_flag, "F")
        self.act_note = self._action("Note…", self.edit_note, "N")
        self.act_translate = self._action("Translate body", self.translate_body, "T")
        self.act_edit_tr = self._action("Edit translation…", self.edit_translation, "E")
        self.act_open = self._action("Open original", self.open_original, "O")
        self.act_cite = self._action("Copy citation", self.copy_citation, "Ctrl+Shift+C")
        self.act_search = self._action("Search", self._focus_search, QKeySequence.StandardKey.Find)
        self.status_actions: dict[str, QAction] = {}
        for i, (key, label) in enumerate(STATUS_LABELS.items(), start=1):
            self.status_actions[key] = self._action(label, lambda k=key: self.set_status(k), f"{i}")
        self.act_settings = self._action("Settings…", self.open_settings, "Ctrl+,")
        self.act_sources = self._action("Sources…", self.open_sources)
        self.act_topics = self._action("Watch topics…", self.open_topics)
        self.act_email = self._action("Email flagged…", self.open_email, "Ctrl+E")
        self.act_report = self._action("Report…", self.open_report, "Ctrl+Shift+E")
        self.act_quit = self._action("Quit", self.quit_app, QKeySequence.StandardKey.Quit)

        mb = self.menuBar()
        m = mb.addMenu(self.tr("&File"))
        for a in (
            self.act_fetch,
            self.act_email,
            self.act_report,
            self.act_settings,
            self.act_sources,
            self.act_topics,
        ):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu(self.tr("&Notice"))
        for a in (self.act_next, self.act_prev, self.act_read, self.act_flag):
            m.addAction(a)
        sm = m.addMenu(self.tr("Status"))
        for a in self.status_actions.values():
            sm.addAction(a)
        for a in (
            self.act_note,
            self.act_edit_tr,
            self.act_translate,
            self.act_open,
            self.act_cite,
        ):
            m.addAction(a)
        for a in (self.act_open, self.act_cite, self.act_edit_tr, self.act_translate):
            self.detail.add_action_button(a)
        self.detail.finish_buttons()

    def _build_toolbar(self) -> None:
        tb = QToolBar(self.tr("Main"), self)
        tb.setObjectName("main-toolbar")
        tb.setMovable(False)
        self.addToolBar(tb)
        tb.addAction(self.act_fetch)
        tb.addSeparator()
        tb.addAction(self.act_flag)
        tb.addAction(self.act_read)
        tb.addAction(self.act_email)
        tb.addSeparator()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search titles and text (中文 / English)"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        tb.addWidget(self.search)
        self.date_preset = QComboBox(self)
        for label, days in DATE_PRESETS:
            self.date_preset.addItem(self.tr(label), days)
        self.date_preset.addItem(self.tr("Custom range"), -1)
        self.date_preset.currentIndexChanged.connect(self._on_date_preset)
        tb.addWidget(self.date_preset)
        self.date_from, self.date_to = QDateEdit(self), QDateEdit(self)
        for w, d in (
            (self.date_from, QDate.currentDate().addMonths(-3)),
            (self.date_to, QDate.currentDate()),
        ):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setDate(d)
            w.dateChanged.connect(lambda _d: self._apply_dates())
        self._date_actions = [tb.addWidget(self.date_from), tb.addWidget(self.date_to)]
        for a in self._date_actions:
            a.setVisible(False)

    # -- views and selection ------------------------------------------------------------------

    def _on_view(self, view: View) -> None:
        f = view.filter()
        old = self.model.filter
        f.query, f.since, f.until = old.query, old.since, old.until
        self.model.set_filter(f)

    def _apply_search(self) -> None:
        self.model.set_query(self.search.text().strip())

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _on_date_preset(self, _i: int) -> None:
        days = self.date_preset.currentData()
        for a in self._date_actions:
            a.setVisible(days == -1)
        self._apply_dates()

    def _apply_dates(self) -> None:
        days = self.date_preset.currentData()
        if days is None:
            self.model.set_dates(None, None)
        elif days == -1:
            self.model.set_dates(self.date_from.date().toPython(), self.date_to.date().toPython())
        else:
            self.model.set_dates(dt.date.today() - dt.timedelta(days=days), None)

    def _show_count(self, total: int) -> None:
        view = self.sidebar.current_view()
        label = view.label if view else ""
        n = f"{total:,}+" if self.model.counting else f"{total:,}"
        self.count_label.setText(
            self.tr("{view}: {n} notices").replace("{view}", label).replace("{n}", n)
        )
        self._update_empty_text()

    def empty_text(self) -> str:
        """Why the list is empty and what to do, for the view and filters shown."""
        f, view = self.model.filter, self.sidebar.current_view()
        counts = self.sidebar.last_counts
        if counts is not None and counts.all == 0 and not f.query:
            return self.tr(
                "No notices yet — press Fetch now (Ctrl+R) to check the sources, "
                "or wait for the next scheduled fetch."
            )
        if f.query:
            return self.tr(
                "No notices match “{q}” here. Clear the search, pick All notices, "
                "or widen the date range."
            ).replace("{q}", f.query)
        if f.since or f.until:
            return self.tr("No notices in this date range. Choose “Any time” to see all.")
        kind = view.kind if view else ""
        if kind == "inbox":
            return self.tr(
                "Inbox is clear: every notice matching your watch topics has been read. "
                "New matches appear here after the next fetch."
            )
        if kind == "flagged":
            return self.tr("No flagged notices. Press F on a notice to flag it for follow-up.")
        if kind == "topic":
            return self.tr(
                "No stored notice matches this topic yet. Edit its query in Watch topics… "
                "to test it against the stored notices."
            )
        if kind == "source":
            return self.tr("No notices from this source yet. Its health is in Sources….")
        return self.tr("No notices.")

    def _update_empty_text(self) -> None:
        self.table.set_empty_text("" if self.model.rowCount() else self.empty_text())

    # -- layout memory ------------------------------------------------------------------------

    def _stored_split(self) -> list[int] | None:
        from storage.models import Setting

        try:
            with self.db.read() as s:
                row = s.get(Setting, SPLITTER_SETTING)
        except Exception:  # an unreadable setting is no reason not to open
            return None
        sizes = row.value if row is not None else None
        if (
            isinstance(sizes, list)
            and len(sizes) == 3
            and all(isinstance(v, int) and v > 0 for v in sizes)
        ):
            return sizes
        return None

    def _layout_moved(self) -> None:
        if self.remember_layout:
            self._layout_timer.start()  # one write a second after the user lets go

    def save_layout(self) -> None:
        """Remember the pane widths for the next start (one small write, in the writer)."""
        from storage.models import Setting

        sizes = [int(v) for v in self.splitter.sizes()]
        if not all(v > 0 for v in sizes):
            return

        def work() -> None:
            with self.db.write() as s:
                s.merge(Setting(key=SPLITTER_SETTING, value=sizes))

        Op(self.tasks, work, kind="write").failure(
            lambda e: log.warning("could not save the window layout: %s", e)
        ).run_in_background()

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

        def work() -> BulkResult:
            with self.db.write() as s:
                return apply_to_selection(s, sel, name, value)

        def done(result: BulkResult) -> None:
            self.apply_changes(result.changes)
            self.statusBar().showMessage(bulk_message(self, result), 8000)

        Op(self.tasks, work, kind="write").success(done).failure(
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

    def _mark_current_read(self) -> None:
        nid = self.current_id()
        if nid is not None and (self.detail.detail is None or not self.detail.detail.read):
            self.write(lambda s: set_state(s, [nid], read=True))

    def toggle_read(self) -> None:
        self.bulk("read")

    def toggle_flag(self) -> None:
        self.bulk("flagged")

    def set_status(self, status: str) -> None:
        self.bulk("status", status)

    def edit_note(self) -> None:
        nid, d = self.current_id(), self.detail.detail
        if nid is None:
            return
        text, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("Note"),
            self.tr("Note on this notice:"),
            d.note if d and d.id == nid else "",
        )
        if ok:
            self.write(lambda s: set_state(s, [nid], note=text))

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
        from sqlalchemy import select

        from app.translation.memory import set_human_translation
        from storage.models import Notice

        db = self.db

        def work() -> Changes:
            set_human_translation(db, title, english)
            with db.read() as s:
                ids = s.scalars(select(Notice.id).where(Notice.title == title)).all()
            return Changes(notices=frozenset(ids))

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
        from sqlalchemy import func, select

        from storage.models import FetchRun

        def work() -> dt.datetime | None:
            with self.db.read() as s:
                t = s.scalar(select(func.max(FetchRun.finished_at)))
            return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t

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
