"""The schema. Changes to it need an Alembic migration in storage/migrations/versions/.

Times are timezone-aware UTC; dates (written, published, deadlines) are Beijing calendar dates.
Nothing here is ever deleted by a fetch: a notice that vanishes from its site is flagged
``removed``; an edited body becomes a NoticeVersion.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.isotime import utcnow as utcnow  # one home (storage.isotime); re-exported


class Base(DeclarativeBase):
    type_annotation_map = {
        dict[str, Any]: JSON,
        list[Any]: JSON,
        dt.datetime: DateTime(timezone=True),
    }


from storage.statuses import TRIAGE_STATUSES  # noqa: E402,F401 (one home; re-exported)


class SourceRecord(Base):
    """Health of one source (a site) as of its last run."""

    __tablename__ = "sources"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default="never_run")
    message: Mapped[str] = mapped_column(Text, default="")
    last_run: Mapped[dt.datetime | None]
    last_ok: Mapped[dt.datetime | None]
    new_items: Mapped[int] = mapped_column(Integer, default=0)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)

    channels: Mapped[list[ChannelRecord]] = relationship(
        back_populates="source", cascade="all, delete-orphan", order_by="ChannelRecord.key"
    )


class ChannelRecord(Base):
    """Health and conditional-request validators of one list of a source."""

    __tablename__ = "channels"

    source_key: Mapped[str] = mapped_column(
        ForeignKey("sources.key", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), default="never_run")
    message: Mapped[str] = mapped_column(Text, default="")
    last_run: Mapped[dt.datetime | None]
    last_ok: Mapped[dt.datetime | None]
    new_items: Mapped[int] = mapped_column(Integer, default=0)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    # The frontier of an unfinished list walk ({"url", "date"} of the deepest stored row), or
    # None when the last walk reached a page with nothing new or the end of the list.
    walk: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)

    source: Mapped[SourceRecord] = relationship(back_populates="channels")


class Validator(Base):
    """ETag / Last-Modified of any URL fetched conditionally (list pages, feeds)."""

    __tablename__ = "http_validators"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(300))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Notice(Base):
    """One published document, keyed by its canonical URL."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    channel: Mapped[str] = mapped_column(String(40), default="")
    channels: Mapped[list[Any]] = mapped_column(default=list)  # every list it was seen in
    url: Mapped[str] = mapped_column(String(2000), unique=True)

    title: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    title_en_provider: Mapped[str | None] = mapped_column(
        String(40)
    )  # glossary | <provider> | human
    title_en_complete: Mapped[bool] = mapped_column(Boolean, default=False)
    title_en_human: Mapped[bool] = mapped_column(Boolean, default=False)

    issuers: Mapped[list[Any]] = mapped_column(default=list)
    doc_number: Mapped[str | None] = mapped_column(String(200), index=True)
    written_date: Mapped[dt.date | None] = mapped_column(Date)
    published_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    list_date: Mapped[dt.date | None] = mapped_column(Date)
    # published_date, else list_date, else the day first seen: kept by an ORM hook (below) so that
    # long lists sort on an index.
    sort_date: Mapped[dt.date | None] = mapped_column(Date)
    doc_type: Mapped[str | None] = mapped_column(String(100))
    source_label: Mapped[str | None] = mapped_column(String(200))
    topic_class: Mapped[str | None] = mapped_column(String(200))
    index_number: Mapped[str | None] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[Any]] = mapped_column(default=list)  # [{"name", "url"}]
    comment_deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    effective_date: Mapped[dt.date | None] = mapped_column(Date)
    plan_code: Mapped[str | None] = mapped_column(String(60), index=True)
    standard_number: Mapped[str | None] = mapped_column(String(100), index=True)
    stage: Mapped[str | None] = mapped_column(String(60))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)

    content_hash: Mapped[str | None] = mapped_column(String(64))
    detail_state: Mapped[str] = mapped_column(
        String(20), default="pending"
    )  # pending|ok|failed|skipped
    detail_error: Mapped[str | None] = mapped_column(Text)
    detail_checked_at: Mapped[dt.datetime | None]
    first_seen: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    last_seen: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    removed_at: Mapped[dt.datetime | None]
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("notices.id", ondelete="SET NULL"), index=True
    )

    duplicate_of: Mapped[Notice | None] = relationship(remote_side=[id])
    versions: Mapped[list[NoticeVersion]] = relationship(
        back_populates="notice", cascade="all, delete-orphan", order_by="NoticeVersion.id"
    )
    state: Mapped[UserState | None] = relationship(
        back_populates="notice", cascade="all, delete-orphan", uselist=False, lazy="joined"
    )
    # Team state (storage/team.py): who read, who flagged, the notes with their authors.
    reads: Mapped[list[NoticeRead]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NoticeRead.user"
    )
    flags: Mapped[list[NoticeFlag]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="NoticeFlag.flagged_at"
    )
    notes: Mapped[list[NoticeNote]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="[NoticeNote.at, NoticeNote.id]",
    )
    matches: Mapped[list[TopicMatch]] = relationship(
        back_populates="notice", cascade="all, delete-orphan"
    )

    def refresh_sort_date(self) -> None:
        first = self.first_seen or utcnow()
        self.sort_date = self.published_date or self.list_date or first.date()


@event.listens_for(Notice, "before_insert")
@event.listens_for(Notice, "before_update")
def _keep_sort_date(_mapper: Any, _conn: Any, notice: Notice) -> None:
    notice.refresh_sort_date()


