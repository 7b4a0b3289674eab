"""What the main window, the notice list and the sidebar read and write, as typed functions.

Widgets call these in the background (``Op``) and get plain dataclasses back; no widget runs
SQL. Each function opens its own session on the ``Database`` it is given.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from app.bulk_triage import BulkResult, RowSelection, apply_to_selection
from app.changes import Changes
from app.config import Config
from storage.db import Database
from storage.models import FetchRun, Notice, Setting, Topic, TopicMatch
from storage.queries import NoticeFilter, count_notices
from storage.team import read_clause, session_user


@dataclass(frozen=True)
class TopicCount:
    id: int
    name: str
    colour: str
    unread: int
    enabled: bool


@dataclass(frozen=True)
class SidebarCounts:
    """Every number the sidebar shows, read in one worker call."""

    inbox: int
    all: int
    flagged: int
    topics: tuple[tuple[int, str, str, int, bool], ...]  # id, name, colour, unread, enabled
    sources: tuple[dict, ...]  # source_health records + "unread"
    open_for_comment: int = 0  # comment deadline today or later
    flagged_mine: int = 0  # flagged by the current user (team mode)


def read_counts(db: Database, config: Config | None, today: dt.date | None = None) -> SidebarCounts:
    """All sidebar numbers in one worker call (a handful of indexed COUNTs)."""
    from app.source_health import source_health

    with db.read() as s:
        unread = ~read_clause(session_user(s))
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
        health = [h.as_json() for h in source_health(s, config)]
        return SidebarCounts(
            inbox=count_notices(NoticeFilter.inbox(), s),
            all=count_notices(NoticeFilter(), s),
            flagged=count_notices(NoticeFilter(flagged=True), s),
            flagged_mine=count_notices(NoticeFilter(flagged_by_me=True), s),
            topics=tuple(
                (tid, name, colour, per_topic.get(tid, 0), enabled)
                for tid, name, colour, enabled in topic_rows
            ),
            sources=tuple({**h, "unread": per_source.get(h["key"], 0)} for h in health),
            open_for_comment=count_notices(NoticeFilter(deadline="open", today=today), s),
        )


def last_fetch_finished(db: Database) -> dt.datetime | None:
    """When the newest stored fetch run ended (UTC), or None before the first fetch."""
    with db.read() as s:
        t = s.scalar(select(func.max(FetchRun.finished_at)))
    return t.replace(tzinfo=dt.UTC) if t is not None and t.tzinfo is None else t


def set_title_translation(db: Database, title: str, english: str) -> Changes:
    """Store a corrected English title for every notice with this Chinese title."""
    from app.translation.memory import set_human_translation

    set_human_translation(db, title, english)
    with db.read() as s:
        ids = s.scalars(select(Notice.id).where(Notice.title == title)).all()
    return Changes(notices=frozenset(ids))


def mark_view_read(db: Database, view: NoticeFilter) -> BulkResult:
    """Mark every notice of the view read, in SQL by the view's filter (not by loaded rows);
    ``BulkResult.changed`` counts only the notices that were unread."""
    with db.write() as s:
        return apply_to_selection(s, RowSelection(view=view, whole_view=True), "read", True)


def bulk_set(db: Database, sel: RowSelection, name: str, value: object | None) -> BulkResult:
    """Set (or toggle, ``value`` None) one triage field on a selection, in SQL."""
    with db.write() as s:
        return apply_to_selection(s, sel, name, value)


def read_setting(db: Database, key: str) -> Any:
    """A stored UI setting (window layout, list layout), or None."""
    with db.read() as s:
        row = s.get(Setting, key)
        return row.value if row is not None else None


def write_setting(db: Database, key: str, value: Any) -> None:
    with db.write() as s:
        s.merge(Setting(key=key, value=value))


def set_notice_state(
    db: Database,
    ids: list[int],
    *,
    read: bool | None = None,
    flagged: bool | None = None,
    status: str | None = None,
    note: str | None = None,
) -> Changes:
    """Set user-state fields (read, flag, status, note) on these notices."""
    from app.triage import set_state

    with db.write() as s:
        return set_state(s, ids, read=read, flagged=flagged, status=status, note=note)
