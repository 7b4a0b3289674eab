"""Crashes, cancels, overlapping readers and the ``regwatch fetch`` command."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.cli import main
from storage.db import Database
from storage.fetch_state import interrupt_stale_runs
from storage.models import FetchRun, Notice
from storage.queries import NoticeFilter, list_notices
from tests.pipeline.conftest import EXPECTED, TEST_CONFIG
from tests.pipeline.corpus import channel_map

ROOT = Path(__file__).resolve().parents[2]


def _expected_urls(key: str, snapshot: str = "t1") -> set[str]:
    """URLs the default-enabled channels of ``key`` list in the oracle."""
    from scrapers.base import get_source

    lists = EXPECTED["snapshots"][snapshot]["lists"]
    on = {c.key for c in get_source(key).info.channels if c.enabled_by_default}
    mapped = {ck: ek for ck, ek in channel_map(key).items() if ck in on}
    return {i["url"] for ek in mapped.values() for i in lists[ek]["items"]}


def test_kill_9_mid_fetch_leaves_a_database_the_next_run_completes(tmp_path, server, fetch):
    db_url = f"sqlite:///{tmp_path / 'rw.sqlite3'}"
    cfg_path = tmp_path / "regwatch.toml"
    cfg_path.write_text(TEST_CONFIG, encoding="utf-8")
    # Details of gov.cn answer slowly: the process is killed while fetching them.
    server.override("www.gov.cn", "/zhengce/content/202403/content_6939232.htm", delay=30)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "--db", db_url, "--config", str(cfg_path), "fetch",
         "--source", "govcn", "--mirror", server.url, "--spacing", "0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    db = Database.open(db_url)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(r.path.endswith("content_6939232.htm") for r in server.requests):
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the fetch never reached the slow detail page")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        with db.read() as s:
            assert s.scalar(select(FetchRun.outcome)) == "running"
            partial = s.scalar(select(func.count()).select_from(Notice))
        assert partial > 0  # list items were stored at once, before any detail

        server.clear_overrides()
        report = fetch(db, ["govcn"])
        assert report.interrupted_runs and report.source("govcn").state in ("ok", "no_new")
        with db.read() as s:
            urls = list(s.scalars(select(Notice.url)))
            outcomes = list(s.scalars(select(FetchRun.outcome).order_by(FetchRun.id)))
            pending = s.scalar(
                select(func.count()).where(Notice.detail_state.in_(("pending", "failed")))
            )
        assert len(urls) == len(set(urls))
        assert set(urls) >= _expected_urls("govcn")
        assert outcomes[0] == "interrupted" and "running" not in outcomes
        assert pending == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        db.close()


def test_stale_runs_of_dead_processes_are_marked_interrupted(sqlite_db):
    with sqlite_db.write() as s:
        dead = FetchRun(
            source="govcn", channels={"_owner": {"host": os.uname().nodename, "pid": 1 << 22}}
        )
        old = FetchRun(source="cac", started_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
        live = FetchRun(source="miit", channels={"_owner": {"host": "elsewhere", "pid": 1}})
        s.add_all([dead, old, live])
    with sqlite_db.write() as s:
        ids = interrupt_stale_runs(s, alive=lambda pid: False)
    with sqlite_db.read() as s:
        got = {r.source: r.outcome for r in s.scalars(select(FetchRun))}
    assert got == {"govcn": "interrupted", "cac": "interrupted", "miit": "running"}
    assert len(ids) == 2


def test_cancel_stops_between_requests_and_keeps_what_was_stored(db, server, fetch):
    stop = threading.Event()

    def progress(ev):
        if ev.phase == "list":
            stop.set()

    report = fetch(db, ["govcn"], progress=progress, cancel=stop)
    rep = report.source("govcn")
    assert report.cancelled and rep.cancelled
    assert list(rep.channels) == ["zuixin"] and rep.details == 0
    assert rep.message.startswith("Stopped on request;") and f"{rep.new} new" in rep.message
    with db.read() as s:
        assert s.scalar(select(FetchRun.outcome)) == "cancelled"
        assert s.scalar(select(func.count()).select_from(Notice)) == rep.new > 0
    again = fetch(db, ["govcn"]).source("govcn")
    assert again.state == "ok" and again.details > 0


def test_fetching_while_another_thread_reads_never_hits_database_locked(sqlite_db, server, fetch):
    errors: list[BaseException] = []
    done = threading.Event()
    reads = 0

    def reader():
        nonlocal reads
        while not done.is_set():
            try:
                with sqlite_db.read() as s:
                    list_notices(NoticeFilter(), s, limit=50)
                reads += 1
            except OperationalError as exc:  # "database is locked" would land here
                errors.append(exc)

    t = threading.Thread(target=reader)
    t.start()
    try:
        keys = ["govcn", "cac", "miit", "sac", "std_samr", "tc260"]
        fetch(sqlite_db, keys)
        server.snapshot = "t2"
        report = fetch(sqlite_db, keys)
    finally:
        done.set()
        t.join()
    assert errors == [] and reads > 0
    assert all(s.state in ("ok", "no_new", "degraded") for s in report.sources), [
        (s.key, s.message) for s in report.sources
    ]


def test_fetch_command_prints_a_summary_and_exits_0_even_when_a_source_fails(
    tmp_path, server, capsys
):
    cfg = tmp_path / "c.toml"
    cfg.write_text(TEST_CONFIG, encoding="utf-8")
    server.override("www.cac.gov.cn", "*", status=500)
    server.override("www.cac.gov.cn", "*", method="POST", status=500)
    args = ["--db", f"sqlite:///{tmp_path / 'x.db'}", "--config", str(cfg)]
    code = main([*args, "fetch", "--source", "govcn", "--source", "cac", "--mirror", server.url,
                 "--spacing", "0", "--max-details", "2"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "govcn" in out and "ok" in out and "details   2" in out
    assert "cac" in out and "error" in out and "www.cac.gov.cn" in out


def test_fetch_command_rejects_an_unknown_source_with_the_known_keys(tmp_path, capsys):
    cfg = tmp_path / "c.toml"
    cfg.write_text(TEST_CONFIG, encoding="utf-8")
    code = main(["--db", f"sqlite:///{tmp_path / 'x.db'}", "--config", str(cfg), "fetch",
                 "--source", "nope"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "'nope'" in err and "govcn" in err and "tc260" in err


def test_first_run_fetches_only_recent_details_and_fills_the_rest_later(db, server, fetch):
    from app.config import parse_config

    cfg = parse_config(
        TEST_CONFIG.replace("first_run_max = 1000", "first_run_max = 2")
        .replace("first_run_days = 36500", "first_run_days = 0")
        .replace("max_details = 1000", "max_details = 3")
    )
    first = fetch(db, ["govcn"], config=cfg).source("govcn")
    assert first.details == 2 and first.new == 8
    with db.read() as s:
        ok = list(s.scalars(select(Notice).where(Notice.detail_state == "ok")))
        newest = sorted(s.scalars(select(Notice)), key=lambda n: n.list_date, reverse=True)[:2]
    assert {n.url for n in ok} == {n.url for n in newest}
    second = fetch(db, ["govcn"], config=cfg).source("govcn")
    assert second.details == 3 and second.state == "no_new"


def test_new_notices_get_an_english_title_from_the_default_hooks(sqlite_db, server, config):
    from app.pipeline import run_cycle

    run_cycle(sqlite_db, config, sources=["govcn"], mirror=server.url, spacing=0)
    with sqlite_db.read() as s:
        notices = list(s.scalars(select(Notice)))
    assert notices and all(n.title_en and n.title_en_provider for n in notices)
    assert any(n.title_en_complete for n in notices)
