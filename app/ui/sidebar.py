"""The left pane: Inbox, All notices, Flagged, then watch topics and sources with counts.

Counts and source health are read in the read pool; the tree only re-labels its items, so the
selection never jumps. Source health is impossible to miss: broken/blocked/error sources get a
red or orange ringed icon, bold text and their message in the tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem, QWidget
from sqlalchemy import func, select

from app.config import Config
from app.ui.icons import ALARMING, HEALTH_COLOURS, NOTABLE, dot, health_icon
from app.ui.labels import channel_names, health_label, tr
from app.ui.messages import message_label
from app.ui.notice_model import nonempty
from app.ui.ops import Op, TaskManager
from storage.db import Database
from storage.models import Notice, Topic, TopicMatch, UserState
from storage.queries import NoticeFilter, count_notices

VIEW_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class View:
    """One entry of the sidebar: what it is called and which notices it shows."""

    kind: str  # inbox | all | flagged | topic | source
    key: str
    label: str

    def filter(self) -> NoticeFilter:
        if self.kind == "inbox":
            return NoticeFilter.inbox()
        if self.kind == "flagged":
            return NoticeFilter(flagged=True)
        if self.kind == "topic":
            return NoticeFilter(topic_id=int(self.key))
        if self.kind == "source":
            return NoticeFilter(sources=(self.key,))
        return NoticeFilter()


@dataclass(frozen=True)
class SidebarCounts:
    inbox: int
    all: int
    flagged: int
    topics: tuple[tuple[int, str, str, int, bool], ...]  # id, name, colour, unread, enabled
    sources: tuple[dict, ...]  # source_health records + "unread"


def read_counts(db: Database, config: Config | None) -> SidebarCounts:
    """All sidebar numbers in one worker call (a handful of indexed COUNTs)."""
    from app.commands.sources import source_health

    with db.read() as s:
        unread = (
            ~select(UserState.notice_id)
            .where(UserState.notice_id == Notice.id, UserState.read.is_(True))
            .exists()
        )
        topic_rows = s.execute(
            select(Topic.id, Topic.name, Topic.colour, Topic.enabled).order_by(
                Topic.position, Topic.name
            )
        ).all()
        per_topic = dict(
            s.execute(
                select(TopicMatch.topic_id, func.count())
                .join(Notice, Notice.id == TopicMatch.notice_id)
                .where(unread)
                .group_by(TopicMatch.topic_id)
            ).all()
        )
        per_source = dict(
            s.execute(
                select(Notice.source, func.count()).where(unread).group_by(Notice.source)
            ).all()
        )
        health = source_health(s, config)
        return SidebarCounts(
            inbox=count_notices(NoticeFilter.inbox(), s),
            all=count_notices(nonempty(NoticeFilter()), s),
            flagged=count_notices(NoticeFilter(flagged=True), s),
            topics=tuple(
                (tid, name, colour, per_topic.get(tid, 0), enabled)
                for tid, name, colour, enabled in topic_rows
            ),
            sources=tuple({**h, "unread": per_source.get(h["key"], 0)} for h in health),
        )


def health_tooltip(h: dict, channel_names: dict[str, str] | None = None) -> str:
    """The source's state, its cause and last runs, in the UI language."""
    never = tr("never")
    lines = [f"{h['name']} — {health_label(h['state'])}"]
    if h.get("message"):
        lines.append(message_label(h["message"]))
    lines.append(tr("Last run: ") + (h.get("last_run") or never)[:16].replace("T", " "))
    lines.append(tr("Last successful run: ") + (h.get("last_ok") or never)[:16].replace("T", " "))
    bad = [c for c in h.get("channels", []) if c["state"] in ALARMING | NOTABLE]
    for c in bad:
        name = (channel_names or {}).get(c["key"]) or c["key"]
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
        self._fixed: dict[str, QTreeWidgetItem] = {}
        for kind, label, colour in (
            ("inbox", self.tr("Inbox"), "#2563eb"),
            ("all", self.tr("All notices"), "#6b7280"),
            ("flagged", self.tr("Flagged"), "#dc2626"),
        ):
            item = QTreeWidgetItem([label])
            item.setIcon(0, dot(colour))
            item.setData(0, VIEW_ROLE, View(kind, "", label))
            self.addTopLevelItem(item)
            self._fixed[kind] = item
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
        self.source_names: dict[str, str] = {}
        self.currentItemChanged.connect(self._on_current)

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
        """Re-read counts and health in the background, then relabel."""
        config = self._config
        Op(self._tasks, lambda: read_counts(self._db, config), kind="read").success(
            self._apply
        ).run_in_background()

    def _label(self, item: QTreeWidgetItem, text: str, count: int) -> None:
        item.setText(0, f"{text}  ({count})" if count else text)
        f = item.font(0)
        if item.parent() is None or item.parent() is self._topics_root:
            f.setBold(count > 0)
            item.setFont(0, f)

    def _apply(self, c: SidebarCounts) -> None:
        self.last_counts = c
        self._label(self._fixed["inbox"], self.tr("Inbox"), c.inbox)
        self._label(self._fixed["all"], self.tr("All notices"), c.all)
        self._label(self._fixed["flagged"], self.tr("Flagged"), c.flagged)
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
            item.setToolTip(0, name if enabled else f"{name} {tr('(disabled)')}")
        self._prune(root, {r[0] for r in rows})

    def _sync_sources(self, rows: tuple[dict, ...]) -> None:
        for h in rows:
            name = self.source_names.get(h["key"], h["name"])
            item = self._child(self._sources_root, "source", h["key"], name)
            state = h["state"]
            item.setIcon(0, health_icon(state))
            text = f"{name}  ({h['unread']})" if h["unread"] else name
            if state in ALARMING | NOTABLE:
                text = f"{text} — {health_label(state)}"
            item.setText(0, text)
            f = item.font(0)
            f.setBold(state in ALARMING)
            f.setItalic(not h.get("enabled", True))
            item.setFont(0, f)
            item.setForeground(
                0,
                QBrush(QColor(HEALTH_COLOURS[state])) if state in ALARMING | NOTABLE else QBrush(),
            )
            item.setToolTip(0, health_tooltip({**h, "name": name}, channel_names(h["key"])))
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
