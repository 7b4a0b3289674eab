"""Each source's health as of its last run: the one reader the CLI (``regwatch sources``), the
sidebar and the Sources dialog call. Typed records; the callers format them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scrapers.base import get_source, source_keys
from storage.models import ChannelRecord, SourceRecord
from storage.queries import iso_utc

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


def _channel(key: str, rec: ChannelRecord | None, enabled: bool) -> ChannelHealth:
    if rec is None:
        return ChannelHealth(key, NEVER_RUN, "", None, None, 0, enabled)
    return ChannelHealth(
        key, rec.state, rec.message, rec.last_run, rec.last_ok, rec.new_items, enabled
    )


def source_health(session: Session, config: Any = None) -> list[SourceHealth]:
    """Health of every registered source (never-run ones included) in display order, then any
    source that has records but is no longer registered. ``config`` (app.config.Config) decides
    which sources and channels are enabled; without it all are."""
    records = {r.key: r for r in session.scalars(select(SourceRecord))}
    registered = source_keys()
    out: list[SourceHealth] = []
    for key in registered + sorted(k for k in records if k not in registered):
        rec = records.get(key)
        try:
            info = get_source(key).info
        except KeyError:
            info = None
        channel_keys = [c.key for c in info.channels] if info is not None else []
        stored = {c.key: c for c in (rec.channels if rec else [])}
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
                state=rec.state if rec else NEVER_RUN,
                last_run=rec.last_run if rec else None,
                last_ok=rec.last_ok if rec else None,
                message=rec.message if rec else "",
                new_items=rec.new_items if rec else 0,
                enabled=config.source(key).enabled if config is not None else True,
                channels=tuple(channels),
            )
        )
    return out
