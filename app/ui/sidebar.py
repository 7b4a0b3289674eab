"""The left pane: Inbox, All notices, Flagged, then watch topics and sources with counts.

Counts and source health are read in the read pool; the tree only re-labels its items, so the
selection never jumps. Source health is impossible to miss: broken/blocked/error sources get a
red or orange ringed icon, bold text and their message in the tooltip.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from app.config import Config
from app.services.notice_list import SidebarCounts, read_counts
from app.ui.icons import ALARMING, HEALTH_COLOURS, NOTABLE, dot, health_icon
from app.ui.item_paint import draw_item_frame
from app.ui.labels import channel_label, health_label, tr
from app.ui.messages import message_label
from app.ui.ops import Op, TaskManager
from app.ui.times import local_time
from storage.db import Database
from storage.queries import NoticeFilter

VIEW_ROLE = Qt.ItemDataRole.UserRole + 1
NAME_ROLE = Qt.ItemDataRole.UserRole + 2  # the name, elided in the middle when narrow
BADGE_ROLE = Qt.ItemDataRole.UserRole + 3  # count and health, always shown in full

__all__ = ["SidebarCounts", "Sidebar", "View", "elide_label", "health_tooltip", "read_counts"]


def elide_label(name: str, badge: str, metrics: QFontMetrics, width: int) -> str:
    """The name cut in the middle so that it and the badge (count, health) fit ``width``:
    "Personal informa…protection  12" keeps both ends of the name and the whole count."""
    room = width - (metrics.horizontalAdvance(badge + "  ") if badge else 0)
    return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, max(room, 0))


class SidebarDelegate(QStyledItemDelegate):
    """Paints name (elided in the middle) and badge (right-aligned, never cut)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        name = index.data(NAME_ROLE)
        if name is None:
            super().paint(painter, option, index)
            return
        badge = index.data(BADGE_ROLE) or ""
        drawn = draw_item_frame(self, painter, option, index)
        if drawn is None:
            return
        opt, style, widget = drawn
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        rect = rect.adjusted(2, 0, -4, 0)
        metrics = QFontMetrics(opt.font)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        if selected:
            colour = opt.palette.highlightedText().color()
        elif isinstance(brush, QBrush) and brush.style() != Qt.BrushStyle.NoBrush:
            colour = brush.color()
        else:
            colour = opt.palette.text().color()
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(colour)
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(
            rect,
            int(align | Qt.AlignmentFlag.AlignLeft),
            elide_label(name, badge, metrics, rect.width()),
        )
        if badge:
            painter.drawText(rect, int(align | Qt.AlignmentFlag.AlignRight), badge)
        painter.restore()


@dataclass(frozen=True)
class View:
    """One entry of the sidebar: what it is called and which notices it shows."""

    kind: str  # inbox | all | flagged (by the team) | flagged_mine | comment | topic | source
    key: str
    label: str

    def filter(self) -> NoticeFilter:
        if self.kind == "inbox":
            return NoticeFilter.inbox()
        if self.kind == "flagged":
            return NoticeFilter(flagged=True)
        if self.kind == "comment":
            return NoticeFilter(deadline="open")
        if self.kind == "flagged_mine":
            return NoticeFilter(flagged_by_me=True)
        if self.kind == "topic":
            return NoticeFilter(topic_id=int(self.key))
        if self.kind == "source":
            return NoticeFilter(sources=(self.key,))
        return NoticeFilter()

    @property
    def sort(self) -> tuple[str, bool] | None:
        """The order this view opens in, when it has one: open consultations by closing date."""
        return ("deadline", False) if self.kind == "comment" else None


def health_tooltip(h: dict) -> str:
    """A source's state, message and last runs (local time with zone), in the UI language;
    failing channels by their names, never their keys."""
    lines = [f"{h['name']} — {health_label(h['state'])}"]
    if h.get("message"):
        lines.append(message_label(h["message"]))
    never = tr("never")
    lines.append(
        tr("Last run: {when}").replace("{when}", local_time(h.get("last_run"), never=never))
    )
    lines.append(
        tr("Last successful run: {when}").replace(
            "{when}", local_time(h.get("last_ok"), never=never)
        )
    )
    bad = [c for c in h.get("channels", []) if c["state"] in ALARMING | NOTABLE]
    for c in bad:
        name = channel_label(h.get("key", ""), c["key"])
        lines.append(f"  {name}: {health_label(c['state'])} — {message_label(c['message'])}")
    if not h.get("enabled", True):
        lines.append(tr("(disabled)"))
    return "\n".join(lines)


