"""The notice list: a lazy table model that pages rows from storage.

``rowCount`` is the SQL count of the view (the first page shows before the count is known: the
model then grows to it); rows are held in pages of ``PAGE`` rows, fetched on
demand in the read pool (a placeholder shows meanwhile) and evicted beyond ``MAX_PAGES``, so the
model stays small and smooth at 100,000 notices. Sorting is a server-side ORDER BY. A filter or
sort change loads the first page and re-counts in the background; a generation number drops
answers that arrive after the view changed again.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from app.services.notice_rows import (  # noqa: F401  (re-exported: the list's row API)
    NoticeRow,
    first_ids_by_scan,
    load_page,
    nonempty,
    row_from,
    row_index,
    rows_for,
)
from app.triage import STATUS_LABELS
from app.ui.ops import Op, TaskManager
from storage.db import Database
from storage.queries import CLOSING_DAYS, NoticeFilter, count_notices


def deadline_text(deadline: dt.date | None, today: dt.date, tr=lambda s: s) -> str:
    """ "closes today", "closes in 5 days", "closed" (or "" without a comment deadline)."""
    if deadline is None:
        return ""
    days = (deadline - today).days
    if days < 0:
        return tr("closed")
    if days == 0:
        return tr("closes today")
    if days == 1:
        return tr("closes tomorrow")
    return tr("closes in {n} days").replace("{n}", str(days))


COLUMNS: tuple[tuple[str, str], ...] = (
    ("date", "Date"),
    ("source", "Source"),
    ("title", "Title"),
    ("title_en", "English title"),
    ("topics", "Topics"),
    ("flag", "⚑"),
    ("status", "Status"),
    ("note", "✎"),
    ("deadline", "Comments"),
)
# Every column sorts, in SQL (storage.queries.sort_expression).
SORT_KEYS = {i: key for i, (key, _) in enumerate(COLUMNS)}
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2  # the whole NoticeRow, for the reading delegate
HAS_NOTE_ROLE = Qt.ItemDataRole.UserRole + 3  # bool: the notice has a note


class NoticeTableModel(QAbstractTableModel):
    PAGE = 200
    MAX_PAGES = 40

    loaded = Signal(int)  # the first page of a (re)load is shown; rows so far
    counted = Signal(int)  # the exact row count of the view is known
    busy_changed = Signal(bool)

    def __init__(self, db: Database, tasks: TaskManager, parent: QObject | None = None):
        super().__init__(parent)
        self._db = db
        self._tasks = tasks
        self._filter = NoticeFilter()
        self._sort, self._desc = "date", True
        self._count = 0
        self._pages: OrderedDict[int, list[NoticeRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0
        self._loading = False
        self._counting = False
        self.source_names: dict[str, str] = {}
        self.source_tooltips: dict[str, str] = {}
        self.reading = False  # the reading layout: the titles column shows both titles
        self.today = dt.date.today  # the clock deadlines are counted from (tests set it)

    # -- the view -----------------------------------------------------------------------------

    @property
    def filter(self) -> NoticeFilter:
        return self._filter

    @property
    def loading(self) -> bool:
        return self._loading

    @property
    def sort_key(self) -> tuple[str, bool]:
        """(sort column key, descending) of the view, as storage orders it."""
        return self._sort, self._desc

    def is_loaded(self, row: int) -> bool:
        """True when the row's page is in memory (no request is made)."""
        page = self._pages.get(row // self.PAGE)
        return page is not None and row - (row // self.PAGE) * self.PAGE < len(page)

    def set_filter(self, f: NoticeFilter, sort: tuple[str, bool] | None = None) -> None:
        """Show another view; ``sort`` (key, descending) changes the order in the same reload."""
        self._filter = f
        if sort is not None:
            self._sort, self._desc = sort
        self.reload()

    def set_query(self, text: str) -> None:
        self._filter = replace(self._filter, query=text)
        self.reload()

    def set_dates(self, since: dt.date | None, until: dt.date | None) -> None:
        self._filter = replace(self._filter, since=since, until=until)
        self.reload()

    def reload(self) -> None:
        """Show the first page as soon as it is read, then fill in the row count.

        The page (``LIMIT PAGE + 1``: one extra row says whether there are more) and the
        ``COUNT`` run in parallel in the read pool. The view is reset with the first page and a
        provisional row count; when the exact count arrives the model grows (beginInsertRows)
        to it. A count over a large view never delays the first rows.
        """
        self._generation += 1
        gen, f, sort, desc = self._generation, nonempty(self._filter), self._sort, self._desc
        self._set_loading(True)
        self._counting = True
        counted: dict[str, int] = {}

        def page_work() -> list[NoticeRow]:
            with self._db.read() as s:
                return load_page(s, f, 0, self.PAGE + 1, sort, desc)

        def count_work() -> int | None:
            if gen != self._generation:  # the view changed before this count started
                return None
            with self._db.read() as s:
                return count_notices(f, s)

        def page_done(rows: list[NoticeRow]) -> None:
            if gen != self._generation:
                return
            more = len(rows) > self.PAGE
            rows = rows[: self.PAGE]
            exact = counted.get("total", None if more else len(rows))
            self.beginResetModel()
            self._count = exact if exact is not None else len(rows)
            self._pages = OrderedDict({0: rows})
            self._pending.clear()
            self.endResetModel()
            self._set_loading(False)
            self.loaded.emit(self._count)
            if exact is not None:
                self._finish_count(exact)

        def count_done(total: int | None) -> None:
            if gen != self._generation or total is None:
                return
            counted["total"] = total
            if not self._loading and self._counting:
                self._finish_count(total)

        def failed(exc: BaseException) -> None:
            if gen == self._generation:
                self._set_loading(False)
                self._counting = False
                self._tasks.error.emit(f"could not load notices: {exc}")

        Op(self._tasks, page_work, kind="read").success(page_done).failure(
            failed
        ).run_in_background()
        Op(self._tasks, count_work, kind="read").success(count_done).failure(
            failed
        ).run_in_background()

    def _finish_count(self, total: int) -> None:
        """Grow (or, if rows went away meanwhile, shrink) to the exact count."""
        self._counting = False
        if total > self._count:
            self.beginInsertRows(QModelIndex(), self._count, total - 1)
            self._count = total
            self.endInsertRows()
        elif total < self._count:
            self.beginRemoveRows(QModelIndex(), total, self._count - 1)
            self._count = total
            for p in [p for p in self._pages if p * self.PAGE >= total]:
                del self._pages[p]
            self.endRemoveRows()
        self.counted.emit(total)

    @property
    def counting(self) -> bool:
        """True until the exact row count of the current view is known."""
        return self._counting

    def _set_loading(self, value: bool) -> None:
        if self._loading != value:
            self._loading = value
            self.busy_changed.emit(value)

    def refresh_ids(self, ids: frozenset[int]) -> None:
        """Reload the rows of these notices where they are shown (flag, read, status changed)."""
        shown = [r.id for page in self._pages.values() for r in page if r.id in ids]
        if not shown:
            return
        gen = self._generation

        def work() -> dict[int, NoticeRow]:
            with self._db.read() as s:
                return {r.id: r for r in rows_for(s, shown)}

        def done(fresh: dict[int, NoticeRow]) -> None:
            if gen != self._generation:
                return
            for p, page in self._pages.items():
                for i, row in enumerate(page):
                    if row.id in fresh:
                        page[i] = fresh[row.id]
                        r = p * self.PAGE + i
                        self.dataChanged.emit(self.index(r, 0), self.index(r, len(COLUMNS) - 1))

        Op(self._tasks, work, kind="read").success(done).run_in_background()

    # -- rows ---------------------------------------------------------------------------------

    def row_at(self, row: int) -> NoticeRow | None:
        """The row if its page is loaded; otherwise ask for the page and return None."""
        if not 0 <= row < self._count:
            return None
        p = row // self.PAGE
        page = self._pages.get(p)
        if page is None:
            self._request_page(p)
            return None
        self._pages.move_to_end(p)
        i = row - p * self.PAGE
        return page[i] if i < len(page) else None

    def find_row(self, notice_id: int, done) -> None:
        """Where ``notice_id`` sits in the whole view (loaded or not): ``done(row or None)``
        on the GUI thread. An ids-only scan in the read pool (milliseconds at 100k)."""
        gen, f, sort, desc = self._generation, nonempty(self._filter), self._sort, self._desc

        def work() -> int | None:
            with self._db.read() as s:
                return row_index(s, f, sort, desc, notice_id)

        def found(row: int | None) -> None:
            if gen == self._generation:
                done(row)

        Op(self._tasks, work, kind="read").success(found).run_in_background()

    def row_of(self, notice_id: int) -> int | None:
        for p, page in self._pages.items():
            for i, r in enumerate(page):
                if r.id == notice_id:
                    return p * self.PAGE + i
        return None

    def _request_page(self, p: int) -> None:
        if p in self._pending:
            return
        self._pending.add(p)
        gen, f, sort, desc = self._generation, nonempty(self._filter), self._sort, self._desc

        def work() -> list[NoticeRow]:
            with self._db.read() as s:
                return load_page(s, f, p * self.PAGE, self.PAGE, sort, desc)

        def done(rows: list[NoticeRow]) -> None:
            if gen != self._generation:
                return
            self._pending.discard(p)
            self._pages[p] = rows
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
            first = p * self.PAGE
            last = min(self._count, first + self.PAGE) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

        Op(self._tasks, work, kind="read").success(done).run_in_background()

    # -- Qt model API -------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0):
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                if self.reading and COLUMNS[section][0] == "title_en":
                    return self.tr("Title (English / Chinese)")
                return self.tr(COLUMNS[section][1])
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.column() < len(COLUMNS):
            return None
        row = self.row_at(index.row())
        key = COLUMNS[index.column()][0]
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole and key == "title" else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, key)
        if role == ID_ROLE:
            return row.id
        if role == HAS_NOTE_ROLE:
            return row.has_note
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and key in ("title", "title_en", "topics"):
            return self._display(row, key) or None
        if role == Qt.ItemDataRole.ToolTipRole and key == "deadline" and row.deadline:
            return self.tr("Comments due {date}").replace("{date}", row.deadline.isoformat())
        if role == Qt.ItemDataRole.ToolTipRole and key == "note" and row.has_note:
            return self.tr("Has a note")
        if role == Qt.ItemDataRole.ToolTipRole and key == "source":
            return self.source_tooltips.get(row.source)
        if role == Qt.ItemDataRole.ToolTipRole and key == "status" and row.exported:
            return self.tr("Emailed in a digest")
        if role == Qt.ItemDataRole.FontRole and not row.read:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.removed:
                return QBrush(QColor("#9ca3af"))
            if key == "topics" and row.topics:
                return QBrush(QColor(row.topics[0][1]))
            if key == "flag" and row.flagged:
                return QBrush(QColor("#dc2626"))
            if key == "deadline" and row.deadline:
                return QBrush(QColor(deadline_colour(row.deadline, self.today())))
        return None

    def _display(self, row: NoticeRow, key: str) -> str:
        if key == "date":
            return row.date.isoformat() if row.date else ""
        if key == "source":
            return self.source_names.get(row.source, row.source)
        if key == "title":
            return ("[removed] " if row.removed else "") + row.title
        if key == "title_en":
            return row.title_en
        if key == "topics":
            return ", ".join(name for name, _ in row.topics)
        if key == "flag":
            return "⚑" if row.flagged else ""
        if key == "status":
            text = self.tr(STATUS_LABELS.get(row.status, row.status))
            return text + " ✉" if row.exported else text
        if key == "note":
            return "✎" if row.has_note else ""
        if key == "deadline":
            return deadline_text(row.deadline, self.today(), self.tr)
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        desc = order == Qt.SortOrder.DescendingOrder
        if (key, desc) != (self._sort, self._desc):
            self._sort, self._desc = key, desc
            self.reload()

    def column_of(self, sort_key: str) -> int:
        """The column that sorts by ``sort_key`` (the header shows its arrow there)."""
        return next((c for c, k in SORT_KEYS.items() if k == sort_key), 0)


def deadline_colour(deadline: dt.date, today: dt.date) -> str:
    """Red when comments close within a week, amber within CLOSING_DAYS, grey once closed."""
    days = (deadline - today).days
    if days < 0:
        return "#9ca3af"
    if days <= 7:
        return "#dc2626"
    if days <= CLOSING_DAYS:
        return "#d97706"
    return "#2563eb"
