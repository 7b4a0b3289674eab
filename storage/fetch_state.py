"""Fetch bookkeeping kept in the database: HTTP validators, fetch runs, source/channel health.

Pure database code, used by the pipeline (app/pipeline). Validators are buffered per page and
written only after the page's items are stored: a crash between "got 200 + ETag" and "stored the
items" must not leave an ETag that makes the next run answer 304 and miss those items.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, insert, select, update

from storage.clean import clean_value
from storage.core_tables import channels as CH
from storage.core_tables import fetch_runs as RUNS
from storage.core_tables import http_validators as VAL
from storage.core_tables import notices as NOTICES
from storage.core_tables import sources as SRC
from storage.db import Database
from storage.isotime import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def as_connection(bind: Connection | Session) -> Connection:
    """The Core connection of ``bind``: itself, or an ORM session's (same transaction)."""
    return bind if isinstance(bind, Connection) else bind.connection()


# ---------------------------------------------------------------------------------------------
# Conditional-request validators (the PoliteClient's ValidatorStore interface)


def digest_key(url: str) -> str:
    """The ``http_validators`` key of a page's body digest (a space never occurs in a URL)."""
    return f"digest {url}"


class BufferedValidators:
    """Reads validators from ``http_validators``; new ones wait in memory until ``flush()``.

    A body digest lives in the same table, in the ``etag`` column of the row keyed
    ``digest_key(url)``: buffered and flushed with the page's validators, so it too is stored
    only once the page's items are.
    """

    def __init__(self, db: Database):
        self.db = db
        self._pending: dict[str, tuple[str | None, str | None]] = {}
        self._read_digests: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> tuple[str | None, str | None] | None:
        """The URL's validators; its stored digest is read in the same query, for ``digest``."""
        keys = (url, digest_key(url))
        with self.db.read_conn() as conn:
            rows = {
                r.url: r
                for r in conn.execute(
                    select(VAL.c.url, VAL.c.etag, VAL.c.last_modified).where(VAL.c.url.in_(keys))
                )
            }
        digest_row = rows.get(keys[1])
        with self._lock:
            self._read_digests[url] = digest_row.etag if digest_row is not None else None
        row = rows.get(url)
        return (row.etag, row.last_modified) if row is not None else None

    def set(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            self._pending[url] = (etag, last_modified)

    def digest(self, url: str) -> str | None:
        with self._lock:
            if url in self._read_digests:
                return self._read_digests[url]
        self.get(url)
        with self._lock:
            return self._read_digests.get(url)

    def set_digest(self, url: str, digest: str) -> None:
        with self._lock:
            self._pending[digest_key(url)] = (digest, None)
            self._read_digests.pop(url, None)

    def flush(self) -> int:
        """Persist the validators of everything fetched since the last flush or discard."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return 0
        now = utcnow()
        with self.db.write_conn() as conn:
            stored = set(conn.scalars(select(VAL.c.url).where(VAL.c.url.in_(list(pending)))))
            for url, (etag, modified) in pending.items():
                values = {"etag": etag, "last_modified": modified, "updated_at": now}
                if url in stored:
                    conn.execute(update(VAL).where(VAL.c.url == url).values(values))
                else:
                    conn.execute(insert(VAL).values(url=url, **values))
        return len(pending)

    def discard(self) -> None:
        """Forget validators of pages whose items were not stored (errors, broken lists)."""
        with self._lock:
            self._pending.clear()


# ---------------------------------------------------------------------------------------------
# Fetch runs


def run_owner() -> dict[str, Any]:
    """Who is running a fetch: lets the next start tell a crashed run from a live one."""
    return {"host": socket.gethostname(), "pid": os.getpid()}


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def start_run(bind: Connection | Session, source: str, *, now: dt.datetime | None = None) -> int:
    """Record a run of ``source`` as running (with its owner); returns the run's id."""
    conn = as_connection(bind)
    stmt = insert(RUNS).values(
        source=source,
        started_at=now or utcnow(),
        outcome="running",
        new_items=0,
        updated_items=0,
        details_fetched=0,
        requests=0,
        channels={"_owner": run_owner()},
    )
    if conn.dialect.insert_returning:
        return int(conn.execute(stmt.returning(RUNS.c.id)).scalar_one())
    return int(conn.execute(stmt).lastrowid)


def finish_run(bind: Connection | Session, run_id: int, **values: Any) -> None:
    """Store how run ``run_id`` ended (outcome, counts, channels, error, finished_at)."""
    as_connection(bind).execute(update(RUNS).where(RUNS.c.id == run_id).values(values))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def interrupt_stale_runs(
    bind: Connection | Session,
    *,
    stale_after: dt.timedelta = dt.timedelta(hours=6),
    now: dt.datetime | None = None,
    alive: Callable[[int], bool] = _pid_alive,
    active_ids: set[int] | frozenset[int] = frozenset(),
) -> list[int]:
    """Mark runs left "running" by a crashed process as "interrupted"; returns their ids.

    A run is stale when its owning process on this machine is gone, or (another machine's, or
    an ownerless run) it started more than ``stale_after`` ago. Runs in ``active_ids`` belong to
    this process and are still going.
    """
    conn = as_connection(bind)
    now = now or utcnow()
    me = socket.gethostname()
    stale = []
    running = conn.execute(
        select(RUNS.c.id, RUNS.c.source, RUNS.c.started_at, RUNS.c.error, RUNS.c.channels).where(
            RUNS.c.outcome == "running"
        )
    ).all()
    for run in running:
        if run.id in active_ids:
            continue
        owner = (run.channels or {}).get("_owner") or {}
        started = _aware(run.started_at)
        if owner.get("host") == me and isinstance(owner.get("pid"), int):
            dead = owner["pid"] != os.getpid() and not alive(owner["pid"])
        else:
            dead = False
        too_old = started is not None and now - started > stale_after
        if dead or too_old:
            new = _stored_since(conn, run.source, run.started_at)
            finish_run(
                conn,
                run.id,
                outcome="interrupted",
                finished_at=now,
                new_items=new,
                error=run.error
                or "The run stopped before it finished (the program was closed or crashed).",
                channels={k: v for k, v in (run.channels or {}).items() if k != "_owner"},
            )
            _record_interrupted(conn, run.source, started, new, now)
            stale.append(run.id)
    return stale


def _stored_since(conn: Connection, source: str, started: dt.datetime | None) -> int:
    if started is None:
        return 0
    new = conn.scalar(
        select(func.count())
        .select_from(NOTICES)
        .where(NOTICES.c.source == source, NOTICES.c.first_seen >= started)
    )
    return int(new or 0)


def _record_interrupted(
    conn: Connection, source: str, started: dt.datetime | None, new: int, now: dt.datetime
) -> None:
    """Say on the source's health record what a run that never finished had stored."""
    ensure_source(conn, source)
    last = _aware(conn.scalar(select(SRC.c.last_run).where(SRC.c.key == source)))
    if last is not None and started is not None and last > started:
        return  # a later run has already said how the source is
    update_source(
        conn,
        source,
        state="cancelled",
        message=(
            f"The last run stopped before it finished (the program was closed or crashed); "
            f"{new} new item{'s' if new != 1 else ''} had been stored."
        ),
        last_run=now,
        new_items=new,
    )


# ---------------------------------------------------------------------------------------------
# Detail pages that failed

DETAIL_ATTEMPTS_KEY = "_detail_attempts"  # in Notice.extra: failed detail fetches so far


def detail_attempts(extra: dict[str, Any] | None) -> int:
    """Failed detail fetches so far, from a notice's ``extra``."""
    return int((extra or {}).get(DETAIL_ATTEMPTS_KEY, 0))


def record_detail_failure(
    bind: Connection | Session, notice_id: int, message: str, *, now: dt.datetime | None = None
) -> bool:
    """A detail fetch failed: keep everything stored; remember the error and count attempts.

    A failed re-check leaves a good notice ``ok``. False when the notice is gone.
    """
    conn = as_connection(bind)
    now = now or utcnow()
    row = conn.execute(
        select(NOTICES.c.detail_state, NOTICES.c.extra).where(NOTICES.c.id == notice_id)
    ).first()
    if row is None:
        return False
    values: dict[str, Any] = {
        "detail_checked_at": now,
        "detail_error": clean_value(NOTICES.c.detail_error, message),
        "updated_at": now,
    }
    if row.detail_state != "ok":
        values["detail_state"] = "failed"
        values["extra"] = {
            **(row.extra or {}),
            DETAIL_ATTEMPTS_KEY: detail_attempts(row.extra) + 1,
        }
    conn.execute(update(NOTICES).where(NOTICES.c.id == notice_id).values(values))
    return True


# ---------------------------------------------------------------------------------------------
# Health records


def ensure_source(bind: Connection | Session, key: str) -> None:
    """Create the source's health record ("never run") if it has none."""
    conn = as_connection(bind)
    if conn.scalar(select(SRC.c.key).where(SRC.c.key == key)) is None:
        conn.execute(
            insert(SRC).values(
                key=key, state="never_run", message="", new_items=0, consecutive_failures=0
            )
        )


def ensure_channel(bind: Connection | Session, source_key: str, key: str) -> None:
    """Create the channel's health record (and its source's) if it has none."""
    conn = as_connection(bind)
    found = conn.scalar(select(CH.c.key).where(CH.c.source_key == source_key, CH.c.key == key))
    if found is None:
        ensure_source(conn, source_key)
        conn.execute(
            insert(CH).values(
                source_key=source_key, key=key, state="never_run", message="", new_items=0
            )
        )


def update_source(bind: Connection | Session, key: str, **values: Any) -> None:
    """Set fields of the source's health record, creating it first if it has none."""
    conn = as_connection(bind)
    if not conn.execute(update(SRC).where(SRC.c.key == key).values(values)).rowcount:
        ensure_source(conn, key)
        conn.execute(update(SRC).where(SRC.c.key == key).values(values))


def update_channel(bind: Connection | Session, source_key: str, key: str, **values: Any) -> None:
    """Set fields of the channel's health record, creating it (and its source's) if missing.

    One UPDATE in the usual case: a cycle writes every channel's health, and checking for
    the row first would double the statements of a cycle that finds nothing new.
    """
    conn = as_connection(bind)
    stmt = update(CH).where(CH.c.source_key == source_key, CH.c.key == key).values(values)
    if not conn.execute(stmt).rowcount:
        ensure_channel(conn, source_key, key)
        conn.execute(stmt)


def source_failures(bind: Connection | Session, key: str) -> int:
    """The source's count of consecutive failed runs (0 without a record)."""
    return int(
        as_connection(bind).scalar(select(SRC.c.consecutive_failures).where(SRC.c.key == key)) or 0
    )


# ---------------------------------------------------------------------------------------------
# List-walk frontiers


def load_walk(bind: Connection | Session, source_key: str, key: str) -> dict[str, Any] | None:
    """The frontier an unfinished walk of this channel left behind, or None."""
    walk = as_connection(bind).scalar(
        select(CH.c.walk).where(CH.c.source_key == source_key, CH.c.key == key)
    )
    return dict(walk) if walk else None


def save_walk(
    bind: Connection | Session, source_key: str, key: str, walk: dict[str, Any] | None
) -> None:
    """Persist (or clear, with None) a channel's walk frontier in the caller's transaction."""
    conn = as_connection(bind)
    found = conn.execute(
        select(CH.c.walk).where(CH.c.source_key == source_key, CH.c.key == key)
    ).first()
    stored = (found.walk or None) if found is not None else None
    if stored == walk:
        return  # unchanged, or nothing to clear
    update_channel(conn, source_key, key, walk=walk)
