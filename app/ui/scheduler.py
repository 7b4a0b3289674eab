"""Scheduled fetches: one APScheduler 3 job per enabled source.

Jobs run on the source's interval with jitter, only inside the office-hours window (Beijing
time); ``coalesce`` plus an unlimited misfire grace time means a machine that slept catches up
with exactly one run. APScheduler runs jobs in its own thread pool, so a job only emits a signal;
the fetch itself goes through the GUI's FetchController (the same path as "Fetch now").
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from PySide6.QtCore import QObject, Signal

from app.config import Config
from scrapers.base import get_source, source_keys

log = logging.getLogger(__name__)

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")  # China has no daylight saving time
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_days(spec: str) -> set[int]:
    """``mon-fri``, ``mon,wed,fri``, ``*`` → weekday numbers (Monday = 0)."""
    spec = spec.strip().lower()
    if spec in ("", "*", "all", "daily"):
        return set(range(7))
    out: set[int] = set()
    for part in spec.split(","):
        a, _, b = part.strip().partition("-")
        if a not in DAYS or (b and b not in DAYS):
            raise ValueError(f"unknown day in {spec!r} (use mon..sun, e.g. mon-fri)")
        i, j = DAYS.index(a), DAYS.index(b or a)
        out.update(range(i, j + 1) if i <= j else [*range(i, 7), *range(0, j + 1)])
    return out


def in_office_hours(now: dt.datetime, hours: str, days: str) -> bool:
    """True when ``now`` (any timezone) falls in the Beijing-time window, e.g. 08:00-18:00."""
    local = now.astimezone(BEIJING)
    if local.weekday() not in parse_days(days):
        return False
    if not hours.strip() or hours.strip() in ("*", "00:00-24:00"):
        return True
    start_s, _, end_s = hours.partition("-")
    start = dt.time.fromisoformat(start_s.strip())
    end = dt.time(23, 59, 59) if end_s.strip() == "24:00" else dt.time.fromisoformat(end_s.strip())
    t = local.time()
    return start <= t < end if start <= end else (t >= start or t < end)


def interval_minutes(config: Config, key: str) -> int:
    chosen = config.source(key).interval
    if chosen:
        return chosen
    try:
        return get_source(key).info.default_interval_minutes
    except KeyError:
        return 60


class FetchScheduler(QObject):
    due = Signal(str)  # a source whose scheduled run is due (emitted from a scheduler thread)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._scheduler = BackgroundScheduler(
            timezone=dt.UTC, job_defaults={"coalesce": True, "max_instances": 1}
        )
        self._config: Config | None = None

    def apply(self, config: Config) -> None:
        """(Re)create the jobs from the config: enabled sources only."""
        self._config = config
        self._scheduler.remove_all_jobs()
        for key in source_keys():
            if not config.source(key).enabled:
                continue
            minutes = interval_minutes(config, key)
            self._scheduler.add_job(
                self._run,
                IntervalTrigger(minutes=minutes, jitter=min(300, minutes * 6)),
                args=[key],
                id=f"fetch:{key}",
                replace_existing=True,
                misfire_grace_time=None,
                next_run_time=dt.datetime.now(dt.UTC)
                + dt.timedelta(minutes=minutes * random.uniform(0.1, 1.0)),
            )

    def _run(self, key: str) -> None:
        cfg = self._config
        if cfg is not None and not in_office_hours(
            dt.datetime.now(dt.UTC), cfg.fetch.office_hours, cfg.fetch.office_days
        ):
            log.info("skipping %s: outside office hours", key)
            return
        self.due.emit(key)

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def next_run(self) -> dt.datetime | None:
        times = [j.next_run_time for j in self._scheduler.get_jobs() if j.next_run_time]
        return min(times) if times else None

    def job_ids(self) -> list[str]:
        return sorted(j.id for j in self._scheduler.get_jobs())
