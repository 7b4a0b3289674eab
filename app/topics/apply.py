"""Bringing TopicMatch rows in line with the enabled topics (``apply_topics``).

Deciding which topics match is the matcher's fast path; what costs is the evidence (offsets of
every contributing term), ~20 µs a match. A re-run where nothing changed should not pay it, so
stored evidence is trusted, without being recomputed, when it is provably current:

- ``TopicMatch.matched_at`` is at least the notice's and the topic's ``updated_at`` (both bumped
  by SQLAlchemy on every UPDATE: new text, an edited query, aliases or sources), and
- the evidence was computed by this matcher with this glossary: ``EVIDENCE_SETTING`` holds a
  fingerprint of both, written by a run over all notices and topics, whose evidence is current.

Otherwise the evidence is recomputed and compared; ``matched_at`` is set whenever evidence is
written or confirmed, so the next run can trust it.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, and_, bindparam, delete, insert, select, type_coerce, update
from sqlalchemy.orm import Session

from app.topics.aliases import Glossary
from app.topics.matcher import Matcher, TopicHit
from app.topics.queries import list_topics
from app.topics.rows import batches, needed_columns, reader
from storage.models import Notice, Setting, Topic, TopicMatch, utcnow

MAX_HITS_STORED = 50  # per match: enough to highlight, bounded for notices that repeat a term
EVIDENCE_SETTING = "topics.evidence_fingerprint"
# Bump when the matcher's evidence for the same text, query and glossary could differ.
EVIDENCE_VERSION = 1


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


def stored_terms(hit: TopicHit) -> list[dict[str, Any]]:
    """The TopicMatch.terms value for a match."""
    return [h.to_json() for h in hit.hits[:MAX_HITS_STORED]]


def _same_evidence(stored: Any, terms: list[dict[str, Any]]) -> bool:
    """Whether stored TopicMatch.terms (raw JSON text on SQLite) hold ``terms``. The text is what
    SQLAlchemy's default serialiser wrote, so comparing texts settles it without decoding;
    anything else (older rows) is decoded and compared as values. psycopg hands PostgreSQL's
    JSON over decoded already."""
    if stored is None:
        return False
    if not isinstance(stored, str):
        return stored == terms
    if stored == json.dumps(terms):
        return True
    try:
        return json.loads(stored) == terms
    except ValueError:
        return False


def _fingerprint(matcher: Matcher) -> str:
    digest = hashlib.sha256(repr((EVIDENCE_VERSION, matcher.glossary.groups)).encode())
    return digest.hexdigest()[:32]


def _existing(session: Session, topic_ids: list[int], scope, trust: bool) -> dict:
    """(notice id, topic id) -> (evidence JSON text, whether it is current) for a batch."""
    # "+ 0" keeps the planner off the topic_id index: with it, SQLite reads every match of the
    # topics for each batch (~40x slower) instead of this batch's range of the primary key.
    where = [(TopicMatch.topic_id + 0).in_(topic_ids), scope]
    cols = [TopicMatch.notice_id, TopicMatch.topic_id, type_coerce(TopicMatch.terms, Text)]
    if not trust:
        rows = session.execute(select(*cols).where(*where))
        return {(n, t): (terms, False) for n, t, terms in rows}
    current = and_(
        TopicMatch.matched_at >= Notice.updated_at, TopicMatch.matched_at >= Topic.updated_at
    )
    stmt = (
        select(*cols, current)
        .join(Notice, Notice.id == TopicMatch.notice_id)
        .join(Topic, Topic.id == TopicMatch.topic_id)
        .where(*where)
    )
    return {(n, t): (terms, bool(ok)) for n, t, terms, ok in session.execute(stmt)}


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
    cols = needed_columns(t.query for t in live)
    read = reader(cols)
    fingerprint = _fingerprint(matcher)
    setting = session.get(Setting, EVIDENCE_SETTING)
    trust = setting is not None and setting.value == fingerprint
    now = utcnow()
    for rows in batches(session, cols, notice_ids, batch):
        ids = [r[0] for r in rows]
        # A full scan reads contiguous id ranges, so "between" finds exactly this batch's rows.
        scope = (
            TopicMatch.notice_id.in_(ids)
            if notice_ids is not None
            else TopicMatch.notice_id.between(ids[0], ids[-1])
        )
        existing = _existing(session, topic_ids, scope, trust)
        adds, changes, confirmed = [], [], []
        for row, hits in zip(rows, matcher.match_batch([read(r) for r in rows]), strict=True):
            for hit in hits:
                key = (row[0], hit.key)
                old = existing.pop(key, None)
                if old is not None and old[1]:
                    continue  # current evidence: nothing to recompute
                terms = stored_terms(hit)
                if old is None:
                    adds.append(
                        {
                            "notice_id": row[0],
                            "topic_id": hit.key,
                            "terms": terms,
                            "matched_at": now,
                            "notified": False,
                        }
                    )
                    result.per_topic[names[hit.key]] = result.per_topic.get(names[hit.key], 0) + 1
                elif not _same_evidence(old[0], terms):
                    changes.append(
                        {
                            "notice_id": row[0],
                            "topic_id": hit.key,
                            "terms": terms,
                            "matched_at": now,
                        }
                    )
                else:
                    confirmed.append({"n": row[0], "t": hit.key})
        _write(session, adds, changes, confirmed, now)
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
    if not trust:
        if notice_ids is None and topics is None:
            # Every enabled topic's current evidence is now this matcher's (a disabled or broken
            # topic's is recomputed when it is enabled or edited: that bumps its updated_at).
            if setting is None:
                session.add(Setting(key=EVIDENCE_SETTING, value=fingerprint))
            else:
                setting.value = fingerprint
        elif setting is not None:  # evidence from another glossary is mixed in now
            session.delete(setting)
    session.flush()
    result.seconds = time.perf_counter() - t0
    return result


def _write(session: Session, adds: list, changes: list, confirmed: list, now: Any) -> None:
    """Batched writes: executemany INSERT/UPDATE, no ORM objects."""
    if adds:  # Core, not the ORM's bulk insert: no per-row bookkeeping
        session.connection().execute(insert(TopicMatch.__table__), adds)
    if changes:
        session.execute(update(TopicMatch), changes)
    if confirmed:
        stmt = (
            update(TopicMatch)
            .where(TopicMatch.notice_id == bindparam("n"), TopicMatch.topic_id == bindparam("t"))
            .values(matched_at=now)
            .execution_options(synchronize_session=False)
        )
        session.connection().execute(stmt, confirmed)
