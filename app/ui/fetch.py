"""Fetch cycles from the GUI: "Fetch now" and scheduled jobs share this one path.

The cycle (``app.pipeline.run_cycle``) runs in the network pool; its ``ProgressEvent``s are
turned into a Qt signal, so the status bar shows a bar per running source. One cycle runs at a
time; requests that arrive meanwhile are merged and run right after. When a cycle ends, new
matches of notifying topics are counted (and marked notified) in the DB writer, and
``cycle_done`` carries the ``Changes`` (only what the cycle touched) and the grouped
notification text.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from app.changes import Changes
from app.config import Config
from app.notify import notification_text, pending_notifications
from app.pipeline import CycleReport, ProgressEvent, run_cycle
from app.ui.labels import tr as _tr
from app.ui.ops import Op, TaskManager
from storage.db import Database

log = logging.getLogger(__name__)

FetchFn = Callable[..., CycleReport]


@dataclass(frozen=True)
class CycleOutcome:
    sources: tuple[str, ...] | None
    report: CycleReport | None = None
    error: str = ""
    cancelled: bool = False
    notification: str = ""
    finished_at: dt.datetime | None = None

    @property
    def new(self) -> int:
        return len(self.report.new_ids) if self.report is not None else 0


def progress_fields(ev: ProgressEvent) -> tuple[str, int, int, str]:
    """(source, done, total, message) of one pipeline progress event, for the status bar; the
    message is in the user's words (no channel keys or pipeline phrases)."""
    from app.ui.labels import health_label, phase_label, tr

    if ev.phase == "done" and ev.report is not None:
        r = ev.report
        message = health_label(r.state)
        if r.new or not r.failed:
            message += ", " + tr("{n} new").replace("{n}", str(r.new))
        if r.updated:
            message += ", " + tr("{n} updated").replace("{n}", str(r.updated))
        total = max(ev.total, ev.done, 1)
        return ev.source, total, total, message
    return ev.source, ev.done, ev.total, phase_label(ev.phase, ev.done, ev.total)


def notification_label(counts) -> str:
    """The grouped notification ("3 new: Generative AI (2), AI standards (1)") in the UI
    language; topic names are the user's own."""
    text = notification_text(counts)
    if not text:
        return ""
    head, _sep, topics = text.partition(" new: ")
    return _tr("{n} new: {topics}").replace("{n}", head).replace("{topics}", topics)


def cycle_changes(report: CycleReport | None) -> Changes:
    """What a cycle changed: new rows (and their matches), edited notices, source health."""
    if report is None:
        return Changes(sources=True)
    new = bool(report.new_ids)
    return Changes(notices=frozenset(report.changed_ids), added=new, topics=new, sources=True)


class FetchController(QObject):
    started = Signal(object)  # tuple of source keys, or None for all enabled
    progress = Signal(str, int, int, str)  # source, done, total, message
    cycle_done = Signal(object, object)  # CycleOutcome, Changes

    def __init__(
        self,
        db: Database,
        config: Callable[[], Config],
        tasks: TaskManager,
        fetch_fn: FetchFn = run_cycle,
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self._db, self._config, self._tasks, self._fetch_fn = db, config, tasks, fetch_fn
        self._cancel: threading.Event | None = None
        self._pending: set[str] | None = None
        self._pending_all = False
        self.last_finished: dt.datetime | None = None

    @property
    def running(self) -> bool:
        return self._cancel is not None

    def fetch(self, sources: list[str] | None = None) -> bool:
        """Start a cycle (None: every enabled source); queued if one is running. True if started."""
        if self.running:
            if sources is None:
                self._pending_all = True
            else:
                self._pending = (self._pending or set()) | set(sources)
            return False
        cancel = threading.Event()
        self._cancel = cancel
        keys = tuple(sources) if sources is not None else None
        self.started.emit(keys)
        config = self._config()

        tasks, progress = self._tasks, self.progress

        def on_progress(ev: ProgressEvent) -> None:  # called in the network worker
            try:
                fields = progress_fields(ev)
            except Exception:  # a progress report must never break a fetch
                log.debug("unreadable progress event %r", ev)
                return
            # Emitted on the GUI thread, so every slot (lambdas too) runs there.
            tasks.run_on_main(lambda: progress.emit(*fields))

        def work() -> CycleReport:
            return self._fetch_fn(
                self._db,
                config,
                sources=list(keys) if keys is not None else None,
                progress=on_progress,
                cancel=cancel,
            )

        def after(report: CycleReport | None = None, error: str = "") -> None:
            def notify():
                with self._db.write() as s:
                    return pending_notifications(s)

            def finish(counts) -> None:
                text = notification_label(counts) if counts else ""
                self._cancel = None
                self.last_finished = dt.datetime.now(dt.UTC)
                cancelled = cancel.is_set() or bool(report is not None and report.cancelled)
                outcome = CycleOutcome(keys, report, error, cancelled, text, self.last_finished)
                self.cycle_done.emit(outcome, cycle_changes(report))
                self._start_pending()

            Op(self._tasks, notify, kind="write").success(finish).failure(
                lambda exc: finish("")
            ).run_in_background()

        Op(self._tasks, work, kind="net").success(lambda r: after(r)).failure(
            lambda exc: after(None, getattr(exc, "message", None) or str(exc) or type(exc).__name__)
        ).run_in_background()
        return True

    def _start_pending(self) -> None:
        if self._pending_all:
            self._pending_all, self._pending = False, None
            self.fetch(None)
        elif self._pending:
            pending, self._pending = sorted(self._pending), None
            self.fetch(pending)

    def cancel(self) -> None:
        """Ask the running cycle to stop after its current request."""
        self._pending, self._pending_all = None, False
        if self._cancel is not None:
            self._cancel.set()
