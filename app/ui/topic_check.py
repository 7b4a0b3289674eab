"""Checking a topic query as the user types: syntax (with the error's position and caret),
the alias expansion, and "test against history".

``check_query`` only parses (well under a millisecond): the dialog runs it on every keystroke.
``expansion_lines`` and ``test_history`` read the glossary and the stored notices: the dialog
runs them in the read pool, debounced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.topics import QueryError, expansions, validate
from app.topics.store import test_query


@dataclass(frozen=True)
class QueryCheck:
    ok: bool
    message: str
    position: int | None = None  # character offset of the error
    caret: str = ""  # the query and a caret under the error (for a monospaced label)


@dataclass(frozen=True)
class HistoryTest:
    hits: int
    scanned: int
    seconds: float
    sample: tuple[tuple[str, str, tuple[dict, ...]], ...]  # (date, title, the terms that fired)


def check_query(text: str) -> QueryCheck:
    if not text.strip():
        return QueryCheck(False, "the query is empty", 0)
    err: QueryError | None = validate(text)
    if err is not None:
        return QueryCheck(False, err.reason, err.position, err.caret)
    return QueryCheck(True, "valid")


def expansion_lines(text: str) -> list[str]:
    """``term → alternative, alternative`` for each query term that aliases expand."""
    out = []
    for e in expansions(text):
        shown = e.term.text if not e.term.field else f"{e.term.field}:{e.term.text}"
        alts = [a for a in e.alternatives if a != e.term.text]
        if alts:
            out.append(f"{shown} → {', '.join(alts)}")
    return out


def test_history(
    session: Session,
    text: str,
    *,
    sample: int = 10,
    aliases: Sequence[Sequence[str]] = (),
    sources: Sequence[str] | None = None,
) -> HistoryTest:
    """How many stored notices the draft query matches, with the newest few."""
    result = test_query(session, text, sample, aliases=aliases, sources=sources)
    rows = []
    for h in result.sample:
        date = h.published.isoformat() if isinstance(h.published, dt.date) else ""
        title = h.title + (f" — {h.title_en}" if h.title_en else "")
        rows.append((date, title, tuple(h.hits)))
    return HistoryTest(result.count, result.scanned, result.seconds, tuple(rows))
