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
from dataclasses import dataclass, replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from sqlalchemy import select, true
from sqlalchemy.orm import Session, load_only, selectinload

from app.triage import STATUS_LABELS
from app.ui.ops import Op, TaskManager
from storage.db import Database
from storage.models import Notice, TopicMatch
from storage.queries import NoticeFilter, count_notices, select_notices
from storage.search import scan_clause


@dataclass(frozen=True)
class NoticeRow:
    """What one list row shows; plain data, safe to pass between threads."""

    id: int
    date: dt.date | None
    source: str
    title: str
    title_en: str
    topics: tuple[tuple[str, str], ...]  # (name, colour)
    flagged: bool
    read: bool
    status: str
    removed: bool
    exported: bool = False  # emailed in a digest


def row_from(notice: Notice) -> NoticeRow:
    st = notice.state
    topics = sorted(
        {(m.topic.name, m.topic.colour) for m in notice.matches if m.topic and m.topic.enabled}
    )
    return NoticeRow(
        id=notice.id,
        date=notice.sort_date,
        source=notice.source,
        title=notice.title,
        title_en=notice.title_en or "",
        topics=tuple(topics),
        flagged=bool(st and st.flagged),
        read=bool(st and st.read),
        status=st.status if st else "new",
        removed=bool(notice.removed),
        exported=bool(st and st.exported_at),
    )


COLUMNS: tuple[tuple[str, str], ...] = (
    ("date", "Date"),
    ("source", "Source"),
    ("title", "Title"),
    ("title_en", "English title"),
    ("topics", "Topics"),
    ("flag", "⚑"),
    ("status", "Status"),
)
SORT_KEYS = {0: "date", 1: "source", 2: "title", 3: "title_en"}
ID_ROLE = Qt.ItemDataRole.UserRole + 1


SCAN_WINDOW = 3000  # newest rows of a view tested directly before the search index is used


def first_ids_by_scan(
    session: Session, f: NoticeFilter, limit: int, sort: str, desc: bool
) -> list[int] | None:
    """The first ``limit`` ids of a search, found by testing the newest SCAN_WINDOW rows of the
    view (without the search) row by row; None when fewer than ``limit`` of them match.

    Exact: those rows are a prefix of the view in its sort order, so if the prefix holds
    ``limit`` matches they are the first ``limit`` matches of the whole view. A common word
    ("数据": most notices) is answered in a few milliseconds instead of collecting every match
    from the index; a rare word falls through to the index, which is fast for it."""
    window = (
        select_notices(replace(f, query=""), session, sort=sort, descending=desc)
        .with_only_columns(Notice.id)
        .limit(SCAN_WINDOW)
        .subquery()
    )
    stmt = (
        select_notices(replace(f, query=""), session, sort=sort, descending=desc)
        .with_only_columns(Notice.id)
        .where(Notice.id.in_(select(window.c.id)), scan_clause(f.query, session.connection()))
        .limit(limit)
    )
    ids = list(session.scalars(stmt))
    return ids if len(ids) >= limit else None


def load_page(
    session: Session, f: NoticeFilter, offset: int, limit: int, sort: str, desc: bool
) -> list[NoticeRow]:
    """One page of rows: ids first (an index-only scan, cheap even at a deep OFFSET), then
    the notices with their topics and state for just those ids."""
    ids = None
    if offset == 0 and f.query.strip():
        ids = first_ids_by_scan(session, f, limit, sort, desc)
    if ids is None:
        ids_stmt = (
            select_notices(f, session, sort=sort, descending=desc)
            .with_only_columns(Notice.id)
            .offset(offset)
            .limit(limit)
        )
        ids = list(session.scalars(ids_stmt))
    if not ids:
        return []
    return rows_for(session, ids)


def rows_for(session: Session, ids: list[int]) -> list[NoticeRow]:
    """The list rows of these notices, in this order: only the columns a row shows (bodies
    stay in the database), with state and topics."""
    stmt = (
        select(Notice)
        .where(Notice.id.in_(ids))
        .options(
            load_only(
                Notice.id,
                Notice.sort_date,
                Notice.source,
                Notice.title,
                Notice.title_en,
                Notice.removed,
            ),
            selectinload(Notice.matches).selectinload(TopicMatch.topic),
        )
    )
    by_id = {n.id: n for n in session.scalars(stmt).unique()}
    return [row_from(by_id[i]) for i in ids if i in by_id]


def nonempty(f: NoticeFilter) -> NoticeFilter:
    """The filter with an always-true clause: storage's empty ``and_()`` is deprecated."""
    return replace(f, extra=[*f.extra, true()])


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

    def set_filter(self, f: NoticeFilter) -> None:
        self._filter = f
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
                stmt = select_notices(f, s, sort=sort, descending=desc).with_only_columns(Notice.id)
                for i, nid in enumerate(s.scalars(stmt)):
                    if nid == notice_id:
                        return i
            return None

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
        if role == Qt.ItemDataRole.ToolTipRole and key in ("title", "title_en", "topics"):
            return self._display(row, key) or None
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
        return ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        desc = order == Qt.SortOrder.DescendingOrder
        if (key, desc) != (self._sort, self._desc):
            self._sort, self._desc = key, desc
            self.reload()
