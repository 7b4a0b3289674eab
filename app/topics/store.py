"""Topics in the database: validated CRUD, installing the defaults, importing and exporting packs;
(re-)applying topics to stored notices (apply.py) and trying a draft query against history
(trial.py) are re-exported from here.

Functions take an open SQLAlchemy session (``db.write()`` for changes, ``db.read()`` for
``test_query``) and never commit: the caller's context manager does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.topics.apply import MAX_HITS_STORED, ApplyResult, apply_topics
from app.topics.errors import TopicError
from app.topics.pack import TopicSpec, default_topics, dumps_pack
from app.topics.queries import list_topics
from app.topics.trial import QueryTest, SampleHit, test_query
from storage.models import DEFAULT_TOPICS_INSTALLED, Setting, Topic, TopicMatch

DEFAULTS_SETTING = DEFAULT_TOPICS_INSTALLED
_EDITABLE = {"name", "query", "enabled", "notify", "colour", "sources", "description", "aliases"}


# ---------------------------------------------------------------------------------------------
# CRUD


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


__all__ = [
    "MAX_HITS_STORED",
    "ApplyResult",
    "ImportReport",
    "QueryTest",
    "SampleHit",
    "apply_topics",
    "create_topic",
    "delete_topic",
    "export_topics",
    "get_topic",
    "import_topics",
    "install_default_topics",
    "list_topics",
    "test_query",
    "update_topic",
]
