"""The scheduled digest: an APScheduler 3 job that emails, daily or weekly at a set time, the
flagged items not sent before (or the new items of chosen topics).

``email.schedule.time`` is local time (this computer's zone), not UTC.

The job reads the config through a callable each time it fires, so settings changed in the GUI
apply without re-adding the job. Failures propagate to the scheduler (EVENT_JOB_ERROR), which
the GUI and ``regwatch daemon`` report; nothing is marked as sent then.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from apscheduler.triggers.cron import CronTrigger

from app.config import EmailConfig, EmailScheduleConfig
from app.errors import UserError
from app.export.digest import Selection
from app.export.service import SendResult, load_digest, send_digest
from app.export.smtp import SmtpSettings
from storage.db import Database

log = logging.getLogger(__name__)

JOB_ID = "regwatch-email-digest"
PERIOD_DAYS = {"daily": 1, "weekly": 7}


def _hour_minute(value: str) -> tuple[int, int]:
    try:
        hour, minute = (int(p) for p in value.strip().split(":"))
        dt.time(hour, minute)
    except ValueError:
        raise UserError(
            f"config key 'email.schedule.time' must be a time like 08:30, not {value!r}"
        ) from None
    return hour, minute


def local_zone() -> dt.tzinfo:
    """This computer's time zone (from ``TZ`` or the system settings), DST rules included."""
    import tzlocal

    tzlocal.reload_localzone()  # TZ may have changed since the last call (tests, a move)
    return tzlocal.get_localzone()


def digest_trigger(schedule: EmailScheduleConfig, timezone: dt.tzinfo | None = None) -> CronTrigger:
    """A cron trigger at ``schedule.time`` every day, or on ``schedule.weekday`` every week.

    The time is the user's wall-clock time: in this computer's zone unless ``timezone`` is
    given, whatever zone the scheduler itself keeps (the GUI and the daemon keep UTC)."""
    hour, minute = _hour_minute(schedule.time)
    kwargs: dict[str, object] = {"hour": hour, "minute": minute}
    if schedule.frequency == "weekly":
        kwargs["day_of_week"] = schedule.weekday
    kwargs["timezone"] = timezone if timezone is not None else local_zone()
    return CronTrigger(**kwargs)


def scheduled_selection(schedule: EmailScheduleConfig, now: dt.datetime) -> Selection:
    """Flagged items never sent; or, with topics, their items first seen in the last period
    and never sent (so a new topic does not mail its whole history)."""
    if not schedule.topics:
        return Selection(flagged=True, include_sent=False)
    since = now - dt.timedelta(days=PERIOD_DAYS.get(schedule.frequency, 1))
    return Selection(topics=tuple(schedule.topics), include_sent=False, first_seen_since=since)


def run_scheduled_digest(
    db: Database,
    config: EmailConfig | Callable[[], EmailConfig],
    *,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
) -> SendResult | None:
    """The job body: send the digest if there is anything to send; None when there was not."""
    email = config() if callable(config) else config
    now = now or dt.datetime.now(dt.UTC)
    if not email.to:
        raise UserError("the scheduled digest has no recipients: set email.to in the config")
    digest = load_digest(db, scheduled_selection(email.schedule, now), today=today)
    if not digest.items:
        log.info("scheduled digest: nothing new to send")
        return None
    result = send_digest(
        db,
        SmtpSettings.from_config(email),
        digest,
        to=email.to,
        cc=email.cc,
        subject_format=email.subject,
        attach=email.attach,
    )
    log.info("scheduled digest: %d items sent to %s", digest.count, ", ".join(result.recipients))
    return result


def add_digest_job(
    scheduler,
    db: Database,
    config: EmailConfig | Callable[[], EmailConfig],
    *,
    job_id: str = JOB_ID,
):
    """Add (or replace) the digest job on an APScheduler 3 scheduler; remove it and return None
    when the schedule is disabled. Call again after the settings change."""
    email = config() if callable(config) else config
    if not email.schedule.enabled:
        if scheduler.get_job(job_id) is not None:
            scheduler.remove_job(job_id)
        return None
    return scheduler.add_job(
        run_scheduled_digest,
        trigger=digest_trigger(email.schedule),  # local wall-clock time
        args=[db, config],
        id=job_id,
        name="Email digest",
        replace_existing=True,
        coalesce=True,  # a laptop asleep for three days sends one digest, not three
        max_instances=1,
        misfire_grace_time=6 * 3600,
    )
