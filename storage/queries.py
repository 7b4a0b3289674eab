"""Reading notices the way the CLI, the GUI list and the exports need them.

One ``NoticeFilter`` describes a view (inbox, a topic, a source, flagged, a date range, a search)
and turns into a SELECT; the GUI pages it with offset/limit, the CLI and exports iterate it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select, true
from sqlalchemy.orm import Session, selectinload

from storage.isotime import iso_utc
from storage.models import (
    Notice,
    NoticeNote,
    NoticeVersion,
    Topic,
    TopicMatch,
    UserState,
)
from storage.search import search_clause
from storage.statuses import TRIAGE_STATUSES
from storage.team import (
    flagged_by,
    flagged_by_clause,
    is_read,
    notes_json,
    own_note,
    read_clause,
    session_user,
)
from storage.team import set_flag as set_team_flag

SORT_COLUMNS = {
    "date": Notice.sort_date,
    "source": Notice.source,
    "title": Notice.title,
    "title_en": Notice.title_en,
    "first_seen": Notice.first_seen,
    "deadline": Notice.comment_deadline,
}
DEADLINE_FILTERS = ("open", "closing", "closed")  # NoticeFilter.deadline values
CLOSING_DAYS = 14  # "closing soon": the comment deadline is within this many days


def _state_value(column: Any, default: Any) -> ColumnElement[Any]:
    """A notice's UserState column as a correlated scalar (``default`` without a state row)."""
    value = select(column).where(UserState.notice_id == Notice.id).scalar_subquery()
    return func.coalesce(value, default)


def sort_expression(sort: str) -> Any:  # a column or an SQL expression to ORDER BY
    """The ORDER BY expression of a list column: the plain columns, plus the triage columns
    (status in workflow order, flag, read, note) and the first matching topic's name."""
    if sort in SORT_COLUMNS:
        return SORT_COLUMNS[sort]
    if sort == "status":
        rank = {s: i for i, s in enumerate(TRIAGE_STATUSES)}
        return case(rank, value=_state_value(UserState.status, "new"), else_=len(rank))
    if sort == "flag":
        return func.coalesce(
            select(func.max(case((UserState.flagged.is_(True), 1), else_=0)))
            .where(UserState.notice_id == Notice.id)
            .scalar_subquery(),
            0,
        )
    if sort == "note":
        return (
            select(func.count())
            .select_from(NoticeNote)
            .where(NoticeNote.notice_id == Notice.id, func.length(func.trim(NoticeNote.text)) > 0)
            .scalar_subquery()
        )
    if sort == "topics":
        return (
            select(func.min(Topic.name))
            .join(TopicMatch, TopicMatch.topic_id == Topic.id)
            .where(TopicMatch.notice_id == Notice.id, Topic.enabled.is_(True))
            .scalar_subquery()
        )
    return Notice.sort_date


@dataclass
class NoticeFilter:
    """A view of the notices. Empty fields do not restrict."""

    sources: Sequence[str] = ()
    topic: str | None = None  # topic name
    topic_id: int | None = None
    matched: bool = False  # only notices matched by at least one enabled topic
    flagged: bool | None = None  # flagged by anyone in the team
    flagged_by_me: bool = False  # flagged by the session's user
    unread: bool | None = None  # unread by the session's user
    status: str | None = None
    since: dt.date | None = None  # sort date on or after
    until: dt.date | None = None  # sort date on or before
    query: str = ""  # search text (Chinese or English)
    include_removed: bool = True
    include_duplicates: bool = True
    exported: bool | None = None  # True: exported before; False: never exported
    ids: Sequence[int] | None = None
    deadline: str | None = None  # open | closing (within CLOSING_DAYS) | closed
    today: dt.date | None = None  # the day deadlines are measured from (None: today)
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
    if f.flagged_by_me:
        clauses.append(flagged_by_clause(session_user(session)))
    if f.unread is not None:
        seen = read_clause(session_user(session))
        clauses.append(~seen if f.unread else seen)
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
    if f.deadline:
        clauses.append(deadline_clause(f.deadline, f.today or dt.date.today()))
    return clauses


def deadline_clause(kind: str, today: dt.date) -> ColumnElement[bool]:
    """Notices whose comment period is open (deadline today or later), closing within
    CLOSING_DAYS, or closed (deadline passed)."""
    col = Notice.comment_deadline
    if kind == "open":
        return col >= today
    if kind == "closing":
        return and_(col >= today, col <= today + dt.timedelta(days=CLOSING_DAYS))
    if kind == "closed":
        return col < today
    raise ValueError(f"unknown deadline filter {kind!r} (open, closing or closed)")


def select_notices(
    f: NoticeFilter, session: Session, *, sort: str = "date", descending: bool = True
) -> Select[Any]:
    col = sort_expression(sort)
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
    """Flag a notice as the session's user, or remove that user's own flag."""
    notice = notice_by_url(session, url)
    if notice is None:
        return None
    set_team_flag(session, [notice.id], session_user(session), flagged)
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


_iso = iso_utc


def notice_to_json(notice: Notice, *, versions: int = 0, user: str = "") -> dict[str, Any]:
    """The ``regwatch items --json`` record (a contract: keep field names).

    ``read`` and ``note`` are ``user``'s own; ``flagged`` is anyone's, ``flagged_by`` says whose.
    """
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
        "flagged_by": flagged_by(notice),
        "read": is_read(notice, user),
        "status": (st.status if st else "new"),
        "status_by": (st.status_by if st else None),
        "note": own_note(notice, user),
        "notes": notes_json(notice),
        "exported_at": _iso(st.exported_at) if st else None,
        "first_seen": _iso(notice.first_seen),
        "last_seen": _iso(notice.last_seen),
        "versions": versions,
        "removed": bool(notice.removed),
        "duplicate_of": notice.duplicate_of.url if notice.duplicate_of is not None else None,
        "detail_state": notice.detail_state,
    }
