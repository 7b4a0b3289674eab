"""``regwatch sources``: each source's health as of its last run (``--json``: a contract)."""

from __future__ import annotations

import datetime as dt
import json
import sys


def add_parser(sub) -> None:
    p = sub.add_parser(
        "sources",
        help="show each source's health "
        "(never_run, ok, no_new, degraded, broken, blocked, error, cancelled)",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(func=run)


# Read with SQLAlchemy Core, not the ORM: the health listing is the quickest command, and
# mapping the ORM classes costs more CPU than the rest of it (tests/test_startup_imports.py).
_SOURCES = 'SELECT "key", state, message, last_run, last_ok, new_items FROM sources'
_CHANNELS = (
    'SELECT source_key, "key", state, message, last_run, last_ok, new_items FROM channels '
    'ORDER BY source_key, "key"'
)


def _health_rows(conn) -> tuple[dict[str, dict], dict[str, list[dict]]]:
    """Stored source and channel health rows, as plain dicts keyed by source."""
    from sqlalchemy import DateTime, text

    typed = {"last_run": DateTime(), "last_ok": DateTime()}
    sources = {r["key"]: dict(r) for r in conn.execute(text(_SOURCES).columns(**typed)).mappings()}
    channels: dict[str, list[dict]] = {}
    for r in conn.execute(text(_CHANNELS).columns(**typed)).mappings():
        channels.setdefault(r["source_key"], []).append(dict(r))
    return sources, channels


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return (value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value).isoformat()


def source_health(conn, config=None) -> list[dict]:
    """Health records of every registered source (never-run ones included), in display order.

    ``conn`` is a Connection or a Session (anything with ``execute``).
    """
    from scrapers.base import get_source, source_keys

    records, stored_channels = _health_rows(conn)
    keys = source_keys() + sorted(k for k in records if k not in source_keys())
    out = []
    for key in keys:
        rec = records.get(key)
        try:
            info = get_source(key).info
            channel_keys = [c.key for c in info.channels]
            name_en = info.name_en
        except KeyError:
            info, channel_keys, name_en = None, [], key
        chans = {c["key"]: c for c in stored_channels.get(key, [])}
        channel_list = []
        for ck in channel_keys + sorted(k for k in chans if k not in channel_keys):
            c = chans.get(ck)
            enabled = True
            if config is not None and info is not None:
                default = info.channel(ck).enabled_by_default if ck in channel_keys else True
                enabled = config.source(key).channels.get(ck, default)
            channel_list.append(
                {
                    "key": ck,
                    "state": c["state"] if c else "never_run",
                    "message": c["message"] if c else "",
                    "last_run": _iso(c["last_run"]) if c else None,
                    "last_ok": _iso(c["last_ok"]) if c else None,
                    "new_items": c["new_items"] if c else 0,
                    "enabled": enabled,
                }
            )
        out.append(
            {
                "key": key,
                "name": name_en,
                "state": rec["state"] if rec else "never_run",
                "last_run": _iso(rec["last_run"]) if rec else None,
                "last_ok": _iso(rec["last_ok"]) if rec else None,
                "message": rec["message"] if rec else "",
                "new_items": rec["new_items"] if rec else 0,
                "enabled": config.source(key).enabled if config is not None else True,
                "channels": channel_list,
            }
        )
    return out


def run(args, ctx) -> int:
    with ctx.db.engine.connect() as conn:
        rows = source_health(conn, ctx.config)
    for r in rows:
        if args.json:
            sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        else:
            last = r["last_run"] or "never"
            sys.stdout.write(
                f"{r['key']:10} {r['state']:10} last run {last}  new {r['new_items']}\n"
            )
            if r["message"]:
                sys.stdout.write(f"           {r['message']}\n")
    return 0
