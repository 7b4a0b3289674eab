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
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.db import Database
from storage.models import ChannelRecord, FetchRun, Notice, SourceRecord, Validator, utcnow

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
        table = Validator.__table__
        keys = (url, digest_key(url))
        with self.db.read() as session:
            rows = {
                r.url: r
                for r in session.execute(
                    select(table.c.url, table.c.etag, table.c.last_modified).where(
                        table.c.url.in_(keys)
                    )
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
        with self.db.write() as session:
            for url, (etag, modified) in pending.items():
                row = session.get(Validator, url)
                if row is None:
                    session.add(Validator(url=url, etag=etag, last_modified=modified))
                else:
                    row.etag, row.last_modified, row.updated_at = etag, modified, utcnow()
        return len(pending)

    def discard(self) -> None:
        """Forget validators of pages whose items were not stored (errors, broken lists)."""
        with self._lock:
            self._pending.clear()


def forget_validators(session: Session, urls: list[str] | None = None) -> int:
    """Drop stored validators and digests (all, or of ``urls``): the next fetch is unconditional."""
    stmt = select(Validator)
    if urls is not None:
        stmt = stmt.where(Validator.url.in_([*urls, *(digest_key(u) for u in urls)]))
    rows = list(session.scalars(stmt))
    for row in rows:
        session.delete(row)
    return len(rows)


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


def start_run(session: Session, source: str) -> FetchRun:
    run = FetchRun(source=source, outcome="running", channels={"_owner": run_owner()})
    session.add(run)
    session.flush()
    return run


def interrupt_stale_runs(
    session: Session,
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
    now = now or utcnow()
    me = socket.gethostname()
    stale = []
    for run in session.scalars(select(FetchRun).where(FetchRun.outcome == "running")):
        if run.id in active_ids:
            continue
        owner = (run.channels or {}).get("_owner") or {}
        started = run.started_at
        if started is not None and started.tzinfo is None:
            started = started.replace(tzinfo=dt.UTC)
        if owner.get("host") == me and isinstance(owner.get("pid"), int):
            dead = owner["pid"] != os.getpid() and not alive(owner["pid"])
        else:
            dead = False
        too_old = started is not None and now - started > stale_after
        if dead or too_old:
            run.outcome = "interrupted"
            run.finished_at = now
            run.error = (
                run.error
                or "The run stopped before it finished (the program was closed or crashed)."
            )
            run.channels = {k: v for k, v in (run.channels or {}).items() if k != "_owner"}
            _record_interrupted(session, run, now)
            stale.append(run.id)
    return stale


def _record_interrupted(session: Session, run: FetchRun, now: dt.datetime) -> None:
    """Say on the source's health record what a run that never finished had stored."""
    started = run.started_at
    new = session.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.source == run.source, Notice.first_seen >= started)
    )
    run.new_items = int(new or 0)
    rec = source_record(session, run.source)
    last = rec.last_run
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.UTC)
    if started is not None and started.tzinfo is None:
        started = started.replace(tzinfo=dt.UTC)
    if last is not None and started is not None and last > started:
        return  # a later run has already said how the source is
    rec.state = "cancelled"
    rec.message = (
        f"The last run stopped before it finished (the program was closed or crashed); "
        f"{run.new_items} new item{'s' if run.new_items != 1 else ''} had been stored."
    )
    rec.last_run = now
    rec.new_items = run.new_items


# ---------------------------------------------------------------------------------------------
# Health records


def source_record(session: Session, key: str) -> SourceRecord:
    rec = session.get(SourceRecord, key)
    if rec is None:
        rec = SourceRecord(key=key, state="never_run", message="", new_items=0)
        session.add(rec)
        session.flush()
    return rec


def channel_record(session: Session, source_key: str, key: str) -> ChannelRecord:
    rec = session.get(ChannelRecord, (source_key, key))
    if rec is None:
        source_record(session, source_key)
        rec = ChannelRecord(source_key=source_key, key=key, state="never_run", message="")
        rec.new_items = 0
        session.add(rec)
        session.flush()
    return rec


# ---------------------------------------------------------------------------------------------
# List-walk frontiers


def load_walk(session: Session, source_key: str, key: str) -> dict[str, Any] | None:
    """The frontier an unfinished walk of this channel left behind, or None."""
    rec = session.get(ChannelRecord, (source_key, key))
    return dict(rec.walk) if rec is not None and rec.walk else None


def save_walk(session: Session, source_key: str, key: str, walk: dict[str, Any] | None) -> None:
    """Persist (or clear, with None) a channel's walk frontier in the caller's transaction."""
    rec = session.get(ChannelRecord, (source_key, key))
    if rec is None:
        if walk is None:
            return
        rec = channel_record(session, source_key, key)
    if (rec.walk or None) != walk:
        rec.walk = walk
