"""Scheduled fetches on any APScheduler 3 scheduler (BlockingScheduler in the daemon,
QtScheduler or BackgroundScheduler in the GUI).

Each enabled source gets one interval job (config interval, else the source's default) with
jitter, ``coalesce=True`` and no misfire limit: a laptop waking from sleep runs each missed job
once, not once per missed interval. Jobs only fetch inside the office-hours window (Beijing time,
``fetch.office_hours`` / ``fetch.office_days``); outside it they skip quietly.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger

from app.office_hours import OfficeHours

log = logging.getLogger(__name__)

JOB_PREFIX = "fetch:"


def source_interval(config: Any, key: str) -> int:
    """Minutes between two fetches of ``key``: config, else the source's default."""
    from scrapers.base import get_source

    minutes = config.source(key).interval
    return int(minutes or get_source(key).info.default_interval_minutes)


def gated(
    hours: OfficeHours,
    fetch_source: Callable[[str], Any],
    key: str,
    *,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> Callable[[], Any]:
    """The job body: fetch ``key`` if the office-hours window is open now, else skip."""

    def job() -> Any:
        if not hours.is_open(clock()):
            log.info("skipping %s: outside office hours (Beijing time)", key)
            return None
        return fetch_source(key)

    job.__name__ = f"fetch_{key}"
    return job


def add_fetch_jobs(
    scheduler: Any,
    config: Any,
    fetch_source: Callable[[str], Any],
    *,
    sources: list[str] | None = None,
    ignore_office_hours: bool = False,
    start_now: bool = True,
    stagger_seconds: float = 20.0,
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    last_runs: dict[str, dt.datetime] | None = None,
) -> list[Any]:
    """Add (or replace) one interval job per enabled source; returns the jobs.

    ``fetch_source(key)`` runs one cycle for one source (e.g. ``run_cycle(db, config,
    sources=[key])``). ``start_now`` runs each source that is due soon after start,
    staggered; with ``last_runs`` (``last_fetch_times``) a source fetched less than its
    interval ago waits until its interval has passed, so a restart does not refetch every site.
    """
    from app.pipeline import resolve_sources

    keys = resolve_sources(config, sources)
    fetch = config.fetch
    hours = (
        OfficeHours.parse("00:00-24:00", "daily")
        if ignore_office_hours
        else OfficeHours.parse(fetch.office_hours, fetch.office_days)
    )
    now = clock()
    jobs = []
    due = 0
    for key in keys:
        minutes = source_interval(config, key)
        jitter = max(1, min(300, int(minutes * 60 * 0.05)))  # up to 5 %, at most 5 min
        trigger = IntervalTrigger(minutes=minutes, jitter=jitter, timezone=dt.UTC)
        kwargs: dict[str, Any] = {}
        if start_now:
            last = (last_runs or {}).get(key)
            if last is not None and last.tzinfo is None:
                last = last.replace(tzinfo=dt.UTC)
            if last is not None and last + dt.timedelta(minutes=minutes) > now:
                kwargs["next_run_time"] = last + dt.timedelta(minutes=minutes)
            else:
                kwargs["next_run_time"] = now + dt.timedelta(seconds=due * stagger_seconds)
                due += 1
        jobs.append(
            scheduler.add_job(
                gated(hours, fetch_source, key, clock=clock),
                trigger,
                id=JOB_PREFIX + key,
                name=f"fetch {key}",
                replace_existing=True,
                coalesce=True,
                misfire_grace_time=None,  # however late (sleep), run once
                max_instances=1,
                **kwargs,
            )
        )
    return jobs


def last_fetch_times(db: Any) -> dict[str, dt.datetime]:
    """When each source's newest stored run started (UTC), whatever its outcome: a source that
    failed a minute ago is not due again at once either."""
    from sqlalchemy import func, select

    from storage.models import FetchRun

    with db.read() as s:
        rows = s.execute(
            select(FetchRun.source, func.max(FetchRun.started_at)).group_by(FetchRun.source)
        ).all()
    return {k: (t if t.tzinfo else t.replace(tzinfo=dt.UTC)) for k, t in rows if t is not None}


# ---------------------------------------------------------------------------------------------
# Background translation: a configured provider improves titles the offline engine left partial.

TRANSLATE_JOB_ID = "translate:improve-partial"
TRANSLATE_EVERY_MINUTES = 1  # each round asks at most translation.max_per_minute titles


def improve_titles(db: Any, config: Any) -> Any:
    """One rate-limited round of provider translations, then re-match the notices it changed
    (topic matching reads English titles too). The one improve-partial job body, for the GUI
    and the daemon; the Translator (and its HTTP client) is closed whatever happens."""
    from sqlalchemy import select

    from app.topics.store import apply_topics
    from app.translation.service import Translator
    from storage.models import Notice

    per_minute = int(config.translation.max_per_minute or 0)
    limit = max(1, min(50, per_minute or 50))
    translator = Translator(config.translation)
    try:
        report = translator.improve_partial(db, limit=limit)
    finally:
        translator.close()
    if report.titles:
        with db.write() as session:
            ids = list(session.scalars(select(Notice.id).where(Notice.title.in_(report.titles))))
            apply_topics(session, notice_ids=ids)
    for message in report.errors[:1]:
        log.warning("translation provider: %s", message)
    return report


def add_translation_job(scheduler: Any, db: Any, config: Any) -> Any:
    """Add (or replace) the once-a-minute improve-partial job; remove it and return None when
    translation is offline-only or improving is switched off. Call again after settings change."""
    tr = config.translation
    if tr.provider == "offline" or not tr.improve_partial:
        if scheduler.get_job(TRANSLATE_JOB_ID) is not None:
            scheduler.remove_job(TRANSLATE_JOB_ID)
        return None
    return scheduler.add_job(
        improve_titles,
        IntervalTrigger(minutes=TRANSLATE_EVERY_MINUTES, jitter=5, timezone=dt.UTC),
        args=[db, config],
        id=TRANSLATE_JOB_ID,
        name=f"Improve partial titles ({tr.provider})",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
    )
