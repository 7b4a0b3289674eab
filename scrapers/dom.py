"""HTML structure helpers for every site parser: parse, select, meta, labelled fields, body
paragraphs and attachment links.

Scraped pages are untrusted and the same CMS lays the same data out differently between
templates and years, so everything here works by structure and by *label* (``发文机关：``
followed by its value), never by row/column position or one template's class names.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from scrapers.base import Attachment
from scrapers.charset import decode_body
from scrapers.text import clean_text, normalise_label, safe_url

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag
    from bs4.element import PageElement

# bs4 (with soupsieve and lxml) is imported inside the functions that need its classes:
# ``regwatch sources`` and ``items`` load the site modules (and so this one) but parse nothing,
# and must not pay for it at start-up.

# Commands that parse nothing (``regwatch sources``, ``items``) never import this module, so bs4
# (with soupsieve and lxml) is not paid for at their start-up.


def parse_html(content: bytes | str, content_type: str | None = None) -> BeautifulSoup:
    """A lxml tree of ``content`` decoded by the site rules (never Latin-1); never raises."""
    text = content if isinstance(content, str) else decode_body(content, content_type)
    with warnings.catch_warnings():  # a short fragment is not a file name, whatever bs4 thinks
        from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(text, "lxml")


def text_of(el: Tag | None, sep: str = " ") -> str:
    """Visible text of an element, whitespace collapsed; "" for None."""
    return clean_text(el.get_text(sep)) if el is not None else ""


def select_first(root: Tag, selectors: Iterable[str]) -> tuple[Tag | None, str | None]:
    """The first element any selector finds, and that selector (for the parse rules)."""
    for sel in selectors:
        el = root.select_one(sel)
        if el is not None:
            return el, sel
    return None, None


def find_id(root: Tag, ident: str) -> Tag | None:
    """Element whose id equals ``ident`` ignoring case (``<DIV id=BodyLabel>`` / ``bodylabel``)."""
    wanted = ident.lower()
    return root.find(lambda t: isinstance(t.get("id"), str) and t["id"].strip().lower() == wanted)


def meta_content(root: Tag, name: str) -> str | None:
    """Content of the first ``<meta name|property=NAME>`` (case-insensitive); None when empty."""
    wanted = name.lower()
    for m in root.find_all("meta"):
        key = m.get("name") or m.get("property")
        if isinstance(key, str) and key.strip().lower() == wanted:
            content = m.get("content")
            return clean_text(content if isinstance(content, str) else "") or None
    return None


# ---------------------------------------------------------------------------------------------
# Body paragraphs

_BLOCK_TAGS = (
    *("p", "div", "li", "tr", "table", "section", "article", "blockquote", "pre"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "dl", "dt", "dd", "ul", "ol"),
)


_JUNK = frozenset({"script", "style", "noscript", "template"})


def _lines(el: Tag, blocks: tuple[str, ...]) -> list[str]:
    """Text lines of ``el``: a break at every block element and <br>, junk skipped.

    One iterative pass over the tree, which it never modifies: inserting markers with
    ``insert_before`` costs a sibling scan each (quadratic on a page of 10,000 siblings), and
    recursion would overflow on a page nested 10,000 deep.
    """
    from bs4 import CData, Tag
    from bs4.element import NavigableString

    text_types = (NavigableString, CData)  # what get_text() reads: no comments, scripts, doctypes
    block_set = frozenset(blocks)
    out: list[str] = []
    stack: list[PageElement | None] = [el]  # None: a block element ends here
    while stack:
        node = stack.pop()
        if node is None:
            out.append("\n")
            continue
        if isinstance(node, NavigableString):
            if type(node) in text_types:
                out.append(str(node))
            continue
        if not isinstance(node, Tag) or (node.name in _JUNK and node is not el):
            continue
        if node.name == "br":
            out.append("\n")
            continue
        if node.name in block_set:
            out.append("\n")
            stack.append(None)
        stack.extend(reversed(node.contents))
    lines = (clean_text(line) for line in "".join(out).split("\n"))
    return [line for line in lines if line]


def paragraphs(el: Tag | None) -> list[str]:
    """The element's text as paragraphs (one per block element or <br>); [] for None."""
    return _lines(el, _BLOCK_TAGS) if el is not None else []


