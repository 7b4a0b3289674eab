"""Stored times: now in UTC, and ISO 8601 text for every JSON output (naive stored times are UTC).

A module of its own so that light commands (``regwatch sources``, a fetch that finds nothing
new) take and format times without importing the ORM models behind ``storage.queries``."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Now, timezone-aware UTC: the form every stored time is written in."""
    return dt.datetime.now(dt.UTC)


def iso_utc(value: dt.date | dt.datetime | None) -> str | None:
    """ISO 8601 text of a stored date or time; a naive datetime is UTC (as stored)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()
