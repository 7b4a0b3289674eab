"""The one way the GUI shows a moment: local time with its zone ("2025-03-01 14:05 CET").

The database stores every moment in UTC (naive datetimes or ISO strings from
``storage.queries._iso``); users read them in their own zone, and the zone is always written
out, so a time never reads as UTC or Beijing time. Notice publication dates are Chinese calendar
dates and are not moments: they stay dates and never go through here.
"""

from __future__ import annotations

import datetime as dt


def as_utc(value: dt.datetime | str | None) -> dt.datetime | None:
    """A stored moment as an aware datetime (naive values and strings are UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


def zone_name(t: dt.datetime) -> str:
    """ "CET", "CEST", "UTC"; "UTC+05:30" where the zone has no letters of its own ("+0530")."""
    name = t.strftime("%Z")
    if name and name[0].isalpha():
        return name
    offset = t.utcoffset() or dt.timedelta(0)
    if not offset:
        return "UTC"
    sign = "+" if offset >= dt.timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def local_datetime(
    value: dt.datetime | str | None, tz: dt.tzinfo | None = None
) -> dt.datetime | None:
    """A stored moment in the user's zone (``tz``, or the system's)."""
    t = as_utc(value)
    if t is None:
        return None
    return t.astimezone(tz) if tz is not None else t.astimezone()


def local_time(
    value: dt.datetime | str | None,
    *,
    short: bool = False,
    never: str = "",
    tz: dt.tzinfo | None = None,
    today: dt.date | None = None,
) -> str:
    """ "2025-03-01 14:05 CET" (``short``: "14:05 CET" when it is today); ``never`` for none."""
    t = local_datetime(value, tz)
    if t is None:
        return never
    if today is None:
        now = dt.datetime.now(dt.UTC)
        today = (now.astimezone(tz) if tz is not None else now.astimezone()).date()
    when = t.strftime("%H:%M") if short and t.date() == today else t.strftime("%Y-%m-%d %H:%M")
    return f"{when} {zone_name(t)}"


def local_date(value: dt.datetime | str | None, tz: dt.tzinfo | None = None) -> str:
    """The local calendar day of a stored moment ("2025-03-01"), e.g. when a notice was removed."""
    t = local_datetime(value, tz)
    return t.strftime("%Y-%m-%d") if t is not None else ""
