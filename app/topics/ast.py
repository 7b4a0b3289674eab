"""The query tree: terms combined with AND, OR and NOT, and the canonical printer.

Trees are frozen dataclasses so two parses compare equal exactly when they mean the same
query; ``to_query`` prints a tree back as text that parses to the same tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Field names users write -> the notice fields they search. ``title`` covers both titles.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "title_en"),
    "body": ("body",),
    "issuer": ("issuer",),
    "docno": ("doc_number",),
    "source": ("source",),
    "type": ("doc_type",),
}
# Notice fields in the order the matcher lays them out; an unprefixed term searches the first five.
NOTICE_FIELDS: tuple[str, ...] = (
    "title",
    "title_en",
    "body",
    "issuer",
    "doc_number",
    "source",
    "doc_type",
)
DEFAULT_FIELDS: tuple[str, ...] = ("title", "title_en", "body", "issuer", "doc_number")
KEYWORDS = frozenset({"and", "or", "not"})


@dataclass(frozen=True)
class Term:
    """One word, phrase or /regex/. ``exact`` turns alias expansion off (``=term``);
    ``prefix`` (``term*``) drops the word boundary after a Latin term."""

    text: str
    field: str | None = None
    exact: bool = False
    prefix: bool = False
    regex: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        return FIELDS[self.field] if self.field else DEFAULT_FIELDS


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    child: Node


Node = Term | And | Or | Not

_SPECIAL = re.compile(r'[\s()"]')


def _bare_ok(text: str) -> bool:
    """Whether a term can be printed without quotes and still lex back as itself."""
    if not text or _SPECIAL.search(text) or text.lower() in KEYWORDS:
        return False
    if text[0] in "-=/" or text.endswith("*"):
        return False
    head = text.split(":", 1)[0]
    return not (":" in text and head.isascii() and head.isalpha())


def term_to_query(term: Term) -> str:
    """A term as query text (field prefix, ``=``, quotes, ``*`` as needed)."""
    if term.regex:
        body = "/" + term.text.replace("/", "\\/") + "/"
    elif _bare_ok(term.text):
        body = term.text
    else:
        body = '"' + term.text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if term.prefix:
        body += "*"
    if term.exact:
        body = "=" + body
    if term.field:
        body = f"{term.field}:{body}"
    return body


def to_query(node: Node) -> str:
    """Canonical text of a tree: explicit AND/OR/NOT, parentheses only where needed."""
    if isinstance(node, Term):
        return term_to_query(node)
    if isinstance(node, Not):
        inner = to_query(node.child)
        return f"NOT {inner}" if isinstance(node.child, Term | Not) else f"NOT ({inner})"
    if isinstance(node, And):
        return " AND ".join(
            f"({to_query(c)})" if isinstance(c, Or | And) else to_query(c) for c in node.children
        )
    return " OR ".join(
        f"({to_query(c)})" if isinstance(c, Or) else to_query(c) for c in node.children
    )


def terms_of(node: Node) -> list[Term]:
    """Every term in the tree, left to right."""
    if isinstance(node, Term):
        return [node]
    if isinstance(node, Not):
        return terms_of(node.child)
    return [t for c in node.children for t in terms_of(c)]


def positive_terms(node: Node, negated: bool = False) -> list[Term]:
    """Terms under an even number of NOTs: the ones whose presence can make a query match."""
    if isinstance(node, Term):
        return [] if negated else [node]
    if isinstance(node, Not):
        return positive_terms(node.child, not negated)
    return [t for c in node.children for t in positive_terms(c, negated)]
