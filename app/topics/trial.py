"""Trying a draft query against the stored history (``test_query``): how many notices it
matches and the newest few, fast enough to run as the user types (well under a second for 100k).

Normally the query runs on corpus_cache.py's in-memory snapshot of every notice's normalised
texts: one automaton pass per field over the whole corpus; only the sample's rows are read.
Without a snapshot (too big for memory, or ``use_cache=False``) only the columns the query looks
at are read, on a streaming cursor, and matched a batch at a time (Matcher.match_batch); when
the query's structure guarantees that some literal text must appear, an SQL condition
(prefilter.py, always a superset) narrows the rows first.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

from app.topics import corpus_cache
from app.topics.aliases import Glossary
from app.topics.apply import stored_terms
from app.topics.matcher import Matcher, TopicHit, TopicQuery
from app.topics.parser import parse
from app.topics.prefilter import candidate_clause, term_patterns
from app.topics.rows import needed_columns, reader, select_columns
from storage.models import Notice

_TEST_BATCH = 500  # rows matched at a time (Matcher.match_batch)


@dataclass
class SampleHit:
    """One matched notice of a query test, with its explanation."""

    notice_id: int
    title: str
    title_en: str | None
    source: str
    published: Any
    url: str
    explanation: str
    hits: list[dict[str, Any]]


@dataclass
class QueryTest:
    """How a draft query does on the stored history."""

    query: str
    count: int
    scanned: int
    sample: list[SampleHit]
    seconds: float


def test_query(
    session: Session,
    query: str,
    sample: int = 10,
    *,
    aliases: Sequence[Sequence[str]] = (),
    sources: Sequence[str] | None = None,
    glossary: Glossary | None = None,
    use_cache: bool = True,
) -> QueryTest:
    """Count stored notices a draft query matches and return the newest ``sample`` of them.
    Raises QueryError for a malformed query.

    Matches the in-memory snapshot of the notices' normalised texts (corpus_cache.py; loaded on
    first use, or ahead of it by ``corpus_cache.warm``, and brought up to date cheaply); without
    it (``use_cache=False``, or too big to keep) streams only the columns the query looks at."""
    t0 = time.perf_counter()
    parse(query)  # QueryError before any work
    session.flush()
    tq = TopicQuery("draft", query, tuple(sources) if sources else None, tuple(map(tuple, aliases)))
    matcher = Matcher([tq], glossary)
    if matcher.errors:
        raise next(iter(matcher.errors.values()))
    cols = needed_columns([query])
    read = reader(cols)
    snapshot = corpus_cache.corpus(session) if use_cache else None
    if snapshot is not None:
        count, out = _on_snapshot(session, matcher, snapshot, cols, sample)
        return QueryTest(query, count, len(snapshot), out, time.perf_counter() - t0)
    # No ORDER BY: sorting the whole table costs more than matching it. The newest matches are
    # kept in a small heap keyed by (published date, id) instead.
    # Dates as raw ISO text (they sort the same) and a Core connection rather than the ORM
    # session: per-row type processing would cost more than the matching.
    stmt = select(Notice.id, *select_columns(cols), type_coerce(Notice.published_date, Text))
    ct = matcher.topics[0]
    narrow = candidate_clause(ct.tree, ct.tids, partial(term_patterns, matcher))
    if narrow is not None:  # a superset of the matches (see prefilter.py)
        stmt = stmt.where(narrow)
    conn = session.connection()
    scanned = conn.scalar(select(func.count()).select_from(Notice)) or 0
    count = 0
    newest: list[tuple[tuple[bool, Any, int], TopicHit]] = []
    result = conn.execute(stmt.execution_options(yield_per=_TEST_BATCH))
    for rows in result.partitions():
        for row, hits in zip(rows, matcher.match_batch([read(r) for r in rows]), strict=True):
            if not hits:
                continue
            count += 1
            if sample:
                key = (row[-1] is not None, row[-1] or "", row[0])
                if len(newest) < sample:
                    heapq.heappush(newest, (key, hits[0]))
                elif key > newest[0][0]:
                    heapq.heapreplace(newest, (key, hits[0]))
    first = [(key[2], hit) for key, hit in sorted(newest, key=lambda x: x[0], reverse=True)]
    return QueryTest(query, count, scanned, _samples(session, first), time.perf_counter() - t0)


def _on_snapshot(
    session: Session, matcher: Matcher, snapshot: corpus_cache.Corpus, cols: list[str], sample: int
) -> tuple[int, list[SampleHit]]:
    """The count and the newest matches, matching the cached normalised texts in one pass; only
    the sample's rows are read, and matched again for their evidence."""
    found = matcher.evaluate_normalised(
        snapshot.norm,
        snapshot.bounds,
        len(snapshot),
        snapshot.sources,
        corpus_cache.regex_matcher(snapshot, cols),
    )
    matched: set[int] = found[0][1] if found else set()
    if not sample or not matched:
        return len(matched), []
    dates, ids = snapshot.dates, snapshot.ids
    newest = heapq.nlargest(
        sample, matched, key=lambda n: (dates[n] is not None, dates[n] or "", ids[n])
    )
    wanted = [ids[n] for n in newest]
    rows = {
        r[0]: r
        for r in session.connection().execute(
            select(Notice.id, *select_columns(cols)).where(Notice.id.in_(wanted))
        )
    }
    read = reader(cols)
    present = [i for i in wanted if i in rows]
    hits = matcher.match_batch([read(rows[i]) for i in present])
    # a notice changed since the snapshot was checked (a concurrent write) is left out
    first = [(i, h[0]) for i, h in zip(present, hits, strict=True) if h]
    return len(matched), _samples(session, first)


def _samples(session: Session, first: list[tuple[int, TopicHit]]) -> list[SampleHit]:
    """SampleHit for each (notice id, hit), in that order."""
    out: list[SampleHit] = []
    if first:
        info = {
            r.id: r
            for r in session.execute(
                select(
                    Notice.id,
                    Notice.title,
                    Notice.title_en,
                    Notice.source,
                    Notice.published_date,
                    Notice.url,
                ).where(Notice.id.in_([i for i, _ in first]))
            )
        }
        for nid, hit in first:
            r = info[nid]
            out.append(
                SampleHit(
                    nid,
                    r.title,
                    r.title_en,
                    r.source,
                    r.published_date,
                    r.url,
                    hit.explain(),
                    stored_terms(hit),
                )
            )
    return out
