"""Small helpers the GUI calls that belong to no single service package.

``test_source`` backs the Sources dialog's "Test now": it fetches and parses the first list page
of one channel through the real polite HTTP client, without storing anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.config import Config


@dataclass(frozen=True)
class SourceTest:
    state: str  # a HealthState value
    message: str
    channel: str = ""
    rows: tuple[tuple[str, str, str], ...] = ()  # (date, title, url)
    found: int = 0  # rows on the first list page (``rows`` keeps at most 50)


def test_source(
    config: Config, key: str, channel: str | None = None, *, source: Any = None
) -> SourceTest:
    """Fetch and parse the first list page of one channel, politely, through the real client.

    ``source`` tests a source that is not installed yet (a custom definition being edited).
    """
    from scrapers.base import HealthState, ScrapeError, get_source
    from scrapers.http import PoliteClient

    source = source if source is not None else get_source(key)
    chans = [c for c in source.info.channels if channel in (None, c.key)]
    if not chans:
        return SourceTest(HealthState.ERROR.value, f"{key} has no channel {channel!r}")
    chan = chans[0]
    try:
        with PoliteClient.from_config(config.fetch) as client:
            page = next(iter(source.list_pages(chan, client)), None)
    except ScrapeError as exc:
        return SourceTest(exc.state.value, exc.message, chan.key)
    if page is None or not page.items:
        return SourceTest(HealthState.BROKEN.value, "the first list page has no rows", chan.key)
    rows = tuple((i.date.isoformat() if i.date else "", i.title, i.url) for i in page.items[:50])
    return SourceTest(
        HealthState.OK.value, f"{len(page.items)} rows on page 1", chan.key, rows, len(page.items)
    )
