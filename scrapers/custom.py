"""User-defined sources: any list page (CSS selectors) or JSON list API, built from data.

A ``CustomDefinition`` is what a user writes in ``[custom_sources.KEY]``; ``CustomSource`` turns
it into a source the pipeline runs like a site module (one channel, ``list``). The rules that
keep built-in sources honest hold here too: a first list page that answers but yields no row is
a LayoutError (``broken``) whose message says *why* there is no row (the item selector matched
nothing, or matched elements without a usable link), never an empty success; a detail page
without the ``detail_body`` element is a LayoutError, and without ``detail_body`` the largest
text block is taken (scrapers/readable.py). Metadata is read by label with the shared label
parser. The list is complete (removals are detected) when it is one page without paging.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import quote, urlsplit

import soupsieve
from bs4 import Tag

from scrapers import dom
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
    fetch_page,
)
from scrapers.beijing import beijing_date
from scrapers.charset import load_json
from scrapers.readable import main_text_block
from scrapers.text import (
    clean_text,
    clean_title,
    extract_comment_deadline,
    extract_doc_number,
    parse_date,
    parse_list_date,
    safe_url,
    signature_block,
    split_names,
)

CHANNEL = "list"
MAX_PAGES = 20  # a runaway "next" link (a calendar, a loop) never walks a whole archive
FORMATS = ("html", "json")


@dataclass(frozen=True)
class CustomDefinition:
    """One ``[custom_sources.KEY]`` table; empty strings mean "not given"."""

    key: str
    name: str
    list_url: str
    format: str = "html"  # html | json
    item: str = ""  # html: CSS selector, one element per notice
    title: str = ""  # html: selector inside item (default "a"); json: field (default "title")
    link: str = ""  # html: selector inside item (default: title's element)
    date: str = ""  # html: selector inside item; json: field; optional
    next_page: str = ""  # html: selector of the link to the next list page
    detail_body: str = ""  # selector of the body text on detail pages
    interval: int | None = None  # minutes
    items: str = ""  # json: dotted path to the array ("" = the document itself)
    url: str = ""  # json: field of the notice URL (default "url"), or a template "p?id={id}"

    @property
    def title_selector(self) -> str:
        return self.title or ("title" if self.format == "json" else "a")

    @property
    def link_selector(self) -> str:
        return self.link or self.title_selector

    @property
    def url_field(self) -> str:
        return self.url or "url"

    def to_table(self) -> dict[str, Any]:
        """The TOML table a user would write (keys left at their default are omitted)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "key" or value in ("", None) or (f.name == "format" and value == "html"):
                continue
            out[f.name] = value
        return out


def selector_problem(selector: str) -> str | None:
    """None when ``selector`` is valid CSS for the parser, else the reason in a few words."""
    try:
        soupsieve.compile(selector)
    except soupsieve.SelectorSyntaxError as exc:
        return str(exc).splitlines()[0]
    except Exception as exc:  # soupsieve raises plain errors for some input
        return str(exc) or type(exc).__name__
    return None


def served_date(headers: Any) -> dt.date:
    """The Beijing date the server answered on (HTTP ``Date``), else today's Beijing date."""
    stamp = None
    raw = headers.get("date") if headers is not None else None
    if raw:
        try:
            stamp = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            stamp = None
    if stamp is None or stamp.tzinfo is None:
        stamp = dt.datetime.now(dt.UTC)
    return beijing_date(stamp)


# ---------------------------------------------------------------------------------------------
# HTML lists


def _select_in(row: Tag, selector: str) -> Tag | None:
    """The first element under ``row`` matching ``selector``, or ``row`` itself if it matches."""
    found = row.select_one(selector)
    if found is None and soupsieve.match(selector, row):
        return row
    return found


def _href(el: Tag) -> str | None:
    href = el.get("href")
    if not isinstance(href, str) or not href.strip():
        inner = el.find("a", href=True)
        href = inner.get("href") if inner is not None else None
    return href if isinstance(href, str) else None


def _row_title(el: Tag) -> tuple[str, str | None]:
    """Title and (when the visible text is cut short) the visible link text."""
    text = clean_title(el.decode_contents())
    attr = clean_title(str(el.get("title") or ""))
    stem = text.rstrip(".…").strip()
    # Lists cut long titles ("关于…的通..." or just shorter) and keep the whole one in title=.
    if attr and len(attr) > len(stem):
        return attr, text or None
    return text or attr, None


