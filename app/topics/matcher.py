"""Match notices against many topics at once, and say why each match happened.

All literal terms of all topics (after alias expansion) go into one Aho-Corasick automaton over
normalised text. A notice's fields are normalised and joined with NUL separators, scanned once,
and each hit is checked for Latin word boundaries and for the fields its terms may match in.
Only topics with a hit (plus the few that can match without one, e.g. ``NOT x`` or a /regex/)
are then evaluated, each as a compiled boolean expression over the set of terms that fired.
Regex terms are searched lazily, when the evaluation reaches them.
"""

from __future__ import annotations

import string
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from app.topics.aliases import Glossary, default_glossary, term_alternatives
from app.topics.ast import NOTICE_FIELDS, And, Node, Not, Term, term_to_query, to_query
from app.topics.errors import QueryError
from app.topics.normalise import OffsetMap, is_latin_alnum, normalise
from app.topics.parser import compile_regex, parse

ISSUER_SEPARATOR = "、"  # issuer lists are matched (and offsets given) as one joined string
_FIELD_INDEX = {name: i for i, name in enumerate(NOTICE_FIELDS)}
# Latin "word" characters after normalisation (text is casefolded, so lowercase suffices).
_LATIN = frozenset(
    string.ascii_lowercase
    + string.digits
    + "".join(c for c in map(chr, range(0xC0, 0x250)) if is_latin_alnum(c) and c == c.casefold())
)


@dataclass(frozen=True)
class TopicQuery:
    """What the matcher needs to know about a topic; ``key`` is the caller's id for it."""

    name: str
    query: str
    sources: tuple[str, ...] | None = None
    aliases: tuple[tuple[str, ...], ...] = ()
    key: Any = None

    @classmethod
    def of(cls, topic: Any) -> TopicQuery:
        """From a storage Topic, a TopicSpec or anything with name/query/sources/aliases."""
        if isinstance(topic, TopicQuery):
            return topic
        sources = getattr(topic, "sources", None)
        return cls(
            name=topic.name,
            query=topic.query,
            sources=tuple(sources) if sources else None,
            aliases=tuple(tuple(g) for g in (getattr(topic, "aliases", None) or ())),
            key=getattr(topic, "id", None)
            if getattr(topic, "id", None) is not None
            else topic.name,
        )


@dataclass(frozen=True)
class Hit:
    """One term occurrence: ``term`` is the name that fired (an alias or the query's own term),
    ``via`` the query term it came from; offsets index the ORIGINAL field text."""

    term: str
    field: str
    start: int
    end: int
    via: str

    def to_json(self) -> dict[str, Any]:
        return {
            "term": self.term,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "via": self.via,
        }


@dataclass(frozen=True)
class TopicHit:
    """A topic that matched a notice, with the evidence."""

    topic: TopicQuery
    hits: tuple[Hit, ...]
    excluded: tuple[str, ...] = ()  # NOT terms that were absent (what a NOT-only match rests on)

    @property
    def name(self) -> str:
        return self.topic.name

    @property
    def terms(self) -> list[str]:
        """The distinct names that fired, in order of first appearance."""
        return list(dict.fromkeys(h.term for h in self.hits))

    def explain(self) -> str:
        """ "matched because: 生成式人工智能 (title), generative AI (title_en)"."""
        if not self.hits:
            absent = ", ".join(self.excluded) or "nothing"
            return f"matched because none of the excluded terms appear ({absent})"
        seen = dict.fromkeys(f"{h.term} ({h.field})" for h in self.hits)
        return "matched because: " + ", ".join(seen)


# ---------------------------------------------------------------------------------------------
# Notice input


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ISSUER_SEPARATOR.join(_text(v) for v in value if v is not None)
    return str(value)


def notice_fields(notice: Any) -> tuple[str, ...]:
    """The seven matchable texts of a notice (mapping or object); missing fields are empty."""
    if isinstance(notice, Mapping):
        get = notice.get
        issuer = get("issuer")
        if issuer is None:
            issuer = get("issuers")
    else:

        def get(name: str, default: Any = None) -> Any:
            return getattr(notice, name, default)

        issuer = get("issuers", None)
        if issuer is None:
            issuer = get("issuer", None)
    return (
        _text(get("title")),
        _text(get("title_en")),
        _text(get("body")),
        _text(issuer),
        _text(get("doc_number")),
        _text(get("source")),
        _text(get("doc_type")),
    )


