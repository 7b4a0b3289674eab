"""Checking a topic query as the user types: syntax (with error position), expansion, history.

With the topic language installed (app.topics) its parser, ``expand`` and ``test_query`` answer.
Without it, a basic check of quotes and brackets runs and "test against history" falls back to
the storage search of the same words, and the dialog says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.services import ServiceUnavailable, topics_module
from storage.queries import NoticeFilter, count_notices, list_notices


@dataclass(frozen=True)
class QueryCheck:
    ok: bool
    message: str
    position: int | None = None  # character offset of the error
    expanded: str = ""  # the query with aliases expanded
    full_language: bool = True  # False: the basic fallback check


@dataclass(frozen=True)
class HistoryTest:
    hits: int
    sample: tuple[tuple[str, str], ...]  # (date, title)
    full_language: bool = True


def basic_check(text: str) -> QueryCheck:
    depth, quote = 0, None
    for i, ch in enumerate(text):
        if quote is not None:
            if ch == quote:
                quote = None
            continue
        if ch in '"“':
            quote = '"' if ch == '"' else "”"
            start = i
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return QueryCheck(False, "unmatched ')'", i, full_language=False)
    if quote is not None:
        return QueryCheck(False, "unclosed quote", start, full_language=False)
    if depth:
        return QueryCheck(False, "unclosed '('", text.rfind("("), full_language=False)
    if not text.strip():
        return QueryCheck(False, "empty query", 0, full_language=False)
    return QueryCheck(True, "basic check passed (quotes and brackets)", full_language=False)


def check_query(text: str) -> QueryCheck:
    try:
        topics = topics_module()
    except ServiceUnavailable:
        return basic_check(text)
    try:
        parsed = topics.parse(text)
    except Exception as exc:  # the topic language's syntax error carries a position
        pos = getattr(exc, "position", None)
        return QueryCheck(False, str(exc), pos if isinstance(pos, int) else None)
    expanded = ""
    if hasattr(topics, "expand"):
        try:
            expanded = str(topics.expand(parsed))
        except Exception:  # expansion is a display aid only
            expanded = ""
    return QueryCheck(True, "valid", None, expanded)


def test_history(session: Session, text: str, *, sample: int = 8) -> HistoryTest:
    try:
        topics = topics_module()
    except ServiceUnavailable:
        topics = None
    if topics is not None and hasattr(topics, "test_query"):
        result = topics.test_query(session, text)
        hits = getattr(result, "count", None)
        if hits is None and isinstance(result, dict):
            hits = result.get("count", 0)
        rows = getattr(result, "sample", None)
        if rows is None and isinstance(result, dict):
            rows = result.get("sample", [])
        out = []
        for n in list(rows or [])[:sample]:
            title = getattr(n, "title", None) or (n.get("title") if isinstance(n, dict) else str(n))
            date = getattr(n, "sort_date", None) or (n.get("date") if isinstance(n, dict) else None)
            out.append((str(date or ""), str(title)))
        return HistoryTest(int(hits or 0), tuple(out))
    words = " ".join(
        w
        for w in text.replace("(", " ").replace(")", " ").split()
        if w.upper() not in ("OR", "AND", "NOT")
    )
    f = NoticeFilter(query=words)
    hits = count_notices(f, session) if words else 0
    rows = list_notices(f, session, limit=sample) if words else []
    return HistoryTest(
        hits,
        tuple((n.sort_date.isoformat() if n.sort_date else "", n.title) for n in rows),
        full_language=False,
    )
