"""Oracle: the miit / sac / std_samr / tc260 parsers over every corpus file vs expected.json."""

from __future__ import annotations

import pytest

from scrapers.base import ListItem, Notice, get_source
from tests.more_corpus import (
    EXPECTED,
    ORACLE_LISTS,
    corpus_files,
    detail_file,
    item_mismatches,
    my_details,
    notice_mismatches,
)


def _expected_rows() -> dict[str, list[dict]]:
    """Every expected list row of the four sites by URL (any snapshot, any channel)."""
    rows: dict[str, list[dict]] = {}
    for snap in ("t1", "t2"):
        for key, lst in EXPECTED["snapshots"][snap]["lists"].items():
            if key in ORACLE_LISTS:
                for row in lst["items"]:
                    rows.setdefault(row["url"], []).append(row)
    return rows


FILES = corpus_files()


def test_the_corpus_holds_files_of_all_four_sites():
    assert {key for key, _, _ in FILES} == {"miit", "sac", "std_samr", "tc260"}
    assert len(FILES) >= 50


@pytest.mark.parametrize(("key", "url", "path"), FILES, ids=[p.name for _, _, p in FILES])
def test_every_corpus_file_parses_to_what_the_oracle_says(key, url, path):
    result = get_source(key).parse(path.read_bytes(), url)
    expected_rows = _expected_rows()
    extra = EXPECTED["extra_real_samples"]
    if isinstance(result, Notice):
        exp = {**EXPECTED["snapshots"]["t1"]["details"], **EXPECTED["snapshots"]["t2"]["details"]}
        assert result.url in exp, f"{url} parsed as a detail page"
        assert notice_mismatches(result, exp[result.url]) == []
        assert result.rules, "a notice records which rules matched"
        return
    assert all(isinstance(i, ListItem) for i in result)
    for item in result:
        if "search-front-server" in url:
            (sample,) = [s for s in extra["miit_search_sample"]["items"] if s["url"] == item.url]
            assert (item.title, item.date.isoformat()) == (sample["title"], sample["date"])
        elif "gbAdvancedSearchPage" in url:
            samples = extra["samr_gb_search_sample"]["items"]
            (sample,) = [s for s in samples if s["date"] == item.date.isoformat()]
            assert item.extra["standard_number"] == sample["standard_number"]
            assert item.extra["stage"] == sample["state"]
            assert item.title == sample["title"]
        else:
            candidates = expected_rows.get(item.url)
            assert candidates, f"{item.url} is in no expected list"
            assert any(not item_mismatches(item, row) for row in candidates), [
                item_mismatches(item, row) for row in candidates
            ]


def test_list_files_cover_every_expected_row():
    """Parsing the list files of each channel yields every row the oracle lists."""
    parsed: set[str] = set()
    for key, url, path in FILES:
        result = get_source(key).parse(path.read_bytes(), url)
        if isinstance(result, list):
            parsed.update(i.url for i in result)
    for snap in ("t1", "t2"):
        for key, lst in EXPECTED["snapshots"][snap]["lists"].items():
            if key in ORACLE_LISTS:
                assert {row["url"] for row in lst["items"]} <= parsed, key


@pytest.mark.parametrize("url", sorted(my_details("t2")))
def test_detail_fields_match_the_oracle(url):
    exp = my_details("t2")[url]
    source_key = ORACLE_LISTS[exp["source"]][0]
    notice = get_source(source_key).parse(detail_file(url).read_bytes(), url)
    assert isinstance(notice, Notice)
    assert notice_mismatches(notice, exp) == []


def test_std_samr_details_carry_the_english_title_for_the_translator():
    url = "https://std.samr.gov.cn/gb/search/gbDetailed?id=95833A278A6D2B640CDD6375CFFE8600"
    notice = get_source("std_samr").parse(detail_file(url).read_bytes(), url)
    assert notice.extra["title_en"].startswith("Information security technology")


