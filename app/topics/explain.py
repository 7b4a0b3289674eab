"""Why a topic matched: which terms fired, in which field, at which offsets of the original text.

Worked out lazily per notice (``NoticeScan``): the fast scan (scan.py) only records, per term,
the notices of a batch it fired in; the detailed scan with positions (str.find on the notice's
normalised text) runs the first time a matched topic's ``hits`` are read.
Only terms that made the query true are reported — never a NOT'ed term, and for a match that
rests only on absent terms (``NOT x``) the explanation says so instead of naming a term.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol

from app.topics.ast import NOTICE_FIELDS, And, Node, Not, Or, Term
from app.topics.guards import drop_masked
from app.topics.normalise import LATIN_CHARS, OffsetMap, field_starts, normalise


class MatcherView(Protocol):
    """What explanations read of a compiled ``app.topics.matcher.Matcher`` (a Protocol, so this
    module, which the matcher imports, does not import the matcher back)."""

    terms: Sequence[Any]  # TermInfo by term id
    pattern_text: Sequence[str]
    all_patterns: Any  # the Aho-Corasick automaton over pattern_text
    maskable: Any


class CompiledView(Protocol):
    """What a TopicHit reads of a ``matcher.CompiledTopic``."""

    topic: Any
    plan: tuple[Any, ...]
    literal: tuple[int, ...]
    excluded: tuple[tuple[int, str], ...]


MAX_REGEX_SPANS = 50
_NONE: list[tuple[int, int, int, bool]] = []


def find_occurrences(norm: str, starts: list[int], text: str) -> list[tuple[int, int, int, bool]]:
    """``NoticeScan.occurrences`` of one pattern by str.find: the reference the tests hold the
    automata to."""
    lcheck, rcheck = text[0] in LATIN_CHARS, text[-1] in LATIN_CHARS
    found = []
    i = norm.find(text)
    while i >= 0:
        j = i + len(text)
        if not (lcheck and i and norm[i - 1] in LATIN_CHARS):
            right_ok = not (rcheck and j < len(norm) and norm[j] in LATIN_CHARS)
            found.append((bisect_right(starts, i) - 1, i, j, right_ok))
        i = norm.find(text, i + 1)
    return found


@dataclass(frozen=True)
class Hit:
    """One occurrence: ``term`` is the name that fired (an alias or the query's own word),
    ``via`` the query term it came from; ``start``/``end`` index the ORIGINAL field text."""

    term: str
    field: str
    start: int
    end: int
    via: str

    def to_json(self) -> dict[str, Any]:
        """The TopicMatch.terms entry: {"term", "field", "start", "end", "via"}."""
        return {
            "term": self.term,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "via": self.via,
        }


class Batch:
    """A batch of notices as the fast path saw them: their texts, which notices each term fired
    in, and which topics matched which notices. Per-notice detail is built only when asked."""

    def __init__(self, matcher: MatcherView, texts: Sequence[tuple[str, ...]], fired):
        self.matcher = matcher
        self.texts = texts
        self.fired = fired  # term id -> set of notice indexes (a defaultdict)
        self.matched: list[tuple[int, set[int]]] = []  # (topic index, notice indexes)
        self.only_body: dict[int, set[int]] = {}  # broad term -> notices it fired in body only
        self._scans: dict[int, NoticeScan] = {}

    def fired_in(self, n: int, tids: Iterable[int]) -> set[int]:
        """Which of ``tids`` fired in notice ``n``."""
        fired = self.fired
        return {t for t in tids if t in fired and n in fired[t]}

    def fired_at(self, n: int) -> frozenset[int]:
        """Every term that fired in notice ``n`` (the sets inverted once per batch, for
        explaining many matches: cheaper than testing each topic's terms per match)."""
        by_notice = self.__dict__.get("_by_notice")
        if by_notice is None:
            inverted: dict[int, set[int]] = {}
            for t, notices in self.fired.items():
                for m in notices:
                    inverted.setdefault(m, set()).add(t)
            by_notice = self._by_notice = {m: frozenset(ts) for m, ts in inverted.items()}
        return by_notice.get(n, frozenset())

    def scan(self, n: int) -> NoticeScan:
        """Notice ``n``'s detailed view (normalised once, shared by all its topics)."""
        scan = self._scans.get(n)
        if scan is None:
            texts = self.texts[n]
            scan = self._scans[n] = NoticeScan(self.matcher, texts, normalise("\0".join(texts)))
        return scan


class NoticeScan:
    """One notice as the matcher saw it; computes positions on demand."""

    def __init__(self, matcher: MatcherView, texts: Sequence[str], norm: str):
        self.matcher = matcher
        self.texts = texts
        self.norm = norm  # normalised fields joined by NUL
        self._regex: dict[int, list[tuple[int, int, int]]] = {}
        self._maps: dict[int, OffsetMap] = {}
        self._occ: dict[int, list[tuple[int, int, int, bool]]] | None = None

    def regex(self, tid: int) -> bool:
        """Whether regex term ``tid`` matches (searched once, first match only)."""
        if tid not in self._regex:
            self._regex[tid] = self.regex_spans(tid, first_only=True)
        return bool(self._regex[tid])

    @cached_property
    def starts(self) -> list[int]:
        """Character offset of each field in ``norm``."""
        return field_starts(self.norm)

    def regex_spans(self, tid: int, first_only: bool = False) -> list[tuple[int, int, int]]:
        """Regex matches as (field, start, end) in normalised-character offsets."""
        info = self.matcher.terms[tid]
        spans: list[tuple[int, int, int]] = []
        norm, starts = self.norm, self.starts
        for f in range(len(NOTICE_FIELDS)):
            if not info.mask >> f & 1:
                continue
            a = starts[f]
            b = starts[f + 1] - 1 if f + 1 < len(starts) else len(norm)
            for m in info.regex.finditer(norm, a, b):
                if m.end() > m.start():
                    spans.append((f, m.start(), m.end()))
                    if first_only or len(spans) >= MAX_REGEX_SPANS:
                        return spans
        return spans

    def occurrences(self, pid: int) -> list[tuple[int, int, int, bool]]:
        """Where pattern ``pid`` occurs with its left boundary ok: (field, start, end, right
        boundary ok), in normalised-character offsets."""
        return self.present().get(pid, _NONE)

    def present(self) -> dict[int, list[tuple[int, int, int, bool]]]:
        """``occurrences`` of every pattern that occurs, by pattern id: one automaton pass the
        first time a notice is explained (a term has many alternatives, most absent)."""
        if self._occ is None:
            self._occ = self._find_all()
        return self._occ

    def _find_all(self) -> dict[int, list[tuple[int, int, int, bool]]]:
        norm, starts = self.norm, self.starts
        texts = self.matcher.pattern_text
        found: dict[int, list[tuple[int, int, int, bool]]] = {}
        if not texts:
            return found
        word, end = LATIN_CHARS, len(norm)
        hits = self.matcher.all_patterns.find_matches_as_indexes(norm, overlapping=True)
        # Masks (agency names, false friends) as in the fast scan: the same occurrences count.
        hits = drop_masked(hits, len(texts), self.matcher.maskable)
        for pid, i, j in hits:
            text = texts[pid]
            if text[0] in word and i and norm[i - 1] in word:
                continue
            right_ok = not (text[-1] in word and j < end and norm[j] in word)
            found.setdefault(pid, []).append((bisect_right(starts, i) - 1, i, j, right_ok))
        return found

    def hit(self, display: str, f: int, s: int, e: int, via: str) -> Hit:
        """A Hit for normalised-character span [s, e) of field ``f``, in original offsets."""
        omap = self._maps.get(f)
        base = self.starts[f]
        if omap is None:
            end = self.starts[f + 1] - 1 if f + 1 < len(self.starts) else len(self.norm)
            omap = self._maps[f] = OffsetMap(self.texts[f], self.norm[base:end])
        # A frozen dataclass's __init__ sets each field through object.__setattr__; filling the
        # instance dict directly is the same object at a third of the cost (one per occurrence).
        hit = _new(Hit)
        hit.__dict__.update(
            term=display,
            field=NOTICE_FIELDS[f],
            start=omap.start(s - base),
            end=omap.end(e - base),
            via=via,
        )
        return hit


_new = object.__new__


def plan(node: Node, tids: dict[Term, int]) -> tuple:
    """The tree as nested tuples for ``contributing``; an OR of plain terms becomes one set."""
    if isinstance(node, Term):
        return ("R" if node.regex else "T", tids[node])
    if isinstance(node, Not):
        return ("NOT", plan(node.child, tids))
    if isinstance(node, Or) and all(isinstance(c, Term) and not c.regex for c in node.children):
        return ("ANY", frozenset(tids[c] for c in node.children))
    kind = "AND" if isinstance(node, And) else "OR"
    return (kind, tuple(plan(c, tids) for c in node.children))


def contributing(p: tuple, fired: set[int], regex, used: set[int]) -> bool:
    """Evaluate a plan, collecting the positive terms that make it true (never NOT'ed ones)."""
    kind = p[0]
    if kind == "ANY":
        hit = p[1] & fired
        used |= hit
        return bool(hit)
    if kind == "T":
        if p[1] in fired:
            used.add(p[1])
            return True
        return False
    if kind == "R":
        if regex(p[1]):
            used.add(p[1])
            return True
        return False
    if kind == "NOT":
        return not contributing(p[1], fired, regex, set())
    if kind == "AND":
        mine: set[int] = set()
        for c in p[1]:
            if not contributing(c, fired, regex, mine):
                return False
        used |= mine
        return True
    return any([contributing(c, fired, regex, used) for c in p[1]])


_FIELD_ORDER = {name: i for i, name in enumerate(NOTICE_FIELDS)}


def _hit_order(h: Hit) -> tuple[int, int, int]:
    return (_FIELD_ORDER[h.field], h.start, -h.end)


class TopicHit:
    """A topic that matched a notice. ``hits`` and ``explain()`` are computed on first use."""

    __slots__ = ("_batch", "_ct", "_fired", "_hits", "_n")

    def __init__(self, compiled: CompiledView, batch: Batch, n: int):
        self._ct = compiled
        self._batch = batch
        self._n = n

    # Set on first use (an unset slot raises AttributeError): creating one of these per match is
    # on the fast path, so __init__ stores only what it must.
    @property
    def topic(self):
        return self._ct.topic

    @property
    def name(self) -> str:
        return self._ct.topic.name

    @property
    def key(self) -> Any:
        return self._ct.topic.key

    @property
    def fired(self) -> frozenset[int]:
        """The topic's literal terms that fired in the notice."""
        try:
            return self._fired
        except AttributeError:
            self._fired: frozenset[int] = self._batch.fired_at(self._n).intersection(
                self._ct.literal
            )
            return self._fired

    @property
    def hits(self) -> tuple[Hit, ...]:
        """Occurrences of the terms that made the query true, in field then text order."""
        try:
            return self._hits
        except AttributeError:
            self._hits: tuple[Hit, ...] = self._work_out_hits()
            return self._hits

    def _work_out_hits(self) -> tuple[Hit, ...]:
        ct = self._ct
        scan = self._batch.scan(self._n)
        terms = scan.matcher.terms
        used: set[int] = set()
        contributing(ct.plan, self.fired, scan.regex, used)
        out: list[Hit] = []
        for tid in used:
            info = terms[tid]
            if info.regex is not None:
                for f, s, e in scan.regex_spans(tid):
                    out.append(scan.hit(info.term.text, f, s, e, info.via))
            present = scan.present()
            for pid, display in info.patterns:
                if pid not in present:  # most alternatives of a term are absent
                    continue
                for f, s, e, right_ok in present[pid]:
                    if info.mask >> f & 1 and (right_ok or info.term.prefix):
                        out.append(scan.hit(display, f, s, e, info.via))
        out.sort(key=_hit_order)
        return tuple(dict.fromkeys(out))

    @property
    def excluded(self) -> tuple[str, ...]:
        """NOT'ed terms that are absent (what a match without positive terms rests on)."""
        return tuple(text for tid, text in self._ct.excluded if tid not in self.fired)

    @property
    def terms(self) -> list[str]:
        """The distinct names that fired, in order of first appearance."""
        return list(dict.fromkeys(h.term for h in self.hits))

    def explain(self) -> str:
        """ "matched because: 生成式人工智能 (title), generative AI (title_en)"."""
        if not self.hits:
            absent = ", ".join(self.excluded) or "no term"
            return f"matched because none of the excluded terms appear ({absent})"
        seen = dict.fromkeys(f"{h.term} ({h.field})" for h in self.hits)
        return "matched because: " + ", ".join(seen)

    def __repr__(self) -> str:
        return f"TopicHit({self.name!r})"
