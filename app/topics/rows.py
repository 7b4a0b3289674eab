"""Reading stored notices the way the matcher wants them: only the columns the queries look at,
as the seven field texts, without per-row ORM objects or JSON decoding."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from app.topics.ast import DEFAULT_FIELDS, FIELDS, terms_of
from app.topics.matcher import ISSUER_SEPARATOR
from app.topics.parser import parse
from storage.models import Notice

# Column each notice field is read from; issuers is a JSON list joined for matching.
COLUMNS = {
    "title": Notice.title,
    "title_en": Notice.title_en,
    "body": Notice.body,
    "issuer": Notice.issuers,
    "doc_number": Notice.doc_number,
    "source": Notice.source,
    "doc_type": Notice.doc_type,
}


def issuers_text(value: Any) -> str:
    """Issuers as the matcher sees them, from the raw JSON text (SQLite) or a list (PostgreSQL)."""
    if not value or value == "[]":
        return ""
    if isinstance(value, str):
        return _issuers_json(value)
    if isinstance(value, list):
        return ISSUER_SEPARATOR.join(str(x) for x in value if x is not None)
    return str(value)


@lru_cache(maxsize=4096)
def _issuers_json(text: str) -> str:
    """Decoded and joined; cached because a handful of issuer lists recur across thousands of rows."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    if isinstance(value, list):
        return ISSUER_SEPARATOR.join(str(x) for x in value if x is not None)
    return str(value)


def reader(cols: Sequence[str]) -> Callable[[Any], tuple[str, ...]]:
    """A function turning a row (id, *cols) into the matcher's seven texts, as one expression:
    this runs for every stored notice, so no per-row dicts or loops."""
    parts = []
    for f in COLUMNS:
        if f not in cols:
            parts.append('""')
        else:
            i = cols.index(f) + 1
            parts.append(f"issuers_text(r[{i}])" if f == "issuer" else f'(r[{i}] or "")')
    code = f"lambda r: ({', '.join(parts)},)"
    return eval(code, {"issuers_text": issuers_text})  # safe: built from column indexes only


def select_columns(cols: Sequence[str]) -> list:
    # issuers is read as raw text: SQLAlchemy's JSON decoding per row costs more than matching
    return [type_coerce(COLUMNS[c], Text) if c == "issuer" else COLUMNS[c] for c in cols]


def batches(
    session: Session, cols: Sequence[str], ids: Sequence[int] | None, size: int
) -> Iterator[list]:
    """Notice rows (id + cols) in id order, a batch at a time. Keyset pagination rather than one
    open cursor, so the writes between batches never interleave with a pending SELECT."""
    columns = [Notice.id, *select_columns(cols)]
    if ids is not None:
        ids = sorted(set(ids))
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            yield list(
                session.connection().execute(
                    select(*columns).where(Notice.id.in_(chunk)).order_by(Notice.id)
                )
            )
        return
    last = 0
    while True:
        rows = list(
            session.connection().execute(
                select(*columns).where(Notice.id > last).order_by(Notice.id).limit(size)
            )
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def needed_columns(queries: Iterable[str]) -> list[str]:
    """The notice fields any of these queries can look at (so only those columns are read)."""
    fields: set[str] = set()
    for q in queries:
        for term in terms_of(parse(q)):
            fields.update(FIELDS[term.field] if term.field else DEFAULT_FIELDS)
    if not fields:
        fields.add("title")
    fields.add("source")  # topic source scopes
    return [f for f in COLUMNS if f in fields]
