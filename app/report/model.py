"""The review as plain data: sections of instruments with every field a slide or page shows.

Built inside one read session (no ORM objects escape), so the renderers and the GUI preview run
without holding the database. Within a section, instruments run oldest first: a review tells
the year's story in order.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sqlalchemy.orm import Session

import resources
from app.export.digest import beijing_today, safe_url
from app.report.sections import SECTION_ORDER, classify, section_title
from app.translation.issuer_names import authorities
from storage.models import Notice
from storage.queries import NoticeFilter, list_notices

STAGES_FILE = Path(resources.__file__).with_name("report") / "stages.toml"
_DRAFT_WORDS = ("征求意见稿", "草案", "送审稿")
_BULLET = re.compile(r"^\s*(?:[-*•·●▪–]|\d+[.)、])\s*")


@cache
def _stage_words() -> dict[str, dict[str, str]]:
    return tomllib.loads(STAGES_FILE.read_text(encoding="utf-8"))


def english_stage(zh: str) -> str:
    """A standard's stage in English ("现行" → "In force"); unknown stages stay Chinese."""
    return _stage_words()["stage"].get(zh.strip(), zh.strip())


def slash_date(d: dt.date | None) -> str:
    """The deck's date form, 2023/07/13."""
    return d.strftime("%Y/%m/%d") if d else ""


@dataclass(frozen=True)
class ReportSelection:
    """Which notices a review covers: exactly one of flagged / topic / status, within dates."""

    flagged: bool = False
    topic: str | None = None
    status: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    ids: Sequence[int] | None = None

    def describe(self) -> str:
        if self.flagged:
            what = "flagged items"
        elif self.topic:
            what = f"items of the watch topic '{self.topic}'"
        elif self.status:
            what = f"items with the status '{self.status}'"
        else:
            what = "chosen items"
        if self.since and self.until:
            return f"{what} dated {self.since.isoformat()} to {self.until.isoformat()}"
        if self.since:
            return f"{what} dated on or after {self.since.isoformat()}"
        if self.until:
            return f"{what} dated on or before {self.until.isoformat()}"
        return what

    def notice_filter(self) -> NoticeFilter:
        f = NoticeFilter(ids=self.ids, since=self.since, until=self.until)
        f.include_duplicates = False  # a document published on two sites is one instrument
        if self.flagged:
            f.flagged = True
        elif self.topic:
            f.topic = self.topic
        elif self.status:
            f.status = self.status
        elif self.ids is None:
            raise ValueError("a report needs flagged, topic, status or ids")
        return f


@dataclass
class ReportItem:
    """One instrument. Text is raw (untrusted): each renderer escapes for its format."""

    notice_id: int
    section: str
    auto_section: str  # what the rules say; differs from ``section`` when the user chose
    title_en: str
    title_zh: str
    release_date: dt.date | None
    authorities: list[str]  # "CAC", "MIIT", official English names, or Chinese if unknown
    doc_number: str
    standard_number: str
    plan_code: str
    stage: str  # "Draft for comment (comment deadline 2023/05/10)", "Final", "In force", …
    url: str
    link: str | None  # url if it is safe to link
    key_points: list[str]
    source: str

    @property
    def title(self) -> str:
        return self.title_en or self.title_zh

    @property
    def is_standard(self) -> bool:
        return bool(self.plan_code or self.standard_number)

    @property
    def numbers(self) -> list[tuple[str, str]]:
        """(label, value) of the document, standard and plan numbers it has."""
        out = []
        if self.doc_number:
            out.append(("Document No.", self.doc_number))
        if self.standard_number:
            out.append(("Standard No.", self.standard_number))
        if self.plan_code:
            out.append(("Plan No.", self.plan_code))
        return out

    @property
    def authorities_line(self) -> str:
        return ", ".join(self.authorities)

    def fields(self) -> list[tuple[str, str]]:
        """The labelled lines under the titles, in the order every format shows them."""
        lines = [("Releasing Date", slash_date(self.release_date) or "not stated")]
        lines.append(("Issuing Authorities", self.authorities_line or "not stated"))
        lines.extend(self.numbers)
        lines.append(("Stage", self.stage))
        return lines


@dataclass
class ReportSection:
    key: str
    items: list[ReportItem]

    @property
    def title(self) -> str:
        return section_title(self.key)

    @property
    def standards(self) -> list[ReportItem]:
        """Instruments with a plan or standard number: the section's standards table."""
        return [i for i in self.items if i.is_standard]


