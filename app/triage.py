"""The user's triage of notices: read, flag, status, note, human translation of the title.

Each function takes a write session and returns the ``Changes`` it made, so the GUI can refresh
just those rows; the CLI can call the same functions.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import Changes
from storage.models import TRIAGE_STATUSES, Notice
from storage.queries import user_state

# How each triage status is shown (the GUI translates these; the digest prints them).
STATUS_LABELS = {
    "new": "New",
    "relevant": "Relevant",
    "escalated": "Escalated",
    "closed": "Closed",
    "not_relevant": "Not relevant",
}


def _notices(session: Session, ids: Iterable[int]) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.id.in_(list(ids)))).unique())


def set_state(
    session: Session,
    ids: Iterable[int],
    *,
    read: bool | None = None,
    flagged: bool | None = None,
    status: str | None = None,
    note: str | None = None,
) -> Changes:
    """Set the given user-state fields on every notice in ``ids``."""
    if status is not None and status not in TRIAGE_STATUSES:
        raise ValueError(f"unknown triage status {status!r}")
    changed: set[int] = set()
    for notice in _notices(session, ids):
        st = user_state(session, notice)
        for name, value in (
            ("read", read),
            ("flagged", flagged),
            ("status", status),
            ("note", note),
        ):
            if value is not None and getattr(st, name) != value:
                setattr(st, name, value)
                changed.add(notice.id)
    return Changes(notices=frozenset(changed))


def toggle(session: Session, ids: Iterable[int], name: str) -> Changes:
    """Flip ``read`` or ``flagged``: all on when any is off, else all off (like mail clients)."""
    if name not in ("read", "flagged"):
        raise ValueError(f"cannot toggle {name!r}")
    notices = _notices(session, ids)
    value = not all(n.state is not None and getattr(n.state, name) for n in notices)
    return set_state(session, [n.id for n in notices], **{name: value})
