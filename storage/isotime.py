"""ISO 8601 text of stored times: one rule for every JSON output (stored naive times are UTC).

A module of its own so that light commands (``regwatch sources``) format times without
importing the ORM models behind ``storage.queries``."""

from __future__ import annotations

import datetime as dt


def iso_utc(value: dt.date | dt.datetime | None) -> str | None:
    """ISO 8601 text of a stored date or time; a naive datetime is UTC (as stored)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()
