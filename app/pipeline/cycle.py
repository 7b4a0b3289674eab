"""``run_cycle``: the one fetch path shared by ``regwatch fetch``, the daemon, the GUI and jobs.

Sources run in parallel worker threads (each site has its own host, and the shared HostSpacer
keeps each host polite); their database writes are short transactions serialised by
``db.write()``. Callable from any thread; ``cancel`` is checked between requests.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select

from app.pipeline.hooks import PipelineHooks, default_hooks
from app.pipeline.report import CycleReport, ProgressEvent, SourceReport
from app.pipeline.source_run import CycleSettings, SourceRun
from scrapers.base import Channel, get_source, source_keys
from scrapers.http import HostSpacer, PoliteClient, resolve_mirror
from storage import lease as fetch_lease
from storage.core_tables import DEFAULT_TOPICS_INSTALLED
from storage.core_tables import settings as settings_table
from storage.db import Database
from storage.fetch_state import BufferedValidators, interrupt_stale_runs
from storage.isotime import utcnow

log = logging.getLogger(__name__)

# One run per source at a time in this process (a scheduled job and "Fetch now" may overlap).
_running: dict[str, threading.Lock] = {}
_running_guard = threading.Lock()


class UnknownSourceError(ValueError):
    """A source key that no registered source has; the message lists the known keys."""


def resolve_sources(config: Any, sources: Iterable[str] | None) -> list[str]:
    """Keys to run: the given ones (checked), else every source enabled in the config."""
    known = source_keys()
    if sources is None:
        return [k for k in known if config.source(k).enabled]
    keys = list(dict.fromkeys(sources))
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise UnknownSourceError(
            f"unknown source {', '.join(repr(k) for k in unknown)} "
            f"(known: {', '.join(known) or 'none registered'})"
        )
    return keys


def enabled_channels(config: Any, source) -> list[Channel]:
    wanted = config.source(source.info.key).channels
    return [c for c in source.info.channels if wanted.get(c.key, c.enabled_by_default)]


def effective_mirror(config: Any, mirror: str | None) -> str:
    """--mirror, else env REGWATCH_MIRROR, else config ``fetch.mirror`` (see resolve_mirror)."""
    return resolve_mirror(mirror, config.fetch.mirror)


def _setting_stored(db: Database, key: str) -> bool:
    with db.read_conn() as conn:
        found = conn.scalar(select(settings_table.c.key).where(settings_table.c.key == key))
    return found is not None


def _as_check(cancel: Any) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if hasattr(cancel, "is_set"):
        return cancel.is_set
    return cancel


def run_cycle(
    db: Database,
    config: Any,
    *,
    sources: Iterable[str] | None = None,
    lease: bool = True,
    **kw: Any,
) -> CycleReport:
    """Fetch every enabled source (or ``sources``) once; see the package docstring.

    ``cancel`` is a ``threading.Event`` or a callable returning True to stop. Raises
    UnknownSourceError for an unknown key before touching the network. Other options:
    ``mirror``, ``spacing``, ``max_details``, ``progress``, ``hooks``, ``parallel``,
    ``client_options``. With ``lease`` (the default) the cycle first takes the database's
    fetch lease; when another process holds it, nothing is fetched and the report's
    ``busy`` says who is fetching.
    """
    keys = resolve_sources(config, sources)
    started = utcnow()
    if not lease:
        return _run_cycle(db, config, keys, started, None, **kw)
    held = fetch_lease.enter(db, getattr(db, "user", "") or "regwatch")
    if held.other is not None:  # another desktop or daemon is fetching: no requests
        log.info("%s", held.other.message)
        return CycleReport(started_at=started, finished_at=utcnow(), busy=held.other)
    try:
        return _run_cycle(db, config, keys, started, held, **kw)
    finally:
        fetch_lease.leave(held)


def _run_cycle(
    db: Database,
    config: Any,
    keys: list[str],
    started,
    held: fetch_lease.Lease | None,
    *,
    mirror: str | None = None,
    spacing: float | None = None,
    max_details: int | None = None,
    progress: Callable[[ProgressEvent], None] | None = None,
    cancel: Any = None,
    hooks: PipelineHooks | None = None,
    parallel: bool = True,
    client_options: dict[str, Any] | None = None,
) -> CycleReport:
    fetch = config.fetch
    report = CycleReport(started_at=started)
    with db.write_conn() as conn:
        report.interrupted_runs = interrupt_stale_runs(conn)
    settings = CycleSettings(
        max_details=fetch.max_details if max_details is None else max_details,
        first_run_days=fetch.first_run_days,
        first_run_max=fetch.first_run_max,
        recheck_days=fetch.recheck_days,
        recheck_hours=fetch.recheck_hours,
        parse_budget=fetch.parse_budget,
        recheck_period_days=fetch.recheck_period_days,
        recheck_per_run=fetch.recheck_per_run,
        started_at=started,
    )
    if hooks is None:
        # A first fetch should already show matches: install the default watch topics once.
        # The flag is read first so that later fetches do not load the topic machinery.
        if not _setting_stored(db, DEFAULT_TOPICS_INSTALLED):
            from app.topics.store import install_default_topics

            with db.write() as session:
                install_default_topics(session)
        hooks = default_hooks(config, db)
    cancelled = _as_check(cancel)
    opts: dict[str, Any] = {"mirror": effective_mirror(config, mirror)}
    if spacing is not None:
        opts["spacing"] = spacing
        opts["jitter"] = 0.0 if spacing < 1 else fetch.jitter
    opts.update(client_options or {})
    host_spacing = {
        h: float(v.spacing) for h, v in (fetch.hosts or {}).items() if v.spacing is not None
    }
    spacer = HostSpacer(
        opts.get("spacing", fetch.spacing), opts.get("jitter", fetch.jitter), host_spacing
    )

    def one(key: str) -> SourceReport:
        with _running_guard:
            lock = _running.setdefault(key, threading.Lock())
        if not lock.acquire(blocking=False):
            return SourceReport(key=key, skipped=True, message="Already being fetched.")
        try:
            return _run_source(db, config, key, settings, hooks, opts, spacer, progress, cancelled)
        finally:
            lock.release()
            if held is not None:
                with _running_guard:
                    finished.append(key)
                    text = f"{len(finished)}/{len(keys)} sources done"
                try:
                    held.refresh(progress=text)
                except Exception:  # progress is a courtesy; the cycle goes on
                    log.debug("lease progress not stored", exc_info=True)

    finished: list[str] = []
    if parallel and len(keys) > 1:
        with ThreadPoolExecutor(max_workers=min(4, len(keys)), thread_name_prefix="fetch") as pool:
            report.sources = list(pool.map(one, keys))
    else:
        report.sources = [one(k) for k in keys]
    report.cancelled = cancelled()
    report.finished_at = utcnow()
    return report


def _run_source(db, config, key, settings, hooks, opts, spacer, progress, cancelled):
    source = get_source(key)
    validators = BufferedValidators(db)
    # The client ends a request in flight as soon as a stop is requested (Ctrl-C, quit).
    client = PoliteClient.from_config(config.fetch, validators=validators, cancel=cancelled, **opts)
    client.spacer = spacer  # one spacing schedule per host across all sources
    try:
        run = SourceRun(
            db,
            source,
            enabled_channels(config, source),
            client,
            validators,
            settings,
            hooks,
            progress=progress,
            cancelled=cancelled,
        )
        rep = run.run()
    finally:
        client.close()
    if progress is not None:
        try:
            progress(ProgressEvent(source=key, phase="done", message=rep.message, report=rep))
        except Exception:
            log.exception("progress callback failed")
    return rep
