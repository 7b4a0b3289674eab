"""The digest model: which notices go out, and everything a renderer needs about each one.

A ``Digest`` is plain data (no ORM objects), built inside one read session, so renderers,
SMTP delivery and the GUI preview run without holding the database.

Grouping rule: an item matched by several watch topics appears once, under its *first* topic
(topic position, then name; with ``--topic NAME`` that topic), and names the others in
``also_in``. Counts stay honest and a colleague does not read the same notice twice. Items
matched by no enabled topic go under "Other", which comes last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import exists, or_
from sqlalchemy.orm import Session

from app.translation.issuer_names import IssuerName, issuer_names
from app.translation.result import provenance_kind
from app.triage import STATUS_LABELS
from scrapers.beijing import beijing_today
from storage.models import Notice, Topic, TopicMatch, UserState
from storage.queries import NoticeFilter, list_notices

OTHER_TOPIC = "Other"
DEADLINE_SOON_DAYS = 14

# Used when the scraper registry does not know a source key (e.g. a retired source).
SOURCE_NAMES = {
    "govcn": "State Council (gov.cn)",
    "cac": "Cyberspace Administration of China (CAC)",
    "miit": "Ministry of Industry and Information Technology (MIIT)",
    "sac": "Standardization Administration of China (SAC)",
    "std_samr": "National Standards Platform (std.samr.gov.cn)",
    "tc260": "TC260 (National Cybersecurity Standardization Technical Committee)",
}


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s) with a host, else None: scraped links never become javascript:."""
    if not url:
        return None
    url = url.strip()
    if any(c in url for c in "\r\n\t\x00 \"'<>"):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def translation_label(provider: str | None, human: bool, complete: bool = True) -> str:
    """How far to trust the English title: empty for human translations."""
    kind = provenance_kind(provider)
    if human or kind in (None, "human"):
        return ""
    # dictionary: literal, words from the general dictionary
    text = f"{kind} translation"
    return text if complete else f"partial {text}"


@dataclass(frozen=True)
class Selection:
    """Which notices a digest covers: exactly one of flagged / topic / since.

    ``include_sent`` only matters for flagged digests: by default they leave out notices
    already emailed, so "send again" is an explicit choice. ``ids`` restricts to chosen notices
    (the GUI's current selection).
    """

    flagged: bool = False
    topic: str | None = None
    topics: Sequence[str] = ()  # several topics (scheduled digests)
    since: dt.date | None = None
    include_sent: bool = True
    ids: Sequence[int] | None = None
    first_seen_since: dt.datetime | None = None

    def describe(self) -> str:
        """A phrase for messages: "flagged items", "topic 'AI'", …"""
        if self.flagged:
            return "flagged items" + ("" if self.include_sent else " not sent before")
        if self.topic:
            return f"items of the watch topic '{self.topic}'"
        if self.topics:
            return "items of the watch topics " + ", ".join(f"'{t}'" for t in self.topics)
        if self.since:
            return f"watched items since {self.since.isoformat()}"
        return "the chosen items"


@dataclass
class Deadline:
    date: dt.date
    days_left: int

    @property
    def past(self) -> bool:
        return self.days_left < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left <= DEADLINE_SOON_DAYS

    @property
    def label(self) -> str:
        if self.past:
            return f"{self.date.isoformat()} (passed)"
        if self.days_left == 0:
            return f"{self.date.isoformat()} (today)"
        if self.soon:
            unit = "day" if self.days_left == 1 else "days"
            return f"{self.date.isoformat()} (in {self.days_left} {unit})"
        return self.date.isoformat()

    @property
    def state(self) -> str:
        return "passed" if self.past else "soon" if self.soon else "open"


@dataclass
class Attachment:
    name: str
    url: str


