"""A time budget for a source's own work on one page: the backstop for parsers on hostile markup.

The shared parsers are linear (scrapers/dom.py), but a page nobody has seen can still find a
slow path in a site parser. The budget counts the time a source spends *between* requests
(parsing, in practice: time inside the fetcher does not count) and, once a page has used more
than ``seconds``, raises ``ParseBudgetExceeded`` in the fetch thread, which the pipeline records
as ``broken``. The exception is delivered asynchronously (``PyThreadState_SetAsyncExc``) and only
while the thread is inside the source's code, so it never lands in a database write.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from scrapers.base import Fetcher, ParseBudgetExceeded, Response


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Make ``thread_id`` raise ``exc`` at its next bytecode; None withdraws a pending one."""
    arg = ctypes.py_object(exc) if exc is not None else None  # None: a NULL pointer
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), arg)


class ParseBudget:
    """Watches one fetch thread; ``running()`` around source code, ``paused()`` around requests."""

    def __init__(
        self,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        poll: float = 0.05,
    ):
        self.seconds = seconds
        self.clock = clock
        self.poll = poll
        self._lock = threading.Lock()
        self._thread_id: int | None = None  # the thread inside source code, when armed
        self._since = 0.0
        self._paused = 0
        self._fired = False
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    @contextmanager
    def running(self) -> Iterator[None]:
        """The calling thread runs source code (list walking, parsing) inside this block."""
        if self.seconds <= 0:
            yield
            return
        with self._lock:
            self._thread_id = threading.get_ident()
            self._since = self.clock()
            self._paused = 0
            self._fired = False
            if self._watcher is None:
                self._watcher = threading.Thread(
                    target=self._watch, name="parse-budget", daemon=True
                )
                self._watcher.start()
        delivered = False
        try:
            yield
        except ParseBudgetExceeded:
            delivered = True
            raise
        finally:
            with self._lock:
                if self._fired and not delivered:  # fired too late to matter: withdraw it
                    _raise_in(threading.get_ident(), None)
                self._thread_id = None

    @contextmanager
    def paused(self) -> Iterator[None]:
        """A request in flight: its time is the fetcher's (it has its own deadline)."""
        with self._lock:
            self._paused += 1
        try:
            yield
        finally:
            with self._lock:
                self._paused -= 1
                self._since = self.clock()  # the page just arrived: its parse starts now

    def check(self) -> bool:
        """Fire if the armed thread is over budget; True when it fired (tests call this)."""
        with self._lock:
            tid = self._thread_id
            if tid is None or self._paused or self._fired:
                return False
            if self.clock() - self._since <= self.seconds:
                return False
            self._fired = True
            _raise_in(tid, ParseBudgetExceeded)
            return True

    def _watch(self) -> None:
        while not self._stop.wait(self.poll):
            self.check()

    def close(self) -> None:
        self._stop.set()


class BudgetedFetcher:
    """The client as a source sees it, with request time taken out of the parse budget."""

    def __init__(self, fetcher: Fetcher, budget: ParseBudget):
        self._fetcher = fetcher
        self._budget = budget

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Response:
        with self._budget.paused():
            return self._fetcher.get(url, params=params, headers=headers, conditional=conditional)

    def post(
        self,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        with self._budget.paused():
            return self._fetcher.post(url, data=data, headers=headers)

    def __getattr__(self, name: str) -> Any:  # stats, validators ... of the wrapped client
        return getattr(self._fetcher, name)