@dataclass
class Report:
    title: str
    selection: ReportSelection
    today: dt.date
    sections: list[ReportSection] = field(default_factory=list)

    @property
    def items(self) -> list[ReportItem]:
        return [i for s in self.sections for i in s.items]

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def notice_ids(self) -> list[int]:
        return [i.notice_id for i in self.items]

    @property
    def period(self) -> str:
        """The release dates covered: the --since/--until range, else first to last item."""
        dates = [i.release_date for i in self.items if i.release_date]
        start = self.selection.since or (min(dates) if dates else None)
        end = self.selection.until or (max(dates) if dates else None)
        if start is None and end is None:
            return slash_date(self.today)
        if start == end or end is None:
            return slash_date(start)
        if start is None:
            return f"until {slash_date(end)}"
        return f"{slash_date(start)} – {slash_date(end)}"

    def counts_by_section(self) -> list[tuple[str, int]]:
        return [(s.title, len(s.items)) for s in self.sections]

    def counts_by_issuer(self) -> list[tuple[str, int]]:
        """Instruments per issuing authority, most first (a joint document counts for each)."""
        counts = Counter(a for i in self.items for a in i.authorities)
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))

    def outline(self) -> str:
        """A plain-text outline (the GUI's preview): sections and instrument titles."""
        lines = [self.title, f"{self.count} instruments, {self.period}"]
        for s in self.sections:
            lines.append("")
            lines.append(f"{s.title} ({len(s.items)})")
            for i in s.items:
                date = slash_date(i.release_date) or "----/--/--"
                lines.append(f"  {date}  {i.title}  [{i.authorities_line}]")
            if s.standards:
                lines.append(f"  + table of {len(s.standards)} standards and plans")
        return "\n".join(lines)


def key_points(note: str) -> list[str]:
    """The user's note as key points: one per line, list markers removed."""
    out = []
    for line in (note or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _BULLET.sub("", line).strip()
        if line:
            out.append(line)
    return out


def release_date(n: Notice) -> dt.date | None:
    """The date the document was released: published, else written, else as listed."""
    return n.published_date or n.written_date or n.list_date


def stage_text(n: Notice, today: dt.date) -> str:
    """Draft for comment (with its deadline), a standard's stage, or final (with effect)."""
    extra = n.extra or {}
    if n.plan_code or n.standard_number or n.stage:
        words = _stage_words()
        notes = [
            words["nature"].get(str(extra.get("std_nature", ""))),
            words["form"].get(str(extra.get("std_form", ""))),
        ]
        if n.effective_date:
            notes.append(f"effective {slash_date(n.effective_date)}")
        if n.comment_deadline:
            notes.append(f"comment deadline {slash_date(n.comment_deadline)}")
        notes = [x for x in notes if x]
        if n.stage:
            main = english_stage(n.stage)
            return f"{main} ({', '.join(notes)})" if notes else main
        if notes and not n.comment_deadline:
            return "Final (" + ", ".join(notes) + ")"
    if n.comment_deadline or any(w in (n.title or "") for w in _DRAFT_WORDS):
        if n.comment_deadline:
            return f"Draft for comment (comment deadline {slash_date(n.comment_deadline)})"
        return "Draft for comment"
    if n.effective_date:
        verb = "effective" if n.effective_date <= today else "takes effect"
        return f"Final ({verb} {slash_date(n.effective_date)})"
    return "Final"


def _authorities(n: Notice) -> list[str]:
    if n.issuers:
        return authorities([str(i) for i in n.issuers])
    # Standards name no issuer; the platform gives the competent body and the committee.
    extra = n.extra or {}
    names = [str(extra[k]) for k in ("主管部门", "归口单位", "ta_name") if extra.get(k)]
    return authorities(names)


def _english_title(n: Notice) -> str:
    """A standard's official English name (from the platform) before a translation."""
    extra = n.extra or {}
    official = extra.get("英文标准名称") or extra.get("title_en")
    return str(official or n.title_en or "").strip()


def report_item(n: Notice, today: dt.date) -> ReportItem:
    st = n.state
    auto = classify(
        title=n.title or "",
        source=n.source,
        doc_type=n.doc_type,
        issuers=[str(i) for i in (n.issuers or [])],
        plan_code=n.plan_code,
        standard_number=n.standard_number,
    )
    chosen = st.report_section if st and st.report_section in SECTION_ORDER else None
    return ReportItem(
        notice_id=n.id,
        section=chosen or auto,
        auto_section=auto,
        title_en=_english_title(n),
        title_zh=n.title or "",
        release_date=release_date(n),
        authorities=_authorities(n),
        doc_number=n.doc_number or "",
        standard_number=n.standard_number or "",
        plan_code=n.plan_code or "",
        stage=stage_text(n, today),
        url=n.url,
        link=safe_url(n.url),
        key_points=key_points("\n".join(note.text for note in n.notes)),
        source=n.source,
    )


def build_report(
    session: Session,
    selection: ReportSelection,
    *,
    title: str = "",
    today: dt.date | None = None,
) -> Report:
    """Select the notices and put each in its section, oldest first."""
    today = today or beijing_today()
    notices = list_notices(selection.notice_filter(), session, sort="date", descending=False)
    items = [report_item(n, today) for n in notices]
    far = dt.date.max
    sections = []
    for key in SECTION_ORDER:
        chosen = [i for i in items if i.section == key]
        chosen.sort(key=lambda i: (i.release_date or far, i.notice_id))
        if chosen:
            sections.append(ReportSection(key, chosen))
    return Report(
        title=title or default_title(today), selection=selection, today=today, sections=sections
    )


def default_title(today: dt.date) -> str:
    return f"Review of Chinese regulation and standardisation, {today.year}"
