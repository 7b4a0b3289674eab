"""Triage of a selection that may be larger than the rows a list has loaded.

A lazy list holds a few pages of a view of 100,000 notices; "select all, then M" must still
mean every row of the view. ``RowSelection`` says which rows the user selected in terms the
database understands (the view's filter and sort, plus row ranges or "all"), and the functions
here resolve and change them in SQL, in chunks, returning how many notices really changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import Session

from app.changes import Changes
from storage import team
from storage.models import TRIAGE_STATUSES, Notice, NoticeFlag, NoticeRead
from storage.queries import NoticeFilter, select_notices, where_clauses

CHUNK = 500  # ids per statement: well under SQLite's bound-parameter limit


@dataclass(frozen=True)
class RowSelection:
    """Rows of one view: explicit ids, row ranges of the view's order, or the whole view."""

    view: NoticeFilter = field(default_factory=NoticeFilter)
    sort: str = "date"
    descending: bool = True
    ranges: tuple[tuple[int, int], ...] = ()  # (first row, last row), inclusive
    ids: tuple[int, ...] = ()
    whole_view: bool = False


@dataclass(frozen=True)
class BulkResult:
    """What a bulk action did: the ``Changes`` and the value it set (for the status bar)."""

    changes: Changes
    field: str
    value: object
    selected: int

    @property
    def changed(self) -> int:
        return len(self.changes.notices)


def resolve_ids(session: Session, sel: RowSelection) -> list[int]:
    """The notice ids of a selection, read from the database (not from loaded rows)."""
    out: list[int] = list(sel.ids)
    if sel.whole_view:
        stmt = select(Notice.id).where(and_(true(), *where_clauses(sel.view, session)))
        return sorted(set(out) | set(session.scalars(stmt)))
    base = select_notices(sel.view, session, sort=sel.sort, descending=sel.descending)
    for first, last in sel.ranges:
        if last < first:
            continue
        stmt = base.with_only_columns(Notice.id).offset(first).limit(last - first + 1)
        out.extend(session.scalars(stmt))
    return sorted(set(out))


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield list(ids[i : i + CHUNK])


def set_field(session: Session, ids: Sequence[int], name: str, value: object) -> Changes:
    """Set one field on these notices in SQL as the session's user; only rows that differ count.

    ``read`` and ``flagged`` are the user's own (unflag removes only their flag); ``status``
    is the team's, recorded with who set it.
    """
    if name not in ("read", "flagged", "status"):
        raise ValueError(f"cannot set {name!r} in bulk")
    if name == "status" and value not in TRIAGE_STATUSES:
        raise ValueError(f"unknown triage status {value!r}")
    user = team.session_user(session)
    if name == "read":
        changed = team.set_read(session, ids, user, bool(value))
    elif name == "flagged":
        changed = team.set_flag(session, ids, user, bool(value))
    else:
        changed = team.set_status(session, ids, user, str(value))
    team.record_change(session, "triage", changed, user)
    session.expire_all()
    return Changes(notices=frozenset(changed))


def all_on(session: Session, ids: Sequence[int], name: str) -> bool:
    """True when the session's user has read (or flagged) every one of these notices."""
    table = NoticeRead if name == "read" else NoticeFlag
    user = team.session_user(session)
    for chunk in _chunks(ids):
        on = session.scalar(
            select(func.count(table.notice_id)).where(
                table.notice_id.in_(chunk), table.user == user
            )
        )
        if (on or 0) < len(chunk):
            return False
    return True


def apply_to_selection(
    session: Session, sel: RowSelection, name: str, value: object | None = None
) -> BulkResult:
    """Set ``name`` to ``value`` on every selected notice; ``value`` None toggles
    ``read``/``flagged`` like mail clients (all on when any is off, else all off)."""
    ids = resolve_ids(session, sel)
    if value is None:
        if name not in ("read", "flagged"):
            raise ValueError(f"cannot toggle {name!r}")
        value = not all_on(session, ids, name) if ids else True
    return BulkResult(set_field(session, ids, name, value), name, value, len(ids))