# ---------------------------------------------------------------------------------------------
# Compilation


@dataclass
class _TermInfo:
    term: Term
    mask: int  # bit i: may match in NOTICE_FIELDS[i]
    patterns: list[tuple[int, str]] = field(default_factory=list)  # (pattern id, display name)
    regex: Any = None


@dataclass
class _Compiled:
    topic: TopicQuery
    tree: Node
    fn: Any  # (hits: set[int], regex: callable) -> bool
    tids: dict[Term, int]
    scope: frozenset[str] | None
    gated: bool  # cannot match unless some literal term fired


def _kleene(node: Node) -> bool | None:
    """The tree's value when no literal fires and regexes are unknown (None)."""
    if isinstance(node, Term):
        return None if node.regex else False
    if isinstance(node, Not):
        v = _kleene(node.child)
        return None if v is None else not v
    vals = [_kleene(c) for c in node.children]
    if isinstance(node, And):
        return False if False in vals else (None if None in vals else True)
    return True if True in vals else (None if None in vals else False)


class Matcher:
    """Compiled topics. ``match(notice)`` returns the topics that match, with their evidence.

    A topic whose stored query no longer parses is skipped and listed in ``errors`` so one bad
    topic never stops the others.
    """

    def __init__(self, topics: Iterable[Any], glossary: Glossary | None = None):
        self.glossary = glossary or default_glossary()
        self.topics: list[_Compiled] = []
        self.errors: dict[str, QueryError] = {}
        self._terms: list[_TermInfo] = []
        self._term_ids: dict[tuple[Term, tuple[str, ...]], int] = {}
        self._patterns: dict[str, int] = {}
        self._pattern_text: list[str] = []
        entries: dict[int, list[tuple[int, int, bool]]] = {}
        for topic in topics:
            tq = TopicQuery.of(topic)
            try:
                self._compile_topic(tq, entries)
            except QueryError as exc:
                self.errors[tq.name] = exc
        self._term_topics: list[list[int]] = [[] for _ in self._terms]
        for ti, ct in enumerate(self.topics):
            for tid in set(ct.tids.values()):
                self._term_topics[tid].append(ti)
        self._always = [ti for ti, ct in enumerate(self.topics) if not ct.gated]
        self._pinfo: list[tuple[int, bool, bool, tuple[tuple[int, int, bool], ...]]] = []
        for pid, text in enumerate(self._pattern_text):
            self._pinfo.append(
                (
                    len(text),
                    text[0] in _LATIN,
                    text[-1] in _LATIN,
                    tuple(entries.get(pid, ())),
                )
            )
        self._automaton = None
        if self._pattern_text:
            a = ahocorasick.Automaton()
            for pid, text in enumerate(self._pattern_text):
                a.add_word(text, pid)
            a.make_automaton()
            self._automaton = a

    # -- compilation --------------------------------------------------------------------------

    def _compile_topic(
        self, tq: TopicQuery, entries: dict[int, list[tuple[int, int, bool]]]
    ) -> None:
        tree = parse(tq.query)
        glossary = self.glossary.extended(tq.aliases)
        tids: dict[Term, int] = {}
        for term in _unique_terms(tree):
            tids[term] = self._term_id(term, glossary, entries)
        code = _codegen(tree, tids)
        fn = eval(f"lambda H, R: {code}", {"__builtins__": {}})
        scope = frozenset(tq.sources) if tq.sources else None
        self.topics.append(_Compiled(tq, tree, fn, tids, scope, _kleene(tree) is False))

    def _term_id(self, term: Term, glossary: Glossary, entries: dict) -> int:
        alts = term_alternatives(term, glossary)
        key = (term, alts)
        if key in self._term_ids:
            return self._term_ids[key]
        tid = len(self._terms)
        self._term_ids[key] = tid
        mask = 0
        for f in term.fields:
            mask |= 1 << _FIELD_INDEX[f]
        info = _TermInfo(term, mask)
        if term.regex:
            info.regex = compile_regex(term.text)
        else:
            for alt in alts:
                text = " ".join(normalise(alt).split())
                if not text:
                    continue
                pid = self._patterns.get(text)
                if pid is None:
                    pid = self._patterns[text] = len(self._pattern_text)
                    self._pattern_text.append(text)
                info.patterns.append((pid, alt))
                entries.setdefault(pid, []).append((tid, mask, not term.prefix))
        self._terms.append(info)
        return tid

    # -- matching -----------------------------------------------------------------------------

    def _scan(self, texts: tuple[str, ...]):
        """Normalise and scan once: (normalised text, field starts, fired term ids, raw hits)."""
        norm = normalise("\0".join(texts))
        starts = [0]
        i = norm.find("\0")
        while i >= 0:
            starts.append(i + 1)
            i = norm.find("\0", i + 1)
        fired: set[int] = set()
        raw: list[tuple[int, int, int, int, bool]] = []
        if self._automaton is None:
            return norm, starts, fired, raw
        n = len(norm)
        latin = _LATIN
        pinfo = self._pinfo
        for end, pid in self._automaton.iter(norm):
            length, lcheck, rcheck, ents = pinfo[pid]
            start = end - length + 1
            if lcheck and start and norm[start - 1] in latin:
                continue
            right_ok = not rcheck or end + 1 >= n or norm[end + 1] not in latin
            f = bisect_right(starts, start) - 1
            bit = 1 << f
            any_ok = False
            for tid, mask, need_right in ents:
                if mask & bit and (right_ok or not need_right):
                    fired.add(tid)
                    any_ok = True
            if any_ok:
                raw.append((pid, f, start, end + 1, right_ok))
        return norm, starts, fired, raw

    def match(self, notice: Any) -> list[TopicHit]:
        """Topics matching one notice (in topic order), each with hits and an explanation."""
        texts = notice_fields(notice)
        norm, starts, fired, raw = self._scan(texts)
        if fired:
            cand: set[int] = set(self._always)
            tt = self._term_topics
            for tid in fired:
                cand.update(tt[tid])
            order = sorted(cand)
        elif self._always:
            order = self._always
        else:
            return []
        source = texts[5]
        site = source.split("_", 1)[0]
        regex_cache: dict[int, bool] = {}

        def regex(tid: int) -> bool:
            if tid not in regex_cache:
                regex_cache[tid] = bool(self._regex_spans(tid, norm, starts, first_only=True))
            return regex_cache[tid]

        out: list[TopicHit] = []
        maps: dict[int, OffsetMap] = {}
        for ti in order:
            ct = self.topics[ti]
            if ct.scope is not None and source not in ct.scope and site not in ct.scope:
                continue
            if ct.fn(fired, regex):
                out.append(self._evidence(ct, texts, norm, starts, fired, raw, regex, maps))
        return out

    def match_many(self, notices: Iterable[Any]) -> Iterator[list[TopicHit]]:
        """``match`` for each notice, lazily."""
        for notice in notices:
            yield self.match(notice)

    def _regex_spans(self, tid: int, norm: str, starts: list[int], first_only: bool = False):
        info = self._terms[tid]
        spans: list[tuple[int, int, int]] = []
        for f in range(len(NOTICE_FIELDS)):
            if not info.mask & (1 << f):
                continue
            a = starts[f]
            b = starts[f + 1] - 1 if f + 1 < len(starts) else len(norm)
            for m in info.regex.finditer(norm, a, b):
                if m.end() > m.start():
                    spans.append((f, m.start(), m.end()))
                    if first_only or len(spans) >= 50:
                        return spans
        return spans

    # -- explanation --------------------------------------------------------------------------

    def _evidence(self, ct, texts, norm, starts, fired, raw, regex, maps) -> TopicHit:
        used: set[int] = set()
        _contributing(ct.tree, ct.tids, fired, regex, used)
        hits: list[Hit] = []
        by_pid: dict[int, list[tuple[int, str, bool]]] = {}
        for term, tid in ct.tids.items():
            if tid not in used:
                continue
            info = self._terms[tid]
            via = term_to_query(term)
            if info.regex is not None:
                for f, s, e in self._regex_spans(tid, norm, starts):
                    hits.append(self._hit(term.text, f, s, e, via, texts, starts, maps))
                continue
            for pid, display in info.patterns:
                by_pid.setdefault(pid, []).append((tid, display, not term.prefix))
        for pid, f, s, e, right_ok in raw:
            for tid, display, need_right in by_pid.get(pid, ()):
                info = self._terms[tid]
                if info.mask & (1 << f) and (right_ok or not need_right):
                    via = term_to_query(info.term)
                    hits.append(self._hit(display, f, s, e, via, texts, starts, maps))
        hits.sort(key=lambda h: (NOTICE_FIELDS.index(h.field), h.start, h.end))
        excluded = tuple(
            term_to_query(t) for t in _negated_terms(ct.tree) if ct.tids[t] not in fired
        )
        return TopicHit(ct.topic, tuple(dict.fromkeys(hits)), excluded)

    @staticmethod
    def _hit(display, f, s, e, via, texts, starts, maps) -> Hit:
        m = maps.get(f)
        if m is None:
            m = maps[f] = OffsetMap(texts[f])
        base = starts[f]
        return Hit(display, NOTICE_FIELDS[f], m.start(s - base), m.end(e - base), via)

    @property
    def term_count(self) -> int:
        """Distinct literal patterns in the automaton (aliases included)."""
        return len(self._pattern_text)