class Sidebar(QTreeWidget):
    view_selected = Signal(object)  # View
    counts_changed = Signal(object)  # SidebarCounts

    def __init__(
        self, db: Database, tasks: TaskManager, config: Config | None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self._db, self._tasks, self._config = db, tasks, config
        self.setHeaderHidden(True)
        self.setColumnCount(1)
        self.setRootIsDecorated(True)
        self.setItemDelegate(SidebarDelegate(self))
        self.setIndentation(12)  # the names get the room
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self._fixed: dict[str, QTreeWidgetItem] = {}
        for kind, label, colour in (
            ("inbox", self.tr("Inbox"), "#2563eb"),
            ("all", self.tr("All notices"), "#6b7280"),
            ("flagged", self.tr("Flagged"), "#dc2626"),
            ("comment", self.tr("Open for comment"), "#d97706"),
        ):
            item = QTreeWidgetItem([label])
            item.setIcon(0, dot(colour))
            item.setData(0, VIEW_ROLE, View(kind, "", label))
            self.addTopLevelItem(item)
            self._fixed[kind] = item
        self._add_team_views()
        self._topics_root = QTreeWidgetItem([self.tr("Watch topics")])
        self._sources_root = QTreeWidgetItem([self.tr("Sources")])
        for root in (self._topics_root, self._sources_root):
            root.setFlags(Qt.ItemFlag.ItemIsEnabled)
            f = root.font(0)
            f.setBold(True)
            root.setFont(0, f)
            self.addTopLevelItem(root)
            root.setExpanded(True)
        self.last_counts: SidebarCounts | None = None
        self._refreshes = 0  # refresh() calls so far: a late answer to an older one is dropped
        self.source_names: dict[str, str] = {}  # full names, for tooltips
        self.short_names: dict[str, str] = {}  # as the list's Source column shows them
        self.today = dt.date.today  # the day "Open for comment" counts from
        self.currentItemChanged.connect(self._on_current)

    def _add_team_views(self) -> None:
        """ "Flagged" is the team's view (anyone's flag); "Flagged by me" sits under it."""
        team = self._fixed["flagged"]
        team.setToolTip(0, self.tr("Flagged by team"))
        label = self.tr("Flagged by me")
        mine = QTreeWidgetItem([label])
        mine.setIcon(0, dot("#f97316"))
        mine.setData(0, VIEW_ROLE, View("flagged_mine", "", label))
        team.addChild(mine)
        team.setExpanded(True)
        self._fixed["flagged_mine"] = mine

    def set_config(self, config: Config) -> None:
        self._config = config

    def select_kind(self, kind: str) -> None:
        self.setCurrentItem(self._fixed[kind])

    def current_view(self) -> View | None:
        item = self.currentItem()
        return item.data(0, VIEW_ROLE) if item is not None else None

    def _on_current(self, item: QTreeWidgetItem | None, _prev) -> None:
        view = item.data(0, VIEW_ROLE) if item is not None else None
        if view is not None:
            self.view_selected.emit(view)

    def refresh(self) -> None:
        """Re-read counts and health in the background, then relabel.

        Reads run two at a time, so an older refresh (say, counted before the clock or the
        config changed) can finish after a newer one: only the newest request's answer is
        shown.
        """
        config, today = self._config, self.today()
        self._refreshes += 1
        asked = self._refreshes

        def apply_if_newest(counts: SidebarCounts) -> None:
            if asked == self._refreshes:
                self._apply(counts)

        Op(self._tasks, lambda: read_counts(self._db, config, today), kind="read").success(
            apply_if_newest
        ).run_in_background()

    def _label(self, item: QTreeWidgetItem, text: str, count: int) -> None:
        item.setText(0, f"{text}  ({count})" if count else text)
        item.setData(0, NAME_ROLE, text)
        item.setData(0, BADGE_ROLE, f"{count:,}" if count else "")
        if not item.toolTip(0):
            item.setToolTip(0, text)
        f = item.font(0)
        if item.parent() is None or item.parent() is self._topics_root:
            f.setBold(count > 0)
            item.setFont(0, f)

    def _apply(self, c: SidebarCounts) -> None:
        self.last_counts = c
        self._label(self._fixed["inbox"], self.tr("Inbox"), c.inbox)
        self._label(self._fixed["all"], self.tr("All notices"), c.all)
        self._label(self._fixed["flagged"], self.tr("Flagged"), c.flagged)
        self._label(self._fixed["comment"], self.tr("Open for comment"), c.open_for_comment)
        self._label(self._fixed["flagged_mine"], self.tr("Flagged by me"), c.flagged_mine)
        self._sync_children(
            self._topics_root,
            [
                (str(tid), name, colour, unread, enabled)
                for tid, name, colour, unread, enabled in c.topics
            ],
            kind="topic",
        )
        self._sync_sources(c.sources)
        self.counts_changed.emit(c)

    def _child(self, root: QTreeWidgetItem, kind: str, key: str, label: str) -> QTreeWidgetItem:
        for i in range(root.childCount()):
            ch = root.child(i)
            if ch.data(0, VIEW_ROLE).key == key:
                ch.setData(0, VIEW_ROLE, View(kind, key, label))
                return ch
        ch = QTreeWidgetItem([label])
        ch.setData(0, VIEW_ROLE, View(kind, key, label))
        root.addChild(ch)
        return ch

    def _prune(self, root: QTreeWidgetItem, keep: set[str]) -> None:
        for i in reversed(range(root.childCount())):
            if root.child(i).data(0, VIEW_ROLE).key not in keep:
                root.takeChild(i)

    def _sync_children(self, root: QTreeWidgetItem, rows: list, *, kind: str) -> None:
        for key, name, colour, unread, enabled in rows:
            item = self._child(root, kind, key, name)
            item.setIcon(0, dot(colour if enabled else "#d1d5db"))
            self._label(item, name, unread)
            item.setToolTip(0, name if enabled else f"{name} {self.tr('(disabled)')}")
        self._prune(root, {r[0] for r in rows})

    def _sync_sources(self, rows: tuple[dict, ...]) -> None:
        for h in rows:
            full = self.source_names.get(h["key"], h["name"])
            name = self.short_names.get(h["key"], full)
            item = self._child(self._sources_root, "source", h["key"], name)
            state = h["state"]
            item.setIcon(0, health_icon(state))
            text = f"{name}  ({h['unread']})" if h["unread"] else name
            badge = f"{h['unread']:,}" if h["unread"] else ""
            if state in ALARMING | NOTABLE:
                text = f"{text} — {health_label(state)}"
                badge = f"{badge} · {health_label(state)}".lstrip(" ·")
            item.setText(0, text)
            item.setData(0, NAME_ROLE, name)
            item.setData(0, BADGE_ROLE, badge)
            f = item.font(0)
            f.setBold(state in ALARMING)
            f.setItalic(not h.get("enabled", True))
            item.setFont(0, f)
            item.setForeground(
                0,
                QBrush(QColor(HEALTH_COLOURS[state])) if state in ALARMING | NOTABLE else QBrush(),
            )
            item.setToolTip(0, health_tooltip({**h, "name": full}))
        self._prune(self._sources_root, {h["key"] for h in rows})

    def source_item(self, key: str) -> QTreeWidgetItem | None:
        for i in range(self._sources_root.childCount()):
            ch = self._sources_root.child(i)
            if ch.data(0, VIEW_ROLE).key == key:
                return ch
        return None

    def topic_item(self, name: str) -> QTreeWidgetItem | None:
        for i in range(self._topics_root.childCount()):
            ch = self._topics_root.child(i)
            if ch.data(0, VIEW_ROLE).label == name:
                return ch
        return None
