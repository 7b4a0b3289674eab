"""Team state: who read, flagged, set the status of and wrote notes on a notice.

Read state is each user's own (one person's "read" must not hide a notice from the others);
flags, the triage status and notes are shared and attributed. ``UserState.flagged`` is kept as
"flagged by anyone" beside the per-user ``NoticeFlag`` rows, so every list and the digest keep
filtering on one indexed column. The current user travels with the session
(``session.info["user"]``, set by ``Database.read``/``write``), so callers that only hold a
session (the GUI's writer, the bulk actions) act as the right person without passing it on.

Functions take id lists and work in SQL, chunked: "select all, mark read" on 100,000 rows must
not load 100,000 objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Exists

from storage import feed
from storage.models import (
    ChangeRecord,
    Notice,
    NoticeFlag,
    NoticeNote,
    NoticeRead,
    User,
    UserState,
    utcnow,
)
from storage.statuses import TRIAGE_STATUSES
from storage.users import USER_MAX, login_name, user_problem  # noqa: F401 (re-exported)

CHUNK = 500  # ids per statement: well under SQLite's bound-parameter limit


def session_user(session: Session) -> str:
    """The user this session acts for (set by the Database handle; else the login name)."""
    return session.info.get("user") or login_name()


def ensure_user(session: Session, name: str) -> str:
    """Register ``name`` as a team member on first use."""
    if session.get(User, name) is None:
        session.add(User(name=name, created_at=utcnow()))
        session.flush()
    return name


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i : i + CHUNK])


def _ensure_state_rows(session: Session, ids: list[int]) -> None:
    have = set(session.scalars(select(UserState.notice_id).where(UserState.notice_id.in_(ids))))
    missing = [i for i in ids if i not in have]
    if missing:
        session.execute(
            insert(UserState),
            [
                {"notice_id": i, "flagged": False, "status": "new", "updated_at": utcnow()}
                for i in missing
            ],
        )


# ---------------------------------------------------------------------------------------------
# Reading state


def is_read(notice: Notice, user: str) -> bool:
    return any(r.user == user for r in notice.reads)


def flagged_by(notice: Notice) -> list[str]:
    return [f.user for f in notice.flags]


def notes_json(notice: Notice) -> list[dict[str, str | None]]:
    """The notes as ``items --json`` gives them: {"user", "text", "at"}, oldest first."""
    return [{"user": n.user, "text": n.text, "at": _iso(n.at)} for n in notice.notes]


def own_note(notice: Notice, user: str) -> str:
    """The user's latest note (what the single-note editor shows and replaces)."""
    mine = [n for n in notice.notes if n.user == user]
    return mine[-1].text if mine else ""


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


def read_clause(user: str) -> Exists:
    """True for notices ``user`` has read."""
    return exists().where(NoticeRead.notice_id == Notice.id, NoticeRead.user == user)


def flagged_by_clause(user: str) -> Exists:
    """True for notices ``user`` flagged."""
    return exists().where(NoticeFlag.notice_id == Notice.id, NoticeFlag.user == user)


# ---------------------------------------------------------------------------------------------
# Changing state (each returns the ids that really changed)


def set_read(session: Session, ids: Sequence[int], user: str, value: bool) -> list[int]:
    ensure_user(session, user)
    changed: list[int] = []
    for chunk in _chunks(list(ids)):
        have = set(
            session.scalars(
                select(NoticeRead.notice_id).where(
                    NoticeRead.notice_id.in_(chunk), NoticeRead.user == user
                )
            )
        )
        if value:
            todo = [i for i in chunk if i not in have]
            if todo:
                now = utcnow()
                session.execute(
                    insert(NoticeRead),
                    [{"notice_id": i, "user": user, "read_at": now} for i in todo],
                )
        else:
            todo = [i for i in chunk if i in have]
            if todo:
                session.execute(
                    delete(NoticeRead).where(
                        NoticeRead.notice_id.in_(todo), NoticeRead.user == user
                    )
                )
        changed.extend(todo)
    return changed


