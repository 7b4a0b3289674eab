"""``regwatch sources``: each source's health as of its last run (``--json``: a contract)."""

from __future__ import annotations

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


def source_health(session, config=None) -> list[dict]:
    """Health records of every registered source (never-run ones included), in display order."""
    from sqlalchemy import select

    from scrapers.base import get_source, source_keys
    from storage.models import SourceRecord
    from storage.queries import _iso

    records = {r.key: r for r in session.scalars(select(SourceRecord))}
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
        chans = {c.key: c for c in (rec.channels if rec else [])}
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
                    "state": c.state if c else "never_run",
                    "message": c.message if c else "",
                    "last_run": _iso(c.last_run) if c else None,
                    "last_ok": _iso(c.last_ok) if c else None,
                    "new_items": c.new_items if c else 0,
                    "enabled": enabled,
                }
            )
        out.append(
            {
                "key": key,
                "name": name_en,
                "state": rec.state if rec else "never_run",
                "last_run": _iso(rec.last_run) if rec else None,
                "last_ok": _iso(rec.last_ok) if rec else None,
                "message": rec.message if rec else "",
                "new_items": rec.new_items if rec else 0,
                "enabled": config.source(key).enabled if config is not None else True,
                "channels": channel_list,
            }
        )
    return out


def run(args, ctx) -> int:
    with ctx.db.read() as session:
        rows = source_health(session, ctx.config)
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
