"""Everything the detail pane shows about one notice, read in a worker as plain data."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.translation.memory import notice_label
from storage.models import Notice
from storage.team import flagged_by, is_read, own_note, session_user


@dataclass(frozen=True)
class TopicHit:
    name: str
    colour: str
    terms: tuple[dict, ...]  # {"term", "field", "start", "end"}


@dataclass(frozen=True)
class VersionDiff:
    recorded_at: dt.datetime
    kind: str
    diff: tuple[str, ...]  # unified diff lines of the body (title change first)


@dataclass(frozen=True)
class NoticeDetail:
    id: int
    url: str
    source: str
    channel: str
    title: str
    title_en: str
    title_en_provider: str | None
    title_en_complete: bool
    issuers: tuple[str, ...]
    doc_number: str | None
    written_date: dt.date | None
    published_date: dt.date | None
    sort_date: dt.date | None
    doc_type: str | None
    comment_deadline: dt.date | None
    effective_date: dt.date | None
    standard_number: str | None
    plan_code: str | None
    stage: str | None
    body: str
    attachments: tuple[tuple[str, str], ...]
    removed: bool
    removed_at: dt.datetime | None
    read: bool
    flagged: bool
    status: str
    note: str
    topics: tuple[TopicHit, ...] = ()
    versions: tuple[VersionDiff, ...] = ()
    duplicates: tuple[tuple[str, str, str], ...] = field(default=())  # (source, title, url)
    exported_at: dt.datetime | None = None  # UTC, once emailed in a digest
    exported_to: str = ""  # where it went ("a@example.eu")
    title_en_label: str = ""  # glossary | dictionary | machine (provider) | human
    extra: tuple[tuple[str, str], ...] = ()  # source-specific fields; internal (_x) ones left out
    # team mode: who flagged, who set the status, every note with its author (oldest first)
    flagged_by: tuple[str, ...] = ()
    status_by: str = ""
    notes: tuple[tuple[str, str, dt.datetime], ...] = ()  # (user, text, at)
    user: str = ""  # the reader (their own note is in the note editor)


def _diff(old: str, new: str, label_old: str, label_new: str) -> list[str]:
    return list(
        difflib.unified_diff(
            old.splitlines(), new.splitlines(), label_old, label_new, lineterm="", n=1
        )
    )


def load_detail(session: Session, notice_id: int) -> NoticeDetail | None:
    n = session.get(Notice, notice_id)
    if n is None:
        return None
    st = n.state
    user = session_user(session)
    topics = tuple(
        TopicHit(m.topic.name, m.topic.colour, tuple(m.terms or ()))
        for m in sorted(n.matches, key=lambda m: m.topic.position if m.topic else 0)
        if m.topic is not None and m.topic.enabled
    )
    # Each version holds the state *before* an edit: diff it against the next state.
    versions = []
    states = [(v.title, v.body, v.recorded_at, v.kind) for v in n.versions]
    for i, (title, body, at, kind) in enumerate(states):
        nxt_title, nxt_body = (
            (states[i + 1][0], states[i + 1][1]) if i + 1 < len(states) else (n.title, n.body)
        )
        lines = []
        if title != nxt_title:
            lines += [f"- {title}", f"+ {nxt_title}"]
        lines += _diff(body or "", nxt_body or "", "before", "after")
        versions.append(VersionDiff(at, kind, tuple(lines)))
    dup_rows = session.scalars(
        select(Notice).where(
            (Notice.duplicate_of_id == n.id)
            | ((Notice.id == n.duplicate_of_id) if n.duplicate_of_id else False)
            | (
                (Notice.duplicate_of_id == n.duplicate_of_id) & (Notice.id != n.id)
                if n.duplicate_of_id
                else False
            )
        )
    ).unique()
    return NoticeDetail(
        id=n.id,
        url=n.url,
        source=n.source,
        channel=n.channel,
        title=n.title,
        title_en=n.title_en or "",
        title_en_provider=n.title_en_provider,
        title_en_complete=bool(n.title_en_complete),
        issuers=tuple(n.issuers or ()),
        doc_number=n.doc_number,
        written_date=n.written_date,
        published_date=n.published_date,
        sort_date=n.sort_date,
        doc_type=n.doc_type,
        comment_deadline=n.comment_deadline,
        effective_date=n.effective_date,
        standard_number=n.standard_number,
        plan_code=n.plan_code,
        stage=n.stage,
        body=n.body or "",
        attachments=tuple(
            (a.get("name") or a.get("url", ""), a.get("url", "")) for a in (n.attachments or [])
        ),
        removed=bool(n.removed),
        removed_at=n.removed_at,
        read=is_read(n, user),
        flagged=bool(st and st.flagged),
        status=st.status if st else "new",
        note=own_note(n, user),
        flagged_by=tuple(flagged_by(n)),
        status_by=(st.status_by or "") if st else "",
        notes=tuple((x.user, x.text, x.at) for x in n.notes),
        user=user,
        topics=topics,
        versions=tuple(versions),
        duplicates=tuple((d.source, d.title, d.url) for d in dup_rows),
        title_en_label=notice_label(n) if n.title_en else "",
        exported_at=st.exported_at if st else None,
        exported_to=(st.exported_to or "") if st else "",
        extra=visible_extra(n.extra),
    )


# Source-specific fields under a reader's label ("English (中文)" for Chinese keys); None: left
# out, because the pane shows it already (stage, plan number, dates, names) or it is a site id.
EXTRA_LABELS: dict[str, str | None] = {
    "ColumnName": "Column (栏目)",
    "ColId": None,
    "发布机构": "Issuing office (发布机构)",
    "std_nature": "Nature of standard",
    "标准性质": "Nature of standard (标准性质)",
    "std_form": "New or revision",
    "制修订": "New or revision (制修订)",
    "ta_name": "Technical committee",
    "归口单位": "Technical committee (归口单位)",
    "主管部门": "Competent authority (主管部门)",
    "标准状态": "Status of standard (标准状态)",
    "中国标准分类号(CCS)": "CCS class",
    "国际标准分类号(ICS)": "ICS class",
    "send_date": "Plan issued",
    "下达日期": "Plan issued (下达日期)",
    "issue_date": "Issued",
    "发布日期": "Issued (发布日期)",
    "英文标准名称": "English name of standard",
    "stage": None,
    "当前阶段": None,
    "plan_code": None,
    "计划号": None,
    "standard_number": None,
    "标准号": None,
    "effective_date": None,
    "实施日期": None,
    "comment_deadline": None,
    "title_en": None,
    "中文标准名称": None,
    "项目中文名称": None,
}


# The parser's English key for a field the site also labels in Chinese: when both are stored,
# the field is shown once (under its Chinese label), not as "New or revision" and again as
# "New or revision (制修订)".
SAME_FIELD = {
    "std_nature": "标准性质",
    "std_form": "制修订",
    "ta_name": "归口单位",
    "send_date": "下达日期",
    "issue_date": "发布日期",
}


def visible_extra(extra: dict | None) -> tuple[tuple[str, str], ...]:
    """The notice's ``extra`` fields a reader should see, labelled (``EXTRA_LABELS``): keys
    starting with ``_`` are the pipeline's own bookkeeping; fields the pane shows already, site
    ids, empty values and nested structures are left out. A field a source stores under both an
    English and a Chinese key (std.samr's ``std_form`` and ``制修订``) is shown once, under the
    label that names the Chinese term."""
    out: dict[str, tuple[str, str]] = {}  # base label ("New or revision") → (label, value)
    for key, value in (extra or {}).items():
        key = str(key)
        if key.startswith("_") or value in (None, "", [], {}):
            continue
        if extra.get(SAME_FIELD.get(key, ""), None) not in (None, "", [], {}):
            continue  # shown under its Chinese label
        if key in EXTRA_LABELS:
            label = EXTRA_LABELS[key]
            if label is None:
                continue
        else:
            label = key.replace("_", " ").capitalize()
        if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            value = ", ".join(str(v) for v in value)
        if not isinstance(value, str | int | float):
            continue
        base = label.split(" (", 1)[0]
        if base in out and "(" in out[base][0] and "(" not in label:
            continue  # the Chinese-keyed twin is already shown
        out[base] = (label, str(value))
    return tuple(out.values())
