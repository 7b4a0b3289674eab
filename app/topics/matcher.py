"""Match notices against many topics at once, and say why each match happened.

All literal terms of all topics (after alias expansion) are compiled into one Aho-Corasick
automaton per notice field (ahocorasick-rs). Notices are matched a batch at a time (see scan.py):
each field's texts are normalised and scanned as one string, which yields for every term the set
of notices it fired in; each topic is then a precompiled expression of set algebra over those
sets (OR = union, AND = intersection, NOT = difference), so deciding which topics match costs no
per-notice Python work beyond the hits themselves. Topics with a /regex/ are evaluated per
candidate notice instead, the regex searched only when evaluation reaches it. Evidence (offsets
into the original text) is worked out lazily, only for matches whose ``hits`` are read
(see explain.py).
"""

from __future__ import annotations

from collections import ChainMap, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import Any

import ahocorasick_rs

from app.topics.aliases import Glossary, default_glossary, term_alternatives
from app.topics.ast import NOTICE_FIELDS, And, Node, Not, Term, term_to_query, terms_of
from app.topics.errors import QueryError
from app.topics.explain import Batch, Hit, TopicHit, plan
from app.topics.guards import Guards, default_guards
from app.topics.normalise import normalise
from app.topics.parser import compile_regex, parse
from app.topics.scan import (
    SEP,
    FieldAutomaton,
    build_field_automaton,
    clean,
    scan_column,
    scan_normalised,
)

ISSUER_SEPARATOR = "、"  # issuer lists are matched (and offsets given) as one joined string
_FIELD_INDEX = {name: i for i, name in enumerate(NOTICE_FIELDS)}
_BODY = _FIELD_INDEX["body"]
# Fields where agency names and false friends are masked (guards.py); source keys and document
# types are short controlled values.
_MASKED_FIELDS = frozenset(
    _FIELD_INDEX[f] for f in ("title", "title_en", "body", "issuer", "doc_number")
)


def _in_scope(scope: frozenset[str], sources: tuple[str, ...]) -> set[int]:
    """Notices whose source (``cac_zqyj``) or site (``cac``) is in a topic's source scope."""
    return {n for n, src in enumerate(sources) if src in scope or src.split("_", 1)[0] in scope}


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
    if value.__class__ is list:
        try:
            return ISSUER_SEPARATOR.join(value)  # the usual case: a list of str
        except TypeError:
            pass
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ISSUER_SEPARATOR.join(_text(v) for v in value if v is not None)
    return str(value)


def notice_fields(notice: Any) -> tuple[str, ...]:
    """The seven matchable texts of a notice (a mapping or an object, e.g. a storage Notice);
    missing fields are empty. ``issuer`` may be a list (``issuers`` is accepted too).
    Plain strings are taken as they are without a call: this runs for every notice matched."""
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
    t, te, b, dn, src, dt = (
        get("title"),
        get("title_en"),
        get("body"),
        get("doc_number"),
        get("source"),
        get("doc_type"),
    )
    return (
        t if t.__class__ is str else _text(t),
        te if te.__class__ is str else _text(te),
        b if b.__class__ is str else _text(b),
        _text(issuer),
        dn if dn.__class__ is str else _text(dn),
        src if src.__class__ is str else _text(src),
        dt if dt.__class__ is str else _text(dt),
    )


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
    literal: tuple[int, ...] = ()  # ids of its non-regex terms
    # (S: term id -> set of notices it fired in, U: all notices) -> the matching notices;
    # None for topics with a regex, which are evaluated notice by notice with ``fn``.
    setfn: Any = None
    broad: tuple[int, ...] = ()  # its broad terms that search the body (guards.py)
    support: tuple[int, ...] = ()  # its terms that count as a second term (not NOT'ed)


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


