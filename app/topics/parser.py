"""Recursive-descent parser: NOT binds tighter than AND (or a plain space), AND tighter than OR.

query   := or
or      := and ("OR" and)*
and     := unary (["AND"] unary)*
unary   := ("NOT" | "-") unary | primary
primary := [field ":"] ( "(" or ")" | ["="] (word ["*"] | "phrase" ["*"] | /regex/) )
"""

from __future__ import annotations

import re
import unicodedata

from app.topics.ast import And, Node, Not, Or, Term
from app.topics.errors import QueryError
from app.topics.lexer import Token, tokenize

MAX_QUERY = 4000
MAX_REGEX = 300
MAX_DEPTH = 40
_STARTS = {"NOT", "(", "FIELD", "EXACT", "WORD", "PHRASE", "REGEX"}

try:  # the stdlib's own regex parser, to refuse patterns that can backtrack forever
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Pythons
    _sre_parse = None


def _nested_repeat(pattern: str) -> bool:
    """True for (a+)+ style patterns: a repeat inside a repeat can take exponential time."""
    if _sre_parse is None:
        return False
    repeats = {
        _sre_parse.MAX_REPEAT,
        _sre_parse.MIN_REPEAT,
        getattr(_sre_parse, "POSSESSIVE_REPEAT", None),
    }

    def walk(items, inside: bool) -> bool:
        for op, av in items:
            if op in repeats:
                lo, hi, sub = av
                many = hi is _sre_parse.MAXREPEAT or hi > 1
                if inside and many:
                    return True
                if walk(sub, inside or many):
                    return True
            elif op is _sre_parse.SUBPATTERN:
                if walk(av[-1], inside):
                    return True
            elif op is _sre_parse.BRANCH:
                if any(walk(b, inside) for b in av[1]):
                    return True
            elif op in (_sre_parse.ASSERT, _sre_parse.ASSERT_NOT):
                if walk(av[1], inside):
                    return True
        return False

    try:
        return walk(_sre_parse.parse(pattern), False)
    except Exception:
        return False


def compile_regex(pattern: str, pos: int = 0, query: str = "") -> re.Pattern[str]:
    """Compile a /regex/ term safely: syntax errors and slow patterns become QueryError."""
    query = query or f"/{pattern}/"
    if len(pattern) > MAX_REGEX:
        raise QueryError(f"this /regex/ is longer than {MAX_REGEX} characters", pos, query)
    try:
        compiled = re.compile(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError, ValueError) as exc:
        where = pos + 1 + (getattr(exc, "pos", None) or 0)
        msg = getattr(exc, "msg", None) or str(exc)
        raise QueryError(f"invalid /regex/: {msg}", where, query) from None
    if _nested_repeat(pattern):
        raise QueryError(
            "this /regex/ repeats a repetition (like (a+)+) and could take forever", pos, query
        )
    if compiled.search("") is not None:
        raise QueryError(
            "this /regex/ matches empty text, so it would match everything", pos, query
        )
    return compiled


