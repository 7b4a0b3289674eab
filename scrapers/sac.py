"""国家标准化管理委员会 (SAC) 通知公告 — standards approvals, plans and drafts.

Inferred, not recorded (sites.md §4.1): SAC runs Hanweb JPaaS like SAMR, so the list is read
through the shell's ``build/unit`` script with SAC's own ids taken from the page. Any departure
from that pattern (no script, zero rows, unknown rows) is a LayoutError — health ``broken`` —
never an empty success.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import urlsplit

from scrapers import jpaas
from scrapers.base import (
    BaseSource,
    Channel,
    Fetcher,
    ListItem,
    ListPage,
    Notice,
    SourceInfo,
    register,
)
from scrapers.text import extract_standard_number

HOME = "https://www.sac.gov.cn/"
PAGE_SIZE = 20  # SAMR-family JPaaS pages

ARTICLE = jpaas.ArticleTemplate(
    title=("div.Three_xilan_02", "h1#con_title", "div.xilan_tit", "h1"),
    body=("div.Three_xilan_07", "#con_con", "div.ccontent", "div.TRS_Editor"),
    info=("div.Three_xilan_03", "div.cinfo"),
)


@register("sac")
class SacSource(BaseSource):
    info: ClassVar[SourceInfo] = SourceInfo(
        key="sac",
        name_zh="国家标准化管理委员会",
        name_en="Standardization Administration of China (SAC)",
        home=HOME,
        channels=(
            Channel(
                "tzgg",
                "通知公告",
                "Notices and announcements",
                "https://www.sac.gov.cn/xw/tzgg/index.html",
            ),
        ),
        default_interval_minutes=240,
        capabilities=frozenset(
            {"details", "attachments", "comment_deadlines", "paging", "cookies", "standards"}
        ),
    )

    def list_pages(self, channel: Channel, fetcher: Fetcher) -> Iterator[ListPage]:
        yield from jpaas.walk_column(channel.url, channel.key, fetcher, page_size=PAGE_SIZE)

    def fetch_detail(self, item: ListItem, fetcher: Fetcher) -> Notice:
        return jpaas.with_list_deadline(super().fetch_detail(item, fetcher), item, "sac")

    def parse_detail(self, content: bytes, url: str) -> Notice:
        notice = jpaas.parse_article(content, url, ARTICLE, "sac")
        # 批准发布 announcements name the standard in the body.
        notice.standard_number = extract_standard_number(notice.body)
        if notice.standard_number:
            notice.rules.append("sac:standard_number:body")
        return notice

    def parse(self, content: bytes, url: str) -> list[ListItem] | Notice:
        path = urlsplit(url).path
        if path.endswith("/build/unit"):
            return jpaas.parse_unit_response(content, url)
        if "/art/" in path:
            return self.parse_detail(content, url)
        jpaas.find_unit_script(content, url)
        return []
