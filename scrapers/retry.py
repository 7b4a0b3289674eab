"""The one retry loop: bounded attempts, exponential backoff with jitter, Retry-After honoured.

Used by the polite HTTP client (``scrapers.http``) and by the translation providers
(``app.translation.providers.base``), so a site and a vendor are treated alike: our own waits
grow ``backoff * 2**n`` plus up to ``jitter`` of that, capped at ``max_backoff``; a server's
Retry-After (seconds or an HTTP-date) is obeyed in full up to ``max_retry_after``, and a longer
request ends the attempts at once (the caller decides what that means).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


def parse_retry_after(value: str | None, *, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


class Retry(Exception):
    """Raised by one attempt that may be repeated: ``error`` is what to raise when attempts run
    out; ``wait`` the server's Retry-After in seconds (None: our own backoff decides)."""

    def __init__(self, error: Exception, wait: float | None = None):
        super().__init__(str(error))
        self.error = error
        self.wait = wait


@dataclass
class RetryPolicy:
    retries: int = 2  # attempts after the first
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    max_backoff: float = 60.0  # cap on our own waits (not on the server's Retry-After)
    max_retry_after: float = 600.0  # a longer Retry-After ends the attempts
    jitter: float = 0.25  # up to this fraction is added to our own waits
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, failed: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``failed`` (0-based)."""
        if retry_after is not None:
            return retry_after
        wait: float = self.backoff * (2**failed) * (1 + self.rng.uniform(0, self.jitter))
        return min(wait, self.max_backoff)


def run_with_retries(
    attempt: Callable[[], T],
    policy: RetryPolicy,
    *,
    pause: Callable[[float], None],
    too_long: Callable[[Retry], Exception] | None = None,
    before: Callable[[], None] | None = None,
    on_retry: Callable[[], None] | None = None,
) -> T:
    """Call ``attempt`` until it returns, raises something other than Retry, or the attempts run
    out (then the last Retry's error is raised). ``too_long`` builds the error for a Retry-After
    beyond ``policy.max_retry_after`` (default: the Retry's own error); ``before`` runs before each
    attempt (a cancellation check), ``on_retry`` before each wait (statistics)."""
    for failed in range(policy.retries + 1):
        if before is not None:
            before()
        try:
            return attempt()
        except Retry as exc:
            if exc.wait is not None and exc.wait > policy.max_retry_after:
                raise (too_long(exc) if too_long else exc.error) from None
            if failed >= policy.retries:
                raise exc.error from None
            if on_retry is not None:
                on_retry()
            pause(policy.delay(failed, exc.wait))
    raise AssertionError("unreachable")  # pragma: no cover
