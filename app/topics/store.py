"""Topics in the database: validated CRUD, (re-)applying topics to stored notices, trying a
draft query against history, installing the defaults, importing and exporting packs.

Functions take an open SQLAlchemy session (``db.write()`` for changes, ``db.read()`` for
``test_query``) and never commit: the caller's context manager does.
"""

from __future__ import annotations

import heapq
import json
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Text, delete, func, insert, select, type_coerce, update
from sqlalchemy.orm import Session

from app.topics.aliases import Glossary
from app.topics.ast import DEFAULT_FIELDS, FIELDS, terms_of
from app.topics.errors import TopicError
from app.topics.matcher import ISSUER_SEPARATOR, Matcher, TopicHit, TopicQuery
from app.topics.pack import TopicSpec, default_topics, dumps_pack
from app.topics.parser import parse
from storage.models import Notice, Setting, Topic, TopicMatch

DEFAULTS_SETTING = "topics.defaults_installed"
MAX_HITS_STORED = 50  # per match: enough to highlight, bounded for notices that repeat a term
_EDITABLE = {"name", "query", "enabled", "notify", "colour", "sources", "description", "aliases"}
# Column each notice field is read from; issuers is a JSON list joined for matching.
_COLUMNS = {
    "title": Notice.title,
    "title_en": Notice.title_en,
    "body": Notice.body,
    "issuer": Notice.issuers,
    "doc_number": Notice.doc_number,
    "source": Notice.source,
    "doc_type": Notice.doc_type,
}


# ---------------------------------------------------------------------------------------------
# CRUD


def list_topics(session: Session, *, enabled_only: bool = False) -> list[Topic]:
    """Topics in the user's order."""
    stmt = select(Topic).order_by(Topic.position, Topic.id)
    if enabled_only:
        stmt = stmt.where(Topic.enabled.is_(True))
    return list(session.scalars(stmt))


def get_topic(session: Session, name: str) -> Topic:
    """The topic called ``name`` (case-insensitive); TopicError naming the existing ones if none."""
    topics = list_topics(session)
    for t in topics:
        if t.name == name:
            return t
    for t in topics:
        if t.name.casefold() == name.strip().casefold():
            return t
    known = ", ".join(f"'{t.name}'" for t in topics) or "none yet"
    raise TopicError(f"there is no topic named '{name}' (topics: {known})")


def _check_unique(session: Session, name: str, except_id: int | None = None) -> None:
    for t in list_topics(session):
        if t.name.casefold() == name.casefold() and t.id != except_id:
            raise TopicError(f"a topic named '{t.name}' already exists")


def create_topic(session: Session, spec: TopicSpec) -> Topic:
    """Add a topic after validating it (name unique, query parses, colour, aliases)."""
    spec.validate()
    _check_unique(session, spec.name)
    position = (session.scalar(select(func.max(Topic.position))) or 0) + 1
    topic = Topic(
        name=spec.name,
        query=spec.query,
        enabled=spec.enabled,
        notify=spec.notify,
        colour=spec.colour,
        sources=spec.sources,
        description=spec.description,
        aliases=spec.aliases,
        position=position,
    )
    session.add(topic)
    session.flush()
    return topic


def update_topic(session: Session, name: str, /, **changes: Any) -> Topic:
    """Change some fields of a topic (validated as a whole). Call ``apply_topics(session,
    topics=[topic.id])`` afterwards if the query, aliases or sources changed."""
    unknown = set(changes) - _EDITABLE
    if unknown:
        raise TopicError(f"cannot change {', '.join(sorted(unknown))} of a topic")
    topic = get_topic(session, name)
    spec = TopicSpec.of(topic)
    for key, value in changes.items():
        setattr(spec, key, value)
    spec.validate()
    _check_unique(session, spec.name, except_id=topic.id)
    for key in _EDITABLE:
        setattr(topic, key, getattr(spec, key))
    session.flush()
    return topic


def delete_topic(session: Session, name: str) -> None:
    """Remove a topic and its matches."""
    topic = get_topic(session, name)
    session.execute(delete(TopicMatch).where(TopicMatch.topic_id == topic.id))
    session.delete(topic)
    session.flush()


# ---------------------------------------------------------------------------------------------
# Applying topics to stored notices


@dataclass
class ApplyResult:
    """What ``apply_topics`` changed. ``added`` is what "re-apply to history" reports as newly
    matched; ``errors`` lists topics skipped because their stored query no longer parses."""

    notices: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    per_topic: dict[str, int] = field(default_factory=dict)  # newly matched, by topic name
    errors: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def __str__(self) -> str:
        return (
            f"{self.notices} notices checked: {self.added} new matches, {self.updated} updated, "
            f"{self.removed} removed"
        )


