"""Hanweb JPaaS (大汉) column lists and article pages, shared by MIIT and SAC.

A JPaaS column page is a shell: its rows come from the ``build/unit`` API, whose parameters
(webId, pageId, tplSetId, tagId, parseType …) the shell declares in a ``<script url=…/build/unit
queryData="{'…'}">`` tag. They are read at run time, never hard-coded, so a site that renumbers
its pages keeps working. The API refuses requests without a browser User-Agent and a Referer
naming the column page (403), so the Referer is always sent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from scrapers.base import (
    BlockedError,
    Fetcher,
    FetchError,
    LayoutError,
    ListItem,
    ListPage,
    Notice,
    decode_json,
)
from scrapers.charset import decode_body
from scrapers.dom import (
    attachments,
    canonical_fields,
    labelled_fields,
    meta_content,
    paragraphs,
    parse_html,
    select_first,
    text_of,
    with_synonyms,
)
from scrapers.text import (
    clean_text,
    clean_title,
    extract_comment_deadline,
    extract_doc_number,
    parse_date,
    safe_url,
    signature_block,
    split_names,
)
from scrapers.waf import block_reason

if TYPE_CHECKING:
    from bs4 import Tag

UNIT_PATH = "/api-gateway/jpaas-publish-server/front/page/build/unit"


@dataclass(frozen=True)
class UnitScript:
    """What a column shell declares about its list: the API URL and its query parameters."""

    api_url: str
    query: dict[str, str] = field(default_factory=dict)

    def params(self, page_no: int, page_size: int | str) -> dict[str, str]:
        """Query parameters for page ``page_no`` (1-based), as the page declares them + paging."""
        params = dict(self.query)
        params["paramJson"] = json.dumps(
            {"pageNo": page_no, "pageSize": str(page_size)}, separators=(",", ":")
        )
        return params


def find_unit_script(content: bytes | str, page_url: str) -> UnitScript:
    """The JPaaS list script of a column shell; LayoutError when the shell no longer has one.

    A shell may declare several build/unit scripts (navigation, side boxes, the list): the one
    that looks most like the list wins (see ``_list_score``), the first one on a tie. The shell
    is read with the standard library's tokenizer, not bs4: a no-change fetch of a JPaaS
    column then parses no HTML tree at all.
    """
    text = content if isinstance(content, str) else decode_body(content)
    found: list[tuple[int, UnitScript]] = []
    for attrs, parent_classes in _ScriptScanner.scan(text):
        url, raw = attrs.get("url"), attrs.get("querydata")
        if not url or "build/unit" not in url or raw is None:
            continue
        api_url = safe_url(url, page_url)
        if api_url is None:
            continue
        query = _read_query_data(raw)
        if query is None:
            raise LayoutError(
                f"The JPaaS list script on {page_url} has unreadable queryData: layout changed.",
                url=page_url,
            )
        found.append((_list_score(parent_classes, query), UnitScript(api_url=api_url, query=query)))
    if found:
        best = max(score for score, _ in found)
        return next(unit for score, unit in found if score == best)
    raise LayoutError(
        f"Column page {page_url} no longer carries the JPaaS list script: layout changed.",
        url=page_url,
    )


class _ScriptScanner(HTMLParser):
    """``<script>`` attributes and the classes of the element each one sits in."""

    _VOID = frozenset(
        "area base br col embed hr img input link meta param source track wbr".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str]] = []  # (tag, class attribute) of open elements
        self.scripts: list[tuple[dict[str, str], str]] = []

    @classmethod
    def scan(cls, text: str) -> list[tuple[dict[str, str], str]]:
        scanner = cls()
        scanner.feed(text)
        scanner.close()
        return scanner.scripts

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            values = {k: v or "" for k, v in attrs}
            parent = self.open[-1][1] if self.open else ""
            self.scripts.append((values, parent))
        if tag not in self._VOID:
            self.open.append((tag, next((v or "" for k, v in attrs if k == "class"), "")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:  # close it and anything left open inside it
                del self.open[i:]
                return


_LIST_TAG = re.compile(r"list|列表|内容|正文|文章|分页", re.I)  # SAMR: tagId "ajax分页"
_CHROME_TAG = re.compile(r"导航|nav|菜单|menu|头部|尾部|页头|页脚|banner|header|footer", re.I)
_LIST_BOX = re.compile(r"clist|list|lmy_main_r|main_r|content|con", re.I)


def _list_score(parent_classes: str, query: dict[str, str]) -> int:
    """How much a build/unit script looks like the column's list (tagId, then its container)."""
    tag_id = query.get("tagId", "")
    score = 2 if _LIST_TAG.search(tag_id) else 0
    if _CHROME_TAG.search(tag_id):
        score -= 2
    if _LIST_BOX.search(" ".join(parent_classes.split())):
        score += 1
    return score