def parse_html_list(
    defn: CustomDefinition, content: bytes | str, url: str, today: dt.date
) -> list[ListItem]:
    """The rows of an HTML list page; [] when none (``explain_empty`` says why)."""
    page = dom.parse_html(content)
    items: list[ListItem] = []
    seen: set[str] = set()
    for row in page.select(defn.item):
        title_el = _select_in(row, defn.title_selector)
        link_el = _select_in(row, defn.link_selector) if defn.link else title_el
        if title_el is None or link_el is None:
            continue
        title, link_text = _row_title(title_el)
        item_url = safe_url(_href(link_el), url)
        if not title or item_url is None or item_url in seen:
            continue
        seen.add(item_url)
        if defn.date:
            date_el = _select_in(row, defn.date)
            date = parse_list_date(dom.text_of(date_el), today) if date_el is not None else None
        else:  # the row's own text around the title (<li><a>…</a><span>2024-01-02</span></li>)
            rest = dom.text_of(row).replace(dom.text_of(title_el), " ")
            date = parse_list_date(rest, today)
        item = ListItem(url=item_url, title=title, date=date, channel=CHANNEL)
        item.link_text = link_text
        items.append(item)
    return items


def explain_empty(defn: CustomDefinition, content: bytes | str) -> str:
    """Why an HTML list page yielded no rows, in one sentence a user can act on."""
    page = dom.parse_html(content)
    rows = page.select(defn.item)
    if not rows:
        links = len(page.find_all("a", href=True))
        scripted = len(page.find_all("script")) > links
        hint = (
            " The page holds almost only scripts: its list may be loaded by JavaScript "
            '(look for the JSON request in the browser and use format = "json").'
            if scripted
            else f" The page has {links} links; check the selector in the browser's inspector."
        )
        return f"no element matches item = '{defn.item}'.{hint}"
    with_title = sum(1 for r in rows if _select_in(r, defn.title_selector) is not None)
    if not with_title:
        return (
            f"{len(rows)} elements match item = '{defn.item}', but none holds "
            f"title = '{defn.title_selector}'."
        )
    return (
        f"{len(rows)} elements match item = '{defn.item}', but none has a title with an "
        f"http(s) link (link = '{defn.link_selector}')."
    )


def next_page_url(defn: CustomDefinition, content: bytes | str, url: str) -> str | None:
    """The absolute URL of the next list page, if the page has a ``next_page`` link."""
    if not defn.next_page:
        return None
    el = dom.parse_html(content).select_one(defn.next_page)
    if el is None:
        return None
    nxt = safe_url(_href(el), url)
    return nxt if nxt and nxt != url else None


