"""Errors of the topic layer: each one sentence a user can act on."""

from __future__ import annotations

import unicodedata


class TopicError(Exception):
    """A topic, topic pack or query is not acceptable; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _width(text: str) -> int:
    """Terminal columns of ``text``: CJK characters take two, so the caret lines up."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class QueryError(TopicError):
    """A malformed query: ``position`` is the 0-based index into ``query`` of the fault."""

    def __init__(self, message: str, position: int, query: str):
        self.reason = message
        self.position = max(0, min(position, len(query)))
        self.query = query
        super().__init__(f"{message} (at column {self.position + 1})")

    @property
    def caret(self) -> str:
        """The query and a caret under the fault, for a terminal or a monospaced label."""
        line = self.query.replace("\n", " ").replace("\t", " ")
        return f"{line}\n{' ' * _width(line[: self.position])}^"

    def __str__(self) -> str:
        return f"{self.message}\n{self.caret}"
