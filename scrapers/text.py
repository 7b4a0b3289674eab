"""Text helpers shared by the site parsers: URLs, titles, labels, names, dates, 文号, deadlines.

All functions are pure and tolerant: they return None rather than raise on odd input.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
from urllib.parse import urljoin, urlsplit, urlunsplit

from scrapers.beijing import beijing_date

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


_UNSAFE_HREF = ("javascript:", "vbscript:", "mailto:", "tel:", "data:", "#")


def safe_url(href: str | None, base: str | None = None) -> str | None:
    """canonical_url for an untrusted href: None for empty, script, mail or malformed links.

    Scraped pages are untrusted, so a link becomes a URL only when it is absolute http(s) with a
    host after resolving; ``javascript:`` and friends never reach the database or a browser.
    """
    href = (href or "").strip()
    if not href or href.lower().startswith(_UNSAFE_HREF):
        return None
    try:
        url = canonical_url(href, base)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return None
    return url if is_http_url(url) and urlsplit(url).netloc else None


def normalise_label(label: str | None) -> str:
    """A metadata label without spaces (ASCII or U+3000), colons or NFKC width differences."""
    if not label:
        return ""
    label = unicodedata.normalize("NFKC", label)
    return re.sub(r"[\s\u3000：:]", "", label)


# ---------------------------------------------------------------------------------------------
# Issuer names

_NAME_SEP = re.compile(r"[\s、，,；;]+")  # \s covers U+3000 and NBSP
_ORG = re.compile(
    r"^[\u4e00-\u9fa5（）()]{2,30}(?:办公室|办公厅|委员会|总局|部|委|局|署|院|会|中心|办|厅|行|政府|中央|国务院)$"
)


def split_names(value: str | None) -> list[str]:
    """Issuer names as printed: separated by spaces (ASCII/U+3000), 、, commas or semicolons."""
    return [p for p in _NAME_SEP.split(clean_text(value)) if p]


def org_names(line: str) -> list[str]:
    """The names on a line that lists only issuing bodies (a signature), else []."""
    names = split_names(line)
    if names and len(names) <= 12 and all(_ORG.match(n) for n in names):
        return names
    return []


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
            return beijing_date(dt.datetime.fromtimestamp(ms / 1000, dt.UTC))
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


# A month and day without a year, as list pages print them: [01-02], 01/02, 01.02, 1月2日.
_MONTH_DAY = re.compile(
    r"(?<![\d年])(?P<m>[01]?\d)\s*(?:[-./]|月)\s*(?P<d>[0-3]?\d)(?:\s*日|(?![\d.:/-]))"
)


def parse_list_date(value: str | int | float | None, today: dt.date) -> dt.date | None:
    """A list row's date: any full form ``parse_date`` reads, else a month-day without a year.

    The year of a month-day is the latest one that does not put the date after ``today`` (the
    day the list was served): a list read on 5 January that shows ``12-30`` means last year.
    """
    full = parse_date(value)
    if full is not None or value is None or isinstance(value, (int, float)):
        return full
    m = _MONTH_DAY.search(unicodedata.normalize("NFKC", str(value)))
    if not m:
        return None
    for year in (today.year, today.year - 1):
        try:
            d = dt.date(year, int(m["m"]), int(m["d"]))
        except ValueError:  # 02-29 in a year without it, or 13-01
            continue
        if d <= today + dt.timedelta(days=1):  # a day of slack for time zones
            return d
    return None


# ---------------------------------------------------------------------------------------------
# 文号 (document numbers) and comment deadlines


@functools.cache
def _docno() -> re.Pattern[str]:
    """文号 pattern, compiled at first use: a cycle that parses nothing never needs it."""
    return re.compile(
        r"(?:"
        # 国发〔2025〕11号, 工信部联科〔2024〕113号, 国办发明电〔2025〕7号, 国标委联[2020]35号
        r"[\u4e00-\u9fa5]{1,12}[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*第?\s*\d{1,4}\s*号"
        r"|"
        # 国家互联网信息办公室令第15号 / 中华人民共和国工业和信息化部令 第68号
        r"[\u4e00-\u9fa5]{2,30}令\s*[（(]?\s*第\s*\d{1,4}\s*号\s*[）)]?"
        r")"
    )


# A number in brackets right after a 《title》 cites another document:
# 为贯彻落实《新一代人工智能发展规划》（国发〔2017〕35号）… is not this notice's 文号.
_CITATION = re.compile(r"》\s*[（(]\s*$")


def extract_doc_number(text: str | None, *, head_chars: int = 600) -> str | None:
    """The first 文号/令号 in the first ``head_chars`` characters of a body, normalised.

    Citations of other documents (``《…》（国发〔2017〕35号）``) are skipped.
    """
    if not text:
        return None
    head = text[:head_chars]
    m = next((m for m in _docno().finditer(head) if not _CITATION.search(head[: m.start()])), None)
    if not m:
        return None
    value = re.sub(r"\s+", "", m.group(0))
    value = value.replace("[", "〔").replace("]", "〕").replace("［", "〔").replace("］", "〕")
    value = value.strip("（）()")
    # A 令号 sentence starts mid-text: keep from the issuing body's name onwards.
    return value


# A date as notices write it: 2025年3月15日 / 2025-03-15 / 2025.3.15 / 2025/3/15.
_D = r"(?:19|20)\d{2}\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-./]\d{1,2}[-./]\d{1,2}(?!\d))"
# An optional weekday and clock time after the date: （星期五）, （周五）, 24:00, （17:00）, 17时.
_CLOCK = (
    r"(?:\s*[（(]\s*(?:星期|周)[一二三四五六日天]\s*[）)])?"
    r"(?:\s*[（(]?\s*\d{1,2}\s*(?:[:：]\s*\d{2}|时|点)\s*[）)]?)?"
)
# Words that make a bare 截止/截至 date a comment deadline rather than a statistics cut-off.
_COMMENT_CONTEXT = r"(?:意见|建议|反馈|征求|回执|报名)"


@functools.cache
def _deadline_patterns() -> tuple[re.Pattern[str], ...]:
    """Comment-deadline patterns, compiled at first use (see _docno)."""
    return (
        # 意见反馈截止时间为… / 反馈意见截止日期：… / 征求意见截止日期为… / 反馈时间截至…
        re.compile(
            _COMMENT_CONTEXT
            + r"[^。；;]{0,30}?截[止至](?:时间|日期)?\s*(?:为|是|到|至|：|:)?\s*(?P<date>"
            + _D
            + ")"
        ),
        # a labelled deadline: 截止日期：2025-03-15 / 截止时间为…
        re.compile(r"截止(?:时间|日期)\s*(?:为|是|：|:)\s*(?P<date>" + _D + ")"),
        # 征求意见时间/期（为）：2025年1月1日至2025年1月31日 → the end of the period
        re.compile(
            r"(?:征求意见|公示|反馈|意见反馈)(?:时间|期限?|日期)\s*(?:为|是|：|:)?\s*"
            r"(?P<start>" + _D + r")?[^。；;]{0,12}?(?:至|到|—|－|-|~|～)\s*"
            r"(?P<date>(?:(?:19|20)\d{2}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日|" + _D + ")"
        ),
    )


# "Before <date>" sentences are deadlines for comments only when comments are mentioned
# nearby (各地要在2025年6月30日前将实施情况报送 is a reporting duty, not a comment deadline).
@functools.cache
def _before_patterns() -> tuple[re.Pattern[str], ...]:
    """Patterns for "before <date>" sentences, compiled at first use (see _docno)."""
    return (
        # 请于…前 / 请在…之前 / 请于…24:00前
        re.compile(r"请\s*[于在]\s*(?P<date>" + _D + ")" + _CLOCK + r"\s*(?:以|之)?前"),
        # …前将意见反馈 / …前通过电子邮件反馈
        re.compile(
            r"(?P<date>" + _D + ")" + _CLOCK + r"\s*(?:以|之)?前\s*[，,]?\s*"
            r"(?:将|把|通过|以|反馈|提出|提交|发送|寄送|报送|书面|填写|登录)"
        ),
    )


_NEAR_COMMENTS = re.compile(r"意见|建议|反馈|回执")


def extract_comment_deadline(text: str | None) -> dt.date | None:
    """The comment deadline a notice states (征求意见…截止 / 反馈时间 / 请于…前), else None.

    The earliest statement wins. A bare 截至 date without comment context (截至2024年12月31日，
    全国共…) is a statistics cut-off and a "before <date>" sentence that mentions no comments
    is some other duty: neither is a deadline.
    """
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, dt.date]] = []
    for pat in _deadline_patterns():
        for m in pat.finditer(text):
            if d := _deadline_date(m):
                found.append((m.start(), d))
                break
    for pat in _before_patterns():
        for m in pat.finditer(text):
            window = text[max(0, m.start() - 40) : m.end() + 40]
            if _NEAR_COMMENTS.search(window) and (d := _deadline_date(m)):
                found.append((m.start(), d))
                break
    return min(found, key=lambda f: f[0])[1] if found else None


def _deadline_date(m: re.Match[str]) -> dt.date | None:
    raw = m["date"]
    d = parse_date(raw)
    if d is None and "start" in m.groupdict():
        # "至3月15日": the year is the start date's (or the next one when the period wraps).
        start = parse_date(m["start"]) if m["start"] else None
        md = re.search(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日", raw)
        if start and md:
            try:
                d = dt.date(start.year, int(md[1]), int(md[2]))
            except ValueError:
                return None
            if d < start:
                d = d.replace(year=start.year + 1)
    return d


# ---------------------------------------------------------------------------------------------
# Standard numbers and signature blocks

_STD_NO = re.compile(
    r"(?<![A-Za-z])(GB(?:\s*/\s*[TZ])?)\s*(\d{1,6}(?:\.\d{1,3})*)\s*[-—－]\s*((?:19|20)\d{2})(?!\d)"
)


def extract_standard_number(text: str | None) -> str | None:
    """The first national standard number (GB 45438-2025, GB/T 41819-2022) in ``text``."""
    if not text:
        return None
    m = _STD_NO.search(unicodedata.normalize("NFKC", text))
    if not m:
        return None
    prefix = re.sub(r"\s+", "", m[1])
    return f"{prefix} {m[2]}-{m[3]}"


_SIG_DATE = re.compile(
    r"(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"
)
_SIG_NOT_NAME = re.compile(r"[。，,；;：:！？!?“”\"《》]|\d")
# Organisation names end like this (部, 委员会, 秘书处, 总局 …), after an optional （…） aside.
_ORG_END = re.compile(r"[部委局院会办室司厅署处组心府行社所馆站队团]$")
_ATTACHMENT_LINE = re.compile(r"^附\s*件|\.(?:pdf|docx?|xlsx?|wps|ofd|zip|rar|et)$", re.I)


def signature_block(lines: list[str]) -> tuple[list[str], dt.date | None]:
    """Issuers and signature date at the end of a body (one paragraph per line).

    Chinese notices end with the issuing bodies (one or more per line, space separated) and
    the date they were signed, possibly followed by attachment lines; returns ([], None) when
    the body does not end that way.
    """
    i = len(lines) - 1
    while i >= 0 and (not lines[i].strip() or _ATTACHMENT_LINE.search(lines[i].strip())):
        i -= 1
    date = None
    if i >= 0 and _SIG_DATE.fullmatch(clean_text(lines[i]).replace(" ", "")):
        date = parse_date(lines[i])
        i -= 1
    names: list[str] = []
    while i >= 0 and len(names) < 6:
        line = clean_text(lines[i])
        parts = line.split(" ")
        if not line or len(line) > 60 or _SIG_NOT_NAME.search(line):
            break
        if not all(_ORG_END.search(re.sub(r"[（(][^）)]*[）)]$", "", p)) for p in parts):
            break
        names[:0] = parts
        i -= 1
    return names, date
