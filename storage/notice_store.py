"""Writing notices the way a fetch needs it: pure database code, no HTTP, no app imports.

The rules that protect stored data live here: a URL is stored once (its ``channels`` grow), an
edited body or a new stage becomes a NoticeVersion before the notice changes, a notice is flagged
``removed`` but never deleted, and a stored body is never blanked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage.clean import check_url, clean_row_fields, clean_value
from storage.models import Notice, NoticeVersion, utcnow

_COLUMNS = Notice.__table__.columns

_WS = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")

# Notice columns a detail page (or a list row's extras) may fill.
DETAIL_FIELDS = (
    "issuers",
    "doc_number",
    "written_date",
    "published_date",
    "doc_type",
    "source_label",
    "topic_class",
    "index_number",
    "attachments",
    "comment_deadline",
    "effective_date",
    "plan_code",
    "standard_number",
    "stage",
)
LIST_EXTRA_FIELDS = (
    "plan_code",
    "standard_number",
    "stage",
    "comment_deadline",
    "effective_date",
    "doc_number",
)
_DATE_FIELDS = {"written_date", "published_date", "comment_deadline", "effective_date"}


def _nfkc_squeezed(value: str | None, sep: str) -> str:
    """NFKC with every whitespace run (incl. U+3000, NBSP, zero-width) replaced by ``sep``."""
    return _WS.sub(sep, unicodedata.normalize("NFKC", value or "")).strip()


def normalise_body(body: str | None) -> str:
    """The body as compared for edits: NFKC, whitespace collapsed (layout noise is no edit)."""
    return _nfkc_squeezed(body, " ")


def content_hash(body: str | None) -> str | None:
    norm = normalise_body(body)
    return hashlib.sha256(norm.encode("utf-8")).hexdigest() if norm else None


def normalise_doc_number(value: str | None) -> str | None:
    """国标委联[2020]35号 and 国标委联〔2020〕35号 are the same 文号."""
    if not value:
        return None
    v = _WS.sub("", unicodedata.normalize("NFKC", value))
    v = re.sub(r"[\[［(（【〔]", "〔", v)
    v = re.sub(r"[\]］)）】〕]", "〕", v)
    return v or None


def normalise_title(value: str | None) -> str:
    """A title as compared for renames: NFKC, no whitespace at all."""
    return _nfkc_squeezed(value, "")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _field_value(name: str, value: Any) -> Any:
    """A list or detail value as the column ``name`` stores it (cleaned: see storage.clean)."""
    if name in _DATE_FIELDS:
        return _as_date(value)
    if name == "attachments":
        value = [_jsonable(a if isinstance(a, Mapping) else vars(a)) for a in value or []]
    elif name == "issuers":
        value = list(value or [])
    elif value is not None and not isinstance(value, str):
        value = str(value)
    return clean_value(_COLUMNS[name], value)


# ---------------------------------------------------------------------------------------------
# Lookups


def notices_by_url(session: Session, urls: Iterable[str]) -> dict[str, Notice]:
    urls = list(dict.fromkeys(urls))
    out: dict[str, Notice] = {}
    for i in range(0, len(urls), 500):
        chunk = urls[i : i + 500]
        for n in session.scalars(select(Notice).where(Notice.url.in_(chunk))):
            out[n.url] = n
    return out


def known_urls(session: Session, urls: Iterable[str]) -> set[str]:
    """Which of ``urls`` are stored: the URL column only, not the rows and their team state."""
    urls = list(dict.fromkeys(urls))
    out: set[str] = set()
    for i in range(0, len(urls), 500):
        out.update(session.scalars(select(Notice.url).where(Notice.url.in_(urls[i : i + 500]))))
    return out


# ---------------------------------------------------------------------------------------------
# List rows


@dataclass
class ListRow:
    """A list row as the store sees it (decoupled from scrapers.base.ListItem)."""

    url: str
    title: str
    date: dt.date | None
    extra: Mapping[str, Any]
    link_text: str | None = None


def add_list_row(
    session: Session,
    source: str,
    channel: str,
    row: ListRow,
    *,
    title_en: tuple[str, bool, str] | None = None,
) -> Notice:
    """Insert a new notice from a list row (detail pending); RowRejected for an unusable URL."""
    check_url(row.url)
    extra = _jsonable(dict(row.extra))
    if row.link_text and row.link_text != row.title:
        extra["link_text"] = row.link_text
    extra[LIST_TITLE_KEY] = row.title
    notice = Notice(
        source=source,
        channel=channel,
        channels=[channel],
        url=row.url,
        title=row.title,
        list_date=row.date,
        extra=extra,
        detail_state="pending",
        body="",
        issuers=[],
        attachments=[],
        removed=False,
    )
    for name in LIST_EXTRA_FIELDS:
        if row.extra.get(name) not in (None, ""):
            setattr(notice, name, _field_value(name, row.extra[name]))
    if title_en is not None:
        notice.title_en, notice.title_en_complete, notice.title_en_provider = title_en
    clean_row_fields(notice, _COLUMNS)
    session.add(notice)
    return notice


LIST_TITLE_KEY = "_list_title"  # in Notice.extra: the title the list showed last


def see_known_row(
    notice: Notice, channel: str, row: ListRow, *, now: dt.datetime | None = None
) -> str | None:
    """Update a stored notice seen again in a list; returns "stage" or "title" on a change.

    The old stage is kept as a NoticeVersion of kind "stage" before the new one is stored; a
    list title that changed (beyond width and spacing) is kept as a version of kind "title".
    The detail page's title, when it gave one, stays the notice's title.
    """
    now = now or utcnow()
    notice.last_seen = now
    if channel not in (notice.channels or []):
        notice.channels = [*(notice.channels or []), channel]
    if notice.removed:
        notice.removed = False
        notice.removed_at = None
    new_stage = _field_value("stage", row.extra.get("stage"))
    if new_stage and notice.stage and new_stage != notice.stage:
        keep_version(notice, kind="stage", fields={"stage": notice.stage})
        notice.stage = new_stage
        notice.extra = {**(notice.extra or {}), "stage": new_stage}
        return "stage"
    if new_stage and not notice.stage:
        notice.stage = new_stage
    return _see_list_title(notice, row)


def _see_list_title(notice: Notice, row: ListRow) -> str | None:
    title = _field_value("title", row.title) or ""
    extra = dict(notice.extra or {})
    before = extra.get(LIST_TITLE_KEY)
    if before is None:  # stored before list titles were kept: this is the baseline
        before = notice.title if notice.detail_state != "ok" else None
        extra[LIST_TITLE_KEY] = title
        notice.extra = extra
        if before is None or normalise_title(before) == normalise_title(title):
            return None
    if not title or normalise_title(before) == normalise_title(title):
        return None
    keep_version(notice, kind="title", fields={"list_title": before})
    if notice.title == before:  # the title came from the list: follow the site's edit
        notice.title = title
    extra[LIST_TITLE_KEY] = title
    notice.extra = extra
    return "title"


def keep_version(notice: Notice, *, kind: str, fields: Mapping[str, Any]) -> NoticeVersion:
    """Record the notice as it is now (before a change) as a NoticeVersion."""
    version = NoticeVersion(
        kind=kind,
        title=notice.title,
        body=notice.body or "",
        stage=notice.stage,
        content_hash=notice.content_hash,
        fields=_jsonable(dict(fields)),
        recorded_at=utcnow(),
    )
    clean_row_fields(version, NoticeVersion.__table__.columns)
    notice.versions.append(version)
    return version


# ---------------------------------------------------------------------------------------------
# Details


@dataclass
class DetailOutcome:
    changed: bool  # an edit (a version was kept)
    first: bool  # the first successful detail of this notice
    title_changed: bool


def apply_detail(notice: Notice, detail: Any, *, now: dt.datetime | None = None) -> DetailOutcome:
    """Store what a detail page says (a ``scrapers.base.Notice``-like object).

    A first detail fills the notice. A later one that changes the normalised body, or a field,
    keeps the old state as an "edited" version first. Empty values never blank stored ones.
    """
    now = now or utcnow()
    first = notice.detail_state != "ok"
    new_body = clean_value(_COLUMNS["body"], detail.body or "")
    new_hash = content_hash(new_body)
    updates: dict[str, Any] = {}
    for name in DETAIL_FIELDS:
        value = _field_value(name, getattr(detail, name, None))
        if value in (None, "", []):
            continue  # never blank a stored value
        if getattr(notice, name) != value:
            updates[name] = value
    title = clean_value(_COLUMNS["title"], detail.title or "") or notice.title
    title_changed = bool(title) and title != notice.title
    body_changed = new_hash is not None and new_hash != notice.content_hash

    changed = False
    if not first and (body_changed or updates or title_changed):
        old = {name: _jsonable(getattr(notice, name)) for name in updates}
        if title_changed:
            old["title"] = notice.title
        keep_version(notice, kind="edited", fields=old)
        changed = True
    for name, value in updates.items():
        setattr(notice, name, value)
    if title_changed:
        notice.title = title
    if new_hash is not None:
        notice.body = new_body
        notice.content_hash = new_hash
    extra = dict(notice.extra or {})
    extra.update(
        clean_value(_COLUMNS["extra"], _jsonable(dict(getattr(detail, "extra", {}) or {})))
    )
    if extra != (notice.extra or {}):
        notice.extra = extra
    notice.detail_state = "ok"
    notice.detail_error = None
    notice.detail_checked_at = now
    return DetailOutcome(changed=changed, first=first, title_changed=title_changed)


# ---------------------------------------------------------------------------------------------
# Removal


def mark_missing_removed(
    session: Session,
    source: str,
    channel: str,
    present_urls: set[str],
    oldest_listed: dt.date,
    *,
    read_channels: set[str] | None = None,
    now: dt.datetime | None = None,
) -> list[int]:
    """Flag notices of a channel missing from its complete list as removed; returns their ids.

    Only notices dated after the oldest listed date count: older ones fell off the end of the
    list, they were not taken down. A notice also in a channel not in ``read_channels`` (lists
    read completely in this run) is left alone: it may still be on that list (e.g. it answered
    304 Not Modified, or failed).
    """
    now = now or utcnow()
    stmt = select(Notice).where(
        Notice.source == source,
        Notice.removed.is_(False),
        Notice.list_date > oldest_listed,
    )
    removed = []
    for notice in session.scalars(stmt):
        chans = set(notice.channels or [])
        if read_channels is not None and not chans <= read_channels | {channel}:
            continue
        if channel in chans and notice.url not in present_urls:
            notice.removed = True
            notice.removed_at = now
            removed.append(notice.id)
    return removed


# ---------------------------------------------------------------------------------------------
# Duplicates across sources


def _dup_doc_number(notice: Notice) -> str | None:
    return normalise_doc_number(notice.doc_number)


# Finds the 文号 near the top of a body. The parsers own that rule (scrapers.text.
# extract_doc_number); storage sits beside scrapers, not above it, so the caller passes it in.
BodyDocNumber = Callable[[str | None], str | None]


def _no_body_doc_number(body: str | None) -> str | None:
    return None


def _same_document(a: Notice, b: Notice, body_doc_number: BodyDocNumber) -> bool:
    """Same 文号 from both pages' metadata; or the same title and (date or 文号 in the body)."""
    da, db_ = _dup_doc_number(a), _dup_doc_number(b)
    if da and db_:
        return da == db_
    if normalise_title(a.title) != normalise_title(b.title) or not normalise_title(a.title):
        return False
    if a.sort_date and a.sort_date == b.sort_date:
        return True
    na = da or normalise_doc_number(body_doc_number(a.body))
    nb = db_ or normalise_doc_number(body_doc_number(b.body))
    return bool(na and na == nb)


