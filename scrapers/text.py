"""Text helpers shared by the site parsers: URLs, titles, labels, dates, 文号, deadlines.

All functions are pure and tolerant: they return None rather than raise on odd input.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from urllib.parse import urljoin, urlsplit, urlunsplit

_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")
_TAG = re.compile(r"<[^>]*>")
_BR = re.compile(r"<br\s*/?>", re.I)


def clean_text(value: str | None) -> str:
    """Collapse all whitespace (incl. U+3000, NBSP, zero-width) to single spaces and trim."""
    if not value:
        return ""
    return _WS.sub(" ", value).strip()


def clean_title(value: str | None) -> str:
    """A title as the corpus conventions define it: tags stripped, <br> -> space, entities decoded."""
    if not value:
        return ""
    value = _BR.sub(" ", value)
    value = _TAG.sub("", value)
    return clean_text(html.unescape(value))


def canonical_url(href: str, base: str | None = None) -> str:
    """Absolute https URL: resolve against ``base``, protocol-relative/http -> https, no fragment."""
    href = (href or "").strip()
    if base:
        href = urljoin(base, href)
    elif href.startswith("//"):
        href = "https:" + href
    parts = urlsplit(href)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https", ""):
        scheme = "https"
    netloc = parts.netloc.lower()
    if netloc.endswith(":443") or netloc.endswith(":80"):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def is_http_url(url: str | None) -> bool:
    """True for http(s) URLs only: the only links the app will ever open."""
    return bool(url) and urlsplit(url).scheme.lower() in ("http", "https")


def normalise_label(label: str | None) -> str:
    """A metadata label without spaces (ASCII or U+3000), colons or NFKC width differences."""
    if not label:
        return ""
    label = unicodedata.normalize("NFKC", label)
    return re.sub(r"[\s\u3000：:]", "", label)


# ---------------------------------------------------------------------------------------------
# Dates (all Beijing dates)

_DATE_PATTERNS = [
    # 2024年3月22日 / 2024 年 03 月 22 日
    re.compile(r"(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    # 2024-03-22, 2024.03.22, 2024/3/22, 2017-03-30-07:55:00
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-./](?P<m>\d{1,2})[-./](?P<d>\d{1,2})(?!\d)"),
    # 20240322 (only as a whole token)
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
]


def parse_date(value: str | int | float | None) -> dt.date | None:
    """First date in ``value``: Chinese, ISO-ish, dotted, compact or epoch milliseconds."""
    if value is None:
        return None
    if isinstance(value, (int, float)) or (
        isinstance(value, str) and re.fullmatch(r"\d{12,13}", value.strip())
    ):
        try:
            ms = int(value)
            return (dt.datetime.fromtimestamp(ms / 1000, dt.UTC) + dt.timedelta(hours=8)).date()
        except (ValueError, OverflowError, OSError):
            return None
    text = unicodedata.normalize("NFKC", str(value))
    for pat in _DATE_PATTERNS:
        m = pat.search(text)
        if m:
            try:
                return dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
            except ValueError:
                continue
    return None


# ---------------------------------------------------------------------------------------------
# 文号 (document numbers) and comment deadlines

_DOCNO = re.compile(
    r"(?:"
    # 国发〔2025〕11号, 工信部联科〔2024〕113号, 国办发明电〔2025〕7号, 国标委联[2020]35号
    r"[\u4e00-\u9fa5]{1,12}[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*第?\s*\d{1,4}\s*号"
    r"|"
    # 国家互联网信息办公室令第15号 / 中华人民共和国工业和信息化部令 第68号
    r"[\u4e00-\u9fa5]{2,30}令\s*[（(]?\s*第\s*\d{1,4}\s*号\s*[）)]?"
    r")"
)


def extract_doc_number(text: str | None, *, head_chars: int = 600) -> str | None:
    """The first 文号/令号 in the first ``head_chars`` characters of a body, normalised."""
    if not text:
        return None
    m = _DOCNO.search(text[:head_chars])
    if not m:
        return None
    value = re.sub(r"\s+", "", m.group(0))
    value = value.replace("[", "〔").replace("]", "〕").replace("［", "〔").replace("］", "〕")
    value = value.strip("（）()")
    # A 令号 sentence starts mid-text: keep from the issuing body's name onwards.
    return value


_DEADLINE_PATTERNS = [
    re.compile(
        r"(?:意见)?反馈截止(?:时间|日期)?[为是：:]?\s*(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
    ),
    re.compile(
        r"请于\s*(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?:\d{1,2}[:：]\d{2}\s*)?(?:[（(]?\s*\d{1,2}[:：]\d{2}\s*[）)]?\s*)?(?:以)?前"
    ),
    re.compile(
        r"截止(?:时间|日期)?[为是：:]?\s*(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
    ),
    re.compile(
        r"(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?:\d{1,2}[:：]\d{2}\s*)?(?:[（(]\s*\d{1,2}[:：]\d{2}\s*[）)]\s*)?(?:以)?前\s*[，,]?\s*(?:将|通过|反馈|提出|发送|寄送|报送|以)"
    ),
    re.compile(
        r"(?:征求意见|公示|反馈)(?:时间|期)[为是：:]?\s*\S{0,20}?至\s*(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
    ),
]


def extract_comment_deadline(text: str | None) -> dt.date | None:
    """The comment deadline a notice states (征求意见…截止 / 反馈时间 / 请于…前), else None."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    for pat in _DEADLINE_PATTERNS:
        m = pat.search(text)
        if m:
            d = parse_date(m["date"])
            if d:
                return d
    return None
