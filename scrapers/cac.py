"""www.cac.gov.cn (国家网信办) — 政策法规, 网信发布, 征求意见.

Page 1 of a column is static HTML (``div#loadingInfoPage li``); later pages come from
``POST /cms/JsonList`` (``index_2.htm`` does not exist). Detail pages carry title, time and 来源
but no 文号 field: 令号, issuers and signature date are read from the body's opening lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from scrapers import dom
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
)

if TYPE_CHECKING:
    from bs4 import Tag

JSON_LIST = "https://www.cac.gov.cn/cms/JsonList"
DEFAULT_PER_PAGE = 20
MAX_PAGES = 200  # a runaway guard: 4,000 rows is far beyond any column's useful history

_CHANNEL_CODE = re.compile(r"(A\d{4,12})index(?:_\d+)?\.htm")
_JS_PARAM = {
    "channelCode": re.compile(r"""channelCode\s*[:=]\s*['"]?(A\d{4,12})"""),
    "perPage": re.compile(r"""perPage\s*[:=]\s*['"]?(\d{1,3})"""),
    "total": re.compile(r"""total\s*[:=]\s*['"]?(\d{1,7})"""),
}
_ROW_SELECTORS = ("#loadingInfoPage li", "div.list-content li", "ul.list li")
_BODY_IDS = ("BodyLabel", "content", "article")
_TITLE_SELECTORS = ("h1.title", "div.main-title h1", "h1")
_ORDER_NO = re.compile(r"^第\s*(\d{1,4})\s*号$")
_DATE_ONLY = re.compile(r"^(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


def channel_code(url: str) -> str | None:
    """``A093703`` from a column URL such as ``…/A093703index_1.htm``."""
    m = _CHANNEL_CODE.search(url)
    return m.group(1) if m else None


# Sub-channels of a column as other scrapers configure them (sites.md §2): read from the column
# page's own links when it answers, these when it does not.
KNOWN_SUB_CHANNELS = {"A093703": tuple(f"A093703{n:02d}" for n in range(1, 7))}


def sub_channel_codes(code: str, page: str = "") -> list[str]:
    """Codes of ``code``'s sub-channels (``A093703`` → ``A09370301`` …): linked from the page
    first, else the known ones."""
    if not code:
        return []
    found = re.findall(rf"({code}\d{{2,4}})index(?:_\d+)?\.htm", page)
    codes = list(dict.fromkeys(found)) or list(KNOWN_SUB_CHANNELS.get(code, ()))
    return [c for c in codes if c != code]


def page_params(content: bytes | str) -> dict[str, str]:
    """channelCode / perPage / total from a column page's inline paging script."""
    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    found = {}
    for key, pat in _JS_PARAM.items():
        m = pat.search(text)
        if m:
            found[key] = m.group(1)
    return found


def parse_list_page(content: bytes, url: str, channel: str = "") -> list[ListItem]:
    """Rows of a column's HTML page 1 (``li > a[title]`` + ``.times``)."""
    page = dom.parse_html(content)
    rows: list[Tag] = []
    for sel in _ROW_SELECTORS:
        rows = page.select(sel)
        if rows:
            break
    items: list[ListItem] = []
    seen: set[str] = set()
    for li in rows:
        a = li.find("a", href=True)
        if a is None:
            continue
        item_url = safe_url(str(a["href"]), url)
        if item_url is None:
            continue
        link_text = clean_title(a.get_text(" "))
        title = clean_title(str(a.get("title") or "")) or link_text
        if not title or item_url in seen:
            continue
        seen.add(item_url)
        times = li.select_one(".times, .time, span.date")
        date = parse_date(dom.text_of(times)) if times is not None else parse_date(dom.text_of(li))
        date = date or url_date(item_url)  # a date cell the page left empty or templated
        item = ListItem(url=item_url, title=title, date=date, channel=channel)
        if link_text and link_text != title:
            item.link_text = link_text
        items.append(item)
    return items


# CAC article URLs carry their publication day: //www.cac.gov.cn/2026-09/18/c_1791482017777471.htm
_ARTICLE = re.compile(r"/((?:19|20)\d{2})-(\d{2})/(\d{2})/c_\d+\.htm$")
_BULLET = re.compile(r"^[»›·•\s]+")


def url_date(url: str) -> dt.date | None:
    """The publication day an article URL encodes (``/2026-09/18/c_….htm``), else None."""
    m = _ARTICLE.search(urlsplit(url).path)
    return parse_date(f"{m[1]}-{m[2]}-{m[3]}") if m else None


def parse_article_links(content: bytes, url: str, channel: str = "") -> list[ListItem]:
    """Rows of any CAC page that is not a column (home page, site search): every article link
    (``…/YYYY-MM/DD/c_<id>.htm``), dated by its row's time, else by its URL."""
    page = dom.parse_html(content)
    items: list[ListItem] = []
    seen: set[str] = set()
    for a in page.find_all("a", href=True):
        item_url = safe_url(str(a["href"]), url)
        if item_url is None or item_url in seen or not _ARTICLE.search(urlsplit(item_url).path):
            continue
        title = _BULLET.sub(
            "", clean_title(str(a.get("title") or "")) or clean_title(a.get_text(" "))
        )
        if not title:
            continue
        seen.add(item_url)
        row = a.find_parent("li")
        rest = dom.text_of(row).replace(dom.text_of(a), " ") if row is not None else ""
        date = parse_date(rest) or url_date(item_url)
        items.append(ListItem(url=item_url, title=title, date=date, channel=channel))
    return items


def parse_json_list(content: bytes, url: str, channel: str = "") -> list[ListItem]:
    """Rows of a ``/cms/JsonList`` answer (``{"list": [{topic, infourl, pubtime}], "totalRec"}``)."""
    rows, _ = _json_rows(content, url)
    items: list[ListItem] = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        href = str(row.get("infourl") or row.get("url") or "")
        item_url = safe_url(href, "https://www.cac.gov.cn/")
        title = clean_title(str(row.get("topic") or row.get("title") or ""))
        if not item_url or not title:
            continue
        items.append(
            ListItem(
                url=item_url,
                title=title,
                date=parse_date(str(row.get("pubtime") or row.get("publishTime") or "")),
                channel=channel,
            )
        )
    return items


def _json_rows(content: bytes, url: str) -> tuple[list[Any], int | None]:
    data = load_json(content, url)
    if not isinstance(data, dict) or not isinstance(data.get("list", []), list):
        raise LayoutError(
            f"The CAC list service {url} answered in an unknown format; the site may have changed.",
            url=url,
        )
    total = data.get("totalRec")
    try:
        total = int(total) if total is not None else None
    except (TypeError, ValueError):
        total = None
    return data.get("list") or [], total


_ORDER_LINE = re.compile(r"^(?P<orgs>.*?)令\s*[（(]?\s*第\s*(?P<no>\d{1,4})\s*号\s*[）)]?$")


def _order_header(head: list[str], i: int) -> tuple[list[str], str | None] | None:
    """Issuers and 令号 when ``head[i]`` is the 令 line of a decree header, else None.

    The header comes as ``机关 机关`` / ``令`` / ``第N号`` lines, with every issuer on its own line,
    or as one line ``机关 机关令 第N号``: issuers are read from the 令 line and the issuer-only
    lines right above it, the number from the same or the next line.
    """
    line = clean_text(head[i])
    one_line = _ORDER_LINE.match(line)
    if one_line:
        names, number = org_names(one_line["orgs"]), one_line["no"]
        if not names and one_line["orgs"].strip():
            return None
    elif line.replace(" ", "").endswith("令"):
        names = org_names(line[:-1].strip()) if line != "令" else []
        if line != "令" and not names:
            return None
        number = None
        if i + 1 < len(head):
            m = _ORDER_NO.match(re.sub(r"\s", "", head[i + 1]))
            number = m.group(1) if m else None
    else:
        return None
    j = i - 1
    while j >= 0 and (above := org_names(head[j])):
        names[:0] = above
        j -= 1
    return names, (f"第{number}号" if number else None)


def _signature(lines: list[str], notice: Notice, rules: list[str]) -> None:
    """令 header (issuers / 令 / 第N号) and signature (issuers, date) from the body's first lines."""
    head = lines[:15]
    for i, line in enumerate(head):
        if line.startswith("第") and ("条" in line[:6]):
            break  # the regulation's articles start: no more header
        header = _order_header(head, i)
        if header is not None:
            names, number = header
            if names and not notice.issuers:
                notice.issuers = names
                rules.append("issuers:body 令 header")
            if number and not notice.doc_number:
                notice.doc_number = number
                rules.append("doc_number:body 令 header")
        elif _DATE_ONLY.match(line) and notice.written_date is None:
            notice.written_date = parse_date(line)
            rules.append("written_date:body signature")
            if not notice.issuers and i > 0:
                names = org_names(head[i - 1])
                if names:
                    notice.issuers = names
                    rules.append("issuers:body signature")


def parse_detail(content: bytes, url: str) -> Notice:
    """A CAC article page (``h1.title``, ``#pubtime``, ``#source``, ``#BodyLabel``)."""
    page = dom.parse_html(content)
    rules: list[str] = []
    title_el, title_sel = dom.select_first(page, _TITLE_SELECTORS)
    title = dom.text_of(title_el)
    if title:
        rules.append(f"title:{title_sel}")
    else:
        title = clean_title(dom.meta_content(page, "ArticleTitle") or "")
        if not title and page.title is not None:
            title = clean_text(re.sub(r"[_-]+[^_-]*$", "", page.title.get_text()))
        if title:
            rules.append("title:meta/<title>")
    body_el = None
    for ident in _BODY_IDS:
        body_el = dom.find_id(page, ident)
        if body_el is not None:
            rules.append(f"body:#{ident}")
            break
    if body_el is None:
        body_el, sel = dom.select_first(page, ("div.main-content", "div.article", "div.content"))
        if sel:
            rules.append(f"body:{sel}")
    if body_el is None:
        # A title alone is not a document: the pipeline keeps the list item and marks the
        # detail failed, and the source's health says the layout changed.
        raise LayoutError(
            f"The CAC page {url} has no article text where CAC pages keep it; its layout may have changed.",
            url=url,
        )
    lines = dom.paragraphs(body_el)
    body = "\n".join(lines)
    notice = Notice(url=url, title=title, body=body, rules=rules)

    pubtime = dom.find_id(page, "pubtime")
    notice.published_date = parse_date(dom.text_of(pubtime)) if pubtime is not None else None
    if notice.published_date:
        rules.append("date:#pubtime")
    else:
        for name in ("PubDate", "publishdate", "firstpublishedtime"):
            notice.published_date = parse_date(dom.meta_content(page, name))
            if notice.published_date:
                rules.append(f"date:meta {name}")
                break
    source = dom.find_id(page, "source")
    if source is not None:
        label = re.sub(r"^\s*来源\s*[：:]\s*", "", dom.text_of(source))
        notice.source_label = label or None
        rules.append("source:#source")
    else:
        info = page.select_one("div.info, div.main-title")
        m = re.search(r"来源[：:]\s*(\S+)", dom.text_of(info))
        if m:
            notice.source_label = m.group(1)
            rules.append("source:来源 text")

    _signature(lines, notice, rules)
    if notice.doc_number is None:
        notice.doc_number = extract_doc_number(body)
        if notice.doc_number:
            rules.append("doc_number:body head")
    notice.comment_deadline = extract_comment_deadline(body)
    if notice.comment_deadline:
        rules.append("comment_deadline:body")
    notice.attachments = dom.attachments(body_el, url)
    for file in download_links(body_el, url):
        if all(file.url != f.url for f in notice.attachments):
            notice.attachments.append(file)
    return notice


_FILE_TYPE = re.compile(r"\.([A-Za-z0-9]{2,5})$")


def download_links(root: Tag, url: str) -> list[Attachment]:
    """CMS file links ``…/downloadfile.jsp?filepath=…&fText=…`` (no extension in the URL,
    ``target="CMSFILEINCONTENT"``): named by the link text, else ``fText``; the type
    (``.pdf``) is kept from ``fText`` when the name lacks it."""
    found: list[Attachment] = []
    for a in root.find_all("a", href=True):
        link = safe_url(str(a["href"]), url)
        if link is None:
            continue
        parts = urlsplit(link)
        query = parse_qs(parts.query)
        if not parts.path.lower().endswith("/downloadfile.jsp") or not query.get("filepath"):
            continue
        ftext = clean_text((query.get("fText") or query.get("ftext") or [""])[0])
        name = dom.text_of(a) or ftext or clean_text(str(a.get("title") or ""))
        kind = _FILE_TYPE.search(ftext)
        if kind and not _FILE_TYPE.search(name):
            name = f"{name}.{kind[1]}"
        if all(link != f.url for f in found):
            found.append(Attachment(name=name or "附件", url=link))
    return found


@register("cac")
class Cac(BaseSource):
    """国家互联网信息办公室 columns: HTML page 1, JSON paging, article pages."""

    info = SourceInfo(
        key="cac",
        name_zh="国家互联网信息办公室",
        name_en="Cyberspace Administration of China (CAC)",
        home="https://www.cac.gov.cn/",
        channels=(
            Channel(
                "zcfg",
                "政策法规",
                "Policies and regulations",
                "https://www.cac.gov.cn/wxzw/zcfg/A093703index_1.htm",
            ),
            Channel(
                "wxfb",
                "网信发布",
                "CAC releases",
                "https://www.cac.gov.cn/wxzw/wxfb/A093702index_1.htm",
            ),
            # The site calls this column 网信@你: drafts for comment mixed with other notices
            # to the public (calls for members, surveys).
            Channel(
                "zqyj",
                "网信@你",
                "Notices to the public (drafts for comment and more)",
                "https://www.cac.gov.cn/hdfw/wxan/A093802index_1.htm",
            ),
        ),
        default_interval_minutes=60,
        capabilities=frozenset(
            {"details", "attachments", "comment_deadlines", "paging", "conditional"}
        ),
    )

    def list_pages(self, channel: Channel, fetcher: Fetcher) -> Iterator[ListPage]:
        """The column's pages; when the column itself has gone (404, no rows in its page nor in
        its list service), its sub-channels are read instead (政策法规 = A09370301–06)."""
        shell: list[str] = []
        yielded = 0
        try:
            for page in self._column_pages(channel, fetcher, shell):
                yielded += 1
                yield page
        except (LayoutError, FetchError) as exc:
            if yielded or (isinstance(exc, FetchError) and exc.status != 404):
                raise
            codes = sub_channel_codes(channel_code(channel.url) or "", shell[0] if shell else "")
            if not codes:
                raise
            yield self._sub_channel_page(channel, codes, fetcher, exc)

    def _sub_channel_page(
        self, channel: Channel, codes: list[str], fetcher: Fetcher, cause: Exception
    ) -> ListPage:
        """Page 1 of every sub-channel, merged newest first (one page: the pipeline would stop
        walking at the first sub-channel holding nothing new)."""
        items: dict[str, ListItem] = {}
        for code in codes:
            form = {"channelCode": code, "perPage": str(DEFAULT_PER_PAGE), "pageno": "1"}
            try:
                reply = fetcher.post(
                    JSON_LIST,
                    data=form,
                    headers={"Referer": channel.url, "X-Requested-With": "XMLHttpRequest"},
                )
                rows = parse_json_list(reply.content, f"{JSON_LIST}?{urlencode(form)}", channel.key)
            except (FetchError, LayoutError):
                continue  # one sub-channel down does not hide the others
            for item in rows:
                items.setdefault(item.url, item)
        if not items:
            raise LayoutError(
                f"The CAC column {channel.url} and its sub-channels ({', '.join(codes)}) hold no "
                f"rows ({getattr(cause, 'message', cause)}); the column may have moved.",
                url=channel.url,
            )
        merged = sorted(items.values(), key=lambda i: i.date or dt.date.min, reverse=True)
        return ListPage(JSON_LIST, 1, merged)

    def _column_pages(
        self, channel: Channel, fetcher: Fetcher, shell: list[str]
    ) -> Iterator[ListPage]:
        code = channel_code(channel.url)
        per_page = DEFAULT_PER_PAGE
        total: int | None = None
        seen: set[str] = set()
        try:
            resp = fetcher.get(channel.url, conditional=True)
        except FetchError as exc:
            if exc.status != 404 or not code:
                raise
            resp = None  # the column page is missing, the JSON service may still answer
        if resp is not None and resp.not_modified:
            yield ListPage(resp.url, 1, [], not_modified=True)  # page 1 unchanged: nothing new
            return
        pageno = 1
        number = 1
        if resp is not None:
            shell.append(resp.text)
            params = page_params(resp.text)
            code = params.get("channelCode") or code
            per_page = int(params.get("perPage") or per_page) or DEFAULT_PER_PAGE
            total = int(params["total"]) if params.get("total") else None
            items = parse_list_page(resp.content, resp.url, channel.key)
            if not items:
                raise LayoutError(
                    f"The CAC column {channel.url} answered but no rows were found; its layout may have changed.",
                    url=channel.url,
                )
            yield ListPage(resp.url, 1, items)
            seen.update(i.url for i in items)
            number = 2
            pageno = len(items) // per_page + 1
            if total is not None and len(items) >= total:
                return
        if not code:
            return
        for _ in range(MAX_PAGES):
            form = {"channelCode": code, "perPage": str(per_page), "pageno": str(pageno)}
            reply = fetcher.post(
                JSON_LIST,
                data=form,
                headers={"Referer": channel.url, "X-Requested-With": "XMLHttpRequest"},
            )
            page_url = f"{JSON_LIST}?{urlencode(form)}"
            rows, rec = _json_rows(reply.content, page_url)
            total = rec if rec is not None else total
            items = parse_json_list(reply.content, page_url, channel.key)
            if not rows:
                if number == 1:
                    raise LayoutError(
                        f"The CAC column {channel.url} has no rows in its list service; the column may have moved.",
                        url=page_url,
                    )
                return
            fresh = [i for i in items if i.url not in seen]
            seen.update(i.url for i in fresh)
            if fresh:
                yield ListPage(page_url, number, fresh)
                number += 1
            if total is not None and pageno * per_page >= total:
                return
            pageno += 1

    def parse(self, content: bytes, url: str) -> list[ListItem] | Notice:
        path = urlsplit(url).path
        if path.rstrip("/").endswith("/cms/JsonList"):
            return parse_json_list(content, url)
        if _CHANNEL_CODE.search(path):
            return parse_list_page(content, url)
        if _ARTICLE.search(path):
            return parse_detail(content, url)
        return parse_article_links(content, url)

    def parse_detail(self, content: bytes, url: str) -> Notice:
        return parse_detail(content, url)
