"""Running work off the GUI thread, Anki ``aqt/operations`` style.

    Op(parent, fn).success(cb).failure(cb).run_in_background()

``fn`` runs in a worker; ``success``/``failure`` run on the GUI thread (handed over through a
queued signal). Three executors: one single worker for database writes (a serialised writer: no
"database is locked"), a small pool for reads (search, counts, pages) and a pool for network.

Thread affinity is a rule here, not a hope. Qt objects may only be created, used and destroyed
on the GUI thread, yet closures given to an op often capture a dialog or window. So a worker
never holds the last reference to anything an op was given: the op's function, callbacks, result
and exception (whose traceback keeps frames, and their locals, alive) are all released on the
GUI thread when the op reports back. Otherwise a dialog closed while its work runs would be
destroyed in the worker ("QObject::killTimer: Timers cannot be stopped from another thread",
then a segmentation fault).

``REGWATCH_THREAD_CHECKS=1`` (on in the tests) turns on a debug check that raises
``ThreadAffinityError`` when an op is started or a callback runs off the GUI thread, when work
meant for a worker runs on the GUI thread, or when work hands back a Qt object.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, Literal, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")
Kind = Literal["write", "read", "net"]

_CHECKS_ENV = "REGWATCH_THREAD_CHECKS"


class ThreadAffinityError(RuntimeError):
    """Qt was (or would be) touched from the wrong thread."""


def thread_checks_enabled() -> bool:
    """The debug check is on when ``REGWATCH_THREAD_CHECKS`` is set to a true value."""
    return os.environ.get(_CHECKS_ENV, "").lower() in ("1", "true", "yes", "on")


def on_gui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def assert_gui_thread(what: str) -> None:
    """With the debug check on: raise unless called on the GUI thread."""
    if thread_checks_enabled() and not on_gui_thread():
        raise ThreadAffinityError(
            f"{what} on thread {threading.current_thread().name!r}, not on the GUI thread"
        )


def _qt_objects_in(value: Any, depth: int = 2) -> list[str]:
    """Qt objects in a worker's result (shallow: the result and its direct contents)."""
    if isinstance(value, QObject):
        return [type(value).__name__]
    if depth <= 0:
        return []
    if isinstance(value, dict):
        items = list(value.keys()) + list(value.values())
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        return []
    return [name for item in items[:1000] for name in _qt_objects_in(item, depth - 1)]


class _Job:
    """One submitted callable and what it produced, owned by the GUI thread.

    The worker sees only ``run``; everything that could keep Qt objects alive is dropped on
    the GUI thread in ``TaskManager._deliver``."""

    __slots__ = ("fn", "on_done", "result", "error", "finished")

    def __init__(self, fn: Callable[[], Any], on_done: Callable[[_Job], None]):
        self.fn: Callable[[], Any] | None = fn
        self.on_done: Callable[[_Job], None] | None = on_done
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = False

    def run(self, token: int, report: Callable[[int], None]) -> None:
        fn = self.fn
        try:
            if fn is None:
                return
            if thread_checks_enabled() and on_gui_thread():
                raise ThreadAffinityError("background work ran on the GUI thread")
            self.result = fn()  # no local keeps it: the GUI thread may release it any time
            if thread_checks_enabled() and (found := _qt_objects_in(self.result)):
                self.result = None
                raise ThreadAffinityError(
                    "background work returned Qt objects (" + ", ".join(found) + "); "
                    "workers hand back plain data"
                )
        except BaseException as exc:  # handed to the failure callback on the GUI thread
            self.error = exc
        finally:
            fn = None  # the worker's own reference goes before the GUI thread hears
            self.finished = True
            report(token)


class _Bridge(QObject):
    """Carries job tokens (plain ints) from workers to the GUI thread."""

    finished = Signal(int)