def _read_query_data(raw: str) -> dict[str, str] | None:
    for text in (raw, raw.replace("'", '"')):
        try:
            data = json.loads(text)
        except ValueError:
            continue
        if isinstance(data, dict) and data:
            return {
                str(k): ("null" if v is None else v if isinstance(v, str) else json.dumps(v))
                for k, v in data.items()
            }
    return None


# ---------------------------------------------------------------------------------------------
# API answers and rows


def _unit_html(content: bytes, url: str) -> str:
    """``data.html`` of a build/unit answer, with the failure modes named."""
    text = decode_body(content)
    try:
        data = decode_json(text, url, what="The list API")
    except FetchError:
        # A challenge served with HTTP 200 gets past the client's status-based checks.
        if block_reason(200, text) or block_reason(521, text):
            raise BlockedError(
                f"The list API {url} answered with a JavaScript challenge or firewall page "
                "instead of data; wait a few hours, or try another network or a proxy.",
                url=url,
            ) from None
        raise
    if not isinstance(data, dict):
        raise LayoutError(f"The list API {url} returned JSON of an unknown shape.", url=url)
    if data.get("success") is False:
        msg = clean_text(str(data.get("message") or data.get("msg") or ""))[:200]
        raise FetchError(
            f"The list API {url} refused the request (success=false{': ' + msg if msg else ''}); "
            "its parameters may have changed.",
            url=url,
        )
    payload = data.get("data")
    html = payload.get("html") if isinstance(payload, dict) else None
    if not isinstance(html, str):
        raise LayoutError(
            f"The list API {url} answer has no data.html any more: layout changed.", url=url
        )
    return html


def parse_unit_response(content: bytes, url: str) -> list[ListItem]:
    """Rows of one build/unit API answer (``{"success":true,"data":{"html":…}}``)."""
    return parse_rows(_unit_html(content, url), url)


def _item(a: Tag, base: str, date: dt.date | None) -> ListItem | None:
    href = a.get("href")
    url = safe_url(href if isinstance(href, str) else None, base)
    if url is None:
        return None
    text = clean_title(a.decode_contents())
    title_attr = a.get("title")
    title = clean_title(title_attr) if isinstance(title_attr, str) else ""
    # A title attribute broken over lines by the editor (《…通知\n（征求意见稿）》) is the
    # link text with stray spaces: the text is the cleaner copy.
    if title and re.sub(r"\s", "", title) == re.sub(r"\s", "", text):
        title = text
    title = title or text
    if not title:
        return None
    return ListItem(
        url=url, title=title, date=date, link_text=text if text and text != title else None
    )


