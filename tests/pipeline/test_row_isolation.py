"""One bad row never blocks a page: text is cleaned before storage, an unstorable row is skipped
and named; health says ``degraded`` / ``cancelled`` in one or two sentences, never SQL."""

from __future__ import annotations

import json
import os
import re
import threading

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.pipeline.report import short_error
from storage.clean import MAX_TITLE, clean_json, clean_text
from storage.fetch_state import interrupt_stale_runs
from storage.models import ChannelRecord, FetchRun, Notice, SourceRecord
from tests.pipeline.paged_site import HOST, PagedSite

STATES = {"never_run", "ok", "no_new", "degraded", "broken", "blocked", "error", "cancelled"}


def sentences(text: str) -> int:
    return len([s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9])", text.strip()) if s])


@pytest.fixture()
def site(server) -> PagedSite:
    site = PagedSite(server)
    site.publish(6)
    return site


def test_bad_characters_are_cleaned_and_an_unstorable_row_is_skipped_and_named(
    db, server, fetch, site
):
    site.items[0]["title"] = "关于\ud800数据\x00安全\ufffe的通知\udfff"
    site.items[1]["title"] = "长" * 50_000
    long_url = f"https://{HOST}/detail/" + "x" * 2100 + ".htm"
    site.items[2]["url"] = long_url
    site.serve()
    rep = fetch(db, ["tpaged"]).source("tpaged")
    with db.read() as s:
        notices = {n.url: n for n in s.scalars(select(Notice))}
    assert len(notices) == 5 and long_url not in notices
    assert notices[site.items[0]["url"]].title == "关于数据安全的通知"
    assert len(notices[site.items[1]["url"]].title) == MAX_TITLE
    assert rep.state == "degraded" and rep.new == 5
    assert "1 list row could not be stored" in rep.message and "too long" in rep.message
    assert sentences(rep.message) <= 2 and "INSERT" not in rep.message
    skipped = rep.channels["news"].to_json()["skipped"]
    assert [s["url"] for s in skipped] == [long_url]
    # The next run stores nothing twice and still names the row it cannot store.
    again = fetch(db, ["tpaged"]).source("tpaged")
    assert again.new == 0 and again.state == "degraded"


def test_bad_characters_in_a_detail_page_are_cleaned_and_rechecks_see_no_edit(
    db, server, fetch, site
):
    site.serve()
    url = site.items[0]["url"]
    path = url.split(HOST, 1)[1]
    server.override(HOST, path, body="<p>正文\x00第一条\ufdd0</p>".encode())
    cfg_first = fetch(db, ["tpaged"]).source("tpaged")
    assert cfg_first.state == "ok"
    with db.read() as s:
        n = s.scalar(select(Notice).filter_by(url=url))
        assert "\x00" not in n.body and "\ufdd0" not in n.body and "第一条" in n.body
        assert not n.versions


def test_cleaning_rules():
    assert clean_text("a\ud800b\x00c\x07d\ufffee\U0001fffe\tf\ng") == "abcde\tf\ng"
    assert clean_text("x" * 10, 4) == "xxxx"
    assert clean_json({"k\x00": ["\udc00v", float("nan"), {"n": 1}]}) == {
        "k": ["v", None, {"n": 1}]
    }


def test_database_errors_are_one_short_line_without_sql(sqlite_db):
    with pytest.raises(IntegrityError) as info:
        with sqlite_db.write() as s:
            s.add(Notice(source="x", url="https://a.example/1", title="t" * 3000, channels=[]))
            s.add(Notice(source="x", url="https://a.example/1", title="t" * 3000, channels=[]))
    assert "INSERT" in str(info.value)  # SQLAlchemy's own text carries the statement
    line = short_error(info.value)
    assert "INSERT" not in line and "SQL" not in line and len(line) <= 160
    assert line.startswith("IntegrityError") and "UNIQUE" in line


def test_a_cancelled_run_is_recorded_with_what_it_stored(db, server, fetch, site, capsys):
    from app.source_health import source_health

    site.publish(10)
    site.serve()
    stop = threading.Event()

    def progress(ev):
        if ev.phase == "list" and ev.done == 1:
            stop.set()

    rep = fetch(db, ["tpaged"], progress=progress, cancel=stop).source("tpaged")
    assert rep.state == "cancelled" and rep.new == 5
    assert rep.message.startswith("Stopped on request; 5 new items stored")
    with db.read() as s:
        src = s.get(SourceRecord, "tpaged")
        chan = s.get(ChannelRecord, ("tpaged", "news"))
        run = s.scalar(select(FetchRun))
        health = {h.key: h.as_json() for h in source_health(s)}
    assert src.state == "cancelled" and "5 new items" in src.message
    assert chan.state == "cancelled" and run.outcome == "cancelled" and run.new_items == 5
    assert health["tpaged"]["state"] == "cancelled"
    assert {h["state"] for h in health.values()} <= STATES


def test_a_killed_run_is_recorded_as_cancelled_with_what_it_stored(sqlite_db):
    with sqlite_db.write() as s:
        run = FetchRun(
            source="tpaged", channels={"_owner": {"host": os.uname().nodename, "pid": 1 << 22}}
        )
        s.add(run)
        s.flush()
        s.add(Notice(source="tpaged", url="https://a.example/1", title="t", channels=["news"]))
    with sqlite_db.write() as s:
        assert interrupt_stale_runs(s, alive=lambda pid: False)
    with sqlite_db.read() as s:
        src = s.get(SourceRecord, "tpaged")
        assert src.state == "cancelled" and "1 new item had been stored" in src.message
        assert s.scalar(select(FetchRun.new_items)) == 1


def test_sources_json_states_are_the_documented_ones(db, server, fetch, site, tmp_path, capsys):
    from app.cli import main

    site.serve()
    fetch(db, ["tpaged"])
    url = db.url if hasattr(db, "url") else None
    assert url is None or url
    with db.read() as s:
        from app.source_health import source_health

        rows = [h.as_json() for h in source_health(s)]
    assert {r["state"] for r in rows} <= STATES
    assert all(c["state"] in STATES for r in rows for c in r["channels"])
    assert json.dumps(rows)  # plain data
    assert main is not None


def test_a_run_stopped_before_it_began_leaves_the_last_state(db, server, fetch, site):
    site.serve()
    fetch(db, ["tpaged"])
    stop = threading.Event()
    stop.set()
    rep = fetch(db, ["tpaged"], cancel=stop).source("tpaged")
    assert rep.cancelled and not rep.channels
    with db.read() as s:
        assert s.get(SourceRecord, "tpaged").state == "ok"
        outcomes = list(s.scalars(select(FetchRun.outcome).order_by(FetchRun.id)))
    assert outcomes == ["ok", "cancelled"]
