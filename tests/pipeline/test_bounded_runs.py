"""Every run ends in a named state within a bounded time: a parser stuck on a page is stopped by
the parse budget (``broken``), a deep or undecodable page is ``broken``, not an internal error."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest

from app.config import parse_config
from app.pipeline.budget import BudgetedFetcher, ParseBudget
from scrapers import base
from scrapers.base import Channel, ParseBudgetExceeded, SourceInfo
from tests.pipeline.conftest import TEST_CONFIG
from tests.pipeline.paged_site import HOST, PagedSite
from tests.pipeline_sources import PagedSource


class StuckSource(PagedSource):
    """Reads the paged list, then loops for ever on it (a quadratic parser, in the limit)."""

    info: ClassVar[SourceInfo] = SourceInfo(
        key="tstuck",
        name_zh="卡住",
        name_en="Test stuck",
        home=f"https://{HOST}/",
        channels=(Channel("news", "新闻", "News", f"https://{HOST}/list/index.json"),),
    )

    def list_pages(self, channel, fetcher):
        fetcher.get(f"https://{HOST}/list/index.json")
        n = 0
        while True:  # never returns: only the budget can end it
            n += 1
        yield  # pragma: no cover


class DeepSource(PagedSource):
    info: ClassVar[SourceInfo] = SourceInfo(
        key="tdeep",
        name_zh="深",
        name_en="Test deep",
        home=f"https://{HOST}/",
        channels=(Channel("news", "新闻", "News", f"https://{HOST}/list/index.json"),),
    )

    def list_pages(self, channel, fetcher):
        def nest(n):  # a tree walk on a page nested deeper than the stack
            return nest(n + 1)

        fetcher.get(f"https://{HOST}/list/index.json")
        nest(0)
        yield  # pragma: no cover


@pytest.fixture()
def extra_sources(monkeypatch):
    monkeypatch.setitem(base._REGISTRY, "tstuck", StuckSource)
    monkeypatch.setitem(base._REGISTRY, "tdeep", DeepSource)


def test_a_parser_stuck_on_a_page_is_stopped_by_the_budget_and_named_broken(
    sqlite_db, server, fetch, extra_sources
):
    site = PagedSite(server)
    site.publish(3)
    site.serve()
    cfg = parse_config(TEST_CONFIG + "parse_budget = 0.2\n")
    report = fetch(sqlite_db, ["tstuck", "tpaged"], config=cfg)
    stuck = report.source("tstuck")
    assert stuck.state == "broken" and "fetch.parse_budget" in stuck.message
    assert report.source("tpaged").state == "ok"  # the other source was not held up


def test_a_page_nested_too_deep_is_broken_not_an_internal_error(
    sqlite_db, server, fetch, extra_sources
):
    site = PagedSite(server)
    site.publish(1)
    site.serve()
    rep = fetch(sqlite_db, ["tdeep"]).source("tdeep")
    assert rep.state == "broken" and "nested too deeply" in rep.message
    assert "please report" not in rep.message


def test_the_budget_counts_parsing_not_requests():
    now = [0.0]
    budget = ParseBudget(5.0, clock=lambda: now[0], poll=3600)  # the test drives check()

    class Slow:
        def get(self, url, **kw):
            now[0] += 100.0  # a request that takes long: not the parser's time
            return None

    fetcher = BudgetedFetcher(Slow(), budget)
    outcome: list[str] = []
    inside, release = threading.Event(), threading.Event()

    def source_code():
        try:
            with budget.running():
                fetcher.get("https://x.example/")
                inside.set()
                while not release.is_set():  # parsing
                    pass
            outcome.append("finished")
        except ParseBudgetExceeded:
            outcome.append("stopped")

    t = threading.Thread(target=source_code)
    t.start()
    inside.wait(5)
    assert not budget.check()  # 100 s inside the request did not count
    now[0] += 4.0
    assert not budget.check()
    now[0] += 2.0
    assert budget.check()
    t.join(5)
    release.set()
    assert outcome == ["stopped"]
    budget.close()


def _fetch_process(tmp_path, server):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    cfg = tmp_path / "c.toml"
    cfg.write_text(TEST_CONFIG, encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'rw.sqlite3'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.pipeline_sources", "--db", db_url, "--config", str(cfg),
         "fetch", "--source", "tpaged", "--mirror", server.url, "--spacing", "0"],
        cwd=root, env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    return proc, db_url


def _wait_for_request(server, path: str) -> None:
    import time

    deadline = time.monotonic() + 60
    while not any(r.path == path for r in server.requests):
        assert time.monotonic() < deadline, f"the fetch never asked for {path}"
        time.sleep(0.05)


def test_ctrl_c_ends_a_fetch_stuck_on_a_slow_drip_page(tmp_path, server):
    import signal

    from sqlalchemy import func, select

    from storage.db import Database
    from storage.models import Notice, SourceRecord

    site = PagedSite(server)
    site.publish(7)
    site.serve()
    # Page 2 drips one byte every 50 ms: it would take hours, and never trips the read timeout.
    server.override(HOST, site.page_path(2), body=b" " * 200_000, drip=0.05)
    proc, db_url = _fetch_process(tmp_path, server)
    try:
        _wait_for_request(server, site.page_path(2))
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    db = Database.open(db_url)
    try:
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(Notice)) == 5  # page 1 is kept
            rec = s.get(SourceRecord, "tpaged")  # recorded as cancelled with what it stored
            assert rec.state == "cancelled" and "5 new items" in rec.message
    finally:
        db.close()
    assert "stopping after the current requests" in err


def test_a_second_ctrl_c_quits_at_once(monkeypatch, capsys):
    import os
    import signal

    from app.commands import fetch as fetch_command

    exits: list[int] = []

    def fake_exit(code: int) -> None:
        exits.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(fetch_command.os, "_exit", fake_exit)
    announced: list[bool] = []
    with pytest.raises(SystemExit):
        with fetch_command.stop_on_sigint(lambda: announced.append(True)) as stop:
            os.kill(os.getpid(), signal.SIGINT)
            assert stop.wait(5) and announced == [True]
            os.kill(os.getpid(), signal.SIGINT)
            threading.Event().wait(5)  # the handler runs in the main thread meanwhile
    assert exits == [130] and "quitting now" in capsys.readouterr().err
