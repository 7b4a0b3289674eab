"""An SQL condition that every notice a query matches is sure to meet (a superset), so that
``test_query`` runs the matcher on candidates rather than on every stored notice.

Matching runs on normalised text (NFKC, casefolded, a few bracket equivalences), SQL LIKE on the
raw text. A LIKE is therefore only used for characters that must appear literally: a character c
is *safe* when nothing else normalises to something containing it (no ＡＩ → ai, ⼈ → 人,
㍿ → 株式会社), it has no canonical decomposition (é could be composed from e + ◌́), it is not
Hangul and its combining class is 0 (reordering). A run of safe characters found in the
normalised text was then spelled the same way in the raw text (NFKC maps no character to
nothing). Per query tree: a term needs one of its alternatives' longest safe run in one of its
fields; AND needs all children's conditions (those it has), OR needs one of them (only if each
child has one), NOT and /regex/ give none. Anything unsure gives no condition, never a wrong one.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache

from sqlalchemy import ColumnElement, Text, and_, cast, or_

from app.topics.ast import NOTICE_FIELDS, And, Node, Not, Term
from app.topics.normalise import normalise
from storage.models import Notice

# Every code point with a decomposition or a case folding lies below this (checked by a test).
_LAST_INTERESTING = 0x30000
_COLUMN = {
    "title": Notice.title,
    "title_en": Notice.title_en,
    "body": Notice.body,
    "doc_number": Notice.doc_number,
    "source": Notice.source,
    "doc_type": Notice.doc_type,
}


@cache
def unsafe_chars() -> frozenset[str]:
    """Characters a LIKE may not rely on (see the module docstring); built once (~50 ms).
    Without a decomposition or a case folding a character normalises to itself, so only the
    others (and the extra bracket equivalences) need normalising."""
    bad: set[str] = set()
    decomposition, combining = unicodedata.decomposition, unicodedata.combining
    for x in map(chr, range(_LAST_INTERESTING)):
        if decomposition(x) or combining(x) or x.casefold() != x:
            bad.add(x)
            bad.update(normalise(x) if not "\ud800" <= x <= "\udfff" else "")
    for x in map(chr, range(0x3000, 0x3100)):  # the extra bracket equivalences live here
        n = normalise(x)
        if n != x:
            bad.add(x)
            bad.update(n)
    bad.update(map(chr, range(0xAC00, 0xD7A4)))  # Hangul syllables compose algorithmically
    return frozenset(bad)


def safe_run(pattern: str) -> str:
    """The longest run of safe characters in a normalised pattern ("" if none)."""
    bad = unsafe_chars()
    best = cur = ""
    for ch in pattern:
        if ch in bad:
            cur = ""
            continue
        cur += ch
        if len(cur) > len(best):
            best = cur
    return best


def _like(col, run: str) -> ColumnElement[bool]:
    esc = run.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return col.like(f"%{esc}%", escape="\\")


def _field_clause(field: str, run: str) -> ColumnElement[bool]:
    if field != "issuer":
        return _like(_COLUMN[field], run)
    # issuers is a JSON list: its text holds each string raw or with \\uXXXX escapes.
    text = cast(Notice.issuers, Text)
    escaped = json.dumps(run)[1:-1]
    return or_(_like(text, run), _like(text, escaped)) if escaped != run else _like(text, run)


def candidate_clause(node: Node, tids: dict[Term, int], patterns_of) -> ColumnElement[bool] | None:
    """The superset condition for ``node`` (None: no condition). ``patterns_of(tid)`` gives the
    term's normalised patterns and its field mask, as compiled by the Matcher."""
    if isinstance(node, Term):
        if node.regex:
            return None
        patterns, mask = patterns_of(tids[node])
        runs = [safe_run(p) for p in patterns]
        if not runs or not all(runs):
            return None
        fields = [f for i, f in enumerate(NOTICE_FIELDS) if mask >> i & 1]
        return or_(*(_field_clause(f, r) for r in dict.fromkeys(runs) for f in fields))
    if isinstance(node, Not):
        return None
    parts = [candidate_clause(c, tids, patterns_of) for c in node.children]
    if isinstance(node, And):
        known = [p for p in parts if p is not None]
        return and_(*known) if known else None
    return None if any(p is None for p in parts) else or_(*parts)


def term_patterns(matcher, tid: int) -> tuple[list[str], int]:
    """A compiled term's normalised patterns and field mask."""
    info = matcher.terms[tid]
    return [matcher.pattern_text[pid] for pid, _ in info.patterns], info.mask


__all__ = ["candidate_clause", "safe_run", "term_patterns", "unsafe_chars"]
