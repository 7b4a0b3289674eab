"""``regwatch daemon``: the scheduled fetches without a GUI, logging to stderr; Ctrl-C stops.

Same cycles as ``regwatch fetch`` (app.pipeline.run_cycle), one job per source on its
interval (app.scheduling), inside the office-hours window; plus the scheduled email digest
(``[email.schedule]``) and, with an online translation provider, background improvement of
partial English titles.
"""

from __future__ import annotations

import logging
import signal
import threading

from app.commands._args import check_mirror_env, mirror_url
from app.errors import UserError

log = logging.getLogger("regwatch.daemon")


def add_parser(sub) -> None:
    p = sub.add_parser("daemon", help="fetch on a schedule without the GUI (Ctrl-C stops)")
    p.add_argument("--source", action="append", metavar="KEY", help="only this source (repeatable)")
    p.add_argument(
        "--mirror",
        type=mirror_url,
        metavar="URL",
        help="fetch from a mirror (as in regwatch fetch)",
    )
    p.add_argument(
        "--ignore-office-hours", action="store_true", help="fetch at any time of day and week"
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log every request decision")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from apscheduler.schedulers.blocking import BlockingScheduler

    from app.pipeline import UnknownSourceError, run_cycle
    from app.scheduling import add_fetch_jobs, last_fetch_times

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.mirror is None:
        check_mirror_env()
    # Opening the database logs alembic's chatter at INFO; it says nothing to a daemon's reader.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config, db = ctx.config, ctx.db
    stop = threading.Event()

    def fetch_source(key: str) -> None:
        report = run_cycle(db, config, sources=[key], mirror=args.mirror, cancel=stop)
        if report.busy is not None:
            log.info("%s: %s", key, report.busy_message)
        for s in report.sources:
            level = logging.WARNING if s.failed else logging.INFO
            log.log(
                level,
                "%s: %s, %d new, %d updated, %d details, %d requests — %s",
                s.key,
                s.state,
                s.new,
                s.updated,
                s.details,
                s.requests,
                s.message,
            )

    scheduler = BlockingScheduler(timezone="UTC")
    try:
        jobs = add_fetch_jobs(
            scheduler,
            config,
            fetch_source,
            sources=args.source,
            ignore_office_hours=args.ignore_office_hours,
            last_runs=last_fetch_times(db),
        )
    except UnknownSourceError as exc:
        raise UserError(str(exc)) from None
    if not jobs:
        raise UserError("no source is enabled in the config; nothing to schedule")
    for job in jobs:
        log.info("scheduled %s every %s", job.name, job.trigger.interval)
    # The scheduled email digest and background title translation run here too, so a
    # headless install does everything the GUI's scheduler does.
    from app.export.schedule import add_digest_job
    from app.scheduling import add_translation_job

    for extra in (
        add_digest_job(scheduler, db, config.email),
        add_translation_job(scheduler, db, config),
    ):
        if extra is not None:
            log.info("scheduled %s (%s)", extra.name, extra.trigger)

    def on_term(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("stopping: finishing the current request, then exiting")
    finally:
        stop.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)
        signal.signal(signal.SIGTERM, previous)
    return 0