# ---------------------------------------------------------------------------------------------
# JSON lists


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path (``data.list``, ``result.0.title``); None when absent."""
    if not path:
        return data
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def _json_date(value: Any, today: dt.date) -> dt.date | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        # Epoch seconds (10 digits) or milliseconds (13 digits).
        return parse_date(value * 1000 if abs(value) < 1e11 else value)
    return parse_list_date(str(value), today)


def json_rows(defn: CustomDefinition, content: bytes, url: str) -> list[Any]:
    """The array ``items`` points at; LayoutError naming the path when it is not an array."""
    data = load_json(content, url)
    rows = dig(data, defn.items)
    if not defn.items and isinstance(rows, dict):  # a wrapped array ({"data": [...]})
        rows = next((v for v in rows.values() if isinstance(v, list)), rows)
    if not isinstance(rows, list):
        where = f"items = '{defn.items}'" if defn.items else "the top level"
        found = "nothing" if rows is None else f"a {type(rows).__name__}"
        raise LayoutError(
            f"{url}: {where} holds {found}, not a list of notices; check the items path.",
            url=url,
        )
    return rows


_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _row_url(row: Any, spec: str) -> str | None:
    """The row's link: a field (``link``, ``data.url``) or a template of fields, for APIs that
    give only an id (``userIndex.html?lid={flxxId}``); None when a part is missing."""
    if "{" not in spec:
        value = dig(row, spec)
        return value if isinstance(value, str) else None
    missing = False

    def fill(m: re.Match[str]) -> str:
        nonlocal missing
        value = dig(row, m[1])
        if value in (None, "") or isinstance(value, (dict, list)):
            missing = True
            return ""
        return quote(str(value), safe="")

    filled = _PLACEHOLDER.sub(fill, spec)
    return None if missing else filled


def parse_json_list(
    defn: CustomDefinition, content: bytes, url: str, today: dt.date
) -> list[ListItem]:
    """The rows of a JSON list API response."""
    items: list[ListItem] = []
    seen: set[str] = set()
    for row in json_rows(defn, content, url):
        title = clean_title(str(dig(row, defn.title_selector) or ""))
        raw_url = _row_url(row, defn.url_field)
        item_url = safe_url(raw_url, url) if raw_url else None
        if not title or item_url is None or item_url in seen:
            continue
        seen.add(item_url)
        date = _json_date(dig(row, defn.date), today) if defn.date else None
        items.append(ListItem(url=item_url, title=title, date=date, channel=CHANNEL))
    return items


def explain_empty_json(defn: CustomDefinition, content: bytes, url: str) -> str:
    rows = json_rows(defn, content, url)
    if not rows:
        return f"the list at {'items = ' + repr(defn.items) if defn.items else 'the top level'} is empty."
    sample = rows[0]
    keys = ", ".join(sorted(sample)[:12]) if isinstance(sample, dict) else type(sample).__name__
    return (
        f"{len(rows)} entries, but none has both title = '{defn.title_selector}' and an "
        f"http(s) url = '{defn.url_field}' (the first entry has: {keys})."
    )


# ---------------------------------------------------------------------------------------------
# Detail pages

# The labels the built-in sources read (canonical names; dom.with_synonyms adds the variants).
DETAIL_LABELS = (
    "发文机关",
    "发文字号",
    "成文日期",
    "发布日期",
    "实施日期",
    "公文种类",
    "主题分类",
    "索引号",
    "来源",
    "发布时间",
)
_TITLE_CANDIDATES = ("h1", "h2", "div.title", "td.title")


def _title_candidates(page: Tag) -> list[str]:
    out: list[str] = []
    if meta := dom.meta_content(page, "ArticleTitle"):
        out.append(clean_title(meta))
    for sel in _TITLE_CANDIDATES:
        out.extend(t for el in page.select(sel) if (t := dom.text_of(el)))
    if page.title is not None:
        out.extend(p for p in (clean_text(x) for x in page.title.get_text().split("_")) if p)
    return out


def pick_title(candidates: list[str], list_title: str) -> str:
    """The page's title when it is the list's (perhaps untruncated) title, else the list's.

    A page nobody described may show a site banner in its first <h1>; the list title is the
    safer name for the notice unless the page clearly repeats it.
    """
    stem = list_title.rstrip(".…").strip()
    for cand in candidates:
        if cand == list_title or (stem and cand.startswith(stem) and len(cand) >= len(stem)):
            return cand
    return list_title or (candidates[0] if candidates else "")


def parse_detail(defn: CustomDefinition, content: bytes, url: str, list_title: str = "") -> Notice:
    """A detail page: body by ``detail_body`` (else the largest text block), labels, dates."""
    page = dom.parse_html(content)
    rules: list[str] = []
    if defn.detail_body:
        body_el = page.select_one(defn.detail_body)
        if body_el is None:
            raise LayoutError(
                f"{url} has no element matching detail_body = '{defn.detail_body}'; the page "
                "layout changed or the selector is wrong.",
                url=url,
            )
        rules.append("custom:body:detail_body")
    else:
        body_el = main_text_block(page)
        rules.append("custom:body:largest-block")
    title = pick_title(_title_candidates(page), list_title)
    lines = dom.paragraphs(body_el)
    body = "\n".join(lines)
    notice = Notice(url=url, title=title, body=body, rules=rules)
    notice.attachments = dom.attachments(body_el, url) if body_el is not None else []
    if body_el is not None:
        body_el.extract()  # labels come from the page around the body (not from its sentences)
    fields = dom.canonical_fields(dom.labelled_fields(page, dom.with_synonyms(DETAIL_LABELS)))
    if fields:
        rules.append("custom:labels")
    notice.issuers = split_names(fields.get("发文机关"))
    notice.doc_number = clean_text(fields.get("发文字号")) or extract_doc_number(body)
    notice.written_date = parse_date(fields.get("成文日期"))
    notice.published_date = (
        parse_date(fields.get("发布日期"))
        or parse_date(fields.get("发布时间"))
        or parse_date(dom.meta_content(page, "PubDate"))
    )
    notice.effective_date = parse_date(fields.get("实施日期"))
    notice.doc_type = clean_text(fields.get("公文种类")) or None
    notice.topic_class = clean_text(fields.get("主题分类")) or None
    notice.index_number = clean_text(fields.get("索引号")) or None
    notice.source_label = clean_text(fields.get("来源")) or None
    if not notice.issuers:
        issuers, signed = signature_block(lines)
        notice.issuers = issuers
        notice.written_date = notice.written_date or signed
    notice.comment_deadline = extract_comment_deadline(body)
    return notice


# ---------------------------------------------------------------------------------------------
# The source


class CustomSource(BaseSource):
    """A source built from a ``CustomDefinition`` (one channel, ``list``)."""

    def __init__(self, defn: CustomDefinition):
        self.defn = defn
        parts = urlsplit(defn.list_url)
        caps = {"details", "attachments", "conditional", "custom"}
        caps.add("paging" if defn.next_page and defn.format == "html" else "removal")
        self.info = SourceInfo(  # type: ignore[misc]  # per instance: each definition differs
            key=defn.key,
            name_zh=defn.name,
            name_en=defn.name,
            home=f"{parts.scheme}://{parts.netloc}/",
            channels=(Channel(CHANNEL, defn.name, defn.name, defn.list_url),),
            default_interval_minutes=defn.interval or 60,
            capabilities=frozenset(caps),
        )

    def parse_list(self, content: bytes, url: str, today: dt.date) -> list[ListItem]:
        if self.defn.format == "json":
            return parse_json_list(self.defn, content, url, today)
        return parse_html_list(self.defn, content, url, today)

    def why_empty(self, content: bytes, url: str) -> str:
        if self.defn.format == "json":
            return explain_empty_json(self.defn, content, url)
        return explain_empty(self.defn, content)

    def list_pages(self, channel: Channel, fetcher: Fetcher) -> Iterator[ListPage]:
        url, seen = channel.url, {channel.url}
        paged = bool(self.defn.next_page) and self.defn.format == "html"
        for page_no in range(1, MAX_PAGES + 1):
            resp = fetcher.get(url, conditional=page_no == 1)
            if resp.not_modified:
                yield ListPage(resp.url, page_no, [], not_modified=True)
                return
            if resp.status >= 400:
                raise FetchError(
                    f"{url} answered HTTP {resp.status}; check list_url in a browser.",
                    url=url,
                    status=resp.status,
                )
            items = self.parse_list(resp.content, resp.url, served_date(resp.headers))
            if not items:
                if page_no == 1:
                    raise LayoutError(
                        f"{resp.url} answered but gave no rows: "
                        f"{self.why_empty(resp.content, resp.url)}",
                        url=resp.url,
                    )
                return
            yield ListPage(resp.url, page_no, items, complete=not paged)
            nxt = next_page_url(self.defn, resp.content, resp.url) if paged else None
            if nxt is None or nxt in seen:
                return
            seen.add(nxt)
            url = nxt

    def fetch_detail(self, item: ListItem, fetcher: Fetcher) -> Notice:
        resp = fetch_page(fetcher, item.url)
        return parse_detail(self.defn, resp.content, item.url, item.title)

    def parse_detail(self, content: bytes, url: str) -> Notice:
        return parse_detail(self.defn, content, url)

    def parse(self, content: bytes, url: str) -> list[ListItem] | Notice:
        """A saved list page (the list URL, or any page whose rows the definition finds; a
        list that yields none raises the LayoutError saying why) or a detail page."""
        is_list = url == self.defn.list_url
        if not is_list and self.defn.format == "html":
            is_list = bool(dom.parse_html(content).select(self.defn.item))
        if not is_list:
            return self.parse_detail(content, url)
        items = self.parse_list(content, url, served_date(None))
        if not items:
            raise LayoutError(f"{url} gave no rows: {self.why_empty(content, url)}", url=url)
        return items
