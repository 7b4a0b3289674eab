"""Running work off the GUI thread, Anki ``aqt/operations`` style.

    Op(parent, fn).success(cb).failure(cb).run_in_background()

``fn`` runs in a worker; ``success``/``failure`` run on the GUI thread (handed over through a
queued signal). Three executors: one single worker for database writes (a serialised writer: no
"database is locked"), a small pool for reads (search, counts, pages) and a pool for network.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, Literal, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")
Kind = Literal["write", "read", "net"]


class TaskManager(QObject):
    """Owns the executors and the hand-off of closures to the GUI thread."""

    _closure = Signal(object)
    error = Signal(str)  # one funnel for background errors nobody handled

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._executors: dict[str, ThreadPoolExecutor] = {
            "write": ThreadPoolExecutor(1, thread_name_prefix="regwatch-db-write"),
            "read": ThreadPoolExecutor(2, thread_name_prefix="regwatch-db-read"),
            "net": ThreadPoolExecutor(4, thread_name_prefix="regwatch-net"),
        }
        self._closure.connect(self._run_closure, Qt.ConnectionType.QueuedConnection)
        self._pending = 0
        self._lock = threading.Lock()
        self._closed = False

    def run_on_main(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` on the GUI thread soon (safe to call from any thread)."""
        self._closure.emit(fn)

    def _run_closure(self, fn: Callable[[], Any]) -> None:
        fn()

    def submit(
        self, kind: Kind, fn: Callable[[], T], on_done: Callable[[Future[T]], None]
    ) -> Future[T]:
        if self._closed:  # shutting down: late requests from timers are dropped
            dropped: Future[T] = Future()
            dropped.cancel()
            return dropped
        with self._lock:
            self._pending += 1
        future = self._executors[kind].submit(fn)

        def done(fut: Future[T]) -> None:
            def on_main() -> None:
                with self._lock:
                    self._pending -= 1
                on_done(fut)

            self.run_on_main(on_main)

        future.add_done_callback(done)
        return future

    @property
    def busy(self) -> bool:
        """True while any submitted task has not yet reported back on the GUI thread."""
        return self._pending > 0

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True
        for ex in self._executors.values():
            ex.shutdown(wait=wait, cancel_futures=True)


class Op(Generic[T]):
    """A builder for one background operation with GUI-thread callbacks."""

    def __init__(self, tasks: TaskManager, fn: Callable[[], T], *, kind: Kind = "write"):
        self._tasks = tasks
        self._fn = fn
        self._kind: Kind = kind
        self._success: Callable[[T], Any] | None = None
        self._failure: Callable[[BaseException], Any] | None = None

    def success(self, cb: Callable[[T], Any]) -> Op[T]:
        self._success = cb
        return self

    def failure(self, cb: Callable[[BaseException], Any]) -> Op[T]:
        self._failure = cb
        return self

    def run_in_background(self) -> Future[T]:
        def on_done(fut: Future[T]) -> None:
            if fut.cancelled():
                return
            exc = fut.exception()
            if exc is not None:
                if self._failure is not None:
                    self._failure(exc)
                else:
                    log.error("background operation failed", exc_info=exc)
                    self._tasks.error.emit(str(exc) or type(exc).__name__)
            elif self._success is not None:
                self._success(fut.result())

        return self._tasks.submit(self._kind, self._fn, on_done)