def parse_rows(html: str, base: str) -> list[ListItem]:
    """List rows of a JPaaS fragment (both known row families, then a generic fallback).

    LayoutError when the fragment holds article links but no row shape is recognised: a
    changed layout must not pass for an empty page.
    """
    soup = parse_html(html)
    items: list[ListItem] = []
    # Rows that carry their own date (one loop, three families seen on the live sites):
    #   MIIT   <li [class=cf]><span class="fr">date</span><a title=…>…</a>
    #              <span class="endtime" style="display:none">EPOCH ms</span></li>
    #   SAMR   <li class="zjnav04Left02_content"><div class="doctitle"><a …></div>
    #              <div class="doctime">A至B</div></li>   (征集调查: the period; B = deadline)
    #   SAMR   <li class="content-3-left-text …"><a …></a><div class="contentRight01time">date</div>
    for li in soup.find_all("li"):
        date_el = li.find(_is_row_date)
        if date_el is None and "cf" not in (li.get("class") or []):
            continue
        a = li.find(_is_doctitle_link) or li.find("a", class_="fl", href=True)
        a = a or li.find("a", href=True)
        if a is None:
            continue
        dates = all_dates(date_el.get_text(" ") if date_el else li.get_text(" "))
        if (item := _item(a, base, dates[0] if dates else None)) is None:
            continue
        deadline = _row_deadline(li, dates)
        if deadline is not None:
            item.extra["comment_deadline"] = deadline
        items.append(item)
    # SAMR/SAC family: <ul><li class="nav04Left02_content"><a title=…></li>
    #                      <li class="nav04Left02_contenttime">date</li></ul>
    if not items:
        for li in soup.find_all("li", class_="nav04Left02_content"):
            a = li.find("a", href=True)
            if a is None:
                continue
            time_li = _next_element(li)  # the row's date cell follows it directly
            is_time = time_li is not None and "nav04Left02_contenttime" in (
                time_li.get("class") or []
            )
            date = parse_date(time_li.get_text()) if is_time and time_li is not None else None
            if (item := _item(a, base, date)) is not None:
                items.append(item)
    if not items:
        items = _generic_rows(soup, base)
    if not items and _article_links(soup):
        raise LayoutError(
            f"The list at {base} holds links but no known row layout: layout changed.", url=base
        )
    return _dedupe(items)


def _next_element(el: Tag) -> Tag | None:
    from bs4 import Tag  # loaded already: ``el`` came from parse_html

    for sib in el.next_siblings:
        if isinstance(sib, Tag):
            return sib
    return None


# Row parts are found with ``find`` and small predicates rather than CSS selectors: the first
# selector a process compiles costs soupsieve's own pattern set (a quarter of a second of CPU),
# more than a no-change fetch of both JPaaS sites costs otherwise. Same document-order result
# as ``select_one("span.fr, .doctime, .contentRight01time")`` and ``".doctitle a[href]"``.
_ROW_DATE_CLASSES = frozenset({"doctime", "contentRight01time"})


def _classes(tag: Tag) -> list[str]:
    value: str | list[str] = tag.get("class") or []
    return [value] if isinstance(value, str) else list(value)


def _is_row_date(tag: Tag) -> bool:
    classes = _classes(tag)
    return bool(_ROW_DATE_CLASSES.intersection(classes)) or (tag.name == "span" and "fr" in classes)


def _is_doctitle_link(tag: Tag) -> bool:
    return (
        tag.name == "a"
        and tag.has_attr("href")
        and any("doctitle" in _classes(p) for p in tag.parents)
    )


_PERIOD = re.compile(r"至|—|–|~|～|到")


def all_dates(text: str) -> list[dt.date]:
    """Every date in ``text`` in order (a period ``2026-09-17至2026-10-17`` gives two)."""
    out = []
    for part in _PERIOD.split(text):
        if (d := parse_date(part)) is not None:
            out.append(d)
    return out


def _row_deadline(li: Tag, dates: list[dt.date]) -> dt.date | None:
    """A row's comment deadline: MIIT's hidden ``span.endtime`` epoch, else the end of a period."""
    end = li.find(class_="endtime")
    if end is not None:
        raw = clean_text(end.get_text())
        if re.fullmatch(r"\d{10}", raw):  # seconds, not the usual milliseconds
            raw += "000"
        if re.fullmatch(r"\d{12,13}", raw) and int(raw) > 0:
            return parse_date(raw)  # epoch ms, read as a Beijing date
        if parsed := parse_date(raw):
            return parsed
    return dates[-1] if len(dates) >= 2 else None


