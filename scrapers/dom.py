"""HTML helpers shared by detail parsers: soup, labelled fields, body text, attachments.

Parsers read metadata by *label* (``发文机关：`` …) and never by row or column position, because
the same CMS lays the same labels out differently between templates and years.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers.base import Attachment, FetchError
from scrapers.charset import decode_body
from scrapers.text import canonical_url, clean_text, clean_title, is_http_url, normalise_label

ATTACHMENT_EXTENSIONS = frozenset(
    "pdf doc docx xls xlsx wps et ppt pptx zip rar 7z ofd txt rtf csv odt ods".split()
)
_BLOCKS = (
    "p",
    "div",
    "tr",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "dd",
    "dt",
)
_MAX_LABEL = 8  # longest label (normalised) accepted from a "LABEL：" cell


def soup(content: bytes | str, content_type: str | None = None) -> BeautifulSoup:
    """Parse HTML bytes decoded with the site rules (never Latin-1)."""
    text = content if isinstance(content, str) else decode_body(content, content_type)
    return BeautifulSoup(text, "lxml")


def load_json(content: bytes, url: str) -> object:
    """JSON from bytes (BOM-tolerant); FetchError when the answer is not JSON."""
    try:
        return json.loads(decode_body(content, "application/json; charset=utf-8").lstrip("\ufeff"))
    except ValueError as exc:
        host = urlsplit(url).hostname or url
        raise FetchError(
            f"{host} did not return valid JSON for {url}; the site may be down or changed.",
            url=url,
        ) from exc


def text_of(el: Tag | None, sep: str = " ") -> str:
    """Visible text of an element, whitespace collapsed."""
    return clean_text(el.get_text(sep)) if el is not None else ""


def select_first(root: Tag, selectors: Iterable[str]) -> tuple[Tag | None, str | None]:
    """The first element any selector finds, and which selector found it."""
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
    """Content of ``<meta name=NAME>`` (name compared case-insensitively)."""
    wanted = name.lower()
    for m in root.find_all("meta"):
        key = m.get("name") or m.get("property")
        if isinstance(key, str) and key.strip().lower() == wanted:
            value = clean_text(m.get("content") or "")
            return value or None
    return None


def _is_label(text: str) -> bool:
    raw = clean_text(text)
    return bool(raw) and raw[-1] in "：:" and 0 < len(normalise_label(raw)) <= _MAX_LABEL


def labelled_fields(root: Tag | None) -> dict[str, str]:
    """``{label: value}`` from label/value cells (td/th, dt/dd, b/strong + text) under ``root``.

    A label is a short cell ending in a colon; its value is the next cell. ``LABEL：value`` in one
    cell also counts. The first occurrence of a label wins; empty values are kept as "".
    """
    fields: dict[str, str] = {}
    if root is None:
        return fields
    for cell in root.find_all(["td", "th", "dt"]):
        text = text_of(cell)
        if _is_label(text):
            label = normalise_label(text)
            nxt = cell.find_next_sibling(["td", "th", "dd"])
            if label not in fields:
                fields[label] = text_of(nxt) if nxt is not None else ""
            continue
        m = re.match(r"^([^：:]{1,12})[：:]\s*(.+)$", text)
        if m and cell.find(["td", "table"]) is None:
            label = normalise_label(m.group(1))
            if 1 < len(label) <= _MAX_LABEL and label not in fields:
                fields[label] = clean_text(m.group(2))
    return fields


def body_lines(el: Tag | None) -> list[str]:
    """Paragraph texts of a body element (scripts/styles removed), empty lines dropped."""
    if el is None:
        return []
    frag = BeautifulSoup(str(el), "lxml")
    for junk in frag.find_all(["script", "style", "noscript", "template"]):
        junk.decompose()
    for br in frag.find_all("br"):
        br.replace_with("\n")
    for tag in frag.find_all(_BLOCKS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = frag.get_text("")
    return [line for line in (clean_text(x) for x in text.split("\n")) if line]


def attachments(el: Tag | None, base_url: str) -> list[Attachment]:
    """Links to files (pdf, doc, xls, wps, zip, ofd …) inside ``el``, absolute, de-duplicated."""
    found: list[Attachment] = []
    seen: set[str] = set()
    if el is None:
        return found
    for a in el.find_all("a", href=True):
        href = str(a["href"]).strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "#")):
            continue
        url = canonical_url(href, base_url)
        if not is_http_url(url) or url in seen:
            continue
        path = urlsplit(url).path
        ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
        if ext not in ATTACHMENT_EXTENSIONS:
            continue
        seen.add(url)
        name = clean_title(a.get_text(" ")) or path.rsplit("/", 1)[-1]
        found.append(Attachment(name=name, url=url))
    return found


def split_names(value: str | None) -> list[str]:
    """Issuer names printed with spaces (ASCII/U+3000), 、 or commas between them."""
    if not value:
        return []
    return [p for p in re.split(r"[\s\u3000、，,；;]+", value) if p]


_ORG = re.compile(
    r"^[\u4e00-\u9fa5（）()]{2,30}(?:办公室|办公厅|委员会|总局|部|委|局|署|院|会|中心|办|厅|行|政府|中央|国务院)$"
)


def org_names(line: str) -> list[str]:
    """The names on a line that lists only issuing bodies (a signature), else []."""
    names = split_names(line)
    if names and len(names) <= 12 and all(_ORG.match(n) for n in names):
        return names
    return []
