"""govcn and cac walked through the real client against the real replay server (mirror mode)."""

from __future__ import annotations

import pytest

from app.demo.replay import ReplayServer
from scrapers.base import BlockedError, FetchError, LayoutError, ListItem, get_source
from scrapers.http import PoliteClient
from tests.corpus import expected
from tests.test_govcn_cac_oracle import check_notice

KEYS = [k for k in expected()["sources"] if k.startswith(("govcn_", "cac_"))]


@pytest.fixture()
def server():
    with ReplayServer(snapshot="t1") as srv:
        yield srv


def client_for(server: ReplayServer, **kw) -> PoliteClient:
    opts = dict(spacing=0, jitter=0, timeout=5, retries=2, backoff=0.01, mirror=server.url)
    opts.update(kw)
    return PoliteClient(**opts)


def walk(source_key: str, channel_key: str, client: PoliteClient) -> list[ListItem]:
    source = get_source(source_key)
    channel = source.info.channel(channel_key)
    items: list[ListItem] = []
    for page in source.list_pages(channel, client):
        assert not page.not_modified
        items += page.items
    return items


@pytest.mark.parametrize("snap", ["t1", "t2"])
def test_walking_every_channel_yields_exactly_the_expected_items_and_details(server, snap):
    server.snapshot = snap
    data = expected()["snapshots"][snap]
    with client_for(server) as client:
        for key in KEYS:
            source_key, channel_key = key.split("_", 1)
            items = walk(source_key, channel_key, client)
            want = data["lists"][key]["items"]
            got = [(i.url, i.title, i.date.isoformat() if i.date else None) for i in items]
            assert got == [(w["url"], w["title"], w["date"]) for w in want], key
            source = get_source(source_key)
            for item, w in zip(items, want, strict=True):
                if w["detail"] == "mirrored":
                    notice = source.fetch_detail(item, client)
                    assert check_notice(notice, data["details"][item.url]) == [], item.url
                elif w["detail"] == "http_404":
                    with pytest.raises(FetchError):
                        source.fetch_detail(item, client)


def test_cac_t2_reads_json_page_2_with_referer_and_ajax_header(server):
    server.snapshot = "t2"
    with client_for(server) as client:
        items = walk("cac", "zcfg", client)
    assert len(items) == 11
    posts = [r for r in server.requests if r.method == "POST"]
    assert len(posts) == 1
    assert b"pageno=2" in posts[0].body and b"channelCode=A093703" in posts[0].body
    assert posts[0].headers["Referer"] == "https://www.cac.gov.cn/wxzw/zcfg/A093703index_1.htm"
    assert posts[0].headers["X-Requested-With"] == "XMLHttpRequest"


def test_second_conditional_run_is_not_modified(server):
    govcn = get_source("govcn")
    with client_for(server) as client:
        for key in ("zuixin", "gwywj", "bmwj", "gongbao"):
            first = list(govcn.list_pages(govcn.info.channel(key), client))
            assert first[0].complete and first[0].items
            again = list(govcn.list_pages(govcn.info.channel(key), client))
            assert len(again) == 1 and again[0].not_modified and not again[0].complete
        assert client.stats.not_modified == 4
        cac = get_source("cac")
        list(cac.list_pages(cac.info.channel("zcfg"), client))
        (again,) = cac.list_pages(cac.info.channel("zcfg"), client)
        assert again.not_modified and client.stats.not_modified == 5
        server.snapshot = "t2"  # the feed changed: a new ETag, a full answer
        changed = list(govcn.list_pages(govcn.info.channel("zuixin"), client))
        assert not changed[0].not_modified and len(changed[0].items) == 7


def test_cac_column_404_falls_back_to_json_page_1(server):
    server.override(
        "www.cac.gov.cn", "/wxzw/zcfg/A093703index_1.htm", status=404, body=b"not found"
    )
    with client_for(server) as client:
        items = walk("cac", "zcfg", client)
    want = expected()["snapshots"]["t1"]["lists"]["cac_zcfg"]["items"]
    assert [i.url for i in items] == [w["url"] for w in want]


KNOWNSEC = "<html><body>您的IP(203.0.113.9)最近有可疑的攻击行为，请稍后重试。本次事件ID：e1f2</body></html>"
CHALLENGE = "<html><script>var x={};document.cookie='acw_sc__v2=5f0a;path=/';location.reload();</script></html>"


@pytest.mark.parametrize(
    ("source_key", "channel", "host", "path", "status", "body"),
    [
        ("cac", "zcfg", "www.cac.gov.cn", "/wxzw/zcfg/A093703index_1.htm", 200, KNOWNSEC),
        ("cac", "zqyj", "www.cac.gov.cn", "/hdfw/wxan/A093802index_1.htm", 403, KNOWNSEC),
        ("govcn", "zuixin", "www.gov.cn", "/zhengce/zuixin/ZUIXINZHENGCE.json", 521, CHALLENGE),
    ],
)
def test_waf_pages_make_the_channel_blocked(server, source_key, channel, host, path, status, body):
    server.override(host, path, status=status, body=body)
    with client_for(server) as client, pytest.raises(BlockedError) as err:
        walk(source_key, channel, client)
    assert err.value.state == "blocked" and host in err.value.message