def _issuers(value: Any) -> str:
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


def _reader(cols: Sequence[str]) -> Callable[[Any], tuple[str, ...]]:
    """A function turning a row (id, *cols) into the matcher's seven texts, as one expression:
    this runs for every stored notice, so no per-row dicts or loops."""
    parts = []
    for f in _COLUMNS:
        if f not in cols:
            parts.append('""')
        else:
            i = cols.index(f) + 1
            parts.append(f"_issuers(r[{i}])" if f == "issuer" else f'(r[{i}] or "")')
    code = f"lambda r: ({', '.join(parts)},)"
    return eval(code, {"_issuers": _issuers})  # safe: built from column indexes only


def _select_columns(cols: Sequence[str]) -> list:
    # issuers is read as raw text: SQLAlchemy's JSON decoding per row costs more than matching
    return [type_coerce(_COLUMNS[c], Text) if c == "issuer" else _COLUMNS[c] for c in cols]


def _batches(
    session: Session, cols: Sequence[str], ids: Sequence[int] | None, size: int
) -> Iterator[list]:
    """Notice rows (id + cols) in id order, a batch at a time. Keyset pagination rather than one
    open cursor, so the writes between batches never interleave with a pending SELECT."""
    columns = [Notice.id, *_select_columns(cols)]
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


def _stored_terms(hit: TopicHit) -> list[dict[str, Any]]:
    return [h.to_json() for h in hit.hits[:MAX_HITS_STORED]]


def apply_topics(
    session: Session,
    notice_ids: Sequence[int] | None = None,
    *,
    topics: Iterable[int | str] | None = None,
    glossary: Glossary | None = None,
    batch: int = 2000,
) -> ApplyResult:
    """Match notices (all, or ``notice_ids``) against enabled topics (all, or ``topics`` by id or
    name) and bring TopicMatch rows in line: add new matches, refresh changed evidence (keeping
    ``notified``), delete matches that no longer hold. Disabled topics' matches are left alone.

    Call it when notices arrive, when their English title arrives, and after a topic is created
    or edited (``topics=[id]``: "re-apply to history"; ``result.added`` is the new-match count).
    """
    t0 = time.perf_counter()
    session.flush()  # rows are read on the session's connection, bypassing autoflush
    result = ApplyResult()
    chosen = list_topics(session, enabled_only=True)
    if topics is not None:
        wanted = set(topics)
        chosen = [t for t in chosen if t.id in wanted or t.name in wanted]
    matcher = Matcher(chosen, glossary)
    result.errors = {name: exc.message for name, exc in matcher.errors.items()}
    live = [ct.topic for ct in matcher.topics]
    if not live:
        result.seconds = time.perf_counter() - t0
        return result
    topic_ids = [t.key for t in live]
    names = {t.key: t.name for t in live}
    cols = _needed_columns(t.query for t in live)
    read = _reader(cols)
    existing_stmt = select(TopicMatch.notice_id, TopicMatch.topic_id, TopicMatch.terms).where(
        TopicMatch.topic_id.in_(topic_ids)
    )
    for rows in _batches(session, cols, notice_ids, batch):
        ids = [r[0] for r in rows]
        # A full scan reads contiguous id ranges, so "between" finds exactly this batch's rows.
        scope = (
            TopicMatch.notice_id.in_(ids)
            if notice_ids is not None
            else TopicMatch.notice_id.between(ids[0], ids[-1])
        )
        existing = {(n, t): terms for n, t, terms in session.execute(existing_stmt.where(scope))}
        adds, changes = [], []
        for row in rows:
            for hit in matcher.match_texts(read(row)):
                key = (row[0], hit.key)
                terms = _stored_terms(hit)
                old = existing.pop(key, None)
                if old is None:
                    adds.append({"notice_id": row[0], "topic_id": hit.key, "terms": terms})
                    result.per_topic[names[hit.key]] = result.per_topic.get(names[hit.key], 0) + 1
                elif old != terms:
                    changes.append({"notice_id": row[0], "topic_id": hit.key, "terms": terms})
        if adds:
            session.execute(insert(TopicMatch), adds)
        if changes:
            session.execute(update(TopicMatch), changes)
        gone: dict[int, list[int]] = {}
        for n, t in existing:
            gone.setdefault(t, []).append(n)
        for t, ns in gone.items():
            session.execute(
                delete(TopicMatch).where(TopicMatch.topic_id == t, TopicMatch.notice_id.in_(ns))
            )
        result.notices += len(rows)
        result.added += len(adds)
        result.updated += len(changes)
        result.removed += len(existing)
    session.flush()
    result.seconds = time.perf_counter() - t0
    return result


