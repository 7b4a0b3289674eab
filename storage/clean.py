"""Making scraped text storable: every text a notice stores passes through here first.

Scraped pages are untrusted. A lone surrogate (``"\\ud800"`` in a JSON feed) cannot be encoded
as UTF-8, a NUL is refused by PostgreSQL, non-characters and C0 controls are noise no reader
wants, and a megabyte "title" is a broken page, not a title. Each is fixed here, field by field,
so one bad row never fails a whole page's insert. A URL is a notice's key and is never altered:
an unusable URL rejects the row (``RowRejected``) and the pipeline names it in the run report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, String, Text

# C0 controls but tab/newline/CR, DEL, every surrogate (in a str they are all lone),
# the non-characters U+FDD0..U+FDEF and U+nFFFE/U+nFFFF of every plane.
_NONCHARS = "".join(f"\\U{p:04X}FFFE\\U{p:04X}FFFF" for p in range(1, 17))
_BAD = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff" + _NONCHARS + "]"
)

MAX_TITLE = 1_000  # real titles stay under 300 characters
MAX_BODY = 2_000_000  # a whole law is a few hundred thousand characters
MAX_TEXT = 20_000  # any other free-text field
MAX_JSON_STRING = 20_000
MAX_JSON_ITEMS = 1_000
MAX_URL = 2_000  # notices.url is VARCHAR(2000)

_TEXT_LIMITS = {"title": MAX_TITLE, "title_en": MAX_TITLE * 4, "body": MAX_BODY}


class RowRejected(ValueError):
    """A row that cannot be stored even after cleaning; ``message`` is one sentence."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def clean_text(value: str, limit: int = MAX_TEXT) -> str:
    """``value`` without unstorable characters, cut to ``limit`` characters."""
    if _BAD.search(value):
        value = _BAD.sub("", value)
    return value[:limit] if len(value) > limit else value


def clean_json(value: Any, depth: int = 0) -> Any:
    """A JSON value with every string cleaned, bounded in size and depth."""
    if isinstance(value, str):
        return clean_text(value, MAX_JSON_STRING)
    if depth > 20:
        return None
    if isinstance(value, Mapping):
        items = list(value.items())[:MAX_JSON_ITEMS]
        return {clean_text(str(k), 200): clean_json(v, depth + 1) for k, v in items}
    if isinstance(value, list | tuple):
        return [clean_json(v, depth + 1) for v in list(value)[:MAX_JSON_ITEMS]]
    if value is None or isinstance(value, bool | int | float):
        return value if not isinstance(value, float) or value == value else None  # no NaN
    return clean_text(str(value), MAX_JSON_STRING)


def check_url(url: str) -> str:
    """The URL as the key of a notice, or RowRejected when it cannot be one."""
    if not url or _BAD.search(url) or len(url) > MAX_URL:
        shown = clean_text(url, 80) + ("…" if len(url) > 80 else "")
        raise RowRejected(
            f"the address {shown!r} is too long or holds invalid characters, so it cannot be stored."
        )
    return url


def clean_value(column: Any, value: Any) -> Any:
    """``value`` as the column ``column`` may store it (strings and JSON cleaned and bounded)."""
    if value is None:
        return None
    if isinstance(column.type, String) and isinstance(value, str):
        limit = _TEXT_LIMITS.get(column.key, MAX_TEXT)
        if not isinstance(column.type, Text) and column.type.length:
            limit = min(limit, column.type.length)
        return clean_text(value, limit)
    if isinstance(column.type, JSON):
        return clean_json(value)
    return value


def clean_row_fields(obj: Any, columns: Any) -> None:
    """Clean every string and JSON attribute of a mapped object in place (the URL excepted)."""
    for col in columns:
        if col.key == "url":
            continue
        value = getattr(obj, col.key, None)
        fixed = clean_value(col, value)
        if fixed is not value and fixed != value:
            setattr(obj, col.key, fixed)