def _article_links(soup: Tag) -> list[Tag]:
    return [a for a in soup.find_all("a", href=True) if "/art/" in str(a["href"])]


def _generic_rows(soup: Tag, base: str) -> list[ListItem]:
    """Rows of an unknown JPaaS template: an article link (/art/) with a date in its row."""
    items = []
    for a in _article_links(soup):
        row = a.find_parent(["li", "tr", "dd", "p", "div"])
        date = None
        # A "row" holding more links is a container: reading its text for every link in it
        # would be quadratic, and a date in it belongs to no one link.
        if row is not None and len(row.find_all("a", href=True, limit=3)) <= 2:
            rest = row.get_text(" ").replace(a.get_text(" "), " ")
            date = parse_date(rest)
        if date is not None and (item := _item(a, base, date)) is not None:
            items.append(item)
    return items


def _dedupe(items: list[ListItem]) -> list[ListItem]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.url not in seen:
            seen.add(item.url)
            out.append(item)
    return out


def unit_total(html: str) -> int | None:
    """The list's total row count when the fragment states it (``count="N"``, ``共N条``)."""
    m = re.search(r'\bcount="(\d+)"', html) or re.search(r"共\s*(\d+)\s*条", html)
    return int(m[1]) if m else None


# ---------------------------------------------------------------------------------------------
# Walking a column


def walk_column(
    column_url: str,
    channel_key: str,
    fetcher: Fetcher,
    *,
    page_size: int | str,
    max_pages: int = 50,
) -> Iterator[ListPage]:
    """Yield the column's list pages, newest first, read through its shell's build/unit API.

    Stops on an empty page, on a page with no URL not seen before (an API that ignores the
    page number), or after ``max_pages``. LayoutError when the first page has no rows. The
    first API page is a conditional request: the API sends no validators, but the client
    answers "not modified" when its body is the one stored last time (a page digest), and
    then nothing is parsed.
    """
    shell = fetcher.get(column_url)
    script = find_unit_script(shell.content, column_url)
    seen: set[str] = set()
    for page_no in range(1, max_pages + 1):
        params = script.params(page_no, page_size)
        resp = fetcher.get(
            script.api_url,
            params=params,
            headers={"Referer": column_url},
            conditional=page_no == 1,
        )
        page_url = f"{script.api_url}?{urlencode(params)}"
        if resp.not_modified:
            yield ListPage(url=page_url, page=page_no, items=[], not_modified=True)
            return
        items = parse_unit_response(resp.content, page_url)
        for item in items:
            item.channel = channel_key
        if not items:
            if page_no == 1:
                raise LayoutError(
                    f"The list of {column_url} answered but holds no rows: layout changed.",
                    url=column_url,
                )
            return
        if all(item.url in seen for item in items):
            return
        seen.update(item.url for item in items)
        yield ListPage(url=page_url, page=page_no, items=items)


def with_list_deadline(notice: Notice, item: ListItem, site: str) -> Notice:
    """The row's deadline (MIIT endtime, SAMR period end) when the article states none."""
    if notice.comment_deadline is None and item.extra.get("comment_deadline"):
        notice.comment_deadline = item.extra["comment_deadline"]
        notice.rules.append(f"{site}:comment_deadline:list")
    return notice


# ---------------------------------------------------------------------------------------------
# Article pages

# Labels of the 政策文件 metadata block (MIIT; gov.cn-style), matched without spaces/colons.
BLOCK_LABELS = (
    "实施日期",
    "发文机关",
    "标题",
    "发文字号",
    "成文日期",
    "发布日期",
    "发布机构",
    "分类",
    "公文种类",
    "主题分类",
    "索引号",
    "来源",
)