@pytest.mark.parametrize(
    ("source_key", "channel", "host", "path", "body"),
    [
        (
            "cac",
            "zcfg",
            "www.cac.gov.cn",
            "/wxzw/zcfg/A093703index_1.htm",
            "<html><body><div class='list-content'><p>网站改版中</p></div></body></html>",
        ),
        ("govcn", "gwywj", "www.gov.cn", "/zhengce/zhengceku/gwywj/TONGYONGGAILAN.json", "[]"),
        (
            "govcn",
            "bmwj",
            "www.gov.cn",
            "/zhengce/zhengceku/bmwj/TONGYONGGAILAN.json",
            '{"error": "moved"}',
        ),
        (
            "govcn",
            "gongbao",
            "www.gov.cn",
            "/gongbao/2017/issue_6126/",
            "<html><div class='box'></div></html>",
        ),
    ],
)
def test_changed_layout_or_empty_first_page_is_broken(
    server, source_key, channel, host, path, body
):
    server.override(host, path, body=body)
    with client_for(server) as client, pytest.raises(LayoutError) as err:
        walk(source_key, channel, client)
    assert err.value.state == "broken"


def test_bad_json_feed_is_a_fetch_error(server):
    server.override("www.gov.cn", "/zhengce/zuixin/ZUIXINZHENGCE.json", body=b'[{"TITLE": "x", ')
    with client_for(server) as client, pytest.raises(FetchError, match="did not return valid JSON"):
        walk("govcn", "zuixin", client)


def test_transient_500_is_retried_and_the_walk_succeeds(server):
    server.override("www.gov.cn", "/zhengce/zuixin/ZUIXINZHENGCE.json", status=500, times=1)
    with client_for(server) as client:
        assert len(walk("govcn", "zuixin", client)) == 5
        assert client.stats.retries == 1


def test_gbk_detail_page_with_meta_charset_parses(server):
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
        '<h1 class="title">网络数据安全管理条例</h1><span id="pubtime">2024年09月30日 17:00</span>'
        '<span id="source">来源：新华社</span><div id="BodyLabel"><p>第一条 为了规范网络数据处理活动。</p></div>'
        "</body></html>"
    ).encode("gbk")
    server.override(
        "www.cac.gov.cn", "/2024-09/30/c_1.htm", body=page, headers={"Content-Type": "text/html"}
    )
    item = ListItem(url="https://www.cac.gov.cn/2024-09/30/c_1.htm", title="", date=None)
    with client_for(server) as client:
        notice = get_source("cac").fetch_detail(item, client)
    assert notice.title == "网络数据安全管理条例" and notice.source_label == "新华社"
    assert (
        notice.published_date.isoformat() == "2024-09-30" and "规范网络数据处理活动" in notice.body
    )


def test_cac_column_without_rows_reads_the_sub_channels_it_links(server):
    shell = (
        "<html><body><div class='sub-nav'>"
        "<a href='//www.cac.gov.cn/wxzw/zcfg/fl/A09370301index_1.htm'>法律</a>"
        "<a href='//www.cac.gov.cn/wxzw/zcfg/xzfg/A09370302index_1.htm'>行政法规</a>"
        "</div><div id='loadingInfoPage'></div></body></html>"
    )
    server.override("www.cac.gov.cn", "/wxzw/zcfg/A093703index_1.htm", body=shell)
    rows = (
        '{"list":[{"topic":"网络数据安全管理条例","infourl":"//www.cac.gov.cn/2024-09/30/c_1.htm",'
        '"pubtime":"2024-09-30 17:00:00"},{"topic":"关键信息基础设施安全保护条例",'
        '"infourl":"//www.cac.gov.cn/2021-08/17/c_2.htm","pubtime":"2021-08-17 17:00:00"}],'
        '"totalRec":2}'
    )
    server.override("www.cac.gov.cn", "/cms/JsonList", method="POST", body=rows)
    with client_for(server) as client:
        items = walk("cac", "zcfg", client)
    assert [i.url for i in items] == [
        "https://www.cac.gov.cn/2024-09/30/c_1.htm",
        "https://www.cac.gov.cn/2021-08/17/c_2.htm",
    ]
    posts = [r for r in server.requests if r.path == "/cms/JsonList"]
    assert len(posts) == 2  # one per linked sub-channel, none for the parent


def test_cac_sub_channels_fall_back_to_the_known_codes():
    from scrapers.cac import sub_channel_codes

    assert sub_channel_codes("A093703") == [f"A093703{n:02d}" for n in range(1, 7)]
    assert sub_channel_codes("A093802") == []
    page = "<a href='/x/A09370305index_1.htm'>规范性文件</a>"
    assert sub_channel_codes("A093703", page) == ["A09370305"]


def test_cac_zqyj_channel_is_named_as_the_site_names_it():
    assert get_source("cac").info.channel("zqyj").name_zh == "网信@你"
