"""Walking miit / sac / std_samr / tc260 lists through the real replay server and polite client.

Snapshot t1 then t2, details fetched over HTTP, and the failure modes a live run meets:
refused API (no Referer), JS challenges, lists that answer with zero rows, shells without
their list script.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest

from app.demo.replay import ReplayServer
from scrapers.base import (
    BlockedError,
    FetchError,
    LayoutError,
    ListItem,
    Response,
    get_source,
)
from scrapers.http import PoliteClient
from tests.more_corpus import (
    CHANNELS,
    EXPECTED,
    ORACLE_LISTS,
    item_mismatches,
    my_details,
    notice_mismatches,
)

UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
CHALLENGE = (
    "<html><head><script>document.cookie='__jsl_clearance=1700000000.1|0|abc';"
    "location.reload();</script></head><body></body></html>"
)


@pytest.fixture()
def server():
    with ReplayServer(snapshot="t1") as srv:
        yield srv


@pytest.fixture()
def client(server):
    with PoliteClient(
        spacing=0, jitter=0, timeout=5, retries=1, backoff=0.01, mirror=server.url
    ) as c:
        yield c


def walk(corpus_key: str, fetcher) -> list[ListItem] | None:
    """The channel's rows, or None when its first page is unchanged since the last walk."""
    source_key, channel_key = CHANNELS[corpus_key]
    source = get_source(source_key)
    channel = source.info.channel(channel_key)
    items = []
    for page in source.list_pages(channel, fetcher):
        if page.not_modified:
            assert page.page == 1 and not page.items and not items
            return None
        assert page.items, "a yielded page holds rows"
        items.extend(page.items)
    return items


@pytest.mark.parametrize("corpus_key", sorted(CHANNELS))
def test_walk_t1_then_t2_yields_the_expected_rows(server, client, corpus_key):
    previous: list[ListItem] = []
    for snap in ("t1", "t2"):
        server.snapshot = snap
        items = walk(corpus_key, client)
        if items is None:  # the first page is the one read before: nothing changed
            assert snap == "t2"
            items = previous
        previous = items
        expected = EXPECTED["snapshots"][snap]["lists"][corpus_key]["items"]
        assert [i.url for i in items] == [e["url"] for e in expected], snap
        for item, exp in zip(items, expected, strict=True):
            assert item_mismatches(item, exp) == []
            assert item.channel == CHANNELS[corpus_key][1]


def test_miit_t2_needs_api_page_two_and_sends_referer_and_page_params(server, client):
    server.snapshot = "t2"
    items = walk("miit_tz", client)
    assert len(items) == 7
    api = [r for r in server.requests if r.path == UNIT]
    pages = [json.loads(dict(_qs(r.query))["paramJson"])["pageNo"] for r in api]
    assert pages == [1, 2, 3]  # page 3 is the empty page that ends the walk
    for r in api:
        assert r.headers["Referer"] == "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/index.html"
        assert dict(_qs(r.query))["pageId"] == "3e3ad1a3bec74939890a0d3e54815141"
        assert dict(_qs(r.query))["parseType"] == "buildstatic"


def test_sac_ids_come_from_its_own_shell(server, client):
    walk("sac_tzgg", client)
    (api, *_) = [r for r in server.requests if r.path == UNIT]
    q = dict(_qs(api.query))
    assert q["pageId"] == "c6b9e1f27a3d4f58b0e4d2a9c7f1e3b5"
    assert q["parseType"] == "bulidstatic"  # kept as the page spells it
    assert api.host == "www.sac.gov.cn"


def test_samr_stops_when_total_is_reached(server, client):
    server.snapshot = "t2"
    assert len(walk("samr_plan", client)) == 4
    asked = [r for r in server.requests if r.path.endswith("gbProcessInfoPage")]
    assert len(asked) == 1  # total=4 reached on page 1: no second request


def test_miit_policy_library_stops_when_the_api_repeats_itself(server, client):
    source = get_source("miit")
    channel = source.info.channel("zcwjk")
    assert channel.enabled_by_default is False
    pages = list(source.list_pages(channel, client))
    assert len(pages) == 1 and len(pages[0].items) == 5
    searched = [r for r in server.requests if r.path.startswith("/search-front-server/")]
    assert len(searched) == 2  # page 2 answered the same rows: nothing new, stop
    assert searched[0].headers["Referer"] == "https://www.miit.gov.cn/search/zcwjk.html"
    assert pages[0].items[0].date.isoformat() == "2026-09-23"