@dataclass(frozen=True)
class ArticleTemplate:
    """Where one JPaaS site puts the parts of an article page (tried in order)."""

    title: tuple[str, ...]
    body: tuple[str, ...]
    info: tuple[str, ...]  # the line holding 发布时间 / 来源


def parse_article(content: bytes, url: str, template: ArticleTemplate, site: str) -> Notice:
    """A JPaaS article page: meta tags, title, info line, labelled block, body, attachments."""
    soup = parse_html(content)
    rules: list[str] = []
    body_el, _ = select_first(soup, template.body)
    title_el, _ = select_first(soup, template.title)

    title = clean_title(title_el.decode_contents()) if title_el else ""
    if title:
        rules.append(f"{site}:title:html")
    elif meta_title := meta_content(soup, "ArticleTitle"):
        title = clean_title(meta_title)
        rules.append(f"{site}:title:meta")
    if body_el is None:
        # A title alone is not a document: without its text the page is a layout we do not
        # know (the pipeline keeps the list item and marks its detail as failed).
        raise LayoutError(
            f"{url} has no body where {site} articles keep it: layout changed.", url=url
        )

    lines = paragraphs(body_el)
    body = "\n".join(lines)
    files = attachments(body_el, url)
    # An attachment list may follow the body in its own box (附件：… after #con_con).
    for sib in body_el.find_next_siblings():
        files.extend(f for f in attachments(sib, url) if f not in files)
    rules.append(f"{site}:body")
    body_el.extract()  # labels below come from the page around the body only

    info_el, _ = select_first(soup, template.info)
    info_text = text_of(info_el)
    fields = canonical_fields(labelled_fields(soup, with_synonyms(BLOCK_LABELS)))
    has_block = sum(1 for k in ("发文机关", "发文字号", "成文日期", "发布机构") if k in fields) >= 2
    if has_block:
        rules.append(f"{site}:label-block")

    notice = Notice(url=url, title=title or clean_title(fields.get("标题")), body=body)
    notice.attachments = files

    # 发布日期: the block, then <meta PubDate>, then the info line (发布时间：…)
    pub = parse_date(fields.get("发布日期")) if has_block else None
    if pub is None and (meta_date := meta_content(soup, "PubDate")):
        pub = parse_date(meta_date)
        rules.append(f"{site}:date:meta")
    if pub is None and info_text:
        m = re.search(r"(?:发布)?(?:时间|日期)\s*[：:]\s*(.{6,20})", info_text)
        pub = parse_date(m[1] if m else info_text)
        if pub:
            rules.append(f"{site}:date:info")
    notice.published_date = pub

    m = re.search(r"来源\s*[：:]\s*(\S+)", info_text)
    source = m[1] if m else meta_content(soup, "ContentSource") or fields.get("来源")
    notice.source_label = clean_text(source) or None

    if has_block:
        notice.issuers = split_names(fields.get("发文机关", ""))
        notice.doc_number = clean_text(fields.get("发文字号")) or None
        notice.written_date = parse_date(fields.get("成文日期"))
        notice.doc_type = clean_text(fields.get("分类") or fields.get("公文种类")) or None
    notice.effective_date = parse_date(fields.get("实施日期"))
    notice.topic_class = clean_text(fields.get("主题分类")) or None
    notice.index_number = clean_text(fields.get("索引号")) or None

    if not notice.doc_number:
        notice.doc_number = extract_doc_number(body)
        if notice.doc_number:
            rules.append(f"{site}:doc_number:body")
    if not has_block:
        issuers, signed = signature_block(lines)
        if issuers or signed:
            rules.append(f"{site}:signature")
        notice.issuers = issuers
        notice.written_date = signed

    notice.comment_deadline = extract_comment_deadline(body)
    if notice.comment_deadline:
        rules.append(f"{site}:comment_deadline:body")

    for key in ("发布机构",):
        if fields.get(key):
            notice.extra[key] = fields[key]
    for key in ("ColumnName", "ColId"):
        if value := meta_content(soup, key):
            notice.extra[key] = value
    notice.rules = rules
    return notice
