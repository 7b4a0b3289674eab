"""The bilingual alias glossary: groups of names that mean the same thing.

A term expands to every member of every group it belongs to (one hop, so groups never chain
into unrelated meanings). The shipped glossary is resources/topics/aliases.toml; a topic adds
its own groups on top.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from app.topics.ast import Node, Not, Or, Term
from app.topics.errors import TopicError
from app.topics.normalise import normalise
from app.topics.parser import parse


def _key(term: str) -> str:
    return " ".join(normalise(term).split())


def check_groups(groups: object, where: str = "aliases") -> list[tuple[str, ...]]:
    """Validate alias groups from a file or the editor: a list of lists of two or more names."""
    if not isinstance(groups, list):
        raise TopicError(f"{where} must be a list of groups (lists of names)")
    out: list[tuple[str, ...]] = []
    for i, group in enumerate(groups):
        if not isinstance(group, list | tuple) or not all(isinstance(t, str) for t in group):
            raise TopicError(f"{where}[{i}] must be a list of names")
        names = tuple(dict.fromkeys(" ".join(t.split()) for t in group if t.strip()))
        if len(names) < 2:
            raise TopicError(f"{where}[{i}] needs at least two different names")
        out.append(names)
    return out


@dataclass(frozen=True)
class Glossary:
    """Alias groups with an index from normalised name to the groups that contain it."""

    groups: tuple[tuple[str, ...], ...] = ()
    _index: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_groups(cls, groups: Iterable[Sequence[str]]) -> Glossary:
        groups = tuple(tuple(g) for g in groups)
        index: dict[str, list[int]] = {}
        for gi, group in enumerate(groups):
            for name in group:
                index.setdefault(_key(name), []).append(gi)
        return cls(groups, {k: tuple(v) for k, v in index.items()})

    def extended(self, extra: Iterable[Sequence[str]] | None) -> Glossary:
        """This glossary plus a topic's own groups."""
        extra = list(extra or [])
        return Glossary.from_groups([*self.groups, *extra]) if extra else self

    def alternatives(self, term: str) -> tuple[str, ...]:
        """``term`` first, then every other name it is an alias of (deduplicated after normalising)."""
        seen = {_key(term)}
        out = [term]
        for gi in self._index.get(_key(term), ()):
            for name in self.groups[gi]:
                k = _key(name)
                if k not in seen:
                    seen.add(k)
                    out.append(name)
        return tuple(out)

    def __len__(self) -> int:
        return len(self.groups)


@cache
def default_glossary() -> Glossary:
    """The glossary shipped with regwatch (resources/topics/aliases.toml)."""
    text = resources.files("resources.topics").joinpath("aliases.toml").read_text("utf-8")
    return load_glossary(text)


def load_glossary(text: str) -> Glossary:
    """Parse an aliases.toml: ``[domains.X] groups = [[...], ...]`` or top-level ``groups``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TopicError(f"the alias file is not valid TOML: {exc}") from None
    groups = check_groups(data.get("groups", []), "groups")
    for name, domain in (data.get("domains") or {}).items():
        groups += check_groups(domain.get("groups", []), f"domains.{name}.groups")
    return Glossary.from_groups(groups)


def term_alternatives(term: Term, glossary: Glossary) -> tuple[str, ...]:
    """What a term matches: itself, plus its aliases unless it is exact or a regex."""
    if term.exact or term.regex:
        return (term.text,)
    return glossary.alternatives(term.text)


def expand_tree(node: Node, glossary: Glossary) -> Node:
    """The tree with each expandable term replaced by an OR of its alternatives (all exact)."""
    if isinstance(node, Term):
        alts = term_alternatives(node, glossary)
        if len(alts) == 1:
            return node
        return Or(tuple(Term(a, node.field, exact=True, prefix=node.prefix) for a in alts))
    if isinstance(node, Not):
        return Not(expand_tree(node.child, glossary))
    kind = type(node)
    return kind(tuple(expand_tree(c, glossary) for c in node.children))


@dataclass(frozen=True)
class Expansion:
    """One query term and what it will match (for the editor's "expands to" panel)."""

    term: Term
    alternatives: tuple[str, ...]


def expansions(query: str | Node, glossary: Glossary | None = None) -> list[Expansion]:
    """Each distinct term of a query with its alternatives, in query order."""
    from app.topics.ast import terms_of

    node = parse(query) if isinstance(query, str) else query
    glossary = glossary or default_glossary()
    out: dict[Term, Expansion] = {}
    for t in terms_of(node):
        out.setdefault(t, Expansion(t, term_alternatives(t, glossary)))
    return list(out.values())


def expand(query: str | Node, glossary: Glossary | None = None) -> str:
    """The query as the matcher sees it, aliases spelled out: 人工智能 → (人工智能 OR AI OR …)."""
    node = parse(query) if isinstance(query, str) else query
    return _strip_exact(expand_tree(node, glossary or default_glossary()))


def _strip_exact(node: Node) -> str:
    """Print an expanded tree without the ``=`` marks the expansion uses internally."""
    from app.topics.ast import to_query

    def plain(n: Node) -> Node:
        if isinstance(n, Term):
            return Term(n.text, n.field, exact=False, prefix=n.prefix, regex=n.regex)
        if isinstance(n, Not):
            return Not(plain(n.child))
        return type(n)(tuple(plain(c) for c in n.children))

    return to_query(plain(node))


__all__ = [
    "Expansion",
    "Glossary",
    "check_groups",
    "default_glossary",
    "expand",
    "expand_tree",
    "expansions",
    "load_glossary",
    "term_alternatives",
]
