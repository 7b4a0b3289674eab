"""Edits become versions, stage changes become stage versions, vanished items are flagged
removed (only from complete lists, within the span they cover) and un-flagged on return."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.config import parse_config
from app.demo.replay import default_corpus_dir
from storage.models import Notice, NoticeVersion
from tests.pipeline.conftest import TEST_CONFIG

CORPUS = default_corpus_dir()
ZUIXIN = "/zhengce/zuixin/ZUIXINZHENGCE.json"
JSON = {"Content-Type": "application/json"}


def notice(db, url: str) -> Notice:
    with db.read() as s:
        n = s.scalar(select(Notice).filter_by(url=url))
        n.versions  # noqa: B018 - load while the session is open
        return n


def test_edited_detail_page_keeps_the_old_text_as_a_version(db, server, fetch):
    path = "/zhengce/202502/content_7009262.htm"
    url = "https://www.gov.cn" + path
    cfg = parse_config(TEST_CONFIG.replace("recheck_hours = 24", "recheck_hours = 0"))
    fetch(db, ["govcn"], config=cfg)
    old = notice(db, url)
    assert old.detail_state == "ok" and old.versions == []
    html = (CORPUS / "hosts/www.gov.cn" / path.lstrip("/")).read_text(encoding="utf-8")
    edited = html.replace("</p>", "（修订：新增一段说明。）</p>", 1)
    assert edited != html
    server.snapshot = "t2"
    server.override("www.gov.cn", path, body=edited)
    rep = fetch(db, ["govcn"], config=cfg).source("govcn")
    new = notice(db, url)
    assert [v.kind for v in new.versions] == ["edited"]
    assert new.versions[0].body == old.body and new.versions[0].content_hash == old.content_hash
    assert "新增一段说明" in new.body and new.content_hash != old.content_hash
    assert new.id in rep.changed_ids and rep.updated == 1
    with db.read() as s:  # the unchanged pages re-checked in the same run kept no version
        assert s.scalar(select(NoticeVersion.id).where(NoticeVersion.notice_id != new.id)) is None


def test_recheck_respects_recheck_hours(db, server, fetch):
    fetch(db, ["govcn"])
    server.clear_requests()
    fetch(db, ["govcn"])
    assert not [r for r in server.requests if r.path.endswith(".htm")]


def test_stage_change_in_the_plan_list_is_a_stage_version(db, server, fetch):
    url = "https://std.samr.gov.cn/gb/search/gbDetailed?id=D13DB1B755CBE7C10DFC177725667D02"
    fetch(db, ["std_samr"])
    assert notice(db, url).stage == "发布"
    data = json.loads(
        (CORPUS / "hosts/std.samr.gov.cn/gb/search/gbProcessInfoPage/all_p1@t1.json").read_text(
            encoding="utf-8"
        )
    )
    for row in data["rows"]:
        if row["id"] == "D13DB1B755CBE7C10DFC177725667D02":
            row["CURRENT_LINK"] = "实施"
    server.override(
        "std.samr.gov.cn", "/gb/search/gbProcessInfoPage", body=json.dumps(data), headers=JSON
    )
    rep = fetch(db, ["std_samr"]).source("std_samr")
    n = notice(db, url)
    assert n.stage == "实施"
    assert [(v.kind, v.stage) for v in n.versions] == [("stage", "发布")]
    assert rep.updated == 1 and rep.new == 0


def _feed_without(*urls: str) -> str:
    rows = json.loads(
        (CORPUS / "hosts/www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE@t1.json").read_text(
            encoding="utf-8-sig"
        )
    )
    return json.dumps([r for r in rows if r["URL"] not in urls], ensure_ascii=False)


def test_item_gone_from_a_complete_feed_is_removed_and_restored_when_back(db, server, fetch):
    middle = "https://www.gov.cn/zhengce/2022-12/19/content_5732695.htm"  # only in 最新政策
    oldest = "https://www.gov.cn/zhengce/content/2021-10/25/content_5644835.htm"
    fetch(db, ["govcn"])
    server.override(
        "www.gov.cn", ZUIXIN, body=_feed_without(middle), headers={**JSON, "ETag": '"v2"'}
    )
    rep = fetch(db, ["govcn"]).source("govcn")
    assert rep.removed == 1 and rep.channels["zuixin"].removed == 1
    assert notice(db, middle).removed and notice(db, middle).removed_at is not None
    assert notice(db, middle).body  # flagged, never deleted or blanked

    server.clear_overrides()  # back: the original feed, with its own ETag
    rep = fetch(db, ["govcn"]).source("govcn")
    assert not notice(db, middle).removed
    assert rep.channels["zuixin"].restored == 1

    # The oldest row falling off the end of the feed is paging, not removal.
    server.override(
        "www.gov.cn", ZUIXIN, body=_feed_without(oldest), headers={**JSON, "ETag": '"v3"'}
    )
    assert fetch(db, ["govcn"]).source("govcn").removed == 0
    assert not notice(db, oldest).removed


def test_item_still_listed_in_another_channel_is_not_removed(db, server, fetch):
    both = "https://www.gov.cn/zhengce/content/202403/content_6939232.htm"  # 最新政策 + 国务院文件
    fetch(db, ["govcn"])
    assert set(notice(db, both).channels) == {"zuixin", "gwywj"}
    server.override("www.gov.cn", ZUIXIN, body=_feed_without(both), headers={**JSON, "ETag": '"x"'})
    fetch(db, ["govcn"])
    assert not notice(db, both).removed


def test_paged_lists_do_not_mark_removals_by_omission_alone(db, server, fetch):
    fetch(db, ["cac"])
    server.snapshot = "t2"
    rep = fetch(db, ["cac"]).source("cac")
    assert rep.removed == 0
    with db.read() as s:
        assert s.scalar(select(Notice.id).where(Notice.removed.is_(True))) is None
