"""Match notices against many topics at once, and say why each match happened.

All literal terms of all topics (after alias expansion) are compiled into two Aho-Corasick
automata over normalised text: one for patterns that need no word-boundary check (Chinese),
one for patterns with a Latin end (checked on hit offsets). A notice's fields are normalised,
joined with NUL separators and scanned once; only topics with a fired term (plus the few that can
match without one, e.g. ``NOT x`` or a /regex/) are evaluated, each as a compiled boolean
expression over the set of fired terms. Regex terms are searched only when evaluation reaches
them. Evidence (offsets into the original text) is worked out lazily, only for notices that
matched and only when asked for (see explain.py).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import ahocorasick

from app.topics.aliases import Glossary, default_glossary, term_alternatives
from app.topics.ast import NOTICE_FIELDS, And, Node, Not, Term, term_to_query, terms_of
from app.topics.errors import QueryError
from app.topics.explain import Hit, NoticeScan, TopicHit, plan
from app.topics.normalise import LATIN_CHARS, normalise, to_bytes_str, word_at, word_before
from app.topics.parser import compile_regex, parse

ISSUER_SEPARATOR = "、"  # issuer lists are matched (and offsets given) as one joined string
_FIELD_INDEX = {name: i for i, name in enumerate(NOTICE_FIELDS)}
_NF = len(NOTICE_FIELDS)


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
        key = getattr(topic, "id", None)
        return cls(
            name=topic.name,
            query=topic.query,
            sources=tuple(sources) if sources else None,
            aliases=tuple(tuple(g) for g in (getattr(topic, "aliases", None) or ())),
            key=topic.name if key is None else key,
        )


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
    """The seven matchable texts of a notice (a mapping or an object, e.g. a storage Notice);
    missing fields are empty. ``issuer`` may be a list (``issuers`` is accepted too)."""
    if isinstance(notice, Mapping):
        get = notice.get
        issuer = get("issuer")
        if issuer is None:
            issuer = get("issuers")
    else:

        def get(name: str, default: Any = None) -> Any:
            return getattr(notice, name, default)

        issuer = get("issuers")
        if issuer is None:
            issuer = get("issuer")
    return (
        _text(get("title")),
        _text(get("title_en")),
        _text(get("body")),
        _text(issuer),
        _text(get("doc_number")),
        _text(get("source")),
        _text(get("doc_type")),
    )


def field_starts(joined: str) -> list[int]:
    """Offset of each field in NUL-joined text."""
    starts = [0]
    i = joined.find("\0")
    while i >= 0:
        starts.append(i + 1)
        i = joined.find("\0", i + 1)
    return starts


# ---------------------------------------------------------------------------------------------
# Compilation


@dataclass
class TermInfo:
    """A query term compiled: its fields (bit mask), patterns (id, display name) or regex."""

    term: Term
    mask: int
    via: str
    patterns: list[tuple[int, str]] = field(default_factory=list)
    regex: Any = None


@dataclass
class CompiledTopic:
    topic: TopicQuery
    tree: Node
    fn: Any  # (fired: set[int], regex: callable) -> bool
    tids: dict[Term, int]
    scope: frozenset[str] | None
    gated: bool  # cannot match unless some literal term fired
    excluded: tuple[tuple[int, str], ...]  # NOT'ed terms (id, as written)
    plan: tuple = ()  # the tree for explanations (explain.contributing)


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


def _codegen(node: Node, tids: dict[Term, int]) -> str:
    if isinstance(node, Term):
        tid = tids[node]
        return f"R({tid})" if node.regex else f"({tid} in H)"
    if isinstance(node, Not):
        return f"(not {_codegen(node.child, tids)})"
    op = " and " if isinstance(node, And) else " or "
    return "(" + op.join(_codegen(c, tids) for c in node.children) + ")"


def _negated(node: Node, negated: bool = False) -> list[Term]:
    if isinstance(node, Term):
        return [node] if negated else []
    if isinstance(node, Not):
        return _negated(node.child, not negated)
    return [t for c in node.children for t in _negated(c, negated)]


class Matcher:
    """Compiled topics. ``match(notice)`` returns the matching topics as TopicHit objects.

    A topic whose stored query no longer parses is skipped and listed in ``errors`` (name →
    QueryError), so one bad topic never stops the others.
    """

    def __init__(self, topics: Iterable[Any], glossary: Glossary | None = None):
        self.glossary = glossary or default_glossary()
        self.topics: list[CompiledTopic] = []
        self.errors: dict[str, QueryError] = {}
        self.terms: list[TermInfo] = []
        self._term_ids: dict[tuple[Term, tuple[str, ...]], int] = {}
        self._patterns: dict[str, int] = {}
        self.pattern_text: list[str] = []
        self._entries: list[list[tuple[int, int, bool]]] = []  # pid -> (tid, mask, need_right)
        for topic in topics:
            tq = TopicQuery.of(topic)
            try:
                self._compile_topic(tq)
            except QueryError as exc:
                self.errors[tq.name] = exc
        self._term_topics: list[list[int]] = [[] for _ in self.terms]
        for ti, ct in enumerate(self.topics):
            for tid in set(ct.tids.values()):
                self._term_topics[tid].append(ti)
        self._always = [ti for ti, ct in enumerate(self.topics) if not ct.gated]
        self._build_automata()

    def _compile_topic(self, tq: TopicQuery) -> None:
        tree = parse(tq.query)
        glossary = self.glossary.extended(tq.aliases)
        tids = {t: self._term_id(t, glossary) for t in dict.fromkeys(terms_of(tree))}
        # Generated from our own tree: integers, `in`, and/or/not and R(...) only.
        fn = eval(f"lambda H, R: {_codegen(tree, tids)}", {"__builtins__": {}})
        scope = frozenset(tq.sources) if tq.sources else None
        excluded = tuple(dict.fromkeys((tids[t], term_to_query(t)) for t in _negated(tree)))
        self.topics.append(
            CompiledTopic(
                tq, tree, fn, tids, scope, _kleene(tree) is False, excluded, plan(tree, tids)
            )
        )

    def _term_id(self, term: Term, glossary: Glossary) -> int:
        alts = term_alternatives(term, glossary)
        key = (term, alts)
        if key in self._term_ids:
            return self._term_ids[key]
        tid = len(self.terms)
        self._term_ids[key] = tid
        mask = 0
        for f in term.fields:
            mask |= 1 << _FIELD_INDEX[f]
        info = TermInfo(term, mask, term_to_query(term))
        if term.regex:
            info.regex = compile_regex(term.text)
        else:
            for alt in alts:
                text = " ".join(normalise(alt).split())
                if not text:
                    continue
                pid = self._patterns.get(text)
                if pid is None:
                    pid = self._patterns[text] = len(self.pattern_text)
                    self.pattern_text.append(text)
                    self._entries.append([])
                info.patterns.append((pid, alt))
                self._entries[pid].append((tid, mask, not term.prefix))
        self.terms.append(info)
        return tid

    def _build_automata(self) -> None:
        """Two automata over UTF-8 bytes (see normalise.to_bytes_str).

        plain: patterns with no Latin end (Chinese), no boundary checks; the value is
        ``(len, pid, tids in field 0, …, tids in field 6)`` so a hit in field f (found by bisecting
        the field starts, which gives f + 1) adds ``value[f + 1]``.
        latin: patterns with a Latin end; the value is ``(len, check left, check right, tids per
        field, tids per field that need no right boundary, pid)``.
        """
        plain = ahocorasick.Automaton()
        latin = ahocorasick.Automaton()
        n_plain = n_latin = 0
        for pid, text in enumerate(self.pattern_text):
            ents = self._entries[pid]
            per_field = tuple(tuple(t for t, m, _ in ents if m >> f & 1) for f in range(_NF))
            lcheck, rcheck = text[0] in LATIN_CHARS, text[-1] in LATIN_CHARS
            etext = to_bytes_str(text)
            if lcheck or rcheck:
                no_right = tuple(
                    tuple(t for t, m, need in ents if m >> f & 1 and not need) for f in range(_NF)
                )
                latin.add_word(etext, (len(etext), lcheck, rcheck, per_field, no_right, pid))
                n_latin += 1
            else:
                plain.add_word(etext, (len(etext), pid, *per_field))
                n_plain += 1
        if n_plain:
            plain.make_automaton()
        if n_latin:
            latin.make_automaton()
        self._plain = plain if n_plain else None
        self._latin = latin if n_latin else None

    # -- matching -----------------------------------------------------------------------------

    def scan(self, enc: str) -> tuple[set[int], list[int]]:
        """Term ids that fire in the encoded joined text, and the byte offset of each field
        (worked out only once something hit: most notices hit nothing)."""
        fired: set[int] = set()
        update = fired.update
        plain = list(self._plain.iter(enc)) if self._plain is not None else ()
        latin = list(self._latin.iter(enc)) if self._latin is not None else ()
        if not plain and not latin:
            return fired, []
        starts = field_starts(enc)
        for end, value in plain:
            update(value[bisect_right(starts, end) + 1])
        if latin:
            for end, (length, lcheck, rcheck, ok, no_right, _) in latin:
                start = end - length + 1
                if lcheck and word_before(enc, start):
                    continue
                f = bisect_right(starts, start) - 1
                update(no_right[f] if rcheck and word_at(enc, end + 1) else ok[f])
        return fired, starts

    def match(self, notice: Any) -> list[TopicHit]:
        """Topics matching one notice, in topic order. Evidence is computed when first asked for."""
        return self.match_texts(notice_fields(notice))

    def match_texts(self, texts: tuple[str, ...]) -> list[TopicHit]:
        """``match`` for the seven field texts in NOTICE_FIELDS order (all str, "" if missing)."""
        norm = normalise("\0".join(texts))
        enc = to_bytes_str(norm)
        fired, starts = self.scan(enc)
        if fired:
            tt = self._term_topics
            cand = set(self._always)
            for tid in fired:
                cand.update(tt[tid])
            order: Iterable[int] = sorted(cand)
        elif self._always:
            order = self._always
        else:
            return []
        scan = NoticeScan(self, texts, norm, enc, starts or field_starts(enc), fired)
        source = texts[5]
        site = source.split("_", 1)[0]
        out: list[TopicHit] = []
        for ti in order:
            ct = self.topics[ti]
            if ct.scope is not None and source not in ct.scope and site not in ct.scope:
                continue
            if ct.fn(fired, scan.regex):
                out.append(TopicHit(ct, scan))
        return out

    def match_many(self, notices: Iterable[Any]) -> Iterator[list[TopicHit]]:
        """``match`` for each notice, lazily."""
        for notice in notices:
            yield self.match(notice)

    @property
    def term_count(self) -> int:
        """Distinct literal patterns in the automata (aliases included)."""
        return len(self.pattern_text)


def match_query(query: str, notice: Any, glossary: Glossary | None = None) -> TopicHit | None:
    """Match one query against one notice (docs examples, the editor's preview)."""
    m = Matcher([TopicQuery("query", query)], glossary)
    if m.errors:
        raise next(iter(m.errors.values()))
    hits = m.match(notice)
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
]
