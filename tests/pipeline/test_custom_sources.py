"""User-defined sources against pages regwatch has never seen, over the replay server.

The made-up sites (tests/fixtures/custom_site, written by its build.py) are a provincial
department's GB2312 HTML list with paging and an open-data JSON API; t2 adds a notice to each
and drops one from the JSON list.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main as cli_main
from app.config import parse_config
from app.demo.replay import ReplayServer
from app.pipeline import PipelineHooks, run_cycle
from app.services import test_source as check_source
from scrapers.base import set_custom_sources
from storage.models import ChannelRecord, Notice, SourceRecord
from storage.queries import version_counts
from tests.pipeline.conftest import TEST_CONFIG

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "custom_site"
HTML_LIST = "https://kjt.example.gov.cn/tzgg/index.html"
JSON_LIST = "https://data.example.org.cn/api/notices"

CUSTOM = f"""
[custom_sources.kjt]
name = "某省科学技术厅 通知公告"
list_url = "{HTML_LIST}"
item = "ul.news-list > li"
date = "span.date"
next_page = "div.page a.next"
detail_body = "div.article-content"
interval = 120

[custom_sources.open_data]
name = "某数据开放平台"
list_url = "{JSON_LIST}"
format = "json"
items = "data.list"
title = "title"
url = "link"
date = "meta.pubDate"
"""


@pytest.fixture()
def site():
    with ReplayServer(SITE, snapshot="t1") as srv:
        yield srv


@pytest.fixture()
def custom_config():
    return parse_config(TEST_CONFIG + CUSTOM)


@pytest.fixture()
def run(site, custom_config):
    def go(db, sources):
        return run_cycle(
            db,
            custom_config,
            sources=sources,
            mirror=site.url,
            spacing=0,
            hooks=PipelineHooks(),
            client_options={"backoff": 0.01, "max_backoff": 0.05},
        )

    return go


def notices(db, source: str) -> dict[str, Notice]:
    with db.read() as s:
        rows = s.scalars(select(Notice).where(Notice.source == source)).all()
        for n in rows:
            s.expunge(n)
        return {n.url: n for n in rows}


def test_html_list_source_stores_titles_links_dates_and_walks_the_next_page(db, run):
    rep = run(db, ["kjt"]).source("kjt")
    assert rep.state == "ok", rep.message
    got = notices(db, "kjt")
    assert len(got) == 4  # three on page 1, one on page 2; the javascript: row is not a notice
    ethics = got["https://kjt.example.gov.cn/tzgg/202401/t20240105_3.html"]
    # the full title from title="…", not the visible text cut short with "..."
    assert ethics.title == "关于公开征求《人工智能伦理审查办法（试行）（征求意见稿）》意见的通知"
    assert ethics.list_date == dt.date(2024, 1, 5)
    dates = {u.rsplit("/", 1)[1]: n.list_date for u, n in got.items()}
    assert dates == {
        "t20240105_3.html": dt.date(2024, 1, 5),
        "t20240103_2.html": dt.date(2024, 1, 3),  # 2024/1/3
        "t20231228_1.html": dt.date(2023, 12, 28),  # 2023年12月28日
        "t20231220_0.html": dt.date(2023, 12, 20),  # 2023.12.20
    }
    # a relative link out of the list's folder resolves against the page URL
    assert "https://kjt.example.gov.cn/zcfg/202312/t20231228_1.html" in got


def test_detail_pages_are_read_by_label_and_by_the_body_selector(db, run):
    run(db, ["kjt"])
    n = notices(db, "kjt")["https://kjt.example.gov.cn/tzgg/202401/t20240105_3.html"]
    assert n.detail_state == "ok"
    assert n.issuers == ["某省科学技术厅"]
    assert n.doc_number == "某科监〔2024〕3号"
    assert n.written_date == dt.date(2024, 1, 4)
    assert n.published_date == dt.date(2024, 1, 5)
    assert n.comment_deadline == dt.date(2024, 1, 31)
    assert n.body.startswith("各设区市科技局，各有关单位：")
    assert "首页" not in n.body and "版权所有" not in n.body  # menus and footer are not the body
    assert [a["url"] for a in n.attachments] == [
        "https://kjt.example.gov.cn/tzgg/202401/P020240105381.pdf"
    ]


def test_only_new_notices_are_added_on_a_later_run(db, run, site):
    run(db, ["kjt"])
    first = set(notices(db, "kjt"))
    site.snapshot = "t2"
    rep = run(db, ["kjt"]).source("kjt")
    assert rep.state == "ok" and rep.new == 1, rep.message
    added = set(notices(db, "kjt")) - first
    assert added == {"https://kjt.example.gov.cn/tzgg/202401/t20240110_4.html"}
    rep = run(db, ["kjt"]).source("kjt")  # nothing changed since: a conditional request, 304
    assert rep.state == "no_new"
    assert rep.channels["list"].not_modified


def test_an_edited_detail_page_becomes_a_new_version(db, site):
    config = parse_config(TEST_CONFIG.replace("recheck_hours = 24", "recheck_hours = 0") + CUSTOM)

    def go():
        return run_cycle(
            db, config, sources=["kjt"], mirror=site.url, spacing=0, hooks=PipelineHooks()
        ).source("kjt")

    go()
    site.snapshot = "t2"
    rep = go()
    assert rep.updated >= 1, rep.message
    url = "https://kjt.example.gov.cn/tzgg/202401/t20240103_2.html"
    n = notices(db, "kjt")[url]
    assert n.body.endswith("以本细则为准。")
    with db.read() as s:
        assert version_counts(s, [n.id]) == {n.id: 1}  # the text before the edit is kept


def test_json_list_source_reads_dotted_paths_and_every_date_form(db, run):
    rep = run(db, ["open_data"]).source("open_data")
    assert rep.state == "ok", rep.message
    got = notices(db, "open_data")
    by_id = {u.rsplit("/", 1)[1]: n for u, n in got.items()}
    assert {k: n.list_date for k, n in by_id.items()} == {
        "n103.html": dt.date(2024, 1, 4),  # epoch milliseconds, Beijing date
        "n102.html": dt.date(2024, 1, 2),  # 2024年1月2日
        "n101.html": dt.date(2023, 12, 20),  # epoch seconds
    }
    assert by_id["n102.html"].title == "算力基础设施高质量发展行动计划解读"
    # no detail_body: the largest text block is the body, menus and side lists are not
    body = by_id["n102.html"].body
    assert body.startswith("近日，") and "有关负责人表示" in body
    assert "栏目导航" not in body and "首页" not in body


def test_a_notice_gone_from_a_complete_json_list_is_marked_removed(db, run, site):
    run(db, ["open_data"])
    site.snapshot = "t2"
    rep = run(db, ["open_data"]).source("open_data")
    assert rep.new == 1 and rep.removed == 1, rep.message
    got = notices(db, "open_data")
    assert got["https://data.example.org.cn/art/2024/n102.html"].removed
    assert not got["https://data.example.org.cn/art/2024/n103.html"].removed


def test_a_list_page_that_answers_without_rows_is_broken_and_says_why(db, run, site):
    run(db, ["kjt"])
    before = {u: (n.title, n.removed) for u, n in notices(db, "kjt").items()}
    site.snapshot = "t2"
    site.override(
        "kjt.example.gov.cn",
        "/tzgg/index.html",
        body="<html><body><div class='list'><p>网站改版中</p><a href='/'>首页</a></div></body></html>",
    )
    rep = run(db, ["kjt"]).source("kjt")
    assert rep.state == "broken"
    assert "no element matches item = 'ul.news-list > li'" in rep.message
    with db.read() as s:
        assert s.get(SourceRecord, "kjt").state == "broken"
        assert s.get(ChannelRecord, ("kjt", "list")).state == "broken"
    assert {u: (n.title, n.removed) for u, n in notices(db, "kjt").items()} == before


def test_requests_go_to_the_mirror_and_stored_links_stay_the_real_ones(db, run, site):
    run(db, ["kjt", "open_data"])
    hosts = {r.host for r in site.requests}
    assert hosts == {"kjt.example.gov.cn", "data.example.org.cn"}
    with db.read() as s:
        urls = list(s.scalars(select(Notice.url)))
    assert urls and all(u.startswith("https://") and "127.0.0.1" not in u for u in urls)


def test_the_sources_test_shows_rows_or_why_there_are_none(site, custom_config):
    custom_config.fetch.mirror = site.url
    result = check_source(custom_config, "kjt")
    assert result.state == "ok"
    assert [r[0] for r in result.rows] == ["2024-01-05", "2024-01-03", "2023-12-28"]
    site.override("kjt.example.gov.cn", "/tzgg/index.html", body="<ul class='news'><li>x</li></ul>")
    result = check_source(custom_config, "kjt")
    assert result.state == "broken" and "no element matches item" in result.message


def test_cli_lists_the_custom_source_and_its_items(tmp_path, site, capsys):
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text(TEST_CONFIG + CUSTOM, encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    base = ["--config", str(cfg), "--db", db]

    def main(argv: list[str]) -> int:  # each command as a fresh process would run it
        set_custom_sources({})
        return cli_main(argv)

    assert main([*base, "fetch", "--source", "kjt", "--mirror", site.url, "--spacing", "0"]) == 0
    capsys.readouterr()
    assert main([*base, "items", "--json", "--source", "open_data"]) == 0  # defined, no notices
    assert capsys.readouterr().out == ""
    assert (
        main([*base, "topics", "add", "--name", "Province", "--query", "通知", "--sources", "kjt"])
        == 0
    )
    capsys.readouterr()
    assert main([*base, "sources", "--json"]) == 0
    rows = {r["key"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert rows["kjt"]["state"] == "ok" and rows["kjt"]["name"] == "某省科学技术厅 通知公告"
    assert rows["open_data"]["state"] == "never_run"
    assert main([*base, "items", "--json", "--source", "kjt"]) == 0
    items = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(items) == 4 and {i["source"] for i in items} == {"kjt"}
    ethics = next(i for i in items if i["url"].endswith("t20240105_3.html"))
    assert ethics["doc_number"] == "某科监〔2024〕3号" and ethics["issuer"] == ["某省科学技术厅"]
    assert ethics["title_en"]  # translated like any other notice
    assert "AI governance, ethics & safety" in ethics["topics"]  # matched like any other notice
    assert main([*base, "items", "--json", "--topic", "AI governance, ethics & safety"]) == 0
    matched = [json.loads(line)["url"] for line in capsys.readouterr().out.splitlines()]
    assert ethics["url"] in matched
