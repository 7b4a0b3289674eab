"""Tokens of the query language, each with its position for error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.topics.ast import FIELDS, KEYWORDS
from app.topics.errors import QueryError

_FIELD = re.compile(r"([A-Za-z]+):")
_WORD_END = re.compile(r'[\s()"]')


@dataclass(frozen=True)
class Token:
    kind: str  # ( ) AND OR NOT FIELD EXACT WORD PHRASE REGEX END
    value: str
    pos: int
    prefix: bool = False  # a trailing * on a word or phrase


def _quoted(query: str, start: int, close: str, what: str) -> tuple[str, int]:
    """Text between ``query[start]`` and the next unescaped ``close``; backslash escapes it."""
    out: list[str] = []
    i = start + 1
    while i < len(query):
        c = query[i]
        if c == "\\" and i + 1 < len(query) and query[i + 1] in (close, "\\"):
            if close == "/" and query[i + 1] == "\\":
                out.append("\\\\")  # a regex keeps its own escapes
            else:
                out.append(query[i + 1])
            i += 2
            continue
        if c == close:
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise QueryError(f"this {what} is never closed (add {close})", start, query)


def tokenize(query: str) -> list[Token]:
    """Split a query into tokens; QueryError points at the first character that cannot start one."""
    tokens: list[Token] = []
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace() or c < " " or c == "\x7f":
            i += 1
            continue
        if c in "()":
            tokens.append(Token(c, c, i))
            i += 1
            continue
        if c == "-" or c == "=":
            nxt = query[i + 1] if i + 1 < n else ""
            if not nxt or nxt.isspace() or nxt in ")":
                what = "exclude" if c == "-" else "match exactly"
                raise QueryError(f"'{c}' must be followed directly by the term to {what}", i, query)
            tokens.append(Token("NOT" if c == "-" else "EXACT", c, i))
            i += 1
            continue
        if c == '"':
            text, j = _quoted(query, i, '"', "quoted phrase")
            prefix = j < n and query[j] == "*"
            tokens.append(Token("PHRASE", text, i, prefix))
            i = j + (1 if prefix else 0)
            continue
        if c == "/":
            text, j = _quoted(query, i, "/", "/regex/")
            tokens.append(Token("REGEX", text, i))
            i = j
            continue
        m = _FIELD.match(query, i)
        if m and not query.startswith("//", m.end()):
            name = m.group(1).lower()
            if name not in FIELDS:
                known = ", ".join(FIELDS)
                raise QueryError(f"unknown field '{m.group(1)}:' (fields: {known})", i, query)
            j = m.end()
            if j >= n or query[j].isspace() or query[j] == ")":
                raise QueryError(f"'{name}:' must be followed directly by a term or (", j, query)
            tokens.append(Token("FIELD", name, i))
            i = j
            continue
        end = _WORD_END.search(query, i)
        j = end.start() if end else n
        word = query[i:j]
        if word.lower() in KEYWORDS:
            tokens.append(Token(word.upper(), word, i))
        else:
            prefix = word.endswith("*")
            word = word.rstrip("*") if prefix else word
            if not word:
                raise QueryError("'*' must follow a word (as in model*)", i, query)
            tokens.append(Token("WORD", word, i, prefix))
        i = j
    tokens.append(Token("END", "", n))
    return tokens
