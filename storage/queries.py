"""Reading notices the way the CLI, the GUI list and the exports need them.

One ``NoticeFilter`` describes a view (inbox, a topic, a source, flagged, a date range, a search)
and turns into a SELECT; the GUI pages it with offset/limit, the CLI and exports iterate it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from storage.models import (
    TRIAGE_STATUSES,
    Notice,
    NoticeVersion,
    Topic,
    TopicMatch,
    UserState,
)
from storage.search import search_clause

SORT_COLUMNS = {
    "date": Notice.sort_date,
    "source": Notice.source,
    "title": Notice.title,
    "title_en": Notice.title_en,
    "first_seen": Notice.first_seen,
    "deadline": Notice.comment_deadline,
}


@dataclass
class NoticeFilter:
    """A view of the notices. Empty fields do not restrict."""

    sources: Sequence[str] = ()
    topic: str | None = None  # topic name
    topic_id: int | None = None
    matched: bool = False  # only notices matched by at least one enabled topic
    flagged: bool | None = None
    unread: bool | None = None
    status: str | None = None
    since: dt.date | None = None  # sort date on or after
    until: dt.date | None = None  # sort date on or before
    query: str = ""  # search text (Chinese or English)
    include_removed: bool = True
    include_duplicates: bool = True
    exported: bool | None = None  # True: exported before; False: never exported
    ids: Sequence[int] | None = None
    extra: list[ColumnElement[bool]] = field(default_factory=list)

    @classmethod
    def inbox(cls) -> NoticeFilter:
        """Unread notices matched by a topic: what needs the user's attention."""
        return cls(matched=True, unread=True)


def _state_flag(column: Any, value: bool) -> ColumnElement[bool]:
    """A UserState boolean, treating a missing row as all-False."""
    cond = exists().where(UserState.notice_id == Notice.id, column.is_(True))
    return cond if value else ~cond


def where_clauses(f: NoticeFilter, session: Session) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = list(f.extra)
    if f.sources:
        clauses.append(Notice.source.in_(list(f.sources)))
    if f.topic_id is not None or f.topic:
        tm = select(TopicMatch.notice_id).join(Topic, Topic.id == TopicMatch.topic_id)
        tm = (
            tm.where(Topic.id == f.topic_id)
            if f.topic_id is not None
            else tm.where(Topic.name == f.topic)
        )
        clauses.append(Notice.id.in_(tm))
    if f.matched:
        clauses.append(
            exists()
            .where(TopicMatch.notice_id == Notice.id)
            .where(TopicMatch.topic_id == Topic.id, Topic.enabled.is_(True))
        )
    if f.flagged is not None:
        clauses.append(_state_flag(UserState.flagged, f.flagged))
    if f.unread is not None:
        clauses.append(_state_flag(UserState.read, not f.unread))
    if f.status:
        if f.status not in TRIAGE_STATUSES:
            raise ValueError(f"unknown triage status {f.status!r}")
        has: ColumnElement[bool] = exists().where(
            UserState.notice_id == Notice.id, UserState.status == f.status
        )
        if f.status == "new":  # no user state yet means "new"
            has = or_(has, ~exists().where(UserState.notice_id == Notice.id))
        clauses.append(has)
    if f.since:
        clauses.append(Notice.sort_date >= f.since)
    if f.until:
        clauses.append(Notice.sort_date <= f.until)
    if f.query.strip():
        clauses.append(search_clause(f.query, session.connection()))
    if not f.include_removed:
        clauses.append(Notice.removed.is_(False))
    if not f.include_duplicates:
        clauses.append(Notice.duplicate_of_id.is_(None))
    if f.exported is not None:
        cond = exists().where(UserState.notice_id == Notice.id, UserState.exported_at.is_not(None))
        clauses.append(cond if f.exported else ~cond)
    if f.ids is not None:
        clauses.append(Notice.id.in_(list(f.ids)))
    return clauses


