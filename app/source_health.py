"""Each source's health as of its last run: the one reader the CLI (``regwatch sources``), the
sidebar and the Sources dialog call. Typed records; the callers format them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from storage.isotime import iso_utc

NEVER_RUN = "never_run"


@dataclass(frozen=True)
class ChannelHealth:
    """One list of a source (a channel) as of its last run."""

    key: str
    state: str  # a HealthState value, or "never_run"
    message: str
    last_run: dt.datetime | None
    last_ok: dt.datetime | None
    new_items: int
    enabled: bool

    def as_json(self) -> dict[str, Any]:
        """The ``regwatch sources --json`` form (a contract: field names and order)."""
        return {
            "key": self.key,
            "state": self.state,
            "message": self.message,
            "last_run": iso_utc(self.last_run),
            "last_ok": iso_utc(self.last_ok),
            "new_items": self.new_items,
            "enabled": self.enabled,
        }


@dataclass(frozen=True)
class SourceHealth:
    """One source (a site): its own state plus each of its channels, registered ones first."""

    key: str
    name: str  # English name; the key for a source no longer registered
    state: str
    last_run: dt.datetime | None
    last_ok: dt.datetime | None
    message: str
    new_items: int
    enabled: bool
    channels: tuple[ChannelHealth, ...]

    def as_json(self) -> dict[str, Any]:
        """The ``regwatch sources --json`` form (a contract: field names and order)."""
        return {
            "key": self.key,
            "name": self.name,
            "state": self.state,
            "last_run": iso_utc(self.last_run),
            "last_ok": iso_utc(self.last_ok),
            "message": self.message,
            "new_items": self.new_items,
            "enabled": self.enabled,
            "channels": [c.as_json() for c in self.channels],
        }


# Read with SQLAlchemy Core, not the ORM: the health listing is the quickest command, and
# mapping the ORM classes costs more CPU than the rest of it (tests/test_startup_imports.py).
_SOURCES = 'SELECT "key", state, message, last_run, last_ok, new_items FROM sources'
_CHANNELS = (
    'SELECT source_key, "key", state, message, last_run, last_ok, new_items FROM channels '
    'ORDER BY source_key, "key"'
)


def _stored(conn: Any) -> tuple[dict[str, dict], dict[str, dict[str, dict]]]:
    """Stored source rows by key, and channel rows by source and key, as plain dicts."""
    from sqlalchemy import DateTime, text

    typed = {"last_run": DateTime(), "last_ok": DateTime()}
    sources = {
        r["key"]: _naive(dict(r)) for r in conn.execute(text(_SOURCES).columns(**typed)).mappings()
    }
    channels: dict[str, dict[str, dict]] = {}
    for r in conn.execute(text(_CHANNELS).columns(**typed)).mappings():
        channels.setdefault(r["source_key"], {})[r["key"]] = _naive(dict(r))
    return sources, channels


def _naive(row: dict) -> dict:
    """Times as the models hold them, naive UTC (PostgreSQL's timestamptz comes back aware)."""
    for k in ("last_run", "last_ok"):
        v = row[k]
        if v is not None and v.tzinfo is not None:
            row[k] = v.astimezone(dt.UTC).replace(tzinfo=None)
    return row


def _channel(key: str, rec: dict | None, enabled: bool) -> ChannelHealth:
    if rec is None:
        return ChannelHealth(key, NEVER_RUN, "", None, None, 0, enabled)
    return ChannelHealth(
        key,
        rec["state"],
        rec["message"],
        rec["last_run"],
        rec["last_ok"],
        rec["new_items"],
        enabled,
    )


def source_health(conn: Any, config: Any = None) -> list[SourceHealth]:
    """Health of every registered source (never-run ones included) in display order, then any
    source that has records but is no longer registered. ``conn`` is a Connection or a Session
    (anything with ``execute``); ``config`` (app.config.Config) decides which sources and
    channels are enabled; without it all are."""
    from scrapers.base import get_source, source_keys

    records, stored_channels = _stored(conn)
    registered = source_keys()
    out: list[SourceHealth] = []
    for key in registered + sorted(k for k in records if k not in registered):
        rec = records.get(key)
        try:
            info = get_source(key).info
        except KeyError:
            info = None
        channel_keys = [c.key for c in info.channels] if info is not None else []
        stored = stored_channels.get(key, {})
        channels = []
        for ck in channel_keys + sorted(k for k in stored if k not in channel_keys):
            enabled = True
            if config is not None and info is not None:
                default = info.channel(ck).enabled_by_default if ck in channel_keys else True
                enabled = config.source(key).channels.get(ck, default)
            channels.append(_channel(ck, stored.get(ck), enabled))
        out.append(
            SourceHealth(
                key=key,
                name=info.name_en if info is not None else key,
                state=rec["state"] if rec else NEVER_RUN,
                last_run=rec["last_run"] if rec else None,
                last_ok=rec["last_ok"] if rec else None,
                message=rec["message"] if rec else "",
                new_items=rec["new_items"] if rec else 0,
                enabled=config.source(key).enabled if config is not None else True,
                channels=tuple(channels),
            )
        )
    return out