def _unique_terms(node: Node) -> list[Term]:
    from app.topics.ast import terms_of

    return list(dict.fromkeys(terms_of(node)))


def _negated_terms(node: Node, negated: bool = False) -> list[Term]:
    if isinstance(node, Term):
        return [node] if negated else []
    if isinstance(node, Not):
        return _negated_terms(node.child, not negated)
    return [t for c in node.children for t in _negated_terms(c, negated)]


def _codegen(node: Node, tids: dict[Term, int]) -> str:
    if isinstance(node, Term):
        tid = tids[node]
        return f"R({tid})" if node.regex else f"({tid} in H)"
    if isinstance(node, Not):
        return f"(not {_codegen(node.child, tids)})"
    op = " and " if isinstance(node, And) else " or "
    return "(" + op.join(_codegen(c, tids) for c in node.children) + ")"


def _contributing(node: Node, tids, fired, regex, used: set[int]) -> bool:
    """Evaluate ``node`` and collect the positive terms that make it true (never NOT'ed ones)."""
    if isinstance(node, Term):
        tid = tids[node]
        ok = regex(tid) if node.regex else tid in fired
        if ok:
            used.add(tid)
        return ok
    if isinstance(node, Not):
        return not _contributing(node.child, tids, fired, regex, set())
    if isinstance(node, And):
        mine: set[int] = set()
        ok = all([_contributing(c, tids, fired, regex, mine) for c in node.children])
        if ok:
            used |= mine
        return ok
    results = [_contributing(c, tids, fired, regex, used) for c in node.children]
    return any(results)


def match_query(query: str, notice: Any, glossary: Glossary | None = None) -> TopicHit | None:
    """Match one query against one notice (the docs examples and the editor's preview use this)."""
    hits = Matcher([TopicQuery("query", query)], glossary).match(notice)
    return hits[0] if hits else None


def compile_topics(topics: Sequence[Any], glossary: Glossary | None = None) -> Matcher:
    """A Matcher for topics; raises the first QueryError instead of skipping bad topics."""
    m = Matcher(topics, glossary)
    if m.errors:
        name, exc = next(iter(m.errors.items()))
        raise QueryError(f"topic '{name}': {exc.reason}", exc.position, exc.query)
    return m


__all__ = [
    "Hit",
    "Matcher",
    "TopicHit",
    "TopicQuery",
    "compile_topics",
    "match_query",
    "notice_fields",
    "to_query",
]