Index("ix_notices_sort", Notice.sort_date.desc(), Notice.id.desc())
# A source's view in the GUI lists one source newest first: keep that on an index too.
Index("ix_notices_source_sort", Notice.source, Notice.sort_date.desc(), Notice.id.desc())


class NoticeVersion(Base):
    """A previous state of a notice, kept whenever its body or stage changed."""

    __tablename__ = "notice_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default="edited")  # edited | stage | title
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str | None] = mapped_column(String(60))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)  # other changed fields, old values

    notice: Mapped[Notice] = relationship(back_populates="versions")


class UserState(Base):
    """What the team did with a notice: flagged (by anyone), triage status (by whom), export.

    Per-user state lives beside it: ``NoticeRead`` (read is each user's own), ``NoticeFlag``
    (who flagged; ``flagged`` here is kept as "anyone flagged" so every list filters on an
    index), ``NoticeNote`` (notes with authors).
    """

    __tablename__ = "user_state"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    status: Mapped[str] = mapped_column(String(20), default="new")  # see TRIAGE_STATUSES
    status_by: Mapped[str | None] = mapped_column(String(100))
    status_at: Mapped[dt.datetime | None]
    exported_at: Mapped[dt.datetime | None]
    exported_to: Mapped[str | None] = mapped_column(Text)
    # the review-deck section chosen by the user (laws | policies | standards); None: automatic
    report_section: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    notice: Mapped[Notice] = relationship(back_populates="state")


class User(Base):
    """A member of the team, known by the name given with ``--user`` (or the login name)."""

    __tablename__ = "users"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class NoticeRead(Base):
    """One user has read one notice (read state is each user's own)."""

    __tablename__ = "notice_reads"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    user: Mapped[str] = mapped_column(
        ForeignKey("users.name", ondelete="CASCADE"), primary_key=True, index=True
    )
    read_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class NoticeFlag(Base):
    """One user flagged one notice for the digest."""

    __tablename__ = "notice_flags"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    user: Mapped[str] = mapped_column(
        ForeignKey("users.name", ondelete="CASCADE"), primary_key=True, index=True
    )
    flagged_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class NoticeNote(Base):
    """A note on a notice by one user."""

    __tablename__ = "notice_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    user: Mapped[str] = mapped_column(ForeignKey("users.name", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class FetchLease(Base):
    """Who is fetching for this database (one fetcher at a time; see storage/lease.py)."""

    __tablename__ = "fetch_lease"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(300))  # user@host
    pid: Mapped[int] = mapped_column(Integer)
    token: Mapped[str] = mapped_column(String(64))
    acquired_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    progress: Mapped[str] = mapped_column(Text, default="")


class ChangeRecord(Base):
    """One write another desktop should see (new notices, triage): the team's change feed."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(20))  # triage | notices
    notice_ids: Mapped[list[Any]] = mapped_column(default=list)


class ExportRecord(Base):
    """One sending or saving of a notice in a digest (history behind UserState.exported_at)."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"), index=True)
    exported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(String(20))  # email | eml | html | md | csv | xlsx | ics
    recipients: Mapped[str] = mapped_column(Text, default="")


class Topic(Base):
    """A watch topic: a named query in the topic language (app/topics)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    query: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    sources: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)  # None: all sources
    notify: Mapped[bool] = mapped_column(Boolean, default=True)
    colour: Mapped[str] = mapped_column(String(20), default="#3b82f6")
    aliases: Mapped[list[Any]] = mapped_column(
        default=list
    )  # extra alias groups [[term, ...], ...]
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    matches: Mapped[list[TopicMatch]] = relationship(
        back_populates="topic", cascade="all, delete-orphan"
    )


class TopicMatch(Base):
    """A notice matched by a topic, with the terms that fired (for "matched because …")."""

    __tablename__ = "topic_matches"

    notice_id: Mapped[int] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int] = mapped_column(
        ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    terms: Mapped[list[Any]] = mapped_column(default=list)  # [{"term", "field", "start", "end"}]
    matched_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    notified: Mapped[bool] = mapped_column(Boolean, default=False)

    notice: Mapped[Notice] = relationship(back_populates="matches")
    topic: Mapped[Topic] = relationship(back_populates="matches")


class FetchRun(Base):
    """One run of one source: when, how it ended, what it found."""

    __tablename__ = "fetch_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    outcome: Mapped[str] = mapped_column(String(20), default="running")  # a health state or running
    new_items: Mapped[int] = mapped_column(Integer, default=0)
    updated_items: Mapped[int] = mapped_column(Integer, default=0)
    details_fetched: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    channels: Mapped[dict[str, Any]] = mapped_column(
        default=dict
    )  # channel -> {state, message, new}


class TranslationEntry(Base):
    """Translation memory: one source text's translation by one provider (or a human)."""

    __tablename__ = "translations"
    __table_args__ = (UniqueConstraint("source_hash", "provider", "target_lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_hash: Mapped[str] = mapped_column(String(64), index=True)  # sha256 of the source text
    source_text: Mapped[str] = mapped_column(Text)
    target_lang: Mapped[str] = mapped_column(String(10), default="en")
    provider: Mapped[str] = mapped_column(String(40))  # glossary | openai | deepl | ... | human
    model: Mapped[str | None] = mapped_column(String(100))
    translation: Mapped[str] = mapped_column(Text)
    complete: Mapped[bool] = mapped_column(Boolean, default=True)
    human: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


from storage.core_tables import DEFAULT_TOPICS_INSTALLED as DEFAULT_TOPICS_INSTALLED  # noqa: E402


class Setting(Base):
    """Small app state that is not configuration (first-run done, window geometry, …)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )
