"""Translation memory over the ``translations`` table: cache, provenance and human corrections.

Key: sha256 of the normalised source text + provider + target language (the table's unique
constraint). A human correction is stored under provider ``human``, wins over every machine
result and is copied to every notice with that title.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.translation.result import HUMAN, OFFLINE_PROVIDERS, Translation, provenance_label
from app.translation.text import normalise, source_hash
from storage.db import Database
from storage.models import Notice, TranslationEntry, utcnow

TARGET = "en"
DbOrSession = Database | Session


class MemoryInputError(ValueError):
    """A correction that cannot be stored (empty English, empty source)."""


@contextmanager
def _session(db: DbOrSession, *, write: bool) -> Iterator[Session]:
    """Use the caller's session as is, or open one on the Database (committed on exit)."""
    if isinstance(db, Session):
        yield db
        return
    with db.write() if write else db.read() as session:
        yield session


def _entry(e: TranslationEntry) -> Translation:
    return Translation(
        source=e.source_text,
        text=e.translation,
        complete=e.complete,
        provider=HUMAN if e.human else e.provider,
        model=e.model,
    )


def lookup(db: DbOrSession, source: str, provider: str, target: str = TARGET) -> Translation | None:
    """The stored translation of ``source`` by ``provider`` (the cache check before a call)."""
    with _session(db, write=False) as s:
        e = s.scalars(
            select(TranslationEntry).where(
                TranslationEntry.source_hash == source_hash(source),
                TranslationEntry.provider == provider,
                TranslationEntry.target_lang == target,
            )
        ).first()
        return _entry(e) if e else None


def best(db: DbOrSession, source: str, target: str = TARGET) -> Translation | None:
    """Human first, then the newest complete machine translation; None if neither exists."""
    with _session(db, write=False) as s:
        rows = s.scalars(
            select(TranslationEntry).where(
                TranslationEntry.source_hash == source_hash(source),
                TranslationEntry.target_lang == target,
                TranslationEntry.provider.not_in(OFFLINE_PROVIDERS),
            )
        ).all()
        rows = sorted(rows, key=lambda e: (e.human, e.complete, e.updated_at), reverse=True)
        return _entry(rows[0]) if rows else None


def store(db: DbOrSession, t: Translation, target: str = TARGET) -> None:
    """Insert or update the entry of (source, provider, target)."""
    key = source_hash(t.source)
    with _session(db, write=True) as s:
        e = s.scalars(
            select(TranslationEntry).where(
                TranslationEntry.source_hash == key,
                TranslationEntry.provider == t.provider,
                TranslationEntry.target_lang == target,
            )
        ).first()
        if e is None:
            e = TranslationEntry(
                source_hash=key, source_text=normalise(t.source), target_lang=target,
                provider=t.provider,
            )  # fmt: skip
            s.add(e)
        e.translation = t.text
        e.complete = t.complete
        e.human = t.provider == HUMAN
        e.model = t.model
        e.updated_at = utcnow()
        s.flush()


def apply_to_notice(notice: Notice, t: Translation) -> bool:
    """Put a translation on a notice unless a human one is there already; True if changed."""
    if notice.title_en_human and t.provider != HUMAN:
        return False
    notice.title_en = t.text
    notice.title_en_provider = t.provider
    notice.title_en_complete = t.complete
    notice.title_en_human = t.provider == HUMAN
    return True


def _notices_titled(s: Session, source: str) -> list[Notice]:
    """Notices whose title is this text (exactly, or the same once normalised)."""
    norm = normalise(source)
    rows = s.scalars(select(Notice).where(Notice.title.in_({source, norm}))).all()
    return list(rows)


def set_human_translation(db: DbOrSession, source: str, english: str) -> int:
    """Store a user's correction and apply it to every notice with that title; returns count."""
    english = " ".join((english or "").split())
    if not english:
        raise MemoryInputError("a corrected English title cannot be empty")
    if not normalise(source or ""):
        raise MemoryInputError("the Chinese text of a correction cannot be empty")
    t = Translation(source=source, text=english, complete=True, provider=HUMAN)
    with _session(db, write=True) as s:
        store(s, t)
        notices = _notices_titled(s, source)
        for n in notices:
            apply_to_notice(n, t)
        return len(notices)


def clear_human_translation(db: DbOrSession, source: str, fallback: Translation) -> int:
    """Remove a correction; notices get ``fallback`` (the best machine/offline result)."""
    with _session(db, write=True) as s:
        for e in s.scalars(
            select(TranslationEntry).where(
                TranslationEntry.source_hash == source_hash(source),
                TranslationEntry.provider == HUMAN,
            )
        ).all():
            s.delete(e)
        notices = _notices_titled(s, source)
        for n in notices:
            n.title_en_human = False
            apply_to_notice(n, fallback)
        return len(notices)


def apply_to_title(db: DbOrSession, t: Translation) -> int:
    """Apply a (machine) translation to all notices with its source title; returns count."""
    with _session(db, write=True) as s:
        return sum(apply_to_notice(n, t) for n in _notices_titled(s, t.source))


def notice_label(notice: Notice) -> str:
    """Provenance label of a notice's English title: glossary / machine (<provider>) / human."""
    if notice.title_en_human:
        return "human"
    return provenance_label(notice.title_en_provider)
