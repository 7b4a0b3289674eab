"""``regwatch fetch``: run one fetch cycle headless and print each source's outcome.

Exit 0 whenever the cycle ran, whatever states the sources ended in (they are reported, and
``regwatch sources`` shows them), and when another desktop or daemon was fetching from the
same database ("<user>@<host> is fetching; skipped": one fetcher at a time, storage/lease.py); exit 2 for usage, config or database errors. Ctrl-C stops
the cycle after the requests in flight (runs are recorded as cancelled, what was fetched is
kept) and exits with 130; a second Ctrl-C quits at once.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app.commands._args import check_mirror_env, mirror_url, non_negative_float, non_negative_int
from app.errors import UserError


def add_parser(sub) -> None:
    p = sub.add_parser("fetch", help="fetch every enabled source once and show what was found")
    p.add_argument("--source", action="append", metavar="KEY", help="only this source (repeatable)")
    p.add_argument(
        "--mirror",
        type=mirror_url,
        metavar="URL",
        help="fetch from a mirror, e.g. http://127.0.0.1:8765 (env REGWATCH_MIRROR, config fetch.mirror)",
    )
    p.add_argument(
        "--spacing",
        type=non_negative_float,
        metavar="S",
        help="seconds between two requests to one host",
    )
    p.add_argument(
        "--max-details",
        type=non_negative_int,
        metavar="N",
        help="detail pages per source in this cycle",
    )
    p.add_argument("--json", action="store_true", help="one JSON object per source")
    p.set_defaults(func=run)


@contextmanager
def stop_on_sigint(on_first: Callable[[], None]) -> Iterator[threading.Event]:
    """An Event set by the first Ctrl-C, so the cycle can stop between requests.

    Without this a Ctrl-C raised KeyboardInterrupt in the main thread while the fetch
    threads carried on (for seconds) and their runs were left "running" until the next cycle
    marked them interrupted. The second Ctrl-C ends the process at once (exit 130).
    Signals can only be handled in the main thread; elsewhere the Event is simply never set.
    """
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(_signum, _frame) -> None:
        if stop.is_set():
            # At once: KeyboardInterrupt would wait for the fetch threads to wind down. Every
            # write is its own transaction, so nothing stored is lost; the next run records
            # this one as cancelled and resumes its list walks.
            sys.stderr.write("regwatch: quitting now\n")
            sys.stderr.flush()
            os._exit(130)
        stop.set()
        on_first()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def run(args, ctx) -> int:
    import logging

    from app.pipeline import UnknownSourceError, resolve_sources, run_cycle

    if args.mirror is None:
        check_mirror_env()
    config = ctx.config
    try:
        resolve_sources(config, args.source)
    except UnknownSourceError as exc:
        raise UserError(str(exc)) from None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    def announce() -> None:
        sys.stderr.write(
            "regwatch: stopping after the current requests (press Ctrl-C again to quit at once)\n"
        )

    db = ctx.db
    with stop_on_sigint(announce) as stop:
        report = run_cycle(
            db,
            config,
            sources=args.source,
            mirror=args.mirror,
            spacing=args.spacing,
            max_details=args.max_details,
            cancel=stop,
        )
    if report.busy is not None:  # another desktop or daemon holds the fetch lease: not an error
        if args.json:
            row = {"skipped": True, "busy": report.busy.holder, "message": report.busy_message}
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(report.busy_message + "\n")
        return 0
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
                "cancelled": s.cancelled,
                "channels": {k: c.to_json() for k, c in s.channels.items()},
            }
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            continue
        # A cancelled source's own state would read "no_new", which Ctrl-C does not prove.
        state = "skipped" if s.skipped else "cancelled" if s.cancelled else s.state
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
    if report.cancelled:
        sys.stderr.write(
            "regwatch: interrupted: the cycle stopped early; what was fetched so far is stored\n"
        )
        return 130
    return 0
