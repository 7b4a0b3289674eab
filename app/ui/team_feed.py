"""Other desktops' work, shown without a restart (team mode).

A plain Python thread waits on the database's change feed (storage/feed.py: LISTEN/NOTIFY on
PostgreSQL, polling on SQLite) and hands each event, as plain data, to the GUI thread through
the TaskManager; only there is the ``changed`` signal emitted, so every view refreshes the
rows it shows (the list keeps its place) exactly as after a local write.
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, Signal

from app.changes import Changes
from app.ui.ops import TaskManager
from storage.db import Database
from storage.feed import POLL_SECONDS, ChangeFeed, FeedEvent

log = logging.getLogger(__name__)


def changes_from(event: FeedEvent) -> Changes:
    """New notices re-query the lists (and topic counts); triage refreshes just those rows."""
    added = "notices" in event.kinds
    return Changes(notices=event.notice_ids, added=added, topics=added)


class TeamFeed(QObject):
    changed = Signal(object)  # Changes, emitted on the GUI thread

    def __init__(
        self,
        db: Database,
        tasks: TaskManager,
        parent: QObject | None = None,
        *,
        poll_seconds: float = POLL_SECONDS,
    ):
        super().__init__(parent)
        self._db, self._tasks, self._poll = db, tasks, poll_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._feed: ChangeFeed | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="team-feed", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._feed is not None:
            self._feed.stop()
        if self._thread is not None:
            self._thread.join(timeout=self._poll + 5)
            self._thread = None

    def _loop(self) -> None:  # the feed thread: no Qt objects here, only run_on_main
        last_id: int | None = None
        while not self._stop.is_set():
            try:
                feed = ChangeFeed(self._db, poll_seconds=self._poll)
                if last_id is not None:
                    feed.last_id = last_id  # reconnected: nothing in between is lost
                self._feed = feed
                while not self._stop.is_set():
                    event = feed.wait()
                    last_id = feed.last_id
                    if event is not None and not self._stop.is_set():
                        self._tasks.run_on_main(lambda e=event: self._deliver(e))
            except Exception:  # database gone for a moment: try again, the log keeps events
                log.warning("team change feed interrupted; retrying", exc_info=True)
                self._stop.wait(self._poll)
            finally:
                if self._feed is not None:
                    self._feed.close()
                    self._feed = None

    def _deliver(self, event: FeedEvent) -> None:
        if not self._stop.is_set():
            self.changed.emit(changes_from(event))
