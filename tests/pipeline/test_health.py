"""Failures end in named states with one actionable sentence, and never lose stored data."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.config import parse_config
from app.demo.replay import default_corpus_dir
from storage.models import ChannelRecord, FetchRun, Notice, SourceRecord
from tests.pipeline.conftest import TEST_CONFIG

KNOWNSEC = "<html><body>您的IP(203.0.113.9)最近有可疑的攻击行为，请稍后重试。本次事件ID：e1f2</body></html>"
ZUIXIN = "/zhengce/zuixin/ZUIXINZHENGCE.json"


def stored(db) -> dict:
    """Everything a failed run must leave exactly as it was."""
    with db.read() as s:
        return {
            n.url: (
                n.title,
                n.body,
                n.content_hash,
                n.detail_state,
                n.list_date,
                tuple(n.channels),
                n.removed,
                n.doc_number,
                n.published_date,
            )
            for n in s.scalars(select(Notice))
        }


def health(db, key: str) -> tuple[SourceRecord, dict[str, ChannelRecord]]:
    with db.read() as s:
        rec = s.get(SourceRecord, key)
        chans = {c.key: c for c in s.scalars(select(ChannelRecord).filter_by(source_key=key))}
        return rec, chans


def test_waf_block_page_is_blocked_with_the_host_named(db, server, fetch):
    fetch(db, ["cac"])
    before = stored(db)
    server.snapshot = "t2"
    server.override("www.cac.gov.cn", "*", status=200, body=KNOWNSEC)
    server.override("www.cac.gov.cn", "*", method="POST", status=200, body=KNOWNSEC)
    rep = fetch(db, ["cac"]).source("cac")
    assert rep.state == "blocked"
    assert "www.cac.gov.cn" in rep.message and "proxy" in rep.message
    rec, chans = health(db, "cac")
    assert rec.state == "blocked" and rec.message == rep.message
    assert {c.state for c in chans.values()} == {"blocked"}
    assert rec.last_ok is not None and rec.consecutive_failures == 1
    assert stored(db) == before


def test_empty_list_is_broken_and_marks_nothing_removed(db, server, fetch):
    fetch(db, ["govcn"])
    before = stored(db)
    server.override("www.gov.cn", ZUIXIN, body="[]", headers={"Content-Type": "application/json"})
    rep = fetch(db, ["govcn"]).source("govcn")
    assert rep.state == "broken", rep.message
    assert rep.channels["zuixin"].state == "broken"
    assert rep.channels["gwywj"].state == "no_new"
    assert "gov.cn" in rep.message
    assert stored(db) == before  # in particular: nothing flagged removed


def test_server_error_for_ever_is_error_and_loses_nothing(db, server, fetch):
    fetch(db, ["govcn"])
    before = stored(db)
    server.snapshot = "t2"
    server.override("www.gov.cn", "*", status=500, body="oops")
    rep = fetch(db, ["govcn"]).source("govcn")
    assert rep.state == "error"
    assert "www.gov.cn" in rep.message and "500" in rep.message
    assert stored(db) == before
    with db.read() as s:
        run = s.scalars(select(FetchRun).order_by(FetchRun.id.desc())).first()
        assert run.outcome == "error" and run.error == rep.message
        assert run.channels["zuixin"]["state"] == "error"


def test_timeout_is_error(db, server, fetch):
    cfg = parse_config(TEST_CONFIG.replace("timeout = 3.0", "timeout = 0.3"))
    server.override("www.gov.cn", ZUIXIN, delay=1.5)
    rep = fetch(db, ["govcn"], config=cfg).source("govcn")
    assert rep.state == "error"
    assert rep.channels["zuixin"].state == "error"
    assert "did not answer" in rep.channels["zuixin"].message
    assert rep.channels["gwywj"].state == "ok"  # the other channels still ran


def test_failing_detail_keeps_the_list_item_and_is_retried_up_to_a_cap(db, server, fetch):
    url = "https://www.gov.cn/zhengce/content/202508/content_7037861.htm"
    fetch(db, ["govcn"])
    server.snapshot = "t2"
    server.override("www.gov.cn", "/zhengce/content/202508/content_7037861.htm", status=500)
    rep = fetch(db, ["govcn"]).source("govcn")
    # The list was read, one notice still lacks its text: degraded, with the count and cause.
    assert rep.state == "degraded" and rep.details_failed == 1
    assert "1 detail page could not be read" in rep.message and "500" in rep.message
    assert "retried" in rep.message
    with db.read() as s:
        n = s.scalar(select(Notice).filter_by(url=url))
        assert n.detail_state == "failed" and "500" in n.detail_error and n.title
    for _ in range(3):
        fetch(db, ["govcn"])
    with db.read() as s:
        n = s.scalar(select(Notice).filter_by(url=url))
        assert n.detail_state == "failed" and n.extra["_detail_attempts"] == 3
    server.clear_requests()
    fetch(db, ["govcn"])  # capped: no more attempts
    assert not [r for r in server.requests if r.path.endswith("content_7037861.htm")]


def test_failed_detail_is_filled_by_a_later_cycle(db, server, fetch):
    url = "https://www.gov.cn/zhengce/content/202508/content_7037861.htm"
    server.snapshot = "t2"
    server.override(
        "www.gov.cn", "/zhengce/content/202508/content_7037861.htm", status=503, times=2
    )
    fetch(db, ["govcn"])
    rep = fetch(db, ["govcn"]).source("govcn")
    assert rep.details == 1 and rep.state == "no_new"
    with db.read() as s:
        n = s.scalar(select(Notice).filter_by(url=url))
        assert n.detail_state == "ok" and n.body and n.detail_error is None


def test_sources_json_lists_channels_with_their_states(db, server, fetch, capsys):
    from app.source_health import source_health

    server.override("www.gov.cn", ZUIXIN, body="[]", headers={"Content-Type": "application/json"})
    fetch(db, ["govcn"])
    with db.read() as s:
        rows = {h.key: h.as_json() for h in source_health(s, parse_config(TEST_CONFIG))}
    gov = rows["govcn"]
    assert gov["state"] == "broken"
    states = {c["key"]: c["state"] for c in gov["channels"]}
    assert states["zuixin"] == "broken" and states["gwywj"] == "ok"
    assert states["gongbao"] == "never_run"  # disabled by default
    assert rows["cac"]["state"] == "never_run"
    json.dumps(rows)


def test_validators_are_kept_so_an_unchanged_feed_costs_a_304(db, server, fetch):
    fetch(db, ["govcn"])
    server.clear_requests()
    rep = fetch(db, ["govcn"]).source("govcn")
    feed = [r for r in server.requests if r.path == ZUIXIN]
    assert len(feed) == 1 and "If-None-Match" in feed[0].headers
    assert rep.channels["zuixin"].not_modified and rep.state == "no_new"


def test_a_broken_page_leaves_no_validator_behind(db, server, fetch):
    body = (
        default_corpus_dir() / "hosts/www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE@t1.json"
    ).read_bytes()
    server.override(
        "www.gov.cn", ZUIXIN, body="[]", headers={"Content-Type": "application/json", "ETag": '"e"'}
    )
    assert fetch(db, ["govcn"]).source("govcn").state == "broken"
    server.clear_overrides()
    server.override("www.gov.cn", ZUIXIN, body=body, headers={"Content-Type": "application/json"})
    rep = fetch(db, ["govcn"]).source("govcn")
    assert rep.channels["zuixin"].state == "ok" and rep.channels["zuixin"].new > 0
