"""An interrupted list walk resumes from its persisted frontier: no notice published between
two runs is lost, whatever fails in between (page-2 5xx, a cut connection, Ctrl-C, kill -9)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.db import Database
from storage.models import ChannelRecord, FetchRun, Notice
from tests.pipeline.conftest import TEST_CONFIG
from tests.pipeline.paged_site import HOST, PagedSite

ROOT = Path(__file__).resolve().parents[2]


def stored_urls(db) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(Notice.url).where(Notice.source == "tpaged")))


def frontier(db):
    with db.read() as s:
        rec = s.get(ChannelRecord, ("tpaged", "news"))
        return rec.walk if rec is not None else None


def list_requests(server) -> list[str]:
    return [r.path for r in server.requests if r.host == HOST and r.path.startswith("/list/")]


@pytest.fixture()
def site(server) -> PagedSite:
    site = PagedSite(server)
    site.publish(12)
    site.serve()
    return site


def _fault(server, site: PagedSite, kind: str, stop: threading.Event):
    """Break the walk after page 1 was stored; returns extra run kwargs."""
    path = site.page_path(2)
    if kind == "5xx":
        server.override(HOST, path, status=500, body="busy")
    elif kind == "cut":
        server.override(HOST, path, drop=True)
    elif kind == "cancel":

        def progress(ev):
            if ev.phase == "list" and ev.done == 1:
                stop.set()

        return {"progress": progress, "cancel": stop}
    return {}


@pytest.mark.parametrize("kind", ["5xx", "cut", "cancel"])
def test_item_pushed_to_page_2_during_an_interrupted_walk_is_stored_next_run(
    db, server, fetch, site, kind
):
    first = fetch(db, ["tpaged"]).source("tpaged")
    assert first.new == 12 and frontier(db) is None
    fresh = site.publish(7)  # 5 fill page 1, 2 land on page 2 with old ones
    site.serve()
    stop = threading.Event()
    broken = fetch(db, ["tpaged"], **_fault(server, site, kind, stop)).source("tpaged")
    assert broken.new == 5
    assert set(fresh[2:]) <= set(stored_urls(db)) and not set(fresh[:2]) & set(stored_urls(db))
    assert frontier(db) is not None  # the walk is unfinished: its frontier is kept

    site.serve()  # the fault is gone; nothing new was published meanwhile
    server.clear_requests()
    again = fetch(db, ["tpaged"]).source("tpaged")
    assert again.state == "ok" and again.new == 2 and again.channels["news"].resumed
    urls = stored_urls(db)
    assert len(urls) == len(set(urls)) == 19
    assert {it["url"] for it in site.items} == set(urls)
    assert frontier(db) is None
    # The next run is back to one page: the frontier closed on a page with nothing new.
    server.clear_requests()
    assert fetch(db, ["tpaged"]).source("tpaged").state == "no_new"
    assert list_requests(server) == ["/list/index.json"]


def test_two_interrupted_walks_in_a_row_still_lose_nothing(db, server, fetch, site):
    fetch(db, ["tpaged"])
    site.publish(8)
    site.serve()
    server.override(HOST, site.page_path(2), status=503)
    fetch(db, ["tpaged"])
    site.publish(6)  # pushes the unread rows deeper still
    site.serve()
    server.override(HOST, site.page_path(3), status=503)
    fetch(db, ["tpaged"])
    site.serve()
    assert fetch(db, ["tpaged"]).source("tpaged").state in ("ok", "no_new")
    assert set(stored_urls(db)) == {it["url"] for it in site.items}
    assert frontier(db) is None


def test_a_frontier_row_removed_from_the_site_is_passed_by_its_date(db, server, fetch, site):
    fetch(db, ["tpaged"])
    site.publish(7)
    site.serve()
    server.override(HOST, site.page_path(2), status=500)
    fetch(db, ["tpaged"])
    deepest = frontier(db)["url"]
    site.items = [it for it in site.items if it["url"] != deepest]
    site.serve()
    fetch(db, ["tpaged"])
    assert {it["url"] for it in site.items} <= set(stored_urls(db))
    assert frontier(db) is None


def test_unchanged_paged_list_costs_one_page(db, server, fetch, site):
    fetch(db, ["tpaged"])
    server.clear_requests()
    rep = fetch(db, ["tpaged"]).source("tpaged")
    assert rep.state == "no_new" and list_requests(server) == ["/list/index.json"]


def test_kill_9_between_pages_then_the_next_run_stores_every_item_once(tmp_path, server, site):
    from app.config import parse_config
    from app.pipeline import PipelineHooks, run_cycle

    db_url = f"sqlite:///{tmp_path / 'rw.sqlite3'}"
    cfg_path = tmp_path / "regwatch.toml"
    cfg_path.write_text(TEST_CONFIG, encoding="utf-8")
    db = Database.open(db_url)
    config = parse_config(TEST_CONFIG)

    def run():
        return run_cycle(db, config, sources=["tpaged"], mirror=server.url, spacing=0,
                         hooks=PipelineHooks(), client_options={"backoff": 0.01})  # fmt: skip

    run()
    site.publish(7)
    site.serve()
    server.override(HOST, site.page_path(2), delay=30)  # the process dies waiting for page 2
    server.clear_requests()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.pipeline_sources", "--db", db_url, "--config",
         str(cfg_path), "fetch", "--source", "tpaged", "--mirror", server.url, "--spacing", "0"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not any(r.path == site.page_path(2) for r in server.requests):
            assert time.monotonic() < deadline, "the fetch never asked for page 2"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(Notice)) == 17
        assert frontier(db) is not None
        site.serve()
        report = run()
        assert report.interrupted_runs
        urls = stored_urls(db)
        assert len(urls) == len(set(urls)) == 19
        with db.read() as s:
            outcomes = list(s.scalars(select(FetchRun.outcome).order_by(FetchRun.id)))
        assert "interrupted" in outcomes and "running" not in outcomes
    finally:
        if proc.poll() is None:
            proc.kill()
        db.close()