class TaskManager(QObject):
    """Owns the executors and the hand-off of closures to the GUI thread."""

    _closure = Signal(object)
    error = Signal(str)  # one funnel for background errors nobody handled

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        assert_gui_thread("TaskManager created")
        self._executors: dict[str, ThreadPoolExecutor] = {
            "write": ThreadPoolExecutor(1, thread_name_prefix="regwatch-db-write"),
            "read": ThreadPoolExecutor(2, thread_name_prefix="regwatch-db-read"),
            "net": ThreadPoolExecutor(4, thread_name_prefix="regwatch-net"),
        }
        self._closure.connect(self._run_closure, Qt.ConnectionType.QueuedConnection)
        # A child QObject, so a worker's reference to its emit never owns the C++ object.
        self._bridge = _Bridge(self)
        self._bridge.finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._jobs: dict[int, _Job] = {}  # touched on the GUI thread only
        self._futures: dict[int, Future[None]] = {}
        self._tokens = itertools.count(1)
        self._closed = False

    def run_on_main(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` on the GUI thread soon (safe to call from any thread)."""
        self._closure.emit(fn)

    def _run_closure(self, fn: Callable[[], Any]) -> None:
        assert_gui_thread("a closure handed to the GUI thread ran")
        fn()

    def submit(
        self, kind: Kind, fn: Callable[[], T], on_done: Callable[[_Job], None]
    ) -> Future[None]:
        """Run ``fn`` in the ``kind`` pool; ``on_done(job)`` runs on the GUI thread."""
        assert_gui_thread("background work started")
        if self._closed:  # shutting down: late requests from timers are dropped
            dropped: Future[None] = Future()
            dropped.cancel()
            return dropped
        token = next(self._tokens)
        job = _Job(fn, on_done)
        self._jobs[token] = job
        future = self._executors[kind].submit(job.run, token, self._bridge.finished.emit)
        self._futures[token] = future
        return future

    def _deliver(self, token: int) -> None:
        assert_gui_thread("a background result was delivered")
        job = self._jobs.pop(token, None)
        self._futures.pop(token, None)
        if job is None:
            return
        on_done = job.on_done
        job.fn = job.on_done = None
        try:
            if on_done is not None:
                on_done(job)
        finally:
            job.result = job.error = None  # released here, on the GUI thread

    @property
    def busy(self) -> bool:
        """True while any submitted task has not yet reported back on the GUI thread."""
        return bool(self._jobs)

    def shutdown(self, wait: bool = True) -> None:
        self._closed = True
        for ex in self._executors.values():
            ex.shutdown(wait=wait, cancel_futures=True)
        if on_gui_thread():
            # Work that never ran, or ran but was not delivered: drop its closures here.
            gone = [
                t
                for t, job in self._jobs.items()
                if wait or job.finished or self._futures[t].cancelled()
            ]
            for token in gone:
                job = self._jobs.pop(token)
                self._futures.pop(token, None)
                job.fn = job.on_done = job.result = job.error = None


def _owner_deleted(cb: Callable[..., Any] | None) -> bool:
    """True when ``cb`` belongs to a Qt object whose C++ side is gone (a closed dialog): a
    method of it, or a closure that captured it (``def done(...)`` inside a dialog method)."""
    owners = [getattr(cb, "__self__", None)]
    for cell in getattr(cb, "__closure__", None) or ():
        try:
            owners.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    return any(isinstance(o, QObject) and not shiboken6.isValid(o) for o in owners)


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

    def run_in_background(self) -> Future[None]:
        assert_gui_thread("an Op was started")
        fn, success, failure, tasks = self._fn, self._success, self._failure, self._tasks
        # The Op itself is not handed on: only these references, released by the TaskManager.
        self._fn = self._success = self._failure = None

        def on_done(job: _Job) -> None:
            if _owner_deleted(success) or _owner_deleted(failure):
                return  # its widget was closed meanwhile: nothing is left to show the result
            if job.error is not None:
                if failure is not None:
                    failure(job.error)
                else:
                    log.error("background operation failed", exc_info=job.error)
                    tasks.error.emit(str(job.error) or type(job.error).__name__)
            elif success is not None:
                success(job.result)

        return tasks.submit(self._kind, fn, on_done)  # type: ignore[arg-type]
