"""Where a channel's list walk may stop, and the frontier that makes an interrupted walk resume.

Lists are newest first and a walk stops at the first page holding nothing unknown: everything
older was stored by an earlier walk. That reasoning only holds for walks that finished. When a
walk stops early (a 5xx or timeout on page 2, kill -9, Ctrl-C) the rows beyond its last stored
page were never read, and the next run would see page 1 as all known and never look further.

So each stored page moves a persisted *frontier*: the deepest row a walk has stored (URL and
list date). While a frontier is open, a page with nothing new ends the walk only once the walk
is past the frontier (the frontier row, or a row dated before it, was seen with rows after it);
until then the walk reads on, unconditionally, to the end of the list if need be. A walk that
reaches a page with nothing new past the frontier, or the end of the list, closes the frontier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scrapers.base import Fetcher, ListItem, Response


@dataclass(frozen=True)
class Frontier:
    """The deepest row an unfinished walk stored."""

    url: str
    date: dt.date | None

    def to_json(self) -> dict[str, Any]:
        return {"url": self.url, "date": self.date.isoformat() if self.date else None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Frontier | None:
        if not data or not data.get("url"):
            return None
        try:
            date = dt.date.fromisoformat(data["date"]) if data.get("date") else None
        except (TypeError, ValueError):
            date = None
        return cls(str(data["url"]), date)

    def position(self, items: Sequence[ListItem]) -> int | None:
        """Index of the first row at or past the frontier on this page, None if none is."""
        for i, item in enumerate(items):
            if item.url == self.url:
                return i
            if self.date is not None and item.date is not None and item.date < self.date:
                return i
        return None


def deepest(items: Sequence[ListItem]) -> Frontier | None:
    """The frontier a page leaves when it is the last one stored: its last row."""
    if not items:
        return None
    last = items[-1]
    return Frontier(last.url, last.date)


@dataclass
class WalkState:
    """One walk of one channel: whether it is past the frontier an earlier walk left open."""

    frontier: Frontier | None  # as loaded at the start: None means the last walk finished
    passed: bool = False  # a page past the frontier was read

    def __post_init__(self) -> None:
        self.passed = self.frontier is None

    def after_page(self, items: Sequence[ListItem]) -> tuple[bool, Frontier | None]:
        """Read a page: (may a page with nothing new end the walk here, frontier to persist).

        The frontier to persist is the old one until the walk passes it, then this page's last
        row: a walk interrupted later resumes from the deeper of the two.
        """
        may_stop = self.passed
        if not self.passed and self.frontier is not None:
            pos = self.frontier.position(items)
            if pos is not None:
                self.passed = True
                # Rows after the frontier on this page were read: the gap starts here.
                may_stop = pos < len(items) - 1 or items[pos].url != self.frontier.url
        keep = deepest(items) if self.passed else self.frontier
        return may_stop, keep


class Unconditional:
    """A fetcher that never sends validators: a 304 must not end a walk with a frontier open."""

    def __init__(self, fetcher: Fetcher):
        self._fetcher = fetcher

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Response:
        return self._fetcher.get(url, params=params, headers=headers)

    def post(
        self,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        return self._fetcher.post(url, data=data, headers=headers)

    def __getattr__(self, name: str) -> Any:  # stats, validators ... of the wrapped client
        return getattr(self._fetcher, name)
