"""www.gov.cn — 最新政策, 国务院文件, 国务院部门文件 (static JSON feeds) and 国务院公报 issues.

The feeds are whole lists in one bare JSON array (conditional GET: an unchanged feed costs a 304).
Detail pages come in several TRS templates (``table.bd1``, ``policyLibraryOverview_header``,
稿件 ``h1#ti``, 公报 ``div.share-title``); metadata is read by label from whichever is present.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapers import dom
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
from scrapers.charset import load_json
from scrapers.text import (
    clean_text,
    clean_title,
    extract_comment_deadline,
    extract_doc_number,
    org_names,
    parse_date,
    safe_url,
    split_names,
)

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

FEEDS = {
    "zuixin": "https://www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE.json",
    "gwywj": "https://www.gov.cn/zhengce/zhengceku/gwywj/TONGYONGGAILAN.json",
    "bmwj": "https://www.gov.cn/zhengce/zhengceku/bmwj/TONGYONGGAILAN.json",
}
GONGBAO_ISSUE = "https://www.gov.cn/gongbao/2017/issue_6126/"

_ISSUE_PATH = re.compile(r"/gongbao/.*issue_\d+/?(?:index\.html?)?$")
_GAZETTE_LINK = re.compile(r"content_\d+\.html?$")
_TITLE_SUFFIX = re.compile(r"(?:_+[^_]*)?_+中国政府网\s*$")
_WRITTEN_LINE = re.compile(r"^[（(]\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*[）)]$")

_FIELD_CONTAINERS = ("div.policyLibraryOverview_header", "table.bd1")
_BODY_SELECTORS = ("#UCAP-CONTENT", "div.pages_content", "td.b12c", "div.article", "div.content")
_TITLE_SELECTORS = ("h1#ti", "div.article h1", "h1")


def parse_feed(content: bytes, url: str, channel: str = "") -> list[ListItem]:
    """Items of a gov.cn JSON feed (bare array of TITLE/SUB_TITLE/URL/DOCRELPUBTIME)."""
    data = load_json(content, url)
    if isinstance(data, dict):  # tolerate a wrapped array ({"data": [...]})
        data = next((v for v in data.values() if isinstance(v, list)), None)
    if not isinstance(data, list):
        raise LayoutError(
            f"The gov.cn feed {url} is no longer a list of documents; its format changed.", url=url
        )
    items: list[ListItem] = []
    for row in data:
        if not isinstance(row, dict):
            continue
        title = clean_title(str(row.get("TITLE") or row.get("title") or ""))
        item_url = safe_url(str(row.get("URL") or row.get("url") or ""), url)
        if not title or not item_url:
            continue
        item = ListItem(
            url=item_url,
            title=title,
            date=parse_date(str(row.get("DOCRELPUBTIME") or row.get("PUBTIME") or "")),
            channel=channel,
        )
        sub = clean_title(str(row.get("SUB_TITLE") or ""))
        if sub:
            item.extra["sub_title"] = sub
        items.append(item)
    return items


def parse_gazette_issue(content: bytes, url: str, channel: str = "gongbao") -> list[ListItem]:
    """Articles of one 国务院公报 issue page (``div.box li a``; the page carries no dates)."""
    page = dom.parse_html(content)
    links = page.select("div.box li a[href]") or page.select("li a[href]")
    items: list[ListItem] = []
    seen: set[str] = set()
    for a in links:
        href = str(a["href"]).strip()
        item_url = safe_url(href, url) if _GAZETTE_LINK.search(href) else None
        title = clean_title(a.decode_contents())
        if not item_url or not title or item_url in seen:
            continue
        seen.add(item_url)
        items.append(ListItem(url=item_url, title=title, date=None, channel=channel))
    return items


def _page_title(page: BeautifulSoup, fields: dict[str, str], rules: list[str]) -> str:
    if fields.get("标题"):
        rules.append("title:label 标题")
        return fields["标题"]
    el, sel = dom.select_first(page, _TITLE_SELECTORS)
    if el is not None and dom.text_of(el):
        rules.append(f"title:{sel}")
        return dom.text_of(el)
    share = page.select_one("div.share-title")
    if share is not None and dom.text_of(share):
        rules.append("title:div.share-title")
        return dom.text_of(share)
    meta = dom.meta_content(page, "ArticleTitle")
    if meta:
        rules.append("title:meta ArticleTitle")
        return clean_title(meta)
    if page.title is not None:
        rules.append("title:<title>")
        return clean_text(_TITLE_SUFFIX.sub("", page.title.get_text()))
    return ""


def _issuers_from_title(title: str) -> list[str]:
    """稿件 titles name their issuers before 关于 (``中共中央 国务院关于…``)."""
    m = re.match(r"^(.{2,80}?)关于", title)
    return org_names(m.group(1)) if m else []


def parse_detail(content: bytes, url: str) -> Notice:
    """A gov.cn document page in any known template."""
    page = dom.parse_html(content)
    rules: list[str] = []
    fields: dict[str, str] = {}
    for sel in _FIELD_CONTAINERS:
        container = page.select_one(sel)
        found = dom.canonical_fields(dom.labelled_fields(container))
        if found:
            rules.append(f"fields:{sel}")
            fields = found
            break
    body_el, body_sel = dom.select_first(page, _BODY_SELECTORS)
    lines = dom.paragraphs(body_el)
    body = "\n".join(lines)
    if body_sel:
        rules.append(f"body:{body_sel}")
    title = _page_title(page, fields, rules)
    if body_el is None:
        # A title (even a metadata table) without the text is a layout we do not know: the
        # pipeline keeps the list item, marks the detail failed and reports the layout change.
        raise LayoutError(
            f"The gov.cn page {url} has no document text where gov.cn pages keep it; "
            "its layout may have changed.",
            url=url,
        )
    notice = Notice(url=url, title=title, body=body, rules=rules)
    notice.issuers = split_names(fields.get("发文机关"))
    notice.doc_number = fields.get("发文字号") or None
    notice.source_label = fields.get("来源") or None
    notice.topic_class = fields.get("主题分类") or None
    notice.doc_type = fields.get("公文种类") or None
    notice.index_number = fields.get("索引号") or None
    notice.written_date = parse_date(fields.get("成文日期"))
    notice.published_date = parse_date(fields.get("发布日期"))
    notice.effective_date = parse_date(fields.get("实施日期"))
    known = {
        "实施日期",
        "标题",
        "发文机关",
        "发文字号",
        "来源",
        "主题分类",
        "公文种类",
        "索引号",
        "成文日期",
        "发布日期",
    }
    notice.extra = {k: v for k, v in fields.items() if k not in known and v}

    date_line = page.select_one("div.pages-date")
    if date_line is not None:
        rules.append("date:div.pages-date")
        source = re.search(r"来源[：:]\s*(\S+)", dom.text_of(date_line))
        if source and not notice.source_label:
            notice.source_label = source.group(1)
        if notice.published_date is None:
            notice.published_date = parse_date(dom.text_of(date_line))
    if notice.published_date is None:
        notice.published_date = parse_date(dom.meta_content(page, "firstpublishedtime"))
        if notice.published_date:
            rules.append("date:meta firstpublishedtime")
    if notice.doc_number is None and fields.get("发文字号") is None:
        notice.doc_number = extract_doc_number(body)
        if notice.doc_number:
            rules.append("doc_number:body head")
    if not fields and page.select_one("h1#ti") is not None:
        # 稿件: no metadata table; the issuers lead the title, the date follows it in brackets.
        notice.issuers = notice.issuers or _issuers_from_title(title)
        for line in lines[:8]:
            m = _WRITTEN_LINE.match(line)
            if m:
                notice.written_date = parse_date(m.group(1))
                rules.append("written_date:body (date)")
                break
    notice.attachments = dom.attachments(body_el, url)
    notice.comment_deadline = extract_comment_deadline(body)
    return notice


@register("govcn")
class GovCn(BaseSource):
    """中国政府网 policy feeds and detail pages."""

    info = SourceInfo(
        key="govcn",
        name_zh="中国政府网",
        name_en="Chinese Government Portal (gov.cn)",
        home="https://www.gov.cn/zhengce/",
        channels=(
            Channel("zuixin", "最新政策", "Latest policies", "https://www.gov.cn/zhengce/zuixin/"),
            Channel(
                "gwywj",
                "国务院文件",
                "State Council documents",
                "https://www.gov.cn/zhengce/zhengceku/gwywj/",
            ),
            Channel(
                "bmwj",
                "国务院部门文件",
                "Documents of State Council departments",
                "https://www.gov.cn/zhengce/zhengceku/bmwj/",
            ),
            Channel(
                "gongbao",
                "国务院公报",
                "State Council Gazette (one issue)",
                GONGBAO_ISSUE,
                enabled_by_default=False,
                date_kind="none",
            ),
        ),
        default_interval_minutes=60,
        capabilities=frozenset({"details", "attachments", "conditional", "removal"}),
    )

    def list_pages(self, channel: Channel, fetcher: Fetcher) -> Iterator[ListPage]:
        if channel.key == "gongbao":
            resp = fetcher.get(channel.url, conditional=True)
            if resp.not_modified:
                yield ListPage(resp.url, 1, [], not_modified=True)
                return
            items = parse_gazette_issue(resp.content, resp.url, channel.key)
        else:
            feed = FEEDS.get(channel.key) or channel.url
            resp = fetcher.get(feed, conditional=True)
            if resp.not_modified:
                yield ListPage(resp.url, 1, [], not_modified=True)
                return
            items = parse_feed(resp.content, resp.url, channel.key)
        if not items:
            raise LayoutError(
                f"The gov.cn list {resp.url} answered but holds no documents; its format may have changed.",
                url=resp.url,
            )
        yield ListPage(resp.url, 1, items, complete=True)

    def parse(self, content: bytes, url: str) -> list[ListItem] | Notice:
        path = urlsplit(url).path
        if path.lower().endswith(".json"):
            key = next((k for k, v in FEEDS.items() if v == url), "")
            return parse_feed(content, url, key)
        if _ISSUE_PATH.search(path):
            return parse_gazette_issue(content, url)
        return parse_detail(content, url)

    def parse_detail(self, content: bytes, url: str) -> Notice:
        return parse_detail(content, url)
