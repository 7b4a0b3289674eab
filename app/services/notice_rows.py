"""The notice list's rows, read from storage: plain data, safe to pass between threads.

The GUI's lazy list model calls these in its read pool; they hold the SQL (ids first, then only
the columns a row shows) so the model itself runs none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from sqlalchemy import select, true
from sqlalchemy.orm import Session, load_only, object_session, selectinload

from app.translation.lead_title import lead_parts, lead_title
from storage.models import Notice, TopicMatch
from storage.queries import NoticeFilter, select_notices
from storage.search import scan_clause
from storage.team import is_read, session_user
from storage.users import login_name


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
    has_note: bool = False
    deadline: dt.date | None = None  # end of the comment period
    issuers: tuple[str, ...] = ()  # as the site wrote them (Chinese)

    @property
    def lead_en(self) -> str:
        """The English title with the document's own name first ("Guidelines … (MIIT notice)")."""
        return lead_title(self.title_en, self.issuers) if self.title_en else ""

    @property
    def lead_parts(self) -> tuple[str, str]:
        """(document name, frame tag) of the English title, for cutting the name only."""
        return lead_parts(self.title_en, self.issuers) if self.title_en else ("", "")


def row_from(notice: Notice, user: str | None = None) -> NoticeRow:
    """The row for ``user`` (read is each user's own; default: the session's user)."""
    st = notice.state
    if user is None:
        session = object_session(notice)
        user = session_user(session) if session is not None else login_name()
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
        read=is_read(notice, user),
        status=st.status if st else "new",
        removed=bool(notice.removed),
        exported=bool(st and st.exported_at),
        has_note=any(n.text.strip() for n in notice.notes),
        deadline=notice.comment_deadline,
        issuers=tuple(str(i) for i in (notice.issuers or ())),
    )


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
                Notice.comment_deadline,
                Notice.issuers,
            ),
            selectinload(Notice.state),
            selectinload(Notice.matches).selectinload(TopicMatch.topic),
        )
    )
    by_id = {n.id: n for n in session.scalars(stmt).unique()}
    user = session_user(session)
    return [row_from(by_id[i], user) for i in ids if i in by_id]


def nonempty(f: NoticeFilter) -> NoticeFilter:
    """The filter with an always-true clause: storage's empty ``and_()`` is deprecated."""
    return replace(f, extra=[*f.extra, true()])


def row_index(
    session: Session, f: NoticeFilter, sort: str, desc: bool, notice_id: int
) -> int | None:
    """Where ``notice_id`` sits in the whole view (an ids-only scan), or None."""
    stmt = select_notices(f, session, sort=sort, descending=desc).with_only_columns(Notice.id)
    for i, nid in enumerate(session.scalars(stmt)):
        if nid == notice_id:
            return i
    return None
