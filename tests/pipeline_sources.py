"""Small stand-in sources for pipeline tests, fetching the real corpus over the replay server.

They exist so the pipeline's behaviour (complete feeds, stages, faults) can be tested whatever
site modules have landed; the generic corpus test runs against the real registered sources.
``python -m tests.pipeline_sources ARGS`` runs ``regwatch ARGS`` with them registered (used by
the kill -9 test, which needs a separate process).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import ClassVar

from bs4 import BeautifulSoup

from scrapers import base
from scrapers.base import (
    BaseSource,
    Channel,
    Fetcher,
    LayoutError,
    ListItem,
    ListPage,
    Notice,
    SourceInfo,
)
from scrapers.text import canonical_url, clean_text, clean_title, parse_date

GOV = "https://www.gov.cn/zhengce"


def _page_text(content: bytes, url: str) -> Notice:
    soup = BeautifulSoup(content, "lxml")
    node = soup.select_one("#UCAP-CONTENT") or soup.select_one("div.pages_content") or soup.body
    body = "\n".join(clean_text(p.get_text(" ")) for p in (node.find_all("p") or [node]) if p)
    labels = {}
    for td in soup.select("td"):
        text = clean_text(td.get_text())
        if text.replace(" ", "").startswith("发文字号"):
            nxt = td.find_next_sibling("td")
            if nxt:
                labels["doc_number"] = clean_text(nxt.get_text()) or None
    # No title: the stand-in keeps the list title (BaseSource fills it in).
    return Notice(
        url=url,
        title="",
        body=body.strip(),
        doc_number=labels.get("doc_number"),
    )


class FeedSource(BaseSource):
    """gov.cn's JSON feeds: one complete page per channel, fetched conditionally."""

    info: ClassVar[SourceInfo] = SourceInfo(
        key="tgov",
        name_zh="测试政府网",
        name_en="Test gov.cn",
        home="https://www.gov.cn/",
        channels=(
            Channel("zuixin", "最新政策", "Latest", f"{GOV}/zuixin/ZUIXINZHENGCE.json"),
            Channel(
                "gwywj", "国务院文件", "State Council", f"{GOV}/zhengceku/gwywj/TONGYONGGAILAN.json"
            ),
            Channel("bmwj", "部门文件", "Ministries", f"{GOV}/zhengceku/bmwj/TONGYONGGAILAN.json"),
        ),
    )

    def list_pages(self, channel: Channel, fetcher: Fetcher) -> Iterator[ListPage]:
        resp = fetcher.get(channel.url, conditional=True)
        if resp.not_modified:
            yield ListPage(channel.url, 1, [], not_modified=True, complete=True)
            return
        rows = resp.json()
        if not isinstance(rows, list):
            raise LayoutError(f"{channel.url} is no longer a JSON list.")
        items = [
            ListItem(
                url=canonical_url(r["URL"]),
                title=clean_title(r["TITLE"]),
                date=parse_date(r.get("DOCRELPUBTIME")),
                channel=channel.key,
            )
            for r in rows
        ]
        yield ListPage(channel.url, 1, items, complete=True)

    def parse_detail(self, content: bytes, url: str) -> Notice:
        return _page_text(content, url)

    def parse(self, content: bytes, url: str):  # pragma: no cover - not used by the pipeline
        return _page_text(content, url)


class PlanSource(BaseSource):
    """std.samr's national standard plans: JSON pages with a stage (CURRENT_LINK) per row."""

    API = "https://std.samr.gov.cn/gb/search/gbProcessInfoPage"
    info: ClassVar[SourceInfo] = SourceInfo(
        key="tplan",
        name_zh="测试标准计划",
        name_en="Test plans",
        home="https://std.samr.gov.cn/",
        channels=(Channel("plan", "国家标准计划", "Plans", API, date_kind="plan"),),
    )

    def list_pages(self, channel: Channel, fetcher: Fetcher) -> Iterator[ListPage]:
        for page in range(1, 10):
            resp = fetcher.get(self.API, params={"searchText": "", "pageNumber": str(page)})
            rows = resp.json().get("rows") or []
            if not rows and page == 1:
                raise LayoutError("std.samr.gov.cn's plan list returned no rows.")
            if not rows:
                return
            yield ListPage(
                f"{self.API}?pageNumber={page}",
                page,
                [
                    ListItem(
                        url=f"https://std.samr.gov.cn/gb/search/gbDetailed?id={r['id']}",
                        title=clean_title(r["C_C_NAME"]),
                        date=parse_date(r.get("SEND_DATE")),
                        channel=channel.key,
                        extra={"plan_code": r.get("C_PLAN_CODE"), "stage": r.get("CURRENT_LINK")},
                    )
                    for r in rows
                ],
            )

    def fetch_detail(self, item: ListItem, fetcher: Fetcher) -> Notice:
        # params= rather than a query in the URL: PoliteClient (scrape-core 7057293) drops a
        # URL's own query string when no params are given.
        base_url, _, query = item.url.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        resp = fetcher.get(base_url, params=params)
        return self.parse_detail(resp.content, item.url)

    def parse_detail(self, content: bytes, url: str) -> Notice:
        soup = BeautifulSoup(content, "lxml")
        return Notice(url=url, title="", body=clean_text(soup.get_text(" ")))

    def parse(self, content: bytes, url: str):  # pragma: no cover
        return self.parse_detail(content, url)


class PagedSource(BaseSource):
    """A paged JSON list on a made-up host (``tests.pipeline.paged_site.PagedSite`` serves it):
    the shape of CAC's and MIIT's paged lists, with pages a test can publish into and break."""

    HOST = "paged.example.cn"
    info: ClassVar[SourceInfo] = SourceInfo(
        key="tpaged",
        name_zh="测试分页",
        name_en="Test paged",
        home=f"https://{HOST}/",
        channels=(Channel("news", "新闻", "News", f"https://{HOST}/list/index.json"),),
        capabilities=frozenset({"details", "paging"}),
    )

    def list_pages(self, channel: Channel, fetcher: Fetcher) -> Iterator[ListPage]:
        for page in range(1, 50):
            name = "index.json" if page == 1 else f"index_{page - 1}.json"
            url = f"https://{self.HOST}/list/{name}"
            resp = fetcher.get(url, conditional=page == 1)
            if resp.not_modified:
                yield ListPage(url, page, [], not_modified=True)
                return
            rows = resp.json().get("rows") or []
            if not rows:
                if page == 1:
                    raise LayoutError(f"{self.HOST}'s list returned no rows.")
                return
            items = [
                ListItem(
                    url=r["url"],
                    title=clean_title(r["title"]),
                    date=parse_date(r.get("date")),
                    channel=channel.key,
                )
                for r in rows
            ]
            yield ListPage(url, page, items)

    def parse_detail(self, content: bytes, url: str) -> Notice:
        soup = BeautifulSoup(content, "lxml")
        return Notice(url=url, title="", body=clean_text(soup.get_text(" ")))

    def parse(self, content: bytes, url: str):  # pragma: no cover
        return self.parse_detail(content, url)


TEST_SOURCES = {"tgov": FeedSource, "tplan": PlanSource, "tpaged": PagedSource}


def register_test_sources() -> None:
    base._load_all()
    base._REGISTRY.update(TEST_SOURCES)


def unregister_test_sources() -> None:
    for key in TEST_SOURCES:
        base._REGISTRY.pop(key, None)


if __name__ == "__main__":
    register_test_sources()
    from app.cli import main

    raise SystemExit(main(sys.argv[1:]))
