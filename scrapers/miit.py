"""工业和信息化部 (MIIT): 文件发布 columns, 意见征集 and the 政策文件库 search API.

Columns are JPaaS shells (scrapers/jpaas.py). Detail pages carry meta tags, ``h1#con_title``,
``span#con_time``, ``来源：`` and ``#con_con``; 政策文件 pages add a label block (发文机关, 发文字号,
成文日期 …) whose live markup is unknown, so it is read by label. MIIT answers scrapers with
HTTP 521 JS challenges at times: the client raises BlockedError and nothing here catches it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

from scrapers import jpaas
from scrapers.base import (
    BaseSource,
    Channel,
    Fetcher,
    FetchError,
    LayoutError,
    ListItem,
    ListPage,
    Notice,
    SourceInfo,
    decode_json,
    register,
)
from scrapers.charset import decode_body
from scrapers.text import clean_title, parse_date, safe_url

HOME = "https://www.miit.gov.cn/"
SEARCH_API = "https://www.miit.gov.cn/search-front-server/api/search/info"
SEARCH_PAGE = "https://www.miit.gov.cn/search/zcwjk.html"
PAGE_SIZE = 24  # what the live API serves per page
SEARCH_PAGE_SIZE = 10

ARTICLE = jpaas.ArticleTemplate(
    title=("h1#con_title", "#con_title", "div.ctitle h1", "h1"),
    body=("#con_con", "div.ccontent", "div.Three_xilan_07"),
    info=("div.cinfo", "#con_time"),
)


def search_params(page_no: int) -> dict[str, str]:
    """Query of the 政策文件库 search API for one page, newest first (sites.md §3.2)."""
    return {
        "websiteid": "110000000000000",
        "scope": "basic",
        "q": "",
        "p": str(page_no),
        "pg": str(SEARCH_PAGE_SIZE),
        "cateid": "196",
        "pos": "title_text,infocontent,titlepy",
        "level": "6",
        "dateField": "deploytime",
        "selectFields": "title,content,deploytime,url,columnname,publishgroupname,infoextends",
        "sortFields": json.dumps([{"name": "deploytime", "type": "desc"}], separators=(",", ":")),
        "group": "distinct",
    }


def parse_search_response(content: bytes, url: str) -> list[ListItem]:
    """Rows of the search API: ``data.searchResult.dataResults[].groupData[0].data``."""
    data: Any = decode_json(decode_body(content), url, what="The MIIT policy search")
    if not isinstance(data, dict):
        raise LayoutError(
            f"The MIIT policy search {url} returned JSON of an unknown shape.", url=url
        )
    if data.get("success") is False:
        raise FetchError(
            f"The MIIT policy search refused the request ({str(data.get('message'))[:100]}).",
            url=url,
        )
    result = (
        (data.get("data") or {}).get("searchResult") if isinstance(data.get("data"), dict) else None
    )
    rows = result.get("dataResults") if isinstance(result, dict) else None
    if not isinstance(rows, list):
        raise LayoutError(
            f"The MIIT policy search {url} has no data.searchResult.dataResults: layout changed.",
            url=url,
        )
    items: list[ListItem] = []
    for row in rows:
        doc = _search_doc(row)
        if doc is None:
            continue
        link = safe_url(str(doc.get("url") or ""), HOME)
        title = clean_title(str(doc.get("title") or ""))
        if not link or not title:
            continue
        items.append(ListItem(url=link, title=title, date=parse_date(doc.get("deploytime"))))
    return items


def _search_doc(row: Any) -> dict[str, Any] | None:
    if not isinstance(row, dict):
        return None
    group = row.get("groupData")
    if isinstance(group, list) and group and isinstance(group[0], dict):
        doc = group[0].get("data")
        if isinstance(doc, dict):
            return doc
    doc = row.get("data")
    return doc if isinstance(doc, dict) and "url" in doc else None


@register("miit")
class MiitSource(BaseSource):
    info: ClassVar[SourceInfo] = SourceInfo(
        key="miit",
        name_zh="工业和信息化部",
        name_en="Ministry of Industry and Information Technology (MIIT)",
        home=HOME,
        channels=(
            Channel(
                "tz", "通知", "Notices", "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tz/index.html"
            ),
            Channel(
                "tg",
                "通告",
                "Announcements",
                "https://www.miit.gov.cn/zwgk/zcwj/wjfb/tg/index.html",
            ),
            Channel(
                "yj", "意见", "Opinions", "https://www.miit.gov.cn/zwgk/zcwj/wjfb/yj/index.html"
            ),
            Channel(
                "yjzj",
                "意见征集",
                "Requests for comment",
                "https://www.miit.gov.cn/gzcy/yjzj/index.html",
            ),
            # Off by default: the library repeats the 文件发布 columns' documents and mixes in
            # 解读 / 一图读懂 explainers; it is the fallback if the column shells stop working.
            Channel(
                "zcwjk",
                "政策文件库",
                "Policy document library (search)",
                SEARCH_PAGE,
                enabled_by_default=False,
            ),
        ),
        default_interval_minutes=120,
        capabilities=frozenset(
            {"details", "attachments", "comment_deadlines", "paging", "cookies"}
        ),
    )

    def list_pages(self, channel: Channel, fetcher: Fetcher) -> Iterator[ListPage]:
        if channel.key == "zcwjk":
            yield from self._search_pages(channel, fetcher)
            return
        yield from jpaas.walk_column(channel.url, channel.key, fetcher, page_size=PAGE_SIZE)

    def _search_pages(
        self, channel: Channel, fetcher: Fetcher, max_pages: int = 20
    ) -> Iterator[ListPage]:
        seen: set[str] = set()
        for page_no in range(1, max_pages + 1):
            params = search_params(page_no)
            resp = fetcher.get(SEARCH_API, params=params, headers={"Referer": SEARCH_PAGE})
            url = f"{SEARCH_API}?{urlencode(params)}"
            items = parse_search_response(resp.content, url)
            if not items and page_no == 1:
                raise LayoutError(
                    "The MIIT policy search answered but holds no rows: layout changed.", url=url
                )
            # The API may ignore the page number: a page with nothing new ends the walk.
            if not items or all(i.url in seen for i in items):
                return
            seen.update(i.url for i in items)
            for item in items:
                item.channel = channel.key
            yield ListPage(url=url, page=page_no, items=items)

    def fetch_detail(self, item: ListItem, fetcher: Fetcher) -> Notice:
        return jpaas.with_list_deadline(super().fetch_detail(item, fetcher), item, "miit")

    def parse_detail(self, content: bytes, url: str) -> Notice:
        return jpaas.parse_article(content, url, ARTICLE, "miit")

    def parse(self, content: bytes, url: str) -> list[ListItem] | Notice:
        path = urlsplit(url).path
        if path.endswith("/build/unit"):
            return jpaas.parse_unit_response(content, url)
        if path.startswith("/search-front-server/"):
            return parse_search_response(content, url)
        if "/art/" in path:
            return self.parse_detail(content, url)
        # A column shell holds no rows of its own; check that it still declares its list.
        jpaas.find_unit_script(content, url)
        return []
