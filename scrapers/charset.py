"""Decoding response bodies the way Chinese government sites need it.

Order: UTF-8 BOM, then the HTTP charset, then ``<meta charset>`` / ``<meta http-equiv>``, then
UTF-8, then GB18030, then UTF-8 with replacement characters. GB2312 and GBK are read as their
superset GB18030 (pages labelled GB2312 routinely contain GBK-only characters). Latin-1 is never
used: a server that defaults to ISO-8859-1 without knowing the content would garble Chinese text.
"""

from __future__ import annotations

import codecs
import re

from scrapers.base import decode_json

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,40})""", re.I
)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)

_ALIASES = {
    "gb2312": "gb18030",
    "gb_2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "euc-cn": "gb18030",
    "utf8": "utf-8",
}
# Labels that say nothing about the real content (server defaults): ignore them and sniff.
_UNTRUSTED = {
    "iso-8859-1",
    "latin-1",
    "latin1",
    "l1",
    "us-ascii",
    "ascii",
    "windows-1252",
    "cp1252",
}


_NOT_WEB = frozenset(
    {"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "palmos"}
)


def normalise_charset(label: str | None) -> str | None:
    """A Python codec name for a charset label, GB2312/GBK -> gb18030; None when unusable."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _UNTRUSTED:
        return None
    label = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    # Python codecs that are no web charset: "undefined" raises on any input, base64/rot13 …
    # are not text encodings, idna/punycode/escape codecs would turn bytes into nonsense.
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_WEB:
        return None
    return info.name


def http_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, normalised."""
    if not content_type:
        return None
    m = _HTTP_CHARSET.search(content_type)
    return normalise_charset(m.group(1)) if m else None


def meta_charset(content: bytes) -> str | None:
    """The charset a page declares in its first few KB of markup, normalised."""
    m = _META_CHARSET.search(content[:4096])
    return normalise_charset(m.group(1).decode("ascii", "replace")) if m else None


def decode_body(content: bytes, content_type: str | None = None) -> str:
    """Text of a response body; never raises, never falls back to Latin-1."""
    if content.startswith(codecs.BOM_UTF8):
        return content[3:].decode("utf-8", errors="replace")
    for enc in (http_charset(content_type), meta_charset(content)):
        if enc:
            try:
                return content.decode(enc)
            except (UnicodeError, LookupError, ValueError):
                continue
    for enc in ("utf-8", "gb18030"):
        try:
            return content.decode(enc)
        except UnicodeDecodeError:
            continue
    return content.decode("utf-8", errors="replace")


def load_json(content: bytes, url: str) -> object:
    """JSON from a body (BOM-tolerant, UTF-8 first); FetchError naming the host when it is not.

    The charset is pinned to UTF-8 (JSON's own rule) so a ``<meta charset>`` quoted inside the
    data cannot mislead the sniffer.
    """
    return decode_json(decode_body(content, "application/json; charset=utf-8"), url)
