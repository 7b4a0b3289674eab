"""Scheduled work in the GUI, on one APScheduler 3 BackgroundScheduler:

- fetches: ``app.scheduling.add_fetch_jobs`` (interval + jitter per enabled source, office hours
  in Beijing time, coalesced after sleep). A job only emits ``due``; the fetch itself goes
  through the GUI's FetchController (the same path as "Fetch now"), on the network pool.
- the e-mail digest: ``app.export.schedule.add_digest_job`` (daily/weekly, when enabled).
- improving partial English titles with the configured online provider:
  ``app.scheduling.add_translation_job`` (the same job as the daemon's; it re-matches topics).

APScheduler runs job bodies in its own thread pool, never on the GUI thread; results and errors
come back as queued signals.
"""

from __future__ import annotations

import datetime as dt
import logging

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from PySide6.QtCore import QObject, Signal

from app.config import Config
from app.export.schedule import JOB_ID as DIGEST_JOB
from app.export.schedule import add_digest_job
from app.scheduling import (
    JOB_PREFIX,
    TRANSLATE_JOB_ID,
    add_fetch_jobs,
    add_translation_job,
    last_fetch_times,
)
from storage.db import Database

log = logging.getLogger(__name__)

IMPROVE_JOB = TRANSLATE_JOB_ID


class FetchScheduler(QObject):
    due = Signal(str)  # a source whose scheduled run is due (emitted from a scheduler thread)
    digest_sent = Signal(object)  # SendResult | None (nothing to send)
    titles_improved = Signal(object)  # ImproveReport
    job_failed = Signal(str, str)  # job id, one sentence

    def __init__(self, db: Database | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._db = db
        self._scheduler = BackgroundScheduler(timezone=dt.UTC)
        self._scheduler.add_listener(self._on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
        self._config: Config | None = None
        self._applied = False

    def config(self) -> Config:
        assert self._config is not None
        return self._config

    def apply(self, config: Config) -> None:
        """(Re)create the jobs from the config: enabled sources, digest, title improvement."""
        self._config = config
        for job in self._scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX):
                job.remove()
        # The first time, each source runs when its interval since its last stored run has
        # passed (soon, staggered, if it is overdue); after a settings change the jobs keep
        # their rhythm instead of all firing at once.
        last_runs = None
        if not self._applied and self._db is not None:
            try:
                last_runs = last_fetch_times(self._db)
            except Exception:  # an unreadable history only means every source is due
                log.warning("could not read the last fetch times", exc_info=True)
        add_fetch_jobs(
            self._scheduler,
            config,
            self.due.emit,
            start_now=not self._applied,
            last_runs=last_runs,
        )
        self._applied = True
        if self._db is None:
            return
        try:
            add_digest_job(self._scheduler, self._db, lambda: self.config().email)
        except Exception as exc:  # a bad schedule time in the config: say so, keep fetching
            self.job_failed.emit(DIGEST_JOB, getattr(exc, "message", None) or str(exc))
        add_translation_job(self._scheduler, self._db, config)

    def _on_event(self, event) -> None:
        if event.job_id.startswith(JOB_PREFIX):
            if event.exception is not None:
                self.job_failed.emit(event.job_id, str(event.exception))
            return
        if event.exception is not None:
            exc = event.exception
            self.job_failed.emit(event.job_id, getattr(exc, "message", None) or str(exc))
        elif event.job_id == DIGEST_JOB:
            self.digest_sent.emit(event.retval)
        elif event.job_id == IMPROVE_JOB:
            self.titles_improved.emit(event.retval)

    def start(self) -> None:
        if not self._scheduler.running:
            self._scheduler.start()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def next_run(self) -> dt.datetime | None:
        """When the next scheduled fetch is due (any source)."""
        times = [
            t
            for j in self._scheduler.get_jobs()
            if j.id.startswith(JOB_PREFIX) and (t := getattr(j, "next_run_time", None))
        ]
        return min(times) if times else None

    def job_ids(self) -> list[str]:
        return sorted(j.id for j in self._scheduler.get_jobs())

    def run_job_now(self, job_id: str) -> None:
        """Make a job due at once (tests, and "send the scheduled digest now")."""
        job = self._scheduler.get_job(job_id)
        if job is not None:
            job.modify(next_run_time=dt.datetime.now(dt.UTC))

    @property
    def scheduler(self) -> BackgroundScheduler:
        return self._scheduler
