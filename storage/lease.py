"""One fetcher at a time per database: the fetch lease.

N desktops on one team database used to fetch the same government sites N times. A fetch
cycle now takes a database-wide lease first; a cycle that cannot get it makes no request and
says who is fetching. Within one process the lease is shared (a desktop's per-source jobs and
"Fetch now" overlap; the per-source locks in app.pipeline keep those apart).

- PostgreSQL: a session advisory lock on a dedicated connection. A process that dies loses
  its connection, and the server drops the lock at once.
- SQLite (or any other database): a ``fetch_lease`` row with an expiry, refreshed by a
  thread while the cycle runs. A holder that died stops refreshing, so its lease expires
  after ``ttl``; on the same host a holder whose process is gone is ignored at once.

The ``fetch_lease`` row also carries ``user@host`` and progress on PostgreSQL, so the desktop
that was skipped can show whose fetch is running.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update

from storage.core_tables import fetch_lease as T
from storage.isotime import utcnow

if TYPE_CHECKING:
    from storage.db import Database

LEASE_NAME = "fetch"
PG_LOCK_KEY = 0x7265_6777  # "regw": the advisory lock id of the fetch lease
TTL_SECONDS = 120.0  # a dead holder's lease is free after this long (refreshed every ttl/4)

Clock = Callable[[], dt.datetime]


def this_host() -> str:
    return socket.gethostname() or "localhost"


@dataclass(frozen=True)
class LeaseHolder:
    """Who holds the lease (from its row): shown as "<user>@<host> is fetching; skipped"."""

    holder: str  # user@host
    pid: int
    acquired_at: dt.datetime
    expires_at: dt.datetime
    progress: str = ""

    @property
    def message(self) -> str:
        return f"{self.holder} is fetching; skipped"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


_ROW = select(T.c.holder, T.c.pid, T.c.token, T.c.acquired_at, T.c.expires_at, T.c.progress).where(
    T.c.name == LEASE_NAME
)


def _holder(row: Any) -> LeaseHolder:
    return LeaseHolder(
        row.holder, row.pid, _aware(row.acquired_at), _aware(row.expires_at), row.progress or ""
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but not ours (or cannot tell): trust the expiry
    return True


class Lease:
    """The fetch lease of one database, for one holder; ``acquire`` / ``release``."""

    def __init__(
        self,
        db: Database,
        user: str,
        *,
        ttl: float = TTL_SECONDS,
        clock: Clock = utcnow,
        host: str | None = None,
        pid: int | None = None,
    ):
        self.db = db
        self.holder = f"{user}@{host or this_host()}"
        self.host = host or this_host()
        self.pid = os.getpid() if pid is None else pid
        self.ttl = ttl
        self.clock = clock
        self.token = uuid.uuid4().hex
        self.other: LeaseHolder | None = None  # who had it when acquire() failed
        self._pg: Any = None  # PostgreSQL: the pooled connection holding the advisory lock
        self._stop = threading.Event()
        self._refresher: threading.Thread | None = None

    # -- reading -----------------------------------------------------------------------------

    def current(self) -> LeaseHolder | None:
        """The lease row as stored (None when nobody holds it)."""
        with self.db.read_conn() as conn:
            row = conn.execute(_ROW).first()
        return None if row is None else _holder(row)

    def _is_live(self, row: Any, now: dt.datetime) -> bool:
        if row.token == self.token:
            return False  # ours
        if _aware(row.expires_at) <= now:
            return False
        host = row.holder.rsplit("@", 1)[-1]
        return not (host == self.host and not _pid_alive(row.pid))

    # -- taking and giving back ----------------------------------------------------------------

    def acquire(self) -> bool:
        """Take the lease; False (and ``other`` set) when another process holds it."""
        if self.db.dialect == "postgresql":
            return self._acquire_pg()
        return self._acquire_row(check=True)

    def _acquire_pg(self) -> bool:
        raw = self.db.engine.raw_connection()
        try:
            conn: Any = raw.driver_connection  # psycopg 3 (PostgreSQL only)
            conn.autocommit = True
            got = conn.execute("SELECT pg_try_advisory_lock(%s)", (PG_LOCK_KEY,)).fetchone()[0]
        except BaseException:
            raw.invalidate()
            raise
        if not got:
            self._give_back(raw)
            self.other = self.current() or LeaseHolder(
                "another desktop", 0, self.clock(), self.clock()
            )
            return False
        self._pg = raw
        self._acquire_row(check=False)  # for "who is fetching" only: the lock decides
        return True

    def _acquire_row(self, *, check: bool) -> bool:
        now = self.clock()
        values = {
            "holder": self.holder,
            "pid": self.pid,
            "token": self.token,
            "acquired_at": now,
            "expires_at": now + dt.timedelta(seconds=self.ttl),
            "progress": "",
        }
        with self.db.write_conn() as conn:
            row = conn.execute(_ROW).first()
            if check and row is not None and self._is_live(row, now):
                self.other = _holder(row)
                return False
            if row is None:
                conn.execute(insert(T).values(name=LEASE_NAME, **values))
            else:
                conn.execute(update(T).where(T.c.name == LEASE_NAME).values(values))
        self._start_refresher()
        return True

    def refresh(self, progress: str | None = None) -> bool:
        """Extend the lease (and note progress); False when it was lost (expired and taken)."""
        values: dict[str, Any] = {"expires_at": self.clock() + dt.timedelta(seconds=self.ttl)}
        if progress is not None:
            values["progress"] = progress[:500]
        with self.db.write_conn() as conn:
            done = conn.execute(
                update(T).where(T.c.name == LEASE_NAME, T.c.token == self.token).values(values)
            )
            return bool(done.rowcount)

    def _start_refresher(self) -> None:
        if self._refresher is not None:
            return

        def loop() -> None:
            while not self._stop.wait(self.ttl / 4):
                try:
                    self.refresh()
                except Exception:  # a busy database: try again next time, the ttl has room
                    pass

        self._refresher = threading.Thread(target=loop, name="fetch-lease", daemon=True)
        self._refresher.start()

    def release(self) -> None:
        self._stop.set()
        if self._refresher is not None:
            self._refresher.join(timeout=5)
            self._refresher = None
        with self.db.write_conn() as conn:
            conn.execute(delete(T).where(T.c.name == LEASE_NAME, T.c.token == self.token))
        if self._pg is not None:
            try:
                self._pg.driver_connection.execute("SELECT pg_advisory_unlock(%s)", (PG_LOCK_KEY,))
                self._give_back(self._pg)
            except Exception:
                self._pg.invalidate()  # closing the connection drops the lock anyway
            self._pg = None

    @staticmethod
    def _give_back(raw: Any) -> None:
        """Return a pooled connection as the pool lent it (transactions, not autocommit)."""
        try:
            raw.driver_connection.autocommit = False
            raw.close()
        except Exception:
            raw.invalidate()


# ---------------------------------------------------------------------------------------------
# Shared within a process


# Keyed by the Database handle: one handle is one desktop (or daemon); its cycles share.
_held: dict[int, tuple[Lease, int]] = {}
_held_guard = threading.Lock()


def enter(db: Database, user: str, **kw: Any) -> Lease:
    """The process's lease on ``db`` (taken now, or already held by another cycle here).

    Returns a Lease whose ``other`` is set when another process holds it (then nothing was
    taken and ``leave`` need not be called).
    """
    with _held_guard:
        held = _held.get(id(db))
        if held is not None and held[0].db is db:
            _held[id(db)] = (held[0], held[1] + 1)
            return held[0]
        lease = Lease(db, user, **kw)
        if not lease.acquire():
            return lease
        _held[id(db)] = (lease, 1)
        return lease


def leave(lease: Lease) -> None:
    """Give back one use of the process's lease; the last one releases it."""
    with _held_guard:
        held = _held.get(id(lease.db))
        if held is None or held[0] is not lease:
            return
        if held[1] > 1:
            _held[id(lease.db)] = (lease, held[1] - 1)
            return
        del _held[id(lease.db)]
    lease.release()