@pytest.mark.parametrize("url", sorted(my_details("t2")))
def test_fetch_detail_over_http_matches_the_oracle(server, client, url):
    server.snapshot = "t2"
    exp = my_details("t2")[url]
    source = get_source(ORACLE_LISTS[exp["source"]][0])
    item = ListItem(url=url, title=exp["title"], date=None)
    notice = source.fetch_detail(item, client)
    assert notice_mismatches(notice, exp) == []


def test_samr_plan_without_detail_page_is_a_fetch_error_and_the_row_suffices(server, client):
    server.snapshot = "t2"
    (row,) = [i for i in walk("samr_plan", client) if i.extra["plan_code"] == "20263174-T-469"]
    assert (row.title, row.extra["stage"], row.date.isoformat()) == (
        "公路协同信息交互技术要求",
        "起草",
        "2026-04-08",
    )
    with pytest.raises(FetchError) as err:
        get_source("std_samr").fetch_detail(row, client)
    assert err.value.status == 404


def test_fetch_page_refuses_error_answers_from_lenient_fetchers():
    class Lenient:
        """A fetcher (test double) that hands back HTTP errors instead of raising."""

        def get(self, url, *, params=None, headers=None, conditional=False):
            return Response(url, 404, {}, b"<h1>404</h1>", "<h1>404</h1>")

        def post(self, url, *, data=None, headers=None):  # pragma: no cover - unused
            raise AssertionError

    item = ListItem(url="https://www.tc260.org.cn/front/postDetail.html?id=1", title="x", date=None)
    with pytest.raises(FetchError, match="404"):
        get_source("tc260").fetch_detail(item, Lenient())


# ---------------------------------------------------------------------------------------------
# Faults


class RefererStripping:
    """A fetcher in front of the real client that drops Referer, as privacy proxies do."""

    def __init__(self, inner: PoliteClient):
        self.inner = inner

    def get(self, url, *, params=None, headers: Mapping[str, str] | None = None, conditional=False):
        headers = {k: v for k, v in (headers or {}).items() if k.lower() != "referer"}
        return self.inner.get(url, params=params, headers=headers, conditional=conditional)

    def post(self, url, *, data=None, headers=None):  # pragma: no cover - unused
        return self.inner.post(url, data=data, headers=headers)


def test_missing_referer_is_a_fetch_error_naming_the_cause(client):
    with pytest.raises(FetchError) as err:
        walk("miit_tz", RefererStripping(client))
    assert err.value.status == 403
    assert "Referer" in err.value.message
    assert type(err.value) is FetchError


@pytest.mark.parametrize("path", [UNIT, "/zwgk/zcwj/wjfb/tz/index.html"])
def test_miit_521_challenge_is_blocked(server, client, path):
    server.override("www.miit.gov.cn", path, status=521, body=CHALLENGE)
    with pytest.raises(BlockedError):
        walk("miit_tz", client)


def test_miit_detail_challenge_is_blocked(server, client):
    url = "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/art/2022/art_caae413fce92ebb1fc4acb47416bb9c1.html"
    server.override("www.miit.gov.cn", url.split("miit.gov.cn")[1], status=412, body=CHALLENGE)
    with pytest.raises(BlockedError):
        get_source("miit").fetch_detail(ListItem(url=url, title="t", date=None), client)


@pytest.mark.parametrize(
    ("corpus_key", "host", "path", "body"),
    [
        (
            "miit_tz",
            "www.miit.gov.cn",
            UNIT,
            '{"success":true,"data":{"html":"<div class=\\"page-content\\"><ul></ul></div>"}}',
        ),
        ("sac_tzgg", "www.sac.gov.cn", UNIT, '{"success":true,"data":{"html":""}}'),
        ("samr_plan", "std.samr.gov.cn", "/gb/search/gbProcessInfoPage", '{"total":0,"rows":[]}'),
        ("samr_std", "std.samr.gov.cn", "/gb/search/gbQueryPage", '{"total":5,"rows":[]}'),
    ],
)
def test_first_page_with_zero_rows_is_a_layout_error(server, client, corpus_key, host, path, body):
    server.override(host, path, body=body, headers={"Content-Type": "application/json"})
    with pytest.raises(LayoutError) as err:
        walk(corpus_key, client)
    assert "layout changed" in err.value.message


def test_tc260_portal_and_older_list_both_empty_is_a_layout_error(server, client):
    server.override("www.tc260.org.cn", "/portal/suggestion", body="<html><body></body></html>")
    empty = "<html><body><ul class='list-group'></ul></body></html>"
    server.override("www.tc260.org.cn", "/front/bzzqyjList.html", body=empty)
    with pytest.raises(LayoutError) as err:
        walk("tc260_zqyj", client)
    assert "layout changed" in err.value.message