def set_flag(session: Session, ids: Sequence[int], user: str, value: bool) -> list[int]:
    """Flag (or remove ``user``'s own flag from) notices; ``flagged`` = anyone still flags it."""
    ensure_user(session, user)
    changed: list[int] = []
    for chunk in _chunks(list(ids)):
        have = set(
            session.scalars(
                select(NoticeFlag.notice_id).where(
                    NoticeFlag.notice_id.in_(chunk), NoticeFlag.user == user
                )
            )
        )
        todo = [i for i in chunk if (i not in have) == value]
        if not todo:
            continue
        if value:
            now = utcnow()
            session.execute(
                insert(NoticeFlag),
                [{"notice_id": i, "user": user, "flagged_at": now} for i in todo],
            )
        else:
            session.execute(
                delete(NoticeFlag).where(NoticeFlag.notice_id.in_(todo), NoticeFlag.user == user)
            )
        _ensure_state_rows(session, todo)
        anyone = exists().where(NoticeFlag.notice_id == UserState.notice_id)
        session.execute(
            update(UserState)
            .where(UserState.notice_id.in_(todo))
            .values(flagged=anyone, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        changed.extend(todo)
    return changed


def set_status(session: Session, ids: Sequence[int], user: str, status: str) -> list[int]:
    """Set the team's triage status, recording who set it and when."""
    if status not in TRIAGE_STATUSES:
        raise ValueError(f"unknown triage status {status!r}")
    ensure_user(session, user)
    changed: list[int] = []
    for chunk in _chunks(list(ids)):
        same = set(
            session.scalars(
                select(UserState.notice_id).where(
                    UserState.notice_id.in_(chunk), UserState.status == status
                )
            )
        )
        if status == "new":  # no state row means "new"
            rows = set(
                session.scalars(select(UserState.notice_id).where(UserState.notice_id.in_(chunk)))
            )
            same |= set(chunk) - rows
        todo = [i for i in chunk if i not in same]
        if not todo:
            continue
        _ensure_state_rows(session, todo)
        now = utcnow()
        session.execute(
            update(UserState)
            .where(UserState.notice_id.in_(todo))
            .values(status=status, status_by=user, status_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        changed.extend(todo)
    return changed


def add_note(session: Session, notice_id: int, user: str, text: str) -> NoticeNote:
    """Add a note by ``user``."""
    ensure_user(session, user)
    note = NoticeNote(notice_id=notice_id, user=user, text=text, at=utcnow())
    session.add(note)
    session.flush()
    return note


def set_own_note(session: Session, notice_id: int, user: str, text: str) -> bool:
    """Replace ``user``'s latest note on a notice (empty text removes it); True on a change.

    This is the single-note editor's API: each user edits their own note, the others' notes
    stay as they are.
    """
    mine = session.scalars(
        select(NoticeNote)
        .where(NoticeNote.notice_id == notice_id, NoticeNote.user == user)
        .order_by(NoticeNote.at.desc(), NoticeNote.id.desc())
        .limit(1)
    ).first()
    if mine is None:
        if not text:
            return False
        add_note(session, notice_id, user, text)
        return True
    if not text:
        session.delete(mine)
        session.flush()
        return True
    if mine.text == text:
        return False
    mine.text, mine.at = text, utcnow()
    session.flush()
    return True


# ---------------------------------------------------------------------------------------------
# The change feed (storage/feed.py reads it)


def record_change(session: Session, kind: str, notice_ids: Iterable[int], user: str = "") -> None:
    """Log a write other desktops should see; on PostgreSQL also wake their listeners."""
    ids = sorted(set(notice_ids))
    if not ids and kind != "notices":
        return
    record = ChangeRecord(kind=kind, user=user, notice_ids=ids[:1000], at=utcnow())
    session.add(record)
    session.flush()
    if record.id % 500 == 0:
        feed.prune(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_notify(feed.CHANNEL, kind)))
