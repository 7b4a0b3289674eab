"""The team's change feed: what other desktops wrote (new notices, flags, statuses, notes).

Every such write adds a ``change_log`` row in its own transaction (storage/team.py); a reader
keeps the last id it saw and asks for what came after. On PostgreSQL the writer also sends
``NOTIFY regwatch_changes``, and ``wait`` sleeps in ``LISTEN`` on a dedicated connection, so a
change arrives at once; on SQLite (no server to push) ``wait`` polls the log every few
seconds. Either way the result is plain data, safe to hand to any thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select

from storage.models import ChangeRecord

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.db import Database

CHANNEL = "regwatch_changes"
POLL_SECONDS = 3.0  # SQLite: how often the log is read ("within a few seconds")
KEEP_ROWS = 10_000  # the log is a feed, not a history: older rows are pruned


@dataclass(frozen=True)
class FeedEvent:
    """The changes after the previous event: which notices, what kind, by whom."""

    last_id: int
    notice_ids: frozenset[int]
    kinds: frozenset[str]  # triage | notices
    users: frozenset[str]


class ChangeFeed:
    """Reads the change log of one database from "now" on (one reader per thread)."""

    def __init__(self, db: Database, *, poll_seconds: float = POLL_SECONDS):
        self._db = db
        self._poll = poll_seconds
        self._stop = threading.Event()
        self._listener: Any = None  # PostgreSQL: the pooled DBAPI connection that LISTENs
        self.last_id = self._latest_id()

    def _latest_id(self) -> int:
        with self._db.read() as s:
            return int(s.scalar(select(func.max(ChangeRecord.id))) or 0)

    def poll(self) -> FeedEvent | None:
        """The changes logged since the last call, or None when there are none."""
        with self._db.read() as s:
            rows = s.execute(
                select(
                    ChangeRecord.id, ChangeRecord.kind, ChangeRecord.user, ChangeRecord.notice_ids
                )
                .where(ChangeRecord.id > self.last_id)
                .order_by(ChangeRecord.id)
            ).all()
        if not rows:
            return None
        self.last_id = rows[-1][0]
        ids = frozenset(int(i) for r in rows for i in (r[3] or []))
        return FeedEvent(
            self.last_id, ids, frozenset(r[1] for r in rows), frozenset(r[2] for r in rows if r[2])
        )

    def wait(self, timeout: float | None = None) -> FeedEvent | None:
        """Block until something changed (or ``timeout``/``stop``); then the changes, or None."""
        timeout = self._poll if timeout is None else timeout
        if self._db.dialect == "postgresql":
            self._listen_once(timeout)
        else:
            self._stop.wait(timeout)
        if self._stop.is_set():
            return None
        return self.poll()

    def _listen_once(self, timeout: float) -> None:
        if self._listener is None:
            raw = self._db.engine.raw_connection()
            conn: Any = raw.driver_connection  # psycopg 3 (PostgreSQL only)
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
            self._listener = raw
            if self.poll_pending():
                return
        conn = self._listener.driver_connection
        # Woken by the first notification, or after ``timeout`` (then the log is read anyway:
        # a notification sent while the connection was being set up is not lost).
        for _ in conn.notifies(timeout=timeout, stop_after=1):
            break

    def poll_pending(self) -> bool:
        with self._db.read() as s:
            return int(s.scalar(select(func.max(ChangeRecord.id))) or 0) > self.last_id

    def stop(self) -> None:
        """Make a waiting ``wait`` return (from any thread) and refuse further waits."""
        self._stop.set()

    def close(self) -> None:
        self.stop()
        if self._listener is not None:
            self._listener.invalidate()  # a LISTENing connection must not go back to the pool
            self._listener = None


def prune(session: Session, keep: int = KEEP_ROWS) -> int:
    """Drop all but the newest ``keep`` log rows; returns how many went."""
    newest = session.scalar(select(func.max(ChangeRecord.id))) or 0
    if newest <= keep:
        return 0
    result = session.execute(delete(ChangeRecord).where(ChangeRecord.id <= newest - keep))
    return int(getattr(result, "rowcount", 0) or 0)
