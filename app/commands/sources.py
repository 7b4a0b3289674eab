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


def run(args, ctx) -> int:
    from app.source_health import source_health
    from storage.isotime import iso_utc

    with ctx.db.engine.connect() as conn:
        rows = source_health(conn, ctx.config)
    for h in rows:
        if args.json:
            sys.stdout.write(json.dumps(h.as_json(), ensure_ascii=False) + "\n")
        else:
            last = iso_utc(h.last_run) or "never"
            sys.stdout.write(f"{h.key:10} {h.state:10} last run {last}  new {h.new_items}\n")
            if h.message:
                sys.stdout.write(f"           {h.message}\n")
    return 0
