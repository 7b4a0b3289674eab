"""iCalendar export: one all-day VEVENT per comment deadline, so deadlines land in calendars.

The UID is derived from the notice URL, so importing a newer export updates the same
calendar entry instead of adding a second one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from app.export.digest import Digest, DigestItem
from app.export.registry import RenderOptions, register
from app.export.text import one_line

if TYPE_CHECKING:
    from icalendar import Event


def deadline_uid(url: str) -> str:
    """Stable per notice across exports and databases."""
    return f"{hashlib.sha256(url.encode('utf-8')).hexdigest()[:32]}-deadline@regwatch"


def _description(item: DigestItem) -> str:
    lines = [item.title_zh]
    if item.title_en and item.translation:
        lines.append(f"({item.translation} of the title)")
    if item.issuers:
        lines.append("Issuer: " + "; ".join(item.issuers))
    if item.doc_number:
        lines.append(f"Document no. (文号): {item.doc_number}")
    if item.topics:
        lines.append("Topics: " + ", ".join(item.topics))
    if item.note:
        lines.append(f"Note: {item.note}")
    lines.append(item.link or item.url)
    return "\n".join(one_line(line) for line in lines)


def deadline_event(item: DigestItem, stamp: dt.datetime) -> Event:
    assert item.deadline is not None
    from icalendar import Event  # loaded by the ics format only (see tables.render_xlsx)

    ev = Event()
    ev.add("uid", deadline_uid(item.url))
    ev.add("dtstamp", stamp)
    ev.add("dtstart", item.deadline.date)
    ev.add("dtend", item.deadline.date + dt.timedelta(days=1))
    ev.add("summary", one_line(f"Comment deadline: {item.title}"))
    ev.add("description", _description(item))
    if item.link:
        ev.add("url", item.link)
    ev.add("transp", "TRANSPARENT")  # an all-day reminder, not a busy meeting
    if item.topics:
        ev.add("categories", item.topics)
    return ev


@register(
    "ics", extension=".ics", mime="text/calendar", description="calendar of comment deadlines"
)
def render_ics(digest: Digest, _options: RenderOptions) -> bytes:
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", "-//regwatch//comment deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{digest.title}: comment deadlines")
    stamp = digest.generated_at.astimezone(dt.UTC)
    for item in digest.deadlines:
        cal.add_component(deadline_event(item, stamp))
    return cal.to_ical()
