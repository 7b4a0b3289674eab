"""The seams between the GUI and the services built in other packages.

Each function imports its service lazily and raises ``ServiceUnavailable`` (a one-sentence
reason) when that part of regwatch is not installed, so a dialog can say so instead of failing.
Keeping every call in one short module keeps late wiring a one-line change.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from app.config import Config
from storage.db import Database


class ServiceUnavailable(Exception):
    """A part of regwatch this build does not have (yet)."""


def _module(name: str, what: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise ServiceUnavailable(f"{what} is not available in this build") from None
        raise


def available(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        return False
    return True


def run_cycle(
    db: Database,
    config: Config,
    *,
    sources: list[str] | None = None,
    progress: Callable[..., Any] | None = None,
    cancel: threading.Event | None = None,
) -> Any:
    """One fetch cycle through the pipeline (the one path for "Fetch now" and scheduled jobs)."""
    pipeline = _module("app.pipeline", "the fetch pipeline")
    return pipeline.run_cycle(db, config, sources=sources, progress=progress, cancel=cancel)


def topics_module():
    return _module("app.topics", "the topic query language")


def translation_module():
    return _module("app.translation", "translation")


def export_module():
    return _module("app.export", "digest export")


# ---------------------------------------------------------------------------------------------
# "Test now" for one source: what the parser extracts from the first list page.


@dataclass(frozen=True)
class SourceTest:
    state: str  # a HealthState value
    message: str
    channel: str = ""
    rows: tuple[tuple[str, str, str], ...] = ()  # (date, title, url)


def test_source(config: Config, key: str, channel: str | None = None) -> SourceTest:
    """Fetch and parse the first list page of one channel, politely, through the real client."""
    from scrapers.base import HealthState, ScrapeError, get_source

    http = _module("scrapers.http", "the HTTP client")
    source = get_source(key)
    chans = [c for c in source.info.channels if channel in (None, c.key)]
    if not chans:
        return SourceTest(HealthState.ERROR.value, f"{key} has no channel {channel!r}")
    chan = chans[0]
    try:
        with http.PoliteClient.from_config(config.fetch) as client:
            page = next(iter(source.list_pages(chan, client)), None)
    except ScrapeError as exc:
        return SourceTest(exc.state.value, exc.message, chan.key)
    if page is None or not page.items:
        return SourceTest(HealthState.BROKEN.value, "the first list page has no rows", chan.key)
    rows = tuple((i.date.isoformat() if i.date else "", i.title, i.url) for i in page.items[:50])
    return SourceTest(HealthState.OK.value, f"{len(page.items)} rows on page 1", chan.key, rows)