def test_tc260_list_date_is_the_comment_deadline():
    url = "https://www.tc260.org.cn/front/bzzqyjList.html?postType=&start=0&length=10"
    path = [p for k, u, p in FILES if k == "tc260" and p.name == "bzzqyjList@t2.html"][0]
    items = get_source("tc260").parse(path.read_bytes(), url)
    assert all(i.extra["comment_deadline"] == i.date for i in items)
    assert get_source("tc260").info.channel("zqyj").date_kind == "deadline"


def test_tc260_portal_rows_carry_the_jumpdetail_deadline_and_the_shown_publication_date():
    url = "https://www.tc260.org.cn/portal/suggestion"
    path = [p for k, u, p in FILES if k == "tc260" and p.name == "suggestion@t2.html"][0]
    items = get_source("tc260").parse(path.read_bytes(), url)
    assert len(items) == 3
    for item in items:
        assert item.url.startswith("https://www.tc260.org.cn/portal/suggestion-detail/")
        assert item.extra["comment_deadline"] == item.date
        assert item.extra["published_date"] < item.date


def test_samr_content_3_rows_and_ajax_paging_script_are_read():
    from scrapers import jpaas

    html = (
        '<div class="page-content"><ul>'
        '<li class="content-3-left-text imgContent01new"><a href="/zw/zfxxgk/art/2026/art_1.html" '
        'title="市场监管总局关于发布《网络交易平台规则监督管理办法》的公告">市场监管总局关于发布…</a>'
        '<div class="contentRight01time">2026-05-12</div></li>'
        '<li class="content-3-left-text imgContent01new"><a href="/zw/zfxxgk/art/2026/art_2.html" '
        'title="国家标准化管理委员会关于下达2026年第一批推荐性国家标准计划的通知">国家标准化…</a>'
        '<div class="contentRight01time">2026-04-30</div></li></ul></div>'
    )
    items = jpaas.parse_rows(html, "https://www.samr.gov.cn/api-gateway/x/build/unit")
    assert [(i.url[-10:], i.date.isoformat()) for i in items] == [
        ("art_1.html", "2026-05-12"),
        ("art_2.html", "2026-04-30"),
    ]
    assert items[0].link_text == "市场监管总局关于发布…"
    shell = (
        '<div class="nav"><script url="/api-gateway/jpaas-publish-server/front/page/build/unit" '
        "queryData=\"{'tagId':'导航','pageId':'nav'}\"></script></div><div>"
        '<script url="/api-gateway/jpaas-publish-server/front/page/build/unit" '
        "queryData=\"{'tagId':'ajax分页','pageId':'list'}\"></script></div>"
    )
    unit = jpaas.find_unit_script(shell, "https://www.samr.gov.cn/zw/index.html")
    assert unit.query["pageId"] == "list"


def test_the_list_script_is_told_by_its_container_in_sloppy_shell_markup():
    """Two scripts with neutral tagIds: the one inside the list box wins, whatever void
    elements, unclosed rows and entity-encoded queryData come before it."""
    url = "/api-gateway/jpaas-publish-server/front/page/build/unit"
    shell = (
        '<html><head><meta charset="utf-8"><link rel="stylesheet" href="a.css">'
        f"<script url=\"{url}\" queryData=\"{{'tagId':'x','pageId':'head'}}\"></script></head>"
        '<body><ul class="menu"><li>一<li>二</ul><br><img src="a.png">'
        '<div class="clist_con">说明<br/>'
        f"<script url='{url}' querydata=\"{{&#39;tagId&#39;:&#39;y&#39;,"
        '&#39;pageId&#39;:&#39;list&#39;}"></script></div></body></html>'
    )
    from scrapers import jpaas

    unit = jpaas.find_unit_script(shell, "https://www.miit.gov.cn/zwgk/index.html")
    assert unit.query["pageId"] == "list"
    assert unit.api_url == "https://www.miit.gov.cn" + url
