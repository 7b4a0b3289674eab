"""The schedule: intervals, office hours in Beijing time, coalescing after sleep, the daemon."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from app.config import SourceConfig, parse_config
from app.errors import UserError
from app.scheduling import OfficeHours, add_fetch_jobs, gated
from storage.db import Database
from storage.models import FetchRun
from tests.pipeline.conftest import TEST_CONFIG

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.UTC


def bj(y, m, d, hh, mm=0) -> dt.datetime:
    """A Beijing wall-clock time as an aware UTC datetime."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=dt.timezone(dt.timedelta(hours=8))).astimezone(UTC)


def test_office_hours_are_beijing_time_on_working_days():
    h = OfficeHours.parse("08:00-18:00", "mon-fri")
    assert h.is_open(bj(2026, 3, 2, 8, 0))  # Monday 08:00 in Beijing = Sunday 24:00 UTC
    assert h.is_open(bj(2026, 3, 6, 17, 59))  # Friday
    assert not h.is_open(bj(2026, 3, 2, 18, 0))
    assert not h.is_open(bj(2026, 3, 2, 7, 59))
    assert not h.is_open(bj(2026, 3, 7, 10, 0))  # Saturday
    night = OfficeHours.parse("22:00-06:00", "sat,sun")
    assert night.is_open(bj(2026, 3, 7, 23, 0)) and night.is_open(bj(2026, 3, 8, 5, 0))
    assert not night.is_open(bj(2026, 3, 7, 12, 0))
    always = OfficeHours.parse("00:00-24:00", "daily")
    assert always.is_open(bj(2026, 3, 8, 23, 59))
    with pytest.raises(UserError, match="office_hours"):
        OfficeHours.parse("8-18", "mon-fri")
    with pytest.raises(UserError, match="office_days"):
        OfficeHours.parse("08:00-18:00", "monday")


def test_gate_skips_outside_office_hours():
    calls: list[str] = []
    hours = OfficeHours.parse("08:00-18:00", "mon-fri")
    gated(hours, calls.append, "cac", clock=lambda: bj(2026, 3, 7, 10))()  # Saturday
    assert calls == []
    gated(hours, calls.append, "cac", clock=lambda: bj(2026, 3, 9, 10))()
    assert calls == ["cac"]


def test_jobs_per_enabled_source_with_intervals_and_staggered_first_runs():
    cfg = parse_config(TEST_CONFIG)
    cfg.sources["cac"] = SourceConfig(interval=15)
    for key in ("tc260", "tgov", "tplan", "tpaged"):  # t*: the test stand-ins
        cfg.sources[key] = SourceConfig(enabled=False)
    now = dt.datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
    sched = BackgroundScheduler(timezone="UTC")
    jobs = add_fetch_jobs(sched, cfg, lambda key: None, clock=lambda: now)
    sched.start(paused=True)
    try:
        by_id = {j.id: sched.get_job(j.id) for j in jobs}
        assert "fetch:tc260" not in by_id and "fetch:govcn" in by_id and len(by_id) == 5
        cac = by_id["fetch:cac"]
        assert cac.trigger.interval == dt.timedelta(minutes=15)
        assert by_id["fetch:govcn"].trigger.interval == dt.timedelta(minutes=60)
        assert cac.coalesce is True and cac.misfire_grace_time is None and cac.max_instances == 1
        firsts = sorted(j.next_run_time for j in by_id.values())
        assert firsts[0] == now and firsts[-1] == now + dt.timedelta(seconds=80)
        # Later runs: one interval after the previous, plus at most the jitter.
        nxt = cac.trigger.get_next_fire_time(now, now + dt.timedelta(seconds=1))
        assert dt.timedelta(minutes=15) <= nxt - now <= dt.timedelta(minutes=15, seconds=45)
        again = add_fetch_jobs(sched, cfg, lambda key: None, clock=lambda: now)  # replaces
        assert len(sched.get_jobs()) == len(again) == 5
    finally:
        sched.shutdown(wait=False)


def test_a_job_missed_many_times_during_sleep_runs_once():
    cfg = parse_config(TEST_CONFIG)
    cfg.sources["govcn"] = SourceConfig(interval=1)
    runs: list[str] = []
    ran = threading.Event()

    def fetch(key):
        runs.append(key)
        ran.set()

    asleep_since = dt.datetime.now(UTC) - dt.timedelta(hours=5)  # 300 missed runs
    sched = BackgroundScheduler(timezone="UTC")
    add_fetch_jobs(
        sched, cfg, fetch, sources=["govcn"], ignore_office_hours=True, clock=lambda: asleep_since
    )
    sched.start()
    try:
        assert ran.wait(5)
        time.sleep(0.5)
        assert runs == ["govcn"]
        job = sched.get_job("fetch:govcn")
        assert job.next_run_time > dt.datetime.now(UTC)
    finally:
        sched.shutdown(wait=True)


def test_daemon_fetches_on_schedule_and_stops_cleanly_on_ctrl_c(tmp_path, server):
    db_url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text(TEST_CONFIG.replace("[fetch]", "[fetch]\nspacing = 0.0\njitter = 0.0"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--db", db_url, "--config", str(cfg), "daemon",
         "--source", "govcn", "--mirror", server.url, "--ignore-office-hours"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    db = Database.open(db_url)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with db.read() as s:
                if s.scalar(select(FetchRun.outcome).where(FetchRun.finished_at.is_not(None))):
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("the daemon never finished a run")
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
        assert proc.returncode == 0, err
        assert "govcn: ok" in err and "stopping" in err
        with db.read() as s:
            assert s.scalar(select(FetchRun.outcome)) == "ok"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        db.close()