# ---------------------------------------------------------------------------------------------
# Labelled fields


def definition_of(term: Tag) -> Tag | None:
    """The ``<dd>`` that belongs to a ``<dt>``: the next element sibling if it is one.

    ``find_next_sibling("dd")`` would scan every later sibling for each <dt>, quadratic on a
    list of terms without definitions; a definition never follows another term's.
    """
    from bs4 import Tag

    for sib in term.next_siblings:
        if isinstance(sib, Tag):
            return sib if sib.name == "dd" else None
    return None


_MAX_OPEN_LABEL = 8  # longest label (normalised) accepted without a list of wanted labels
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SKIP = frozenset({"script", "style", "head", "title", "meta"})


def _label_of(el: Tag, wanted: frozenset[str] | None) -> str | None:
    """The normalised label ``el`` carries on its own, if its whole text is one."""
    text = el.get_text("", strip=True)
    if not text or len(text) > 24:
        return None
    key = normalise_label(text)
    if wanted is not None:
        return key if key in wanted else None
    # Open mode: a short text ending in a colon, or a <dt> (a term by definition).
    if el.name == "dt" or (text[-1] in "：:" and len(key) <= _MAX_OPEN_LABEL):
        return key or None
    return None


def _value_after(el: Tag, wanted: frozenset[str] | None) -> str | None:
    """The value of a label element: its next sibling element, or the text after it."""
    from bs4 import Tag
    from bs4.element import NavigableString

    parts: list[str] = []
    for sib in el.next_siblings:
        if isinstance(sib, Tag):
            if not _label_of(sib, wanted):
                parts.append(sib.get_text(" ", strip=True))
            break  # a value element (dd, td, span) ends the value even when empty
        if isinstance(sib, NavigableString):
            parts.append(str(sib))
    value = clean_text(" ".join(parts)).lstrip("：:").strip()
    if value or any(isinstance(s, Tag) for s in el.next_siblings):
        return value
    # <td><b>发文字号</b></td><td>…</td>: the value sits in the parent's next cell.
    parent = el.parent
    if isinstance(parent, Tag) and parent.get_text("", strip=True) == el.get_text("", strip=True):
        nxt = parent.find_next_sibling()
        if isinstance(nxt, Tag) and not _label_of(nxt, wanted):
            return clean_text(nxt.get_text(" ", strip=True))
    return None


def labelled_fields(root: Tag | None, labels: Iterable[str] | None = None) -> dict[str, str]:
    """``{label: value}`` read by label from whatever markup pairs them, never by position.

    Shapes: dt/dd, td/td (also with the label nested in b/span), label + span, b + text, and
    ``label：value`` lines or cells. With ``labels`` only those are read (a label needs no colon);
    without, any short text ending in a colon (or a <dt>) is a label. Keys are normalised (no
    spaces or colons); the first value wins; an empty value (``<td></td>``) is kept as "".
    """
    wanted = frozenset(normalise_label(label) for label in labels) if labels is not None else None
    out: dict[str, str] = {}
    if root is None:
        return out
    for el in root.find_all(True):
        if el.name in _SKIP:
            continue
        key = _label_of(el, wanted)
        if key is None or key in out:
            continue
        if any(_label_of(c, wanted) == key for c in el.find_all(True)):
            continue  # the innermost element carrying the label decides
        value = _value_after(el, wanted)
        if value is not None:
            out[key] = value
    if wanted is None or len(out) < len(wanted):
        for line in _lines(root, (*_BLOCK_TAGS, "td", "th")):
            m = re.match(r"^(.{1,12}?)\s*[：:]\s*(.*)$", line)
            if not m:
                continue
            key = normalise_label(m[1])
            if wanted is None:
                ok = 1 < len(key) <= _MAX_OPEN_LABEL and _CJK.search(key) and m[2]
            else:
                ok = key in wanted
            if ok and key not in out:
                out[key] = clean_text(m[2])
    return out


