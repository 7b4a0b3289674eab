"""``regwatch fetch``: run one fetch cycle headless and print each source's outcome.

Exit 0 whenever the cycle ran, whatever states the sources ended in (they are reported, and
``regwatch sources`` shows them); exit 2 for usage, config or database errors.
"""

from __future__ import annotations

import json
import sys

from app.errors import UserError


def add_parser(sub) -> None:
    p = sub.add_parser("fetch", help="fetch every enabled source once and show what was found")
    p.add_argument("--source", action="append", metavar="KEY", help="only this source (repeatable)")
    p.add_argument(
        "--mirror",
        metavar="URL",
        help="fetch from a mirror, e.g. http://127.0.0.1:8765 (env REGWATCH_MIRROR, config fetch.mirror)",
    )
    p.add_argument(
        "--spacing", type=float, metavar="S", help="seconds between two requests to one host"
    )
    p.add_argument(
        "--max-details", type=int, metavar="N", help="detail pages per source in this cycle"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per source")
    p.set_defaults(func=run)


def _check(args) -> None:
    if args.spacing is not None and args.spacing < 0:
        raise UserError("--spacing must be zero or more seconds")
    if args.max_details is not None and args.max_details < 0:
        raise UserError("--max-details must be zero or more")
    if args.mirror is not None and args.mirror and "://" not in args.mirror:
        raise UserError(f"--mirror must be a URL like http://127.0.0.1:8765, not {args.mirror!r}")


def run(args, ctx) -> int:
    import logging

    from app.pipeline import UnknownSourceError, resolve_sources, run_cycle

    _check(args)
    config = ctx.config
    try:
        resolve_sources(config, args.source)
    except UnknownSourceError as exc:
        raise UserError(str(exc)) from None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    report = run_cycle(
        ctx.db,
        config,
        sources=args.source,
        mirror=args.mirror,
        spacing=args.spacing,
        max_details=args.max_details,
    )
    for s in report.sources:
        if args.json:
            row = {
                "key": s.key,
                "state": s.state if not s.skipped else "skipped",
                "new": s.new,
                "updated": s.updated,
                "details": s.details,
                "details_failed": s.details_failed,
                "requests": s.requests,
                "removed": s.removed,
                "message": s.message,
                "channels": {k: c.to_json() for k, c in s.channels.items()},
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        state = "skipped" if s.skipped else s.state
        sys.stdout.write(
            f"{s.key:10} {state:8} new {s.new:3}  updated {s.updated:3}  details {s.details:3}"
            f"  requests {s.requests:4}\n"
        )
        if s.message:
            sys.stdout.write(f"           {s.message}\n")
    if report.interrupted_runs:
        sys.stderr.write(
            f"regwatch: {len(report.interrupted_runs)} earlier run(s) had been interrupted; "
            "this run completed what they left.\n"
        )
    return 0
