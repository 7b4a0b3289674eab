"""Grouping new topic matches into one desktop notification per fetch cycle."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Topic, TopicMatch


def pending_notifications(session: Session) -> Counter[str]:
    """Unnotified matches of enabled, notifying topics, counted per topic; marks them notified.

    Counted per topic (a notice matching two topics counts in both), which is what the user
    reads in "3 new: Generative AI (2), AI standards (1)".
    """
    rows = session.execute(
        select(TopicMatch, Topic.name)
        .join(Topic, Topic.id == TopicMatch.topic_id)
        .where(TopicMatch.notified.is_(False), Topic.enabled.is_(True), Topic.notify.is_(True))
    ).all()
    counts: Counter[str] = Counter()
    notices: set[int] = set()
    for match, name in rows:
        counts[name] += 1
        notices.add(match.notice_id)
        match.notified = True
    counts["__notices__"] = len(notices)
    return counts


def notification_text(counts: Counter[str]) -> str:
    """``3 new: Generative AI (2), AI standards (1)``; empty when there is nothing new."""
    total = counts.get("__notices__", 0)
    per_topic = [(n, c) for n, c in counts.items() if n != "__notices__" and c]
    if not total or not per_topic:
        return ""
    per_topic.sort(key=lambda nc: (-nc[1], nc[0]))
    return f"{total} new: " + ", ".join(f"{n} ({c})" for n, c in per_topic)