@dataclass
class DigestItem:
    """One notice as the digest shows it. Text fields are raw (untrusted) — renderers escape."""

    notice_id: int
    url: str
    link: str | None  # url if safe to link, else None
    title_zh: str
    title_en: str
    translation: str  # "" (human / none), "machine / glossary / dictionary translation"
    issuers: list[str]
    doc_number: str
    written_date: dt.date | None
    published_date: dt.date | None
    date: dt.date | None  # the date the list sorts by
    deadline: Deadline | None
    status: str
    status_label: str
    flagged: bool
    note: str  # every note as "author: text", one per line (tables, calendar)
    source_key: str
    source_name: str
    topics: list[str]  # all enabled topics, first = the group it is shown under
    also_in: list[str]
    attachments: list[Attachment]
    exported_at: dt.datetime | None
    exported_to: str
    notes: list[NoteLine] = field(default_factory=list)  # the team's notes with authors
    # the issuers in English (abbreviation or official name) with their Chinese
    issuer_names: list[IssuerName] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The English title, else the Chinese one (for subjects and calendar entries)."""
        return self.title_en or self.title_zh


@dataclass
class DigestGroup:
    topic: str
    items: list[DigestItem]


@dataclass
class Digest:
    selection: Selection
    today: dt.date
    generated_at: dt.datetime
    groups: list[DigestGroup]
    period_start: dt.date | None
    period_end: dt.date | None
    title: str = "China regulatory watch"
    items: list[DigestItem] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def topic_count(self) -> int:
        return sum(1 for g in self.groups if g.topic != OTHER_TOPIC)

    @property
    def deadlines_soon(self) -> int:
        return sum(1 for i in self.items if i.deadline and i.deadline.soon)

    @property
    def deadlines(self) -> list[DigestItem]:
        """Items with a comment deadline, soonest first."""
        return sorted((i for i in self.items if i.deadline), key=lambda i: i.deadline.date)

    @property
    def period(self) -> str:
        """The dates the digest covers: a --since range runs to today, else first to last item."""
        if self.selection.since:
            start, end = self.selection.since, self.today
        else:
            start, end = self.period_start, self.period_end or self.today
        if start is None:
            return self.today.isoformat()
        if start == end:
            return start.isoformat()
        return f"{start.isoformat()} – {end.isoformat()}"

    @property
    def notice_ids(self) -> list[int]:
        return [i.notice_id for i in self.items]

    def template_vars(self) -> dict[str, object]:
        """Placeholders for the configurable subject line (``{count}``, ``{period}``, …)."""
        return {
            "count": self.count,
            "period": self.period,
            "topics": self.topic_count,
            "deadlines_soon": self.deadlines_soon,
            "date": self.today.isoformat(),
            "title": self.title,
        }


def _source_name(key: str, cache: dict[str, str]) -> str:
    if key not in cache:
        try:
            from scrapers.base import get_source

            cache[key] = get_source(key).info.name_en
        except Exception:  # an unknown or broken source must not stop a digest
            cache[key] = SOURCE_NAMES.get(key, key)
    return cache[key]


def _ordered_topics(notice: Notice, first: str | None) -> list[str]:
    topics = [m.topic for m in notice.matches if m.topic is not None and m.topic.enabled]
    topics.sort(key=lambda t: (t.name != first, t.position, t.name.casefold()))
    return [t.name for t in topics]


def _filter(sel: Selection) -> NoticeFilter:
    f = NoticeFilter(ids=sel.ids)
    if sel.flagged:
        f.flagged = True
        if not sel.include_sent:
            f.exported = False
    elif sel.topic:
        f.topic = sel.topic
        f.include_duplicates = False
    elif sel.topics:
        f.extra.append(
            exists()
            .where(TopicMatch.notice_id == Notice.id, TopicMatch.topic_id == Topic.id)
            .where(Topic.name.in_(list(sel.topics)), Topic.enabled.is_(True))
        )
        f.include_duplicates = False
    elif sel.since:
        f.since = sel.since
        f.include_duplicates = False
        # A date range means "what we watch", not every notice of every site.
        f.extra.append(
            or_(
                exists().where(
                    TopicMatch.notice_id == Notice.id,
                    TopicMatch.topic_id == Topic.id,
                    Topic.enabled.is_(True),
                ),
                exists().where(UserState.notice_id == Notice.id, UserState.flagged.is_(True)),
            )
        )
    elif sel.ids is None:
        raise ValueError("a digest needs flagged, topic, topics, since or ids")
    if not sel.flagged and not sel.include_sent:
        f.exported = False
    if sel.first_seen_since is not None:
        f.extra.append(Notice.first_seen >= sel.first_seen_since)
    return f


@dataclass(frozen=True)
class NoteLine:
    """One note in a digest, with its author."""

    user: str
    text: str


def note_lines(notice: Notice) -> list[NoteLine]:
    return [NoteLine(n.user, n.text) for n in notice.notes if n.text.strip()]


def notes_with_authors(notice: Notice) -> str:
    """The team's notes, one per line, each after its author ("anna: ask TC260 about …")."""
    return "\n".join(f"{n.user}: {n.text}" for n in note_lines(notice))


