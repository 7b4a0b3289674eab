"""Beijing time (UTC+8, no daylight saving since 1991): list dates, deadlines and office hours
are all judged on Beijing's calendar. The one place the offset is written down."""

from __future__ import annotations

import datetime as dt

BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")


def beijing_date(when: dt.datetime) -> dt.date:
    """The Beijing calendar date of ``when`` (a naive datetime is taken as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(BEIJING).date()


def beijing_today() -> dt.date:
    """Today's date in Beijing."""
    return dt.datetime.now(BEIJING).date()
