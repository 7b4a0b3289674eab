"""Removals and edits on paged lists: a row gone from the window a walk read is probed, a changed
list title is a version, and older notices are re-checked on a slow rolling schedule."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from app.config import parse_config
from app.pipeline.removals import looks_removed
from storage.models import Notice, NoticeVersion
from tests.pipeline.conftest import TEST_CONFIG
from tests.pipeline.paged_site import HOST, PagedSite


def notice(db, url: str) -> Notice:
    with db.read() as s:
        n = s.scalar(select(Notice).filter_by(url=url))
        _ = list(n.versions)  # load while the session is open
        return n


def detail_requests(server) -> list[str]:
    return [r.path for r in server.requests if r.host == HOST and r.path.startswith("/detail/")]


@pytest.fixture()
def site(server) -> PagedSite:
    site = PagedSite(server)
    site.publish(12)
    site.serve()
    return site


def test_a_row_gone_from_the_window_and_answering_404_is_removed(db, server, fetch, site):
    fetch(db, ["tpaged"])
    gone, moved = site.items[1], site.items[3]
    site.items.remove(gone)
    site.items.remove(moved)  # off the list, but its page still answers: not removed
    site.removed.add(gone["url"])
    site.serve()
    server.override(HOST, gone["url"].split(HOST, 1)[1], status=404)
    server.override(HOST, moved["url"].split(HOST, 1)[1], body="<p>正文仍在</p>")
    server.clear_requests()
    rep = fetch(db, ["tpaged"]).source("tpaged")
    assert rep.removed == 1 and rep.channels["news"].removed == 1
    assert notice(db, gone["url"]).removed and not notice(db, moved["url"]).removed
    # Only rows inside the window read (page 1: the five newest) were probed.
    probed = set(detail_requests(server))
    assert probed == {u["url"].split(HOST, 1)[1] for u in (gone, moved)}


def test_a_page_saying_it_was_taken_down_counts_as_removed(db, server, fetch, site):
    fetch(db, ["tpaged"])
    gone = site.items[0]
    site.items.remove(gone)
    site.serve()
    server.override(
        HOST,
        gone["url"].split(HOST, 1)[1],
        body="<html><body><h1>您访问的页面不存在或已被删除</h1></body></html>",
    )
    assert fetch(db, ["tpaged"]).source("tpaged").removed == 1
    assert notice(db, gone["url"]).removed


def test_removal_pages_are_recognised_by_what_they_say():
    assert looks_removed("<html><body><p>该信息已撤销</p></body></html>")
    article = "<p>" + "关于页面不存在问题的整改通知。" * 100 + "</p>"
    assert not looks_removed(article)


def test_a_changed_list_title_for_a_known_url_becomes_a_version(db, server, fetch, site):
    fetch(db, ["tpaged"])
    edited = site.items[2]
    old_title = edited["title"]
    edited["title"] = old_title + "（修订）"
    site.serve()
    rep = fetch(db, ["tpaged"]).source("tpaged")
    n = notice(db, edited["url"])
    assert n.title == edited["title"] and rep.updated == 1
    (version,) = n.versions
    assert version.kind == "title" and version.fields["list_title"] == old_title
    again = fetch(db, ["tpaged"]).source("tpaged")  # the same title again: no new version
    assert again.updated == 0 and len(notice(db, edited["url"]).versions) == 1


def test_older_notices_are_rechecked_oldest_first_within_the_period(db, server, fetch, site):
    cfg = parse_config(
        TEST_CONFIG.replace("recheck_days = 36500", "recheck_days = 1")
        + "recheck_period_days = 30\nrecheck_per_run = 2\n"
    )
    fetch(db, ["tpaged"], config=cfg)
    now = dt.datetime.now(dt.UTC)
    oldest, older, recent = site.items[5], site.items[7], site.items[9]
    with db.write() as s:  # every notice checked 2 days ago but three of them
        s.execute(update(Notice).values(detail_checked_at=now - dt.timedelta(days=2)))
        for item, days in ((oldest, 40), (older, 20), (recent, 10)):
            s.execute(
                update(Notice)
                .where(Notice.url == item["url"])
                .values(detail_checked_at=now - dt.timedelta(days=days))
            )
    server.override(HOST, oldest["url"].split(HOST, 1)[1], body="<p>正文已修改</p>")
    server.clear_requests()
    rep = fetch(db, ["tpaged"], config=cfg).source("tpaged")
    probed = detail_requests(server)
    assert probed == [oldest["url"].split(HOST, 1)[1], older["url"].split(HOST, 1)[1]]
    assert rep.updated == 1 and rep.state == "no_new"
    with db.read() as s:
        kinds = list(s.scalars(select(NoticeVersion.kind)))
    assert kinds == ["edited"]