def _setgen(node: Node, tids: dict[Term, int]) -> str:
    """The tree as set algebra over per-term notice sets ``S[tid]`` (``U``: every notice).
    A NOT under an AND becomes a difference, so ``a -b`` never builds the complement of b."""
    if isinstance(node, Term):
        return f"S[{tids[node]}]"
    if isinstance(node, Not):
        return f"(U - {_setgen(node.child, tids)})"
    if isinstance(node, And):
        pos = [_setgen(c, tids) for c in node.children if not isinstance(c, Not)]
        neg = [_setgen(c.child, tids) for c in node.children if isinstance(c, Not)]
        expr = "(" + " & ".join(pos) + ")" if pos else "U"
        return f"({expr} - ({' | '.join(neg)}))" if neg else expr
    return "(" + " | ".join(_setgen(c, tids) for c in node.children) + ")"


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

    def __init__(
        self, topics: Iterable[Any], glossary: Glossary | None = None, guards: Guards | None = None
    ):
        self.glossary = glossary or default_glossary()
        self.guards = default_guards() if guards is None else guards
        self.topics: list[CompiledTopic] = []
        self.errors: dict[str, QueryError] = {}
        self.terms: list[TermInfo] = []
        self._term_ids: dict[tuple[Term, tuple[str, ...]], int] = {}
        self._patterns: dict[str, int] = {}
        self.pattern_text: list[str] = []
        self._entries: list[list[tuple[int, int, bool]]] = []  # pid -> (tid, mask, need_right)
        self._broad: set[int] = set()  # broad terms of some topic (body-only rule)
        for topic in topics:
            tq = TopicQuery.of(topic)
            try:
                self._compile_topic(tq)
            except QueryError as exc:
                self.errors[tq.name] = exc
        self._build_automata()

    def _compile_topic(self, tq: TopicQuery) -> None:
        tree = parse(tq.query)
        glossary = self.glossary.extended(tq.aliases)
        tids = {t: self._term_id(t, glossary) for t in dict.fromkeys(terms_of(tree))}
        # Generated from our own tree: integers, `in`, and/or/not and R(...) only.
        fn = eval(f"lambda H, R: {_codegen(tree, tids)}", {"__builtins__": {}})
        setfn = None
        if not any(t.regex for t in tids):
            setfn = eval(f"lambda S, U: {_setgen(tree, tids)}", {"__builtins__": {}})
        scope = frozenset(tq.sources) if tq.sources else None
        negated = _negated(tree)
        excluded = tuple(dict.fromkeys((tids[t], term_to_query(t)) for t in negated))
        literal = tuple(sorted({tid for t, tid in tids.items() if not t.regex}))
        support = tuple(sorted({tid for t, tid in tids.items() if t not in negated}))
        broad = tuple(
            sorted(
                tid
                for t, tid in tids.items()
                if not t.regex
                and "body" in t.fields
                and t not in negated
                and self.guards.is_broad(t.text)
            )
        )
        self.topics.append(
            CompiledTopic(
                tq,
                tree,
                fn,
                tids,
                scope,
                _kleene(tree) is False,
                excluded,
                plan(tree, tids),
                literal,
                setfn,
                broad,
                support,
            )
        )
        if broad:
            self._broad.update(broad)

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
        """One automaton per notice field, holding the patterns of the terms that search it."""
        self._fields: list[tuple[int, FieldAutomaton]] = []
        self.exempt = frozenset(
            pid for pid, text in enumerate(self.pattern_text) if self.guards.exempt(text)
        )
        self.masks, self.maskable = self._relevant_masks()
        for f in range(len(NOTICE_FIELDS)):
            masks = self.masks if f in _MASKED_FIELDS else ()
            fa = build_field_automaton(self.pattern_text, self._entries, f, masks, self.maskable)
            if fa is not None:
                self._fields.append((f, fa))

    def _relevant_masks(self) -> tuple[tuple[str, ...], frozenset[int]]:
        """The guards' masks that some pattern not naming a mask occurs inside, and those
        patterns: only they can be hidden, so the other masks stay out of the automata (most
        issuer names hold no topic word) and other patterns' hits are never checked."""
        if not self.guards.masks or not self.pattern_text:
            return (), frozenset()
        inner = ahocorasick_rs.AhoCorasick(
            self.pattern_text,
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )
        exempt = self.exempt
        masks, maskable = [], set()
        for m in self.guards.masks:
            found = {p for p, _, _ in inner.find_matches_as_indexes(m, overlapping=True)} - exempt
            if found:
                masks.append(m)
                maskable |= found
        return tuple(masks), frozenset(maskable)

    # -- matching -----------------------------------------------------------------------------

    def match(self, notice: Any) -> list[TopicHit]:
        """Topics matching one notice, in topic order. Evidence is computed when first asked for.
        To match many notices, ``match_many`` is several times faster."""
        return self.match_batch([notice_fields(notice)])[0]

    def match_texts(self, texts: tuple[str, ...]) -> list[TopicHit]:
        """``match`` for the seven field texts in NOTICE_FIELDS order (all str, "" if missing)."""
        return self.match_batch([texts])[0]

    def match_many(self, notices: Iterable[Any], batch: int = 500) -> Iterator[list[TopicHit]]:
        """``match`` for each notice, lazily, a batch at a time."""
        it = iter(notices)
        while chunk := list(islice(it, batch)):
            yield from self.match_batch([notice_fields(n) for n in chunk])

    def match_batch(self, texts: Sequence[tuple[str, ...]]) -> list[list[TopicHit]]:
        """``match_texts`` for each of a batch of notices' texts (the fast path: a column at a
        time; a few hundred per batch is best)."""
        batch = self._evaluate(texts)
        out: list[list[TopicHit]] = [[] for _ in batch.texts]
        for ti, notices in batch.matched:
            ct = self.topics[ti]
            for n in notices:  # topics in order, so each notice's list is in topic order
                out[n].append(TopicHit(ct, batch, n))
        return out

    def which_batch(self, texts: Sequence[tuple[str, ...]]) -> list[list[int]]:
        """Just the indexes (into ``topics``) of the topics each notice matches, in topic order:
        what counting and "did anything change" need, without any per-match object."""
        out: list[list[int]] = [[] for _ in texts]
        for ti, notices in self._evaluate(texts).matched:
            for n in notices:
                out[n].append(ti)
        return out

    def _evaluate(self, texts: Sequence[tuple[str, ...]]) -> Batch:
        """Scan a batch and evaluate every topic on it (see scan.py)."""
        count = len(texts)
        columns = list(zip(*texts, strict=True)) if texts else [()] * len(NOTICE_FIELDS)
        joined = [SEP.join(c) for c in columns]
        if any(j.count(SEP) != count - 1 for j in joined if count):
            texts = [tuple(map(clean, t)) for t in texts]
            columns = list(zip(*texts, strict=True))
            joined = [SEP.join(c) for c in columns]
        fired: defaultdict[int, set[int]] = defaultdict(set)
        body: defaultdict[int, set[int]] | None = defaultdict(set) if self._broad else None
        for f, fa in self._fields:
            scan_column(fa, joined[f], count, body if f == _BODY and body is not None else fired)
        only_body = self._merge_body(fired, body)
        batch = Batch(self, texts, fired)
        batch.only_body = only_body
        universe = set(range(len(texts)))
        scopes: dict[frozenset[str], set[int]] = {}
        for ti, ct in enumerate(self.topics):
            if ct.setfn is not None:
                notices = ct.setfn(self._guarded(ct, fired, only_body), universe)
            else:
                notices = self._regex_topic(ct, batch, universe)
            if notices and ct.scope is not None:
                if ct.scope not in scopes:
                    scopes[ct.scope] = _in_scope(ct.scope, columns[5])
                notices = notices & scopes[ct.scope]
            if notices:
                batch.matched.append((ti, notices))
        return batch

    def evaluate_normalised(
        self,
        norm: Sequence[str],
        bounds: Sequence[Sequence[int]],
        count: int,
        sources: Sequence[str],
        regex_set: Callable[[TermInfo, set[int]], set[int]],
    ) -> list[tuple[int, set[int]]]:
        """(topic index, matching notices) for ``count`` notices given as normalised columns:
        ``norm[f]`` is field f's texts, normalised, joined by NUL, ``bounds[f]`` its
        ``piece_bounds``, ``sources`` the raw source texts. ``regex_set(info, candidates)`` says
        in which candidates a regex term matches (as ``NoticeScan.regex`` would). The same
        result as matching the original texts (``match_batch``), for a whole corpus at once."""
        fired: defaultdict[int, set[int]] = defaultdict(set)
        body: defaultdict[int, set[int]] | None = defaultdict(set) if self._broad else None
        for f, fa in self._fields:
            sink = body if f == _BODY and body is not None else fired
            scan_normalised(fa, norm[f], bounds[f], count, sink)
        only_body = self._merge_body(fired, body)
        universe = set(range(count))
        scopes: dict[frozenset[str], set[int]] = {}
        out: list[tuple[int, set[int]]] = []
        for ti, ct in enumerate(self.topics):
            if ct.setfn is not None:
                notices = ct.setfn(self._guarded(ct, fired, only_body), universe)
            else:
                # Regex terms as sets too, searched only where the topic can match at all.
                if ct.gated:
                    cand: set[int] = set().union(*(fired[t] for t in ct.literal if t in fired))
                else:
                    cand = universe
                sets = defaultdict(set, self._guarded(ct, fired, only_body))
                for t, tid in ct.tids.items():
                    if t.regex:
                        sets[tid] = regex_set(self.terms[tid], cand) if cand else set()
                notices = self._regex_setfn(ct)(sets, universe) & cand
            if notices and ct.scope is not None:
                if ct.scope not in scopes:
                    scopes[ct.scope] = _in_scope(ct.scope, sources)
                notices = notices & scopes[ct.scope]
            if notices:
                out.append((ti, notices))
        return out

    def _merge_body(
        self, fired: defaultdict[int, set[int]], body: defaultdict[int, set[int]] | None
    ) -> dict[int, set[int]]:
        """Fold the body field's hits into ``fired``; return, per broad term, the notices where
        it fired in the body only."""
        if not body:
            return {}
        only = {t: body[t] - fired[t] for t in self._broad if t in body}
        for t, notices in body.items():
            fired[t] |= notices
        return {t: n for t, n in only.items() if n}

    @staticmethod
    def _guarded(
        ct: CompiledTopic, fired: defaultdict[int, set[int]], only_body: dict[int, set[int]]
    ) -> Any:
        """``fired`` as topic ``ct`` may count it: a broad term found in the body only counts
        where another of the topic's terms fired too (guards.py)."""
        if not only_body or not ct.broad:
            return fired
        over: dict[int, set[int]] = {}
        for b in ct.broad:
            alone = only_body.get(b)
            if not alone:
                continue
            others = [fired[t] for t in ct.support if t != b and t in fired]
            drop = alone - set().union(*others) if others else alone
            if drop:
                over[b] = fired[b] - drop
        return ChainMap(over, fired) if over else fired

    def _regex_setfn(self, ct: CompiledTopic) -> Any:
        fns = self.__dict__.setdefault("_regex_setfns", {})
        if id(ct) not in fns:
            fns[id(ct)] = eval(f"lambda S, U: {_setgen(ct.tree, ct.tids)}", {"__builtins__": {}})
        return fns[id(ct)]

    def _regex_topic(self, ct: CompiledTopic, batch: Batch, universe: set[int]) -> set[int]:
        """A topic with a regex, notice by notice: only candidates where a literal fired unless
        the topic can match without one; the regex runs only if evaluation reaches it."""
        fired = batch.fired
        if ct.gated:
            cand: set[int] = set().union(*(fired[t] for t in ct.literal if t in fired))
        else:
            cand = universe
        only_body, support = batch.only_body, set(ct.support)
        out = set()
        for n in cand:
            present = batch.fired_in(n, ct.literal)
            for b in ct.broad:
                if b in present and n in only_body.get(b, ()) and not (present & support) - {b}:
                    present.discard(b)
            if ct.fn(present, batch.scan(n).regex):
                out.add(n)
        return out

    @cached_property
    def all_patterns(self) -> ahocorasick_rs.AhoCorasick:
        """Every pattern (index = pattern id), then the guards' mask phrases (ids from
        ``len(pattern_text)``), for working out evidence (explain.py)."""
        return ahocorasick_rs.AhoCorasick(
            [*self.pattern_text, *self.masks],
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        )

    @property
    def term_count(self) -> int:
        """Distinct literal patterns in the automata (aliases included)."""
        return len(self.pattern_text)


def match_query(
    query: str, notice: Any, glossary: Glossary | None = None, guards: Guards | None = None
) -> TopicHit | None:
    """Match one query against one notice (docs examples, the editor's preview)."""
    m = Matcher([TopicQuery("query", query)], glossary, guards)
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