class _Parser:
    def __init__(self, query: str):
        self.query = query
        self.tokens = tokenize(query)
        self.i = 0
        self.depth = 0

    def error(self, message: str, token: Token | None = None) -> QueryError:
        return QueryError(message, (token or self.peek()).pos, self.query)

    def enter(self, tok: Token) -> None:
        """Count nesting: a query is for people, and deep nesting would exhaust the stack."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the query nests NOT and parentheses more than {MAX_DEPTH} deep", tok)

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def need_operand(self, after: Token) -> None:
        tok = self.peek()
        if tok.kind not in _STARTS:
            what = "the end of the query" if tok.kind == "END" else f"'{tok.value}'"
            raise self.error(f"'{after.value}' needs a term after it, not {what}", tok)

    def parse(self) -> Node:
        tok = self.peek()
        if tok.kind == "END":
            raise self.error("the query is empty")
        node = self.parse_or(None)
        tok = self.peek()
        if tok.kind == ")":
            raise self.error("this ')' has no matching '('", tok)
        if tok.kind != "END":  # pragma: no cover - parse_and consumes every operand start
            raise self.error(f"unexpected '{tok.value}'", tok)
        return node

    def parse_or(self, field: str | None) -> Node:
        items = [self.parse_and(field)]
        while self.peek().kind == "OR":
            op = self.take()
            self.need_operand(op)
            items.append(self.parse_and(field))
        return _flat(Or, items)

    def parse_and(self, field: str | None) -> Node:
        items = [self.parse_unary(field)]
        while True:
            tok = self.peek()
            if tok.kind == "AND":
                self.take()
                self.need_operand(tok)
            elif tok.kind not in _STARTS:
                break
            items.append(self.parse_unary(field))
        return _flat(And, items)

    def parse_unary(self, field: str | None) -> Node:
        tok = self.peek()
        if tok.kind == "NOT":
            self.take()
            self.need_operand(tok)
            self.enter(tok)
            node = Not(self.parse_unary(field))
            self.depth -= 1
            return node
        return self.parse_primary(field)

    def parse_primary(self, field: str | None) -> Node:
        tok = self.take()
        if tok.kind == "FIELD":
            nxt = self.peek()
            if nxt.kind == "FIELD":
                raise self.error("a field prefix cannot follow another one", nxt)
            if nxt.kind not in ("(", "EXACT", "WORD", "PHRASE", "REGEX"):
                raise self.error(f"'{tok.value}:' must be followed by a term or (", nxt)
            return self.parse_primary(tok.value)
        if tok.kind == "(":
            if self.peek().kind == ")":
                raise self.error("empty parentheses", self.peek())
            self.enter(tok)
            node = self.parse_or(field)
            self.depth -= 1
            close = self.peek()
            if close.kind != ")":
                raise self.error(
                    f"the '(' at column {tok.pos + 1} is never closed (add ')')", close
                )
            self.take()
            return node
        exact = False
        if tok.kind == "EXACT":
            exact = True
            tok = self.take()
            if tok.kind not in ("WORD", "PHRASE"):
                raise self.error("'=' must be followed directly by a word or \"phrase\"", tok)
        if tok.kind in ("WORD", "PHRASE"):
            return Term(self.term_text(tok), field, exact=exact, prefix=tok.prefix)
        if tok.kind == "REGEX":
            if not tok.value:
                raise self.error("empty /regex/", tok)
            compile_regex(tok.value, tok.pos, self.query)
            return Term(tok.value, field, regex=True)
        if tok.kind == ")":
            raise self.error("this ')' has no matching '('", tok)
        if tok.kind == "END":
            raise self.error("the query ends where a term is expected", tok)
        raise self.error(f"'{tok.value}' needs a term before it", tok)

    def term_text(self, tok: Token) -> str:
        text = " ".join(tok.value.split())
        if not text:
            raise self.error('empty "phrase"', tok)
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
            raise self.error("a term cannot contain control characters", tok)
        return text


def _flat(kind: type[And] | type[Or], items: list[Node]) -> Node:
    if len(items) == 1:
        return items[0]
    out: list[Node] = []
    for item in items:
        out.extend(item.children if isinstance(item, kind) else (item,))
    return kind(tuple(out))


def parse(query: str) -> Node:
    """Parse a query into a tree; QueryError (with position and caret) if it is malformed."""
    if not isinstance(query, str):
        raise QueryError("a query must be text", 0, "")
    if len(query) > MAX_QUERY:
        raise QueryError(f"the query is longer than {MAX_QUERY} characters", MAX_QUERY, query)
    return _Parser(query).parse()


def validate(query: str) -> QueryError | None:
    """The error a query would raise, or None: what an editor calls on every keystroke."""
    try:
        parse(query)
    except QueryError as exc:
        return exc
    return None