def link_duplicates(
    session: Session,
    notice_ids: Iterable[int],
    *,
    body_doc_number: BodyDocNumber = _no_body_doc_number,
) -> list[int]:
    """Point copies of one document on different pages at the earliest-seen copy.

    ``body_doc_number`` reads a 文号 from a body (the pipeline passes the parsers' rule); it is
    asked only when a copy has no 文号 in its metadata and the titles are the same.

    Returns the ids whose ``duplicate_of_id`` changed. Order-independent: the copy with the
    earliest (first_seen, id) is the original whichever copy is linked first.
    """
    changed: list[int] = []
    for nid in list(dict.fromkeys(notice_ids)):
        notice = session.get(Notice, nid)
        if notice is None:
            continue
        conds = [Notice.title == notice.title]
        if notice.doc_number:
            conds.append(Notice.doc_number == notice.doc_number)
            norm = normalise_doc_number(notice.doc_number)
            if norm and norm != notice.doc_number:
                conds.append(Notice.doc_number == norm)
        candidates = session.scalars(
            select(Notice).where(or_(*conds), Notice.id != notice.id)
        ).all()
        group = [notice] + [c for c in candidates if _same_document(notice, c, body_doc_number)]
        if len(group) < 2:
            continue

        def seen(n: Notice) -> tuple[dt.datetime, int]:
            first = n.first_seen
            if first is not None and first.tzinfo is None:
                first = first.replace(tzinfo=dt.UTC)
            return (first or utcnow(), n.id)

        original = min(group, key=seen)
        for n in group:
            target = None if n is original else original.id
            if n.duplicate_of_id != target:
                n.duplicate_of_id = target
                changed.append(n.id)
    return changed
