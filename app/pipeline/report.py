"""What a fetch cycle reports: per channel, per source, per cycle; and how states combine."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from scrapers.base import HealthState
from storage.lease import LeaseHolder

_SQL_NOISE = re.compile(r"\s*\[(?:SQL|parameters|Background on this error)[^\]]*\].*", re.S)


def short_error(exc: BaseException, limit: int = 160) -> str:
    """One short line for a report: the error type and the first line of its message.

    Database errors carry their SQL statement and parameters; those never reach a user.
    """
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        text = message  # a ScrapeError / RowRejected sentence, written for users
    else:
        orig = getattr(exc, "orig", None)
        text = str(orig if orig is not None else exc)
        text = _SQL_NOISE.sub("", text)
        text = f"{type(orig if orig is not None else exc).__name__}: {text}"
    text = " ".join(text.split("\n", 1)[0].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# A source shows the first failure among its channels, in this order of urgency.
FAILURE_ORDER = (HealthState.BLOCKED, HealthState.BROKEN, HealthState.ERROR)


@dataclass
class ChannelReport:
    key: str
    state: str = HealthState.NO_NEW.value
    message: str = ""
    new: int = 0
    updated: int = 0
    pages: int = 0
    removed: int = 0
    restored: int = 0
    not_modified: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (url, why) rows not stored
    resumed: bool = False  # an earlier walk of this list was unfinished: read past its frontier

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "message": self.message,
            "new": self.new,
            "updated": self.updated,
            "pages": self.pages,
            "removed": self.removed,
            "restored": self.restored,
            "skipped": [{"url": url, "error": why} for url, why in self.skipped],
        }


@dataclass
class SourceReport:
    key: str
    state: str = HealthState.NO_NEW.value
    message: str = ""
    new: int = 0
    updated: int = 0  # edited bodies + stage changes (versions kept)
    details: int = 0  # detail pages fetched successfully
    details_failed: int = 0
    first_detail_error: str | None = None  # the first detail failure's message
    rechecks_failed: int = 0  # re-checks of stored notices that failed (their text is kept)
    requests: int = 0
    removed: int = 0
    channels: dict[str, ChannelReport] = field(default_factory=dict)
    run_id: int | None = None
    new_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)  # edited or stage-changed notices
    detailed_ids: list[int] = field(default_factory=list)  # first detail arrived, or edited
    cancelled: bool = False
    skipped: bool = False  # another run of this source was already going in this process

    @property
    def failed(self) -> bool:
        return self.state in {s.value for s in FAILURE_ORDER}


@dataclass
class CycleReport:
    started_at: dt.datetime
    finished_at: dt.datetime | None = None
    sources: list[SourceReport] = field(default_factory=list)
    cancelled: bool = False
    interrupted_runs: list[int] = field(default_factory=list)  # stale runs marked at start
    # set when another process held the fetch lease: nothing was fetched (storage/lease.py)
    busy: LeaseHolder | None = None

    @property
    def busy_message(self) -> str:
        """ "<user>@<host> is fetching; skipped", or "" when this cycle ran."""
        return self.busy.message if self.busy else ""

    @property
    def new_ids(self) -> list[int]:
        return [i for s in self.sources for i in s.new_ids]

    @property
    def changed_ids(self) -> list[int]:
        return [i for s in self.sources for i in s.changed_ids]

    def source(self, key: str) -> SourceReport:
        for s in self.sources:
            if s.key == key:
                return s
        raise KeyError(key)


@dataclass(frozen=True)
class ProgressEvent:
    """Sent to the ``progress`` callback (from a worker thread) as a source advances."""

    source: str
    phase: str  # start | list | details | done
    channel: str = ""
    message: str = ""
    done: int = 0  # details fetched so far / pages read
    total: int = 0  # details planned (0 when unknown)
    report: SourceReport | None = None  # set when phase == "done"


def combine_states(channels: list[ChannelReport]) -> ChannelReport | None:
    """The channel whose state the source takes: the first failure by urgency, else None."""
    for state in FAILURE_ORDER:
        for ch in channels:
            if ch.state == state.value:
                return ch
    return None
