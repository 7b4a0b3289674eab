"""The scheduled digest: its trigger (with a fixed clock), the job on a real APScheduler 3
scheduler, and the job body against a real SMTP server."""

import datetime as dt

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from app.config import EmailConfig, EmailScheduleConfig
from app.errors import UserError
from app.export.digest import Selection
from app.export.schedule import JOB_ID, add_digest_job, digest_trigger, run_scheduled_digest
from app.export.service import load_digest
from app.export.smtp import ConnectError
from tests.export.smtp_server import free_port, smtp_server

UTC = dt.UTC


def _email(server=None, **schedule) -> EmailConfig:
    return EmailConfig(
        host=server.host if server else "127.0.0.1",
        port=server.port if server else free_port(),
        security="plain",
        sender="me@example.org",
        to=["team@example.org"],
        schedule=EmailScheduleConfig(enabled=True, **schedule),
    )


def test_daily_trigger_fires_at_the_chosen_time():
    trig = digest_trigger(EmailScheduleConfig(frequency="daily", time="08:30"), UTC)
    now = dt.datetime(2025, 3, 10, 9, 0, tzinfo=UTC)  # a Monday, after 08:30
    assert trig.get_next_fire_time(None, now) == dt.datetime(2025, 3, 11, 8, 30, tzinfo=UTC)


def test_weekly_trigger_fires_on_the_chosen_weekday():
    trig = digest_trigger(EmailScheduleConfig(frequency="weekly", time="07:05", weekday="wed"), UTC)
    now = dt.datetime(2025, 3, 10, 9, 0, tzinfo=UTC)
    first = trig.get_next_fire_time(None, now)
    assert first == dt.datetime(2025, 3, 12, 7, 5, tzinfo=UTC)
    assert trig.get_next_fire_time(first, first) == dt.datetime(2025, 3, 19, 7, 5, tzinfo=UTC)


def test_bad_time_is_a_config_error():
    with pytest.raises(UserError, match="email.schedule.time"):
        digest_trigger(EmailScheduleConfig(time="25:99"))


def test_job_is_added_replaced_and_removed_on_a_scheduler(seeded):
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)
    try:
        cfg = _email(time="06:45")
        job = add_digest_job(scheduler, seeded.db, lambda: cfg)
        assert job.id == JOB_ID
        assert (job.next_run_time.hour, job.next_run_time.minute) == (6, 45)
        cfg.schedule.time = "18:00"
        add_digest_job(scheduler, seeded.db, lambda: cfg)
        (only,) = scheduler.get_jobs()
        assert only.next_run_time.hour == 18
        cfg.schedule.enabled = False
        assert add_digest_job(scheduler, seeded.db, lambda: cfg) is None
        assert scheduler.get_jobs() == []
    finally:
        scheduler.shutdown(wait=False)


def test_job_body_sends_unsent_flagged_items_once(seeded, cert_files):
    with smtp_server(cert_files) as server:
        cfg = _email(server)
        scheduler = BackgroundScheduler(timezone=UTC)
        scheduler.start(paused=True)
        try:
            job = add_digest_job(scheduler, seeded.db, cfg)
            first = job.func(*job.args)  # what the scheduler calls when the time comes
        finally:
            scheduler.shutdown(wait=False)
        assert first is not None and first.digest.count == 3
        assert run_scheduled_digest(seeded.db, cfg) is None  # nothing new: nothing sent
    assert len(server.messages) == 1
    assert server.messages[0].rcpt_tos == ["team@example.org"]


def test_topic_schedule_sends_items_first_seen_in_the_period(seeded, cert_files):
    with smtp_server(cert_files) as server:
        cfg = _email(server, topics=["AI"])
        seen_day = dt.datetime(2025, 3, 1, 12, tzinfo=UTC)  # the seed's first_seen + 12 h
        week_later = seen_day + dt.timedelta(days=7)
        assert run_scheduled_digest(seeded.db, cfg, now=week_later) is None  # too old
        result = run_scheduled_digest(seeded.db, cfg, now=seen_day)
        assert {i.url for i in result.digest.items} == {seeded.urls["ai"], seeded.urls["std"]}
        assert run_scheduled_digest(seeded.db, cfg, now=seen_day) is None  # already sent
    assert len(server.messages) == 1


def test_failed_scheduled_send_marks_nothing(seeded):
    with pytest.raises(ConnectError):
        run_scheduled_digest(seeded.db, _email())
    assert load_digest(seeded.db, Selection(flagged=True, include_sent=False)).count == 3
