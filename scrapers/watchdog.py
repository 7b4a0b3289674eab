"""A total deadline per request, and a stop request that ends the request in flight.

httpx's timeout applies to each read: a server that drips one byte a second never trips it,
and a blocked read does not notice that the user pressed Ctrl-C. The watchdog thread checks
every request in flight a few times a second and, past its deadline or ``grace`` seconds after the
stop was requested, shuts its socket down: the blocked read returns at once and the client names
why. The grace lets a request about to finish finish (its page is then stored), without letting a
stalled one hold the stop up.
The socket comes from httpcore's ``trace`` hook when the connection is made (the client keeps
no idle connections, so every request has its own).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

DEADLINE = "deadline"
CANCELLED = "cancelled"


class Watch:
    """One request in flight: its deadline, its socket once connected, and why it was ended."""

    def __init__(self, until: float):
        self.until = until
        self.reason: str | None = None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore trace hook: remember the socket of the connection this request opens."""
        if event != "connection.connect_tcp.complete":
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        with self._lock:
            self._sock = sock
            ended = self.reason is not None
        if ended:
            self._shutdown()

    def end(self, reason: str) -> None:
        with self._lock:
            if self.reason is not None:
                return
            self.reason = reason
        self._shutdown()

    def _shutdown(self) -> None:
        with self._lock:
            sock = self._sock
        if sock is None:
            return
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


class Watchdog:
    """Ends requests that outlive their deadline or are cancelled; one thread per client."""

    def __init__(
        self,
        cancel: Callable[[], bool] | None = None,
        *,
        poll: float = 0.1,
        grace: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.cancel = cancel
        self.poll = poll
        self.grace = grace
        self._stop_seen: float | None = None
        self.clock = clock
        self._active: set[Watch] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None

    def cancelled(self) -> bool:
        return bool(self.cancel is not None and self.cancel())

    @contextmanager
    def watch(self, seconds: float) -> Iterator[Watch]:
        """Watch the request made inside the block for at most ``seconds`` in all."""
        w = Watch(self.clock() + seconds)
        with self._lock:
            self._active.add(w)
            if self._thread is None and not self._closed:
                self._thread = threading.Thread(
                    target=self._run, name="request-watchdog", daemon=True
                )
                self._thread.start()
        try:
            yield w
        finally:
            with self._lock:
                self._active.discard(w)

    def check(self) -> None:
        """End the requests that are due (called by the thread; callable from tests)."""
        now = self.clock()
        stop = False
        if self.cancelled():
            if self._stop_seen is None:
                self._stop_seen = now
            stop = now - self._stop_seen >= self.grace
        with self._lock:
            active = list(self._active)
        for w in active:
            if stop:
                w.end(CANCELLED)
            elif now >= w.until:
                w.end(DEADLINE)

    def _run(self) -> None:
        while not self._closed:
            self._wake.wait(self.poll)
            self.check()

    def close(self) -> None:
        self._closed = True
        self._wake.set()
