"""全国网络安全标准化技术委员会 (TC260): national standard drafts open for comment.

The list's date column is the comment deadline, not the publication date, so it goes to
``ListItem.extra["comment_deadline"]`` (and ``date``, with the channel's date_kind "deadline").
Detail pages state the publication date in the body; the post id is a yyyyMMddHHmmss stamp.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import ClassVar
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.base import (
    BaseSource,
    Channel,
    Fetcher,
    LayoutError,
    ListItem,
    ListPage,
    Notice,
    SourceInfo,
    register,
)
from scrapers.dom import attachments, paragraphs, parse_html, select_first
from scrapers.text import (
    clean_title,
    extract_comment_deadline,
    parse_date,
    safe_url,
    signature_block,
)

HOME = "https://www.tc260.org.cn/"
LIST_URL = "https://www.tc260.org.cn/front/bzzqyjList.html?postType=&start=0&length=10"
_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d)")
_PUBLISHED = re.compile(
    r"(?:发布|发表|公布)(?:时间|日期)\s*[：:]\s*(?P<date>(?:19|20)\d{2}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2})"
)
_SITE_SUFFIX = re.compile(r"\s*[_|-]\s*全国(?:网络|信息)安全标准化技术委员会\s*$")


def page_url(list_url: str, page_no: int) -> str:
    """``list_url`` for page ``page_no`` (1-based): offset paging by ``start``/``length``."""
    parts = urlsplit(list_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    length = next((v for k, v in query if k == "length" and v.isdigit()), "10")
    query = [(k, v) for k, v in query if k != "start"]
    query.append(("start", str((page_no - 1) * int(length))))
    return urlunsplit(parts._replace(query=urlencode(query)))


def parse_list(content: bytes, url: str) -> list[ListItem]:
    """Rows ``li.list_title_news > a`` + ``span.list_time`` (the comment deadline)."""
    soup = parse_html(content)
    rows = soup.select("li.list_title_news") or [
        a.find_parent("li") or a.parent for a in soup.select('a[href*="postDetail"]')
    ]
    items: list[ListItem] = []
    seen: set[str] = set()
    for row in rows:
        if row is None:
            continue
        a = row.select_one('a[href*="postDetail"]') or row.select_one("a[href]")
        if a is None:
            continue
        link = safe_url(a.get("href") if isinstance(a.get("href"), str) else None, url)
        text = clean_title(a.decode_contents())
        title_attr = a.get("title")
        title = (clean_title(title_attr) if isinstance(title_attr, str) else "") or text
        if not link or not title or link in seen:
            continue
        seen.add(link)
        time_el = row.select_one(".list_time")
        deadline = parse_date(
            time_el.get_text() if time_el else row.get_text(" ").replace(a.get_text(" "), " ")
        )
        extra = {"comment_deadline": deadline} if deadline else {}
        items.append(
            ListItem(
                url=link,
                title=title,
                date=deadline,
                link_text=text if text and text != title else None,
                extra=extra,
            )
        )
    return items


def _id_date(url: str) -> dt.date | None:
    post_id = (parse_qs(urlsplit(url).query).get("id") or [""])[0]
    if re.fullmatch(r"\d{14}", post_id):
        return parse_date(post_id[:8])
    return None


def _published(body: str, url: str, rules: list[str]) -> dt.date | None:
    """发布时间：… in any date form, else the post id's stamp, else the body's first ISO date.

    The first ISO date alone is not trusted first: a notice may state its deadline
    (截止日期：2025-07-03) before, or without, its publication date.
    """
    m = _PUBLISHED.search(body)
    if m and (published := parse_date(m["date"])):
        rules.append("tc260:date:label")
        return published
    if published := _id_date(url):
        rules.append("tc260:date:id")
        return published
    m = _ISO.search(body)
    if m and (published := parse_date(m[0])):
        rules.append("tc260:date:body")
        return published
    return None


def parse_detail_page(content: bytes, url: str) -> Notice:
    """``postDetail.html?id=…``: ``div.news_title h3``, body ``div.news_end``, PDFs, deadline."""
    soup = parse_html(content)
    rules: list[str] = []
    title_el, _ = select_first(soup, ("div.news_title h3", "div.news_title", "h3"))
    body_el, _ = select_first(soup, ("div.news_end", "div.news_content", "div.article"))
    title = clean_title(title_el.decode_contents()) if title_el else ""
    if title:
        rules.append("tc260:title:html")
    elif soup.title is not None:
        title = _SITE_SUFFIX.sub("", clean_title(soup.title.get_text()))
        rules.append("tc260:title:head")
    if body_el is None:
        raise LayoutError(f"{url} has no news_end body any more: layout changed.", url=url)
    lines = paragraphs(body_el)
    body = "\n".join(lines)
    notice = Notice(url=url, title=title, body=body, rules=rules)
    rules.append("tc260:body")

    notice.published_date = _published(body, url, rules)

    issuers, signed = signature_block(lines)
    if issuers or signed:
        rules.append("tc260:signature")
    notice.issuers, notice.written_date = issuers, signed
    notice.attachments = attachments(body_el, url)
    notice.comment_deadline = extract_comment_deadline(body)
    if notice.comment_deadline:
        rules.append("tc260:comment_deadline:body")
    return notice


@register("tc260")
class Tc260Source(BaseSource):
    info: ClassVar[SourceInfo] = SourceInfo(
        key="tc260",
        name_zh="全国网络安全标准化技术委员会",
        name_en="National Cybersecurity Standardization Technical Committee (TC260)",
        home=HOME,
        channels=(
            Channel(
                "zqyj",
                "标准征求意见",
                "Standard drafts for comment",
                LIST_URL,
                date_kind="deadline",
            ),
        ),
        default_interval_minutes=240,
        capabilities=frozenset(
            {"details", "attachments", "comment_deadlines", "paging", "standards"}
        ),
    )

    def list_pages(
        self, channel: Channel, fetcher: Fetcher, max_pages: int = 30
    ) -> Iterator[ListPage]:
        seen: set[str] = set()
        for page_no in range(1, max_pages + 1):
            url = page_url(channel.url, page_no)
            resp = fetcher.get(url)
            items = parse_list(resp.content, url)
            if not items:
                if page_no == 1:
                    raise LayoutError(
                        "The TC260 drafts-for-comment list answered but holds no rows: layout changed.",
                        url=url,
                    )
                return
            if all(i.url in seen for i in items):
                return
            seen.update(i.url for i in items)
            for item in items:
                item.channel = channel.key
            yield ListPage(url=url, page=page_no, items=items)

    def fetch_detail(self, item: ListItem, fetcher: Fetcher) -> Notice:
        notice = super().fetch_detail(item, fetcher)  # title falls back to the row's
        if notice.comment_deadline is None and item.extra.get("comment_deadline"):
            notice.comment_deadline = item.extra["comment_deadline"]
            notice.rules.append("tc260:comment_deadline:list")
        return notice

    def parse_detail(self, content: bytes, url: str) -> Notice:
        return parse_detail_page(content, url)

    def parse(self, content: bytes, url: str) -> list[ListItem] | Notice:
        path = urlsplit(url).path
        if path.endswith("/postDetail.html"):
            return self.parse_detail(content, url)
        return parse_list(content, url)
