"""The user's triage of notices: read, flag, status, note, human translation of the title.

Each function takes a write session and returns the ``Changes`` it made, so the GUI can refresh
just those rows; the CLI can call the same functions. They act as the session's user (team
mode, storage/team.py): read is that user's own, a flag, status or note is recorded with
their name, and the change is logged for the other desktops' change feed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.changes import Changes
from storage import team
from storage.models import TRIAGE_STATUSES, Notice

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
    """Set the given fields on every notice in ``ids`` as the session's user.

    ``note`` replaces that user's own note (empty removes it); other users' notes stay.
    """
    if status is not None and status not in TRIAGE_STATUSES:
        raise ValueError(f"unknown triage status {status!r}")
    user = team.session_user(session)
    ids = [n.id for n in _notices(session, ids)]
    changed: set[int] = set()
    if read is not None:
        changed.update(team.set_read(session, ids, user, read))
    if flagged is not None:
        changed.update(team.set_flag(session, ids, user, flagged))
    if status is not None:
        changed.update(team.set_status(session, ids, user, status))
    if note is not None:
        team.ensure_user(session, user)
        changed.update(i for i in ids if team.set_own_note(session, i, user, note))
    team.record_change(session, "triage", changed, user)
    session.expire_all()
    return Changes(notices=frozenset(changed))


def add_note(session: Session, notice_id: int, text: str) -> Changes:
    """Add a note by the session's user (``regwatch note``): earlier notes stay."""
    user = team.session_user(session)
    team.add_note(session, notice_id, user, text)
    team.record_change(session, "triage", [notice_id], user)
    session.expire_all()
    return Changes(notices=frozenset({notice_id}))


def toggle(session: Session, ids: Iterable[int], name: str) -> Changes:
    """Flip ``read`` or ``flagged``: all on when any is off, else all off (like mail clients)."""
    if name not in ("read", "flagged"):
        raise ValueError(f"cannot toggle {name!r}")
    notices = _notices(session, ids)
    user = team.session_user(session)
    on = team.is_read if name == "read" else (lambda n, u: u in team.flagged_by(n))
    value = not all(on(n, user) for n in notices)
    return set_state(session, [n.id for n in notices], **{name: value})


def save_note(session: Session, notice_id: int, text: str) -> Changes:
    """Store the user's note on one notice (the note editor saves through this one function,
    so per-user notes can replace the storage behind it)."""
    return set_state(session, [notice_id], note=text)
