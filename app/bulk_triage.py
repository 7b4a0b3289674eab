"""Triage of a selection that may be larger than the rows a list has loaded.

A lazy list holds a few pages of a view of 100,000 notices; "select all, then M" must still
mean every row of the view. ``RowSelection`` says which rows the user selected in terms the
database understands (the view's filter and sort, plus row ranges or "all"), and the functions
here resolve and change them in SQL, in chunks, returning how many notices really changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, insert, select, true, update
from sqlalchemy.orm import Session

from app.changes import Changes
from storage.models import TRIAGE_STATUSES, Notice, UserState, utcnow
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


def _differs(name: str, value: object):
    """A clause true for notices whose state ``name`` is not ``value`` (no row = defaults)."""
    column = getattr(UserState, name)
    if name in ("read", "flagged"):
        is_on = exists().where(UserState.notice_id == Notice.id, column.is_(True))
        return ~is_on if value else is_on
    same = exists().where(UserState.notice_id == Notice.id, column == value)
    if value == "new":  # no user state means "new"
        same = same | ~exists().where(UserState.notice_id == Notice.id)
    return ~same


def set_field(session: Session, ids: Sequence[int], name: str, value: object) -> Changes:
    """Set one user-state field on these notices in SQL; only rows that differ count."""
    if name not in ("read", "flagged", "status"):
        raise ValueError(f"cannot set {name!r} in bulk")
    if name == "status" and value not in TRIAGE_STATUSES:
        raise ValueError(f"unknown triage status {value!r}")
    changed: list[int] = []
    for chunk in _chunks(ids):
        todo = list(
            session.scalars(select(Notice.id).where(Notice.id.in_(chunk), _differs(name, value)))
        )
        if not todo:
            continue
        have = set(
            session.scalars(select(UserState.notice_id).where(UserState.notice_id.in_(todo)))
        )
        missing = [i for i in todo if i not in have]
        if missing:
            session.execute(
                insert(UserState),
                [
                    {
                        "notice_id": i,
                        "read": False,
                        "flagged": False,
                        "status": "new",
                        "note": "",
                        "updated_at": utcnow(),
                    }
                    for i in missing
                ],
            )
        session.execute(
            update(UserState)
            .where(UserState.notice_id.in_(todo))
            .values({name: value, "updated_at": utcnow()})
            .execution_options(synchronize_session=False)
        )
        changed.extend(todo)
    session.expire_all()
    return Changes(notices=frozenset(changed))


def all_on(session: Session, ids: Sequence[int], name: str) -> bool:
    """True when every one of these notices has ``read``/``flagged`` set."""
    column = getattr(UserState, name)
    for chunk in _chunks(ids):
        on = session.scalar(
            select(func.count(UserState.notice_id)).where(
                UserState.notice_id.in_(chunk), column.is_(True)
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