@pytest.mark.parametrize("status", [404, 200])
def test_tc260_falls_back_to_the_older_list_when_the_portal_is_gone_or_empty(
    server, client, status
):
    server.snapshot = "t2"
    server.override("www.tc260.org.cn", "/portal/suggestion", status=status, body="<html></html>")
    items = walk("tc260_zqyj", client)
    expected = EXPECTED["snapshots"]["t2"]["lists"]["tc260_legacy"]["items"]
    assert [i.url for i in items] == [e["url"] for e in expected]
    assert all(item_mismatches(i, e) == [] for i, e in zip(items, expected, strict=True))


def test_tc260_portal_detail_over_http_takes_deadline_and_files(server, client):
    server.snapshot = "t2"
    (first, *_) = walk("tc260_zqyj", client)
    notice = get_source("tc260").fetch_detail(first, client)
    exp = EXPECTED["snapshots"]["t2"]["details"][first.url]
    assert notice_mismatches(notice, exp) == []
    assert all("/sysFile/downloadFile/" in a.url for a in notice.attachments)


def test_sac_shell_without_script_is_a_layout_error(server, client):
    server.override(
        "www.sac.gov.cn",
        "/xw/tzgg/index.html",
        body="<html><body><div class='nav04Left02_list'></div></body></html>",
    )
    with pytest.raises(LayoutError, match="no longer carries the JPaaS list script"):
        walk("sac_tzgg", client)


def test_sac_rows_of_an_unknown_layout_are_a_layout_error(server, client):
    html = '<table><tr><td><a href="/xw/tzgg/art/2025/art_1.html">公告</a></td></tr></table>'
    server.override(
        "www.sac.gov.cn", UNIT, body=json.dumps({"success": True, "data": {"html": html}})
    )
    with pytest.raises(LayoutError, match="no known row layout"):
        walk("sac_tzgg", client)


def test_api_success_false_is_a_fetch_error(server, client):
    body = json.dumps({"success": False, "message": "参数错误"}, ensure_ascii=False)
    server.override("www.miit.gov.cn", UNIT, body=body)
    with pytest.raises(FetchError, match="success=false: 参数错误"):
        walk("miit_tz", client)


def test_api_answering_html_is_a_fetch_error(server, client):
    server.override("www.miit.gov.cn", UNIT, body="<html><body>系统维护中</body></html>")
    with pytest.raises(FetchError, match="did not return valid JSON") as err:
        walk("miit_tz", client)
    assert type(err.value) is FetchError


def test_later_empty_page_ends_paging_without_error(server, client):
    server.snapshot = "t2"
    # page 2 of the MIIT 通知 column answered empty: the walk ends after page 1
    empty = '{"success":true,"data":{"html":"<div class=\\"page-content\\"><ul></ul></div>"}}'
    source = get_source("miit")
    pages = source.list_pages(source.info.channel("tz"), client)
    first = next(pages)
    assert len(first.items) == 6
    server.override("www.miit.gov.cn", UNIT, body=empty)
    assert list(pages) == []


def _qs(query: str) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(query, keep_blank_values=True)


def test_client_keeps_the_query_string_of_a_url_given_without_params(server, client):
    """Regression: detail URLs like gbDetailed?id=… must reach the site with their query."""
    server.snapshot = "t2"
    url = "https://std.samr.gov.cn/gb/search/gbDetailed?id=95833A278A6D2B640CDD6375CFFE8600"
    resp = client.get(url)
    assert resp.status == 200 and resp.url == url
    assert server.requests[-1].query == "id=95833A278A6D2B640CDD6375CFFE8600"


def test_std_samr_pages_by_limit_offset_when_the_url_does():
    from urllib.parse import parse_qs, urlsplit

    from scrapers.std_samr import page_url

    url = "https://std.samr.gov.cn/gb/search/gbQueryPage?searchText=&state=现行&limit=20&offset=0"
    q = parse_qs(urlsplit(page_url(url, 3)).query, keep_blank_values=True)
    assert (q["limit"], q["offset"], q["state"]) == (["20"], ["40"], ['G_STATE:"现行"'])
    assert "pageNumber" not in q and q["searchText"] == [""]
    plain = "https://std.samr.gov.cn/gb/search/gbQueryPage?state=G_STATE%3A%22废止%22&pageSize=50&pageNumber=1"
    q = parse_qs(urlsplit(page_url(plain, 2)).query)
    assert (q["pageNumber"], q["pageSize"], q["state"]) == (["2"], ["50"], ['G_STATE:"废止"'])
