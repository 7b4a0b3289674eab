"""全国网络安全标准化技术委员会 (TC260): national standard drafts open for comment.

TC260 moved its drafts to a portal (``/portal/suggestion``): rows carry no href, only
``onclick="jumpDetail('<hex>','<deadline>')"``, and open ``/portal/suggestion-detail/<hex>``
(body ``div.info``, files ``/sysFile/downloadFile/<hex>``). The older list
(``/front/bzzqyjList.html``, offset paging, ``span.list_time`` = deadline) is the fallback when
the portal is missing or shows no rows. Either way the list date is the comment deadline
(``ListItem.date`` and ``extra["comment_deadline"]``; date_kind "deadline"); the portal's visible
row date is the publication date (``extra["published_date"]``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from scrapers.base import (
    Attachment,
    BaseSource,
    Channel,
    Fetcher,
    FetchError,
    LayoutError,
    ListItem,
    ListPage,
    Notice,
    SourceInfo,
    fetch_page,
    register,
)
from scrapers.dom import attachments, paragraphs, parse_html, select_first, text_of
from scrapers.text import (
    clean_text,
    clean_title,
    extract_comment_deadline,
    parse_date,
    safe_url,
    signature_block,
)

if TYPE_CHECKING:
    from bs4 import Tag

HOME = "https://www.tc260.org.cn/"
# The portal TC260 moved to (2025–26): one list page, rows open by jumpDetail('<hex>','<deadline>').
LIST_URL = "https://www.tc260.org.cn/portal/suggestion"
DETAIL_PATH = "/portal/suggestion-detail/"
# The older 标准征求意见 list: offset paging, rows link /front/bzzqyjDetail.html?id=…&norm_id=….
LEGACY_LIST_URL = "https://www.tc260.org.cn/front/bzzqyjList.html?postType=&start=0&length=10"
_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d)")
_PUBLISHED = re.compile(
    r"(?:发布|发表|公布)(?:时间|日期)\s*[：:]\s*(?P<date>(?:19|20)\d{2}\s*[-./年]\s*\d{1,2}\s*[-./月]\s*\d{1,2})"
)
_SITE_SUFFIX = re.compile(r"\s*[_|-]\s*全国(?:网络|信息)安全标准化技术委员会\s*$")
# onclick="jumpDetail('3bb5…','2026-04-12')": the id opens the detail page, the second
# argument is the comment deadline (the row's visible date is the publication date).
_JUMP = re.compile(
    r"""jumpDetail\(\s*['"](?P<id>[0-9A-Za-z_-]{6,64})['"]\s*(?:,\s*['"](?P<deadline>[^'"]*)['"])?"""
)
# Old-layout draft pages: /front/postDetail.html?id=… and /front/bzzqyjDetail.html?id=…&norm_id=…
_LEGACY_DETAIL = re.compile(r"/front/\w*Detail\.html\?", re.IGNORECASE)
_PORTAL_BODY = ("div.info", "div.advice-c")
_LEGACY_BODY = ("div.news_end", "div.news_content", "div.article")
# Page chrome (logo, site name) may sit in any h1/h2: only headings of the article area count.
_TITLE = (
    "div.news_title h3",
    "div.news_title",
    "div.advice-c h1",
    "div.advice-c h2",
    "div.advice-c h3",
    "div.advice-title",
    "div.detail-title",
    "h3",
)
_SITE_NAME = re.compile(r"^全国(?:网络|信息)安全标准化技术委员会$")
_FILE_LINK = 'a[href*="/sysFile/downloadFile/"]'


def page_url(list_url: str, page_no: int) -> str:
    """``list_url`` for page ``page_no`` (1-based): offset paging by ``start``/``length``."""
    parts = urlsplit(list_url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    length = next((v for k, v in query if k == "length" and v.isdigit()), "10")
    query = [(k, v) for k, v in query if k != "start"]
    query.append(("start", str((page_no - 1) * int(length))))
    return urlunsplit(parts._replace(query=urlencode(query)))


def is_portal(url: str) -> bool:
    """True for the new portal's pages (``/portal/…``), whose lists have no offset paging."""
    return urlsplit(url).path.startswith("/portal/")


def parse_list(content: bytes, url: str) -> list[ListItem]:
    """Rows of either layout: portal ``div.item > a[onclick=jumpDetail(…)] + span`` first,
    then the older ``li.list_title_news > a[href*=Detail.html] + span.list_time``."""
    soup = parse_html(content)
    return _portal_rows(soup, url) or _legacy_rows(soup, url)


def _row_title(a: Tag) -> tuple[str, str]:
    text = clean_title(a.decode_contents())
    title_attr = a.get("title")
    title = (clean_title(title_attr) if isinstance(title_attr, str) else "") or text
    return title, text


def _portal_rows(soup: Tag, url: str) -> list[ListItem]:
    items: list[ListItem] = []
    seen: set[str] = set()
    for el in soup.find_all(onclick=_JUMP):
        m = _JUMP.search(str(el.get("onclick")))
        if m is None:
            continue
        link = safe_url(DETAIL_PATH + m["id"], url)
        title, text = _row_title(el)
        if not link or not title or link in seen:
            continue
        seen.add(link)
        row = el.find_parent(["div", "li", "tr"]) or el.parent
        rest = row.get_text(" ").replace(el.get_text(" "), " ") if row is not None else ""
        deadline = parse_date(m["deadline"]) if m["deadline"] else None
        published = parse_date(rest)
        extra: dict[str, dt.date] = {}
        if deadline:
            extra["comment_deadline"] = deadline
        if published:
            extra["published_date"] = published
        items.append(_draft_item(link, title, text, deadline, extra))
    return items


def _draft_item(
    link: str, title: str, text: str, deadline: dt.date | None, extra: dict[str, dt.date]
) -> ListItem:
    """A draft for comment: listed by its comment deadline (the date both layouts show)."""
    return ListItem(
        url=link,
        title=title,
        date=deadline,
        link_text=text if text and text != title else None,
        extra=extra,
    )


def _legacy_rows(soup: Tag, url: str) -> list[ListItem]:
    links = [a for a in soup.find_all("a", href=True) if _LEGACY_DETAIL.search(str(a["href"]))]
    items: list[ListItem] = []
    seen: set[str] = set()
    for a in links:
        link = safe_url(str(a["href"]), url)
        title, text = _row_title(a)
        if not link or not title or link in seen:
            continue
        seen.add(link)
        row = a.find_parent("li") or a.parent
        time_el = row.select_one(".list_time") if row is not None else None
        rest = row.get_text(" ").replace(a.get_text(" "), " ") if row is not None else ""
        deadline = parse_date(time_el.get_text() if time_el else rest)
        extra = {"comment_deadline": deadline} if deadline else {}
        items.append(_draft_item(link, title, text, deadline, extra))
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


def _portal_files(soup: Tag, url: str) -> list[Attachment]:
    """``/sysFile/downloadFile/<hex>`` links (no extension): named by link text, else label."""
    files: list[Attachment] = []
    for a in soup.select(_FILE_LINK):
        link = safe_url(str(a.get("href") or ""), url)
        if link is None or any(f.url == link for f in files):
            continue
        name = text_of(a) or clean_text(str(a.get("title") or ""))
        row = a.find_parent("li")
        label = row.find("label") if row is not None else None
        if not name and label is not None:
            name = text_of(label).rstrip("：:")
        files.append(Attachment(name=name or link.rsplit("/", 1)[-1], url=link))
    return files


def parse_detail_page(content: bytes, url: str) -> Notice:
    """A draft's page: the portal's ``div.info`` / ``div.advice-c`` (files under
    ``/sysFile/downloadFile/``) or the older ``div.news_title h3`` + ``div.news_end``."""
    soup = parse_html(content)
    rules: list[str] = []
    body_el, body_sel = select_first(soup, _PORTAL_BODY + _LEGACY_BODY)
    title_el, _ = select_first(soup, _TITLE)
    if title_el is not None and body_el is not None and body_el in title_el.parents:
        title_el = None  # a heading inside the body text is not the page title
    title = clean_title(title_el.decode_contents()) if title_el else ""
    if title:
        rules.append("tc260:title:html")
    elif soup.title is not None:
        title = _SITE_SUFFIX.sub("", clean_title(soup.title.get_text()))
        title = "" if _SITE_NAME.match(title) else title
        if title:
            rules.append("tc260:title:head")
    if body_el is None:
        raise LayoutError(
            f"{url} has neither the portal's div.info nor the older news_end body: layout changed.",
            url=url,
        )
    lines = paragraphs(body_el)
    body = "\n".join(lines)
    notice = Notice(url=url, title=title, body=body, rules=rules)
    rules.append("tc260:body:portal" if body_sel in _PORTAL_BODY else "tc260:body")

    notice.published_date = _published(body, url, rules)
    if notice.published_date is None:
        # The portal prints 发布时间 next to the body, not in it.
        m = _PUBLISHED.search(text_of(body_el.parent) if body_el.parent else "")
        if m and (published := parse_date(m["date"])):
            notice.published_date = published
            rules.append("tc260:date:label")

    issuers, signed = signature_block(lines)
    if issuers or signed:
        rules.append("tc260:signature")
    notice.issuers, notice.written_date = issuers, signed
    files = attachments(body_el, url)
    for f in _portal_files(soup, url):
        if all(f.url != g.url for g in files):
            files.append(f)
    notice.attachments = files
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
        if not is_portal(channel.url):
            yield from self._legacy_pages(channel, channel.url, fetcher, max_pages)
            return
        try:
            resp = fetch_page(fetcher, channel.url, conditional=True)
        except FetchError as exc:
            if exc.status not in (404, 410):
                raise
            resp = None  # the portal moved again: the older list may still answer
        if resp is not None and resp.not_modified:  # 304, or the same page as last time
            yield ListPage(url=channel.url, page=1, items=[], not_modified=True)
            return
        items = parse_list(resp.content, channel.url) if resp is not None else []
        if not items:
            yield from self._legacy_pages(channel, LEGACY_LIST_URL, fetcher, max_pages)
            return
        for item in items:
            item.channel = channel.key
        # No paging is known on the portal: its one page lists the open and recent drafts.
        yield ListPage(url=channel.url, page=1, items=items)

    def _legacy_pages(
        self, channel: Channel, list_url: str, fetcher: Fetcher, max_pages: int
    ) -> Iterator[ListPage]:
        seen: set[str] = set()
        for page_no in range(1, max_pages + 1):
            url = page_url(list_url, page_no)
            resp = fetcher.get(url)
            items = parse_list(resp.content, url)
            if not items:
                if page_no == 1:
                    raise LayoutError(
                        "The TC260 drafts-for-comment list answered but holds no rows "
                        "(neither the portal nor the older list): layout changed.",
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
        if notice.published_date is None and item.extra.get("published_date"):
            notice.published_date = item.extra["published_date"]
            notice.rules.append("tc260:date:list")
        return notice

    def parse_detail(self, content: bytes, url: str) -> Notice:
        return parse_detail_page(content, url)

    def parse(self, content: bytes, url: str) -> list[ListItem] | Notice:
        path = urlsplit(url).path
        if path.startswith(DETAIL_PATH) or re.search(r"/front/\w*Detail\.html$", path):
            return self.parse_detail(content, url)
        return parse_list(content, url)
