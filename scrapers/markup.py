"""HTML helpers for detail pages: decoding, paragraph text, labelled fields, attachment links.

Scraped pages are untrusted and their markup is only partly known, so everything here works by
structure and labels (a label element followed by its value, ``label：value`` text) rather than
by the class names of one template.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from urllib.parse import parse_qs, unquote, urlsplit

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, NavigableString, Tag

from scrapers.base import Attachment
from scrapers.charset import decode_body
from scrapers.text import canonical_url, clean_text, is_http_url, normalise_label


def decode(content: bytes) -> str:
    """Bytes of a saved page as text (BOM, <meta charset>, UTF-8, GB18030; never Latin-1)."""
    return decode_body(content, None)


def soup_of(content: bytes | str) -> BeautifulSoup:
    """A BeautifulSoup tree (lxml) of ``content``; never raises on malformed markup."""
    text = decode(content) if isinstance(content, bytes) else content
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(text, "lxml")


def metas(soup: BeautifulSoup) -> dict[str, str]:
    """``<meta name=… content=…>`` values by name (first wins), cleaned."""
    out: dict[str, str] = {}
    for m in soup.find_all("meta"):
        name = m.get("name")
        if isinstance(name, str) and name and name not in out:
            content = m.get("content")
            out[name] = clean_text(content if isinstance(content, str) else "")
    return out


def safe_url(href: str | None, base: str | None = None) -> str | None:
    """canonical_url for untrusted hrefs: None for empty, script or malformed links."""
    href = (href or "").strip()
    if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "#", "data:")):
        return None
    try:
        url = canonical_url(href, base)
    except ValueError:
        return None
    return url if is_http_url(url) and urlsplit(url).netloc else None


def select_first(root: Tag, selectors: Iterable[str]) -> Tag | None:
    """The first element matched by the first selector that matches anything."""
    for sel in selectors:
        try:
            el = root.select_one(sel)
        except Exception:
            continue
        if el is not None:
            return el
    return None


_BLOCK_TAGS = (
    "p",
    "div",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "dl",
    "dt",
    "dd",
    "ul",
    "ol",
    "section",
    "article",
    "blockquote",
    "pre",
)


def paragraphs(el: Tag) -> list[str]:
    """The element's text as paragraphs (one per block element or <br>), whitespace cleaned."""
    el = soup_of(str(el))  # work on a copy: the caller's tree stays intact
    for bad in el.find_all(["script", "style", "noscript"]):
        bad.decompose()
    for br in el.find_all("br"):
        br.replace_with("\n")
    for tag in el.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = (clean_text(line) for line in el.get_text("").split("\n"))
    return [line for line in lines if line]


# ---------------------------------------------------------------------------------------------
# Labelled fields


def _own_label(el: Tag, wanted: set[str]) -> str | None:
    text = el.get_text("", strip=True)
    if not text or len(text) > 24:
        return None
    key = normalise_label(text)
    return key if key in wanted else None


def _value_after(el: Tag, wanted: set[str]) -> str | None:
    """Text following a label element: its next sibling element, or the text after it."""
    parts: list[str] = []
    for sib in el.next_siblings:
        if isinstance(sib, Tag):
            if _own_label(sib, wanted):
                break
            parts.append(sib.get_text(" ", strip=True))
            # A value element (dd, td, span) ends the value even when empty.
            break
        if isinstance(sib, NavigableString):
            parts.append(str(sib))
    value = clean_text(" ".join(parts)).lstrip("：:").strip()
    if value or any(isinstance(s, Tag) for s in el.next_siblings):
        return value
    # <td><b>发文字号</b></td><td>…</td>: the value sits in the parent's next cell.
    parent = el.parent
    if isinstance(parent, Tag) and parent.get_text("", strip=True) == el.get_text("", strip=True):
        nxt = parent.find_next_sibling()
        if isinstance(nxt, Tag) and not _own_label(nxt, wanted):
            return clean_text(nxt.get_text(" ", strip=True))
    return None


def labelled_fields(root: Tag, labels: Iterable[str]) -> dict[str, str]:
    """Values of the given labels, found in whatever markup pairs them.

    Handles label/value elements (dt/dd, td/td, label/span, b + text) and ``label：value``
    text lines. Keys are the normalised labels (no spaces or colons); the first value found
    for a label wins; an empty value (``<span></span>``) is kept as "".
    """
    wanted = {normalise_label(label) for label in labels}
    out: dict[str, str] = {}
    for el in root.find_all(True):
        if el.name in ("script", "style", "head", "title", "meta"):
            continue
        key = _own_label(el, wanted)
        if key is None or key in out:
            continue
        if any(isinstance(c, Tag) and _own_label(c, wanted) == key for c in el.find_all(True)):
            continue  # the innermost element carrying the label decides
        value = _value_after(el, wanted)
        if value is not None:
            out[key] = value
    if len(out) < len(wanted):
        for line in paragraphs(root):
            for piece in re.split(r"\s{2,}", line):
                m = re.match(r"^(.{1,12}?)\s*[：:]\s*(.*)$", piece)
                if m:
                    key = normalise_label(m[1])
                    if key in wanted and key not in out:
                        out[key] = clean_text(m[2])
    return out


# ---------------------------------------------------------------------------------------------
# Attachments

_FILE_EXT = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|ofd|zip|rar|7z|pptx?|txt|csv)$", re.I)


def _file_param(url: str) -> str | None:
    """The document a PDF viewer URL points at (``viewer.html?file=/x.pdf``)."""
    q = parse_qs(urlsplit(url).query)
    for key in ("file", "fileurl", "url", "src"):
        for v in q.get(key, []):
            v = unquote(v)
            if _FILE_EXT.search(urlsplit(v).path):
                return v
    return None


def attachments(root: Tag, base_url: str) -> list[Attachment]:
    """Links to files (pdf, doc, xls, ofd, zip …) and PDF viewer frames under ``root``."""
    found: list[Attachment] = []
    seen: set[str] = set()

    def add(href: str | None, name: str, ref: str) -> None:
        url = safe_url(href, ref)
        if url is None or url in seen:
            return
        seen.add(url)
        path = urlsplit(url).path
        found.append(Attachment(name=name or unquote(path.rsplit("/", 1)[-1]), url=url))

    for a in root.find_all("a", href=True):
        href = a["href"] if isinstance(a["href"], str) else ""
        name = clean_text(a.get_text(" ")) or clean_text(str(a.get("title") or ""))
        absolute = safe_url(href, base_url)
        if absolute is None:
            continue
        target = _file_param(absolute)
        if target:
            add(target, name, absolute)
        elif _FILE_EXT.search(urlsplit(absolute).path):
            add(absolute, name, base_url)
    for frame in root.find_all(["iframe", "embed", "object"]):
        for attr in ("fileurl", "src", "data"):
            value = frame.get(attr)
            if not isinstance(value, str) or not value.strip():
                continue
            title = clean_text(str(frame.get("title") or frame.get("name") or ""))
            absolute = safe_url(value, base_url)
            if absolute is None:
                continue
            target = _file_param(absolute)
            if target:
                add(target, title, absolute)
                break
            if attr == "fileurl" or _FILE_EXT.search(urlsplit(absolute).path):
                add(absolute, title, base_url)
                break
    return found