def _item(notice: Notice, today: dt.date, first_topic: str | None, names: dict) -> DigestItem:
    st = notice.state
    topics = _ordered_topics(notice, first_topic)
    deadline = None
    if notice.comment_deadline:
        deadline = Deadline(notice.comment_deadline, (notice.comment_deadline - today).days)
    status = st.status if st else "new"
    return DigestItem(
        notice_id=notice.id,
        url=notice.url,
        link=safe_url(notice.url),
        title_zh=notice.title or "",
        title_en=notice.title_en or "",
        translation=translation_label(
            notice.title_en_provider if notice.title_en else None,
            notice.title_en_human,
            notice.title_en_complete,
        ),
        issuers=[str(i) for i in (notice.issuers or []) if str(i).strip()],
        doc_number=notice.doc_number or "",
        written_date=notice.written_date,
        published_date=notice.published_date,
        date=notice.sort_date or notice.published_date,
        deadline=deadline,
        status=status,
        status_label=STATUS_LABELS.get(status, status),
        flagged=bool(st and st.flagged),
        note=notes_with_authors(notice),
        notes=note_lines(notice),
        source_key=notice.source,
        source_name=_source_name(notice.source, names),
        topics=topics,
        also_in=topics[1:],
        attachments=[
            Attachment(str(a.get("name") or a.get("url") or ""), link)
            for a in (notice.attachments or [])
            if isinstance(a, dict) and (link := safe_url(a.get("url")))
        ],
        exported_at=st.exported_at if st else None,
        exported_to=(st.exported_to if st else "") or "",
        issuer_names=issuer_names(notice.issuers or []),
    )


def build_digest(
    session: Session,
    selection: Selection,
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    title: str = "China regulatory watch",
) -> Digest:
    """Select the notices and group them by topic, newest first within each topic."""
    today = today or beijing_today()
    now = now or dt.datetime.now(dt.UTC)
    notices = list_notices(_filter(selection), session, sort="date", descending=True)
    names: dict[str, str] = {}
    items = [_item(n, today, selection.topic, names) for n in notices]

    order = {t.name: (t.position, t.name.casefold()) for t in session.query(Topic).all()}
    by_topic: dict[str, list[DigestItem]] = {}
    for item in items:
        by_topic.setdefault(item.topics[0] if item.topics else OTHER_TOPIC, []).append(item)
    keys = sorted(
        by_topic,
        key=lambda k: (k == OTHER_TOPIC, k != selection.topic, order.get(k, (0, k.casefold()))),
    )
    groups = [DigestGroup(k, by_topic[k]) for k in keys]
    # Items in display order, so the flat formats (CSV, XLSX) read like the email.
    flat = [i for g in groups for i in g.items]
    dates = [i.date for i in flat if i.date]
    return Digest(
        selection=selection,
        today=today,
        generated_at=now,
        groups=groups,
        period_start=min(dates) if dates else None,
        period_end=max(dates) if dates else None,
        title=title,
        items=flat,
    )