def select_notices(
    f: NoticeFilter, session: Session, *, sort: str = "date", descending: bool = True
) -> Select[Any]:
    col = SORT_COLUMNS.get(sort, Notice.sort_date)
    order: list[Any] = [col.desc().nulls_last() if descending else col.asc().nulls_last()]
    order.append(Notice.id.desc() if descending else Notice.id.asc())
    stmt = select(Notice).where(and_(true(), *where_clauses(f, session))).order_by(*order)
    return stmt


def count_notices(f: NoticeFilter, session: Session) -> int:
    stmt = select(func.count(Notice.id)).where(and_(true(), *where_clauses(f, session)))
    return int(session.scalar(stmt) or 0)


def list_notices(
    f: NoticeFilter,
    session: Session,
    *,
    offset: int = 0,
    limit: int | None = None,
    sort: str = "date",
    descending: bool = True,
) -> list[Notice]:
    stmt = select_notices(f, session, sort=sort, descending=descending).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    stmt = stmt.options(selectinload(Notice.matches).selectinload(TopicMatch.topic))
    return list(session.scalars(stmt).unique())


def notice_by_url(session: Session, url: str) -> Notice | None:
    return session.scalar(select(Notice).where(Notice.url == url))


def user_state(session: Session, notice: Notice) -> UserState:
    """The notice's user state, created on first use."""
    if notice.state is None:
        notice.state = UserState(notice_id=notice.id)
        session.add(notice.state)
        session.flush()
    return notice.state


def set_flag(session: Session, url: str, flagged: bool) -> Notice | None:
    notice = notice_by_url(session, url)
    if notice is None:
        return None
    user_state(session, notice).flagged = flagged
    return notice


def version_counts(session: Session, ids: Iterable[int]) -> dict[int, int]:
    ids = list(ids)
    if not ids:
        return {}
    rows = session.execute(
        select(NoticeVersion.notice_id, func.count())
        .where(NoticeVersion.notice_id.in_(ids))
        .group_by(NoticeVersion.notice_id)
    )
    return {nid: n for nid, n in rows}


def topic_names(notice: Notice) -> list[str]:
    return sorted({m.topic.name for m in notice.matches if m.topic is not None and m.topic.enabled})


def iso_utc(value: dt.date | dt.datetime | None) -> str | None:
    """ISO 8601 text of a stored date or time; a naive datetime is UTC (as stored)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


_iso = iso_utc


def notice_to_json(notice: Notice, *, versions: int = 0) -> dict[str, Any]:
    """The ``regwatch items --json`` record (a contract: keep field names)."""
    st = notice.state
    return {
        "source": notice.source,
        "channel": notice.channel,
        "channels": list(notice.channels or []),
        "url": notice.url,
        "title": notice.title,
        "title_en": notice.title_en,
        "title_en_provider": notice.title_en_provider,
        "title_en_complete": bool(notice.title_en_complete),
        "issuer": list(notice.issuers or []),
        "doc_number": notice.doc_number,
        "written_date": _iso(notice.written_date),
        "published_date": _iso(notice.published_date),
        "list_date": _iso(notice.list_date),
        "doc_type": notice.doc_type,
        "source_label": notice.source_label,
        "comment_deadline": _iso(notice.comment_deadline),
        "effective_date": _iso(notice.effective_date),
        "plan_code": notice.plan_code,
        "standard_number": notice.standard_number,
        "stage": notice.stage,
        "attachments": [
            {"name": a.get("name", ""), "url": a.get("url", "")} for a in (notice.attachments or [])
        ],
        "topics": topic_names(notice),
        "flagged": bool(st and st.flagged),
        "read": bool(st and st.read),
        "status": (st.status if st else "new"),
        "note": (st.note if st else ""),
        "exported_at": _iso(st.exported_at) if st else None,
        "first_seen": _iso(notice.first_seen),
        "last_seen": _iso(notice.last_seen),
        "versions": versions,
        "removed": bool(notice.removed),
        "duplicate_of": notice.duplicate_of.url if notice.duplicate_of is not None else None,
        "detail_state": notice.detail_state,
    }