def _needed_columns(queries: Iterable[str]) -> list[str]:
    """The notice fields any of these queries can look at (so only those columns are read)."""
    fields: set[str] = set()
    for q in queries:
        for term in terms_of(parse(q)):
            fields.update(FIELDS[term.field] if term.field else DEFAULT_FIELDS)
    if not fields:
        fields.add("title")
    fields.add("source")  # topic source scopes
    return [f for f in _COLUMNS if f in fields]


# ---------------------------------------------------------------------------------------------
# Trying a draft query


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
) -> QueryTest:
    """Count stored notices a draft query matches and return the newest ``sample`` of them.
    Raises QueryError for a malformed query. Reads only the columns the query looks at."""
    t0 = time.perf_counter()
    parse(query)  # QueryError before any work
    session.flush()
    tq = TopicQuery("draft", query, tuple(sources) if sources else None, tuple(map(tuple, aliases)))
    matcher = Matcher([tq], glossary)
    if matcher.errors:
        raise next(iter(matcher.errors.values()))
    cols = _needed_columns([query])
    read = _reader(cols)
    # No ORDER BY: sorting the whole table costs more than matching it. The newest matches are
    # kept in a small heap keyed by (published date, id) instead.
    # Dates as raw ISO text (they sort the same) and a Core connection rather than the ORM
    # session: per-row type processing would cost more than the matching.
    stmt = select(
        Notice.id, *_select_columns(cols), type_coerce(Notice.published_date, Text)
    ).execution_options(yield_per=5000)
    count = scanned = 0
    newest: list[tuple[tuple[bool, Any, int], TopicHit]] = []
    match_texts = matcher.match_texts
    for row in session.connection().execute(stmt):
        scanned += 1
        hits = match_texts(read(row))
        if hits:
            count += 1
            if sample:
                key = (row[-1] is not None, row[-1] or "", row[0])
                if len(newest) < sample:
                    heapq.heappush(newest, (key, hits[0]))
                elif key > newest[0][0]:
                    heapq.heapreplace(newest, (key, hits[0]))
    first = [(key[2], hit) for key, hit in sorted(newest, key=lambda x: x[0], reverse=True)]
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
                    _stored_terms(hit),
                )
            )
    return QueryTest(query, count, scanned, out, time.perf_counter() - t0)


# ---------------------------------------------------------------------------------------------
# Defaults and packs


def install_default_topics(session: Session) -> int:
    """Install the shipped topics on first use: only if there are no topics and they were never
    installed before (a user who deleted them all is not overruled). Returns how many."""
    done = session.get(Setting, DEFAULTS_SETTING)
    has_topics = session.scalar(select(func.count()).select_from(Topic)) > 0
    if done is None:
        session.add(Setting(key=DEFAULTS_SETTING, value=True))
    if done is not None or has_topics:
        session.flush()
        return 0
    specs = default_topics()
    for spec in specs:
        create_topic(session, spec)
    return len(specs)


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # same name exists and on_conflict="skip"

    @property
    def conflicts(self) -> list[str]:
        return self.replaced + self.skipped

    def __str__(self) -> str:
        parts = [f"{len(self.added)} added"]
        if self.replaced:
            parts.append(f"{len(self.replaced)} replaced ({', '.join(self.replaced)})")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped as they exist ({', '.join(self.skipped)})")
        return ", ".join(parts)


def import_topics(
    session: Session, specs: Sequence[TopicSpec], on_conflict: str = "skip"
) -> ImportReport:
    """Add a pack's topics. A topic whose name exists is skipped or replaced (``on_conflict``);
    its matches are then stale: call ``apply_topics`` for the added and replaced ones."""
    if on_conflict not in ("skip", "replace"):
        raise TopicError(f"on_conflict must be 'skip' or 'replace', not {on_conflict!r}")
    report = ImportReport()
    for spec in specs:
        try:
            topic = get_topic(session, spec.name)
        except TopicError:
            create_topic(session, spec)
            report.added.append(spec.name)
            continue
        if on_conflict == "skip":
            report.skipped.append(topic.name)
        else:
            update_topic(session, topic.name, **{k: getattr(spec, k) for k in _EDITABLE})
            report.replaced.append(spec.name)
    return report


def export_topics(session: Session, names: Sequence[str] | None = None) -> str:
    """The topics (all, or ``names``) as a pack's TOML text."""
    topics = [get_topic(session, n) for n in names] if names else list_topics(session)
    return dumps_pack(TopicSpec.of(t) for t in topics)
