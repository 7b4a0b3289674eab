"""Sample notices from the replay corpus's oracle, for screenshots, benchmarks and GUI tests.

The real path into the database is the fetch pipeline; this loader exists so the GUI can be shown
and measured without it (``regwatch screenshot``, ``benchmarks/gui_100k.py``). Bodies are the
oracle's required body excerpts, not the full texts. Topic matches are found by plain substring
search over the topics' terms, with offsets, the way the matcher records them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo.replay import default_corpus_dir
from storage.models import Notice, NoticeVersion, SourceRecord, Topic, TopicMatch

CORPUS = default_corpus_dir()


@dataclass(frozen=True)
class SampleTopic:
    name: str
    terms: tuple[str, ...]
    colour: str

    @property
    def query(self) -> str:
        return " OR ".join(f'"{t}"' if " " in t else t for t in self.terms)


SAMPLE_TOPICS = (
    SampleTopic(
        "Generative AI", ("生成式人工智能", "大模型", "深度合成", "generative AI"), "#8b5cf6"
    ),
    SampleTopic("AI standards", ("人工智能", "标准体系", "artificial intelligence"), "#3b82f6"),
    SampleTopic("Data security", ("数据安全", "个人信息", "数据出境", "数据要素"), "#10b981"),
    SampleTopic("Cybersecurity", ("网络安全", "信息安全", "cybersecurity"), "#f59e0b"),
)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def oracle_notices(corpus: Path = CORPUS) -> list[dict]:
    """Every detail record of both snapshots (t2 wins), with list dates and channel keys."""
    data = json.loads((corpus / "expected" / "expected.json").read_text(encoding="utf-8"))
    out: dict[str, dict] = {}
    for snap in ("t1", "t2"):
        lists = data["snapshots"][snap]["lists"]
        list_dates = {
            item["url"]: item.get("date") for lst in lists.values() for item in lst.get("items", [])
        }
        for url, rec in data["snapshots"][snap]["details"].items():
            if rec.get("http_status") != 200:
                continue
            prev = out.get(url)
            out[url] = {**rec, "url": url, "list_date": list_dates.get(url), "snapshot": snap}
            if prev and prev.get("body_must_contain") != rec.get("body_must_contain"):
                out[url]["previous"] = prev
    return list(out.values())


def _split_source(key: str) -> tuple[str, str]:
    source, _, channel = key.partition("_")
    return {"samr": "std_samr"}.get(source, source), channel


def find_terms(notice: Notice, terms: Iterable[str]) -> list[dict]:
    """Where each term occurs (first occurrence per field), as TopicMatch.terms records."""
    hits = []
    for field in ("title", "title_en", "body"):
        text = getattr(notice, field) or ""
        low = text.lower()
        for term in terms:
            at = low.find(term.lower())
            if at >= 0:
                hits.append({"term": term, "field": field, "start": at, "end": at + len(term)})
    return hits


def load_sample(session: Session, *, corpus: Path = CORPUS) -> int:
    """Insert the oracle's notices, the sample topics and their matches; returns notices added."""
    topics = []
    for pos, st in enumerate(SAMPLE_TOPICS):
        topic = session.scalar(select(Topic).where(Topic.name == st.name))
        if topic is None:
            topic = Topic(name=st.name, query=st.query, colour=st.colour, position=pos)
            session.add(topic)
        topics.append((topic, st))
    session.flush()
    known = set(session.scalars(select(Notice.url)))
    added = 0
    now = dt.datetime.now(dt.UTC)
    for rec in oracle_notices(corpus):
        if rec["url"] in known:
            continue
        source, channel = _split_source(rec["source"])
        notice = Notice(
            source=source,
            channel=channel,
            channels=[channel],
            url=rec["url"],
            title=rec["title"],
            issuers=list(rec.get("issuer") or []),
            doc_number=rec.get("doc_number"),
            written_date=_date(rec.get("written_date")),
            published_date=_date(rec.get("publish_date")),
            list_date=_date(rec.get("list_date")),
            source_label=rec.get("source_label"),
            body="\n".join(rec.get("body_must_contain") or []),
            attachments=[
                {"name": a.get("name", ""), "url": a.get("url", "")}
                for a in rec.get("attachments") or []
                if isinstance(a, dict)
            ],
            comment_deadline=_date(rec.get("comment_deadline")),
            effective_date=_date(rec.get("effective_date")),
            plan_code=rec.get("plan_code"),
            standard_number=rec.get("standard_number"),
            stage=rec.get("stage"),
            detail_state="ok",
            first_seen=now,
        )
        session.add(notice)
        session.flush()
        prev = rec.get("previous")
        if prev:
            session.add(
                NoticeVersion(
                    notice_id=notice.id,
                    title=prev["title"],
                    body="\n".join(prev.get("body_must_contain") or []),
                    stage=prev.get("stage"),
                )
            )
        for topic, st in topics:
            hits = find_terms(notice, st.terms)
            if hits:
                session.add(TopicMatch(notice_id=notice.id, topic_id=topic.id, terms=hits))
        added += 1
    for key in {_split_source(r["source"])[0] for r in oracle_notices(corpus)}:
        if session.get(SourceRecord, key) is None:
            session.add(SourceRecord(key=key, state="ok", last_run=now, last_ok=now))
    return added
