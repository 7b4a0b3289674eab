"""Full-text search over Chinese title, English title and body, one API for both databases.

SQLite: an external-content FTS5 table with the trigram tokenizer (kept in sync by triggers).
Trigram finds nothing for terms under three characters, so those fall back to LIKE on the base
table — two-character Chinese words (数据, 算法) are common queries. PostgreSQL: ILIKE backed by
pg_trgm GIN indexes. Every whitespace-separated term must match (AND), in any of the columns.
Latin terms match whole words, as in watch topics ("AI" does not find "Affairs"); Chinese
matches as a substring.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    and_,
    false,
    func,
    literal,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.orm import Session

from storage.models import Notice

log = logging.getLogger(__name__)

FTS_TABLE = "notices_fts"
_COLUMNS = ("title", "title_en", "body")


def fts_available(conn: Connection) -> bool:
    """True when the FTS5 index exists (SQLite only)."""
    if conn.dialect.name != "sqlite":
        return False
    row = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (FTS_TABLE,)
    ).first()
    return row is not None


def create_search_index(conn: Connection) -> None:
    """Create the dialect's search index; called by the migrations."""
    if conn.dialect.name == "sqlite":
        try:
            conn.exec_driver_sql(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
                "title, title_en, body, content='notices', content_rowid='id', tokenize='trigram')"
            )
        except Exception as exc:  # SQLite without FTS5/trigram: LIKE search still works
            log.warning("full-text index unavailable (%s); search falls back to LIKE", exc)
            return
        cols = "title, title_en, body"
        new = "new.id, new.title, coalesce(new.title_en, ''), new.body"
        old = "old.id, old.title, coalesce(old.title_en, ''), old.body"
        conn.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS notices_fts_ai AFTER INSERT ON notices BEGIN "
            f"INSERT INTO {FTS_TABLE}(rowid, {cols}) VALUES ({new}); END"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS notices_fts_ad AFTER DELETE ON notices BEGIN "
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {cols}) VALUES ('delete', {old}); END"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER IF NOT EXISTS notices_fts_au AFTER UPDATE OF title, title_en, body "
            f"ON notices BEGIN "
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {cols}) VALUES ('delete', {old}); "
            f"INSERT INTO {FTS_TABLE}(rowid, {cols}) VALUES ({new}); END"
        )
        conn.exec_driver_sql(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
    elif conn.dialect.name == "postgresql":
        try:
            with conn.begin_nested():
                conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:
            log.warning("pg_trgm unavailable (%s); search works without its index", exc)
            return
        for col in _COLUMNS:
            conn.exec_driver_sql(
                f"CREATE INDEX IF NOT EXISTS ix_notices_trgm_{col} ON notices "
                f"USING gin ({col} gin_trgm_ops)"
            )


def drop_search_index(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        for trig in ("notices_fts_ai", "notices_fts_ad", "notices_fts_au"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trig}")
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif conn.dialect.name == "postgresql":
        for col in _COLUMNS:
            conn.exec_driver_sql(f"DROP INDEX IF EXISTS ix_notices_trgm_{col}")


def _terms(query: str) -> list[str]:
    """Whitespace-separated terms; a "quoted phrase" stays one term."""
    import shlex

    try:
        parts = shlex.split(query)
    except ValueError:
        parts = query.replace('"', " ").split()
    return [p for p in (t.strip() for t in parts) if p]


def search_terms(query: str) -> list[str]:
    """The terms a search matches (every one must occur), as the detail pane highlights them."""
    return _terms(query)


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_any(term: str, dialect: str) -> ColumnElement[bool]:
    pattern = f"%{_like_escape(term)}%"
    cols = [Notice.title, Notice.title_en, Notice.body]
    if dialect == "postgresql":
        return or_(*(c.ilike(pattern, escape="\\") for c in cols))
    return or_(
        *(c.like(pattern, escape="\\") for c in cols)
    )  # SQLite LIKE is ASCII case-insensitive


def _latin(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _glob_escape(term: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in term)


def _word_clause(term: str, dialect: str) -> ColumnElement[bool] | None:
    """Whole-word matching for Latin terms, as topics match them: "AI" is not found inside
    "Affairs" or "gait". A boundary is needed only at an edge of the term that is a Latin
    letter or digit, so "AI芯片" still matches "AI芯片产业" and Chinese stays substring. None when
    no edge needs one."""
    left, right = _latin(term[0]), _latin(term[-1])
    if not (left or right):
        return None
    low = term.lower()
    cols = [Notice.title, Notice.title_en, Notice.body]
    padded = [
        literal(" ", String) + func.lower(func.coalesce(c, ""), type_=String) + literal(" ", String)
        for c in cols
    ]
    if dialect == "postgresql":
        pattern = ("[^a-z0-9]" if left else "") + re.escape(low) + ("[^a-z0-9]" if right else "")
        return or_(*(p.op("~")(pattern) for p in padded))
    if dialect == "sqlite":
        pattern = (
            "*"
            + ("[^a-z0-9]" if left else "")
            + _glob_escape(low)
            + ("[^a-z0-9]" if right else "")
            + "*"
        )
        return or_(*(p.op("GLOB")(pattern) for p in padded))
    return None


def _term_clause(term: str, dialect: str, candidates: ColumnElement[bool]) -> ColumnElement[bool]:
    word = _word_clause(term, dialect)
    return candidates if word is None else and_(candidates, word)


def search_clause(query: str, conn: Connection) -> ColumnElement[bool]:
    """A WHERE clause on ``Notice`` that holds for notices matching every term of ``query``."""
    terms = _terms(query)
    if not terms:
        return true()
    dialect = conn.dialect.name
    use_fts = fts_available(conn)
    clauses: list[ColumnElement[bool]] = []
    for term in terms:
        if use_fts and len(term) >= 3:
            phrase = '"' + term.replace('"', '""') + '"'
            # Each term needs its own bind name inside one statement.
            ids = (
                select(text("rowid"))
                .select_from(text(FTS_TABLE))
                .where(
                    text(f"{FTS_TABLE} MATCH :q{len(clauses)}").bindparams(
                        **{f"q{len(clauses)}": phrase}
                    )
                )
            )
            clauses.append(_term_clause(term, dialect, Notice.id.in_(ids)))
        else:
            clauses.append(_term_clause(term, dialect, _like_any(term, dialect)))
    return and_(*clauses) if clauses else false()


def scan_clause(query: str, conn: Connection) -> ColumnElement[bool]:
    """The same match as ``search_clause``, tested row by row (LIKE / ILIKE) without the index.

    Cheaper than the index for a few thousand candidate rows: a list can test the newest rows
    of a view this way and only fall back to ``search_clause`` when too few of them match
    (a common word fills the first page from the newest rows at once)."""
    terms = _terms(query)
    if not terms:
        return true()
    dialect = conn.dialect.name
    return and_(*(_term_clause(t, dialect, _like_any(t, dialect)) for t in terms))


def search(session: Session, query: str, limit: int | None = 200) -> list[Notice]:
    """Notices matching ``query``, newest first."""
    stmt = (
        select(Notice)
        .where(search_clause(query, session.connection()))
        .order_by(Notice.published_date.desc().nulls_last(), Notice.id.desc())
    )
    if limit:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))