# Labels that mean the same field on different templates and sites (MIIT, SAC and the gov.cn
# library print 发布机关 / 发文单位 for 发文机关, 文号 for 发文字号, 印发日期 for 成文日期 …).
# Parsers read the canonical key only; a synonym never overrides the canonical label's value.
LABEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "发文机关": ("发布机关", "发文单位", "制发机关", "发文机构"),
    "发文字号": ("文号", "发文文号", "文件编号"),
    "成文日期": ("发文日期", "印发日期", "签发日期"),
    "发布日期": ("公布日期", "公开日期"),
    "实施日期": ("施行日期", "生效日期"),
    "公文种类": ("文种", "文件类型"),
}


def with_synonyms(labels: Iterable[str]) -> tuple[str, ...]:
    """``labels`` plus every synonym of them (for ``labelled_fields`` with wanted labels)."""
    out = list(labels)
    for label in list(out):
        out.extend(s for s in LABEL_SYNONYMS.get(normalise_label(label), ()) if s not in out)
    return tuple(out)


def canonical_fields(fields: dict[str, str]) -> dict[str, str]:
    """``fields`` with synonym keys renamed to their canonical label (the canonical one wins)."""
    out = dict(fields)
    for canonical, synonyms in LABEL_SYNONYMS.items():
        for syn in synonyms:
            if syn in out:
                value = out.pop(syn)
                if not out.get(canonical):
                    out[canonical] = value
    return out


# ---------------------------------------------------------------------------------------------
# Attachments

_FILE_EXT = re.compile(
    r"\.(pdf|docx?|xlsx?|pptx?|wps|et|ofd|zip|rar|7z|txt|rtf|csv|odt|ods)$", re.IGNORECASE
)


def _viewer_target(url: str) -> str | None:
    """The document a viewer URL points at (``viewer.html?file=/x.pdf``)."""
    q = parse_qs(urlsplit(url).query)
    for key in ("file", "fileurl", "url", "src"):
        for v in q.get(key, []):
            v = unquote(v)
            if _FILE_EXT.search(urlsplit(v).path):
                return v
    return None


def attachments(root: Tag | None, base_url: str) -> list[Attachment]:
    """File links (pdf, doc, xls, wps, ofd, zip …), viewer ``?file=`` links and document frames
    (``iframe[fileurl]``, ``embed``, ``object``) under ``root``: absolute, http(s), de-duplicated.
    """
    found: list[Attachment] = []
    seen: set[str] = set()
    if root is None:
        return found

    def add(href: str | None, name: str, ref: str) -> None:
        url = safe_url(href, ref)
        if url is None or url in seen:
            return
        seen.add(url)
        file_name = unquote(urlsplit(url).path.rsplit("/", 1)[-1])
        found.append(Attachment(name=name or file_name, url=url))

    for a in root.find_all("a", href=True):
        absolute = safe_url(a["href"] if isinstance(a["href"], str) else None, base_url)
        if absolute is None:
            continue
        name = text_of(a) or clean_text(str(a.get("title") or ""))
        if target := _viewer_target(absolute):
            add(target, name, absolute)
        elif _FILE_EXT.search(urlsplit(absolute).path):
            add(absolute, name, base_url)
    for frame in root.find_all(["iframe", "embed", "object"]):
        title = clean_text(str(frame.get("title") or frame.get("name") or ""))
        for attr in ("fileurl", "src", "data"):
            value = frame.get(attr)
            absolute = safe_url(value if isinstance(value, str) else None, base_url)
            if absolute is None:
                continue
            if target := _viewer_target(absolute):
                add(target, title, absolute)
                break
            if attr == "fileurl" or _FILE_EXT.search(urlsplit(absolute).path):
                add(absolute, title, base_url)
                break
    return found
