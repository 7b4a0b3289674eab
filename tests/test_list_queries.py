"""The list's filters and sort orders in SQL, checked against the same rules applied in Python
to every stored notice (unread, status, comment deadline, and every column's order)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.demo.sample_data import load_sample
from app.services.notice_list import mark_view_read, read_counts, set_notice_state
from storage.models import TRIAGE_STATUSES, Notice, Topic, TopicMatch
from storage.queries import NoticeFilter, count_notices, list_notices
from storage.team import is_read

TODAY = dt.date(2024, 7, 15)  # a fixed clock: several sample consultations are open on it


@pytest.fixture
def triaged(db):
    """The sample with read, flag, status and note set on a spread of notices."""
    with db.write() as s:
        load_sample(s)
    with db.read() as s:
        ids = sorted(s.scalars(select(Notice.id)))
    set_notice_state(db, ids[::3], read=True)
    set_notice_state(db, ids[1::4], flagged=True)
    for i, status in enumerate(TRIAGE_STATUSES):
        set_notice_state(db, ids[i::7][:3], status=status)
    set_notice_state(db, ids[2::9], note="ask the TC about scope")
    return db


def facts(db) -> dict[int, dict]:
    """Every notice as plain values: what the rules below are checked against."""
    with db.read() as s:
        enabled = {t.id: t.name for t in s.scalars(select(Topic)) if t.enabled}
        topics: dict[int, list[str]] = {}
        for m in s.scalars(select(TopicMatch)):
            if m.topic_id in enabled:
                topics.setdefault(m.notice_id, []).append(enabled[m.topic_id])
        out = {}
        for n in s.scalars(select(Notice)):
            st = n.state
            out[n.id] = {
                "date": n.sort_date,
                "source": n.source,
                "title": n.title,
                "title_en": n.title_en,
                "deadline": n.comment_deadline,
                "read": is_read(n, db.user),
                "flag": int(bool(st and st.flagged)),
                "status": st.status if st else "new",
                "note": sum(1 for x in n.notes if x.text.strip()),
                "topics": min(topics[n.id]) if n.id in topics else None,
            }
        return out


def ids_of(db, f: NoticeFilter, sort: str = "date", desc: bool = True) -> list[int]:
    with db.read() as s:
        return [n.id for n in list_notices(f, s, sort=sort, descending=desc)]


def test_filters_each_and_combined(triaged):
    all_ = facts(triaged)
    soon = TODAY + dt.timedelta(days=14)
    rules = {
        "unread": (NoticeFilter(unread=True), lambda n: not n["read"]),
        "status": (NoticeFilter(status="relevant"), lambda n: n["status"] == "relevant"),
        "new": (NoticeFilter(status="new"), lambda n: n["status"] == "new"),
        "open": (
            NoticeFilter(deadline="open", today=TODAY),
            lambda n: n["deadline"] is not None and n["deadline"] >= TODAY,
        ),
        "closing": (
            NoticeFilter(deadline="closing", today=TODAY),
            lambda n: n["deadline"] is not None and TODAY <= n["deadline"] <= soon,
        ),
        "closed": (
            NoticeFilter(deadline="closed", today=TODAY),
            lambda n: n["deadline"] is not None and n["deadline"] < TODAY,
        ),
    }
    for name, (f, rule) in rules.items():
        want = {i for i, n in all_.items() if rule(n)}
        assert set(ids_of(triaged, f)) == want, name
    assert {len(set(ids_of(triaged, f))) for f, _ in rules.values()} != {0}
    open_ = {i for i, n in all_.items() if rules["open"][1](n)}
    assert open_, "the fixed clock must leave some consultations open"
    # combined with a source, a date range, unread and a search
    source = all_[next(iter(open_))]["source"]
    f = NoticeFilter(
        sources=(source,),
        deadline="open",
        today=TODAY,
        unread=True,
        since=dt.date(2020, 1, 1),
        query="意见",
    )
    want = {
        i
        for i, n in all_.items()
        if i in open_
        and n["source"] == source
        and not n["read"]
        and n["date"] is not None
        and n["date"] >= dt.date(2020, 1, 1)
        and "意见" in (n["title"] + (n["title_en"] or ""))
    }
    got = set(ids_of(triaged, f))
    assert want <= got  # the search also reads the body
    assert got <= {i for i in open_ if all_[i]["source"] == source and not all_[i]["read"]}
    with triaged.read() as s:
        assert count_notices(f, s) == len(got)
    with pytest.raises(ValueError, match="deadline"):
        ids_of(triaged, NoticeFilter(deadline="tomorrow"))


@pytest.mark.parametrize(
    "key", ["date", "source", "title", "title_en", "topics", "flag", "status", "note", "deadline"]
)
@pytest.mark.parametrize("desc", [False, True])
def test_every_list_column_sorts_in_sql(triaged, key, desc):
    rank = {s: i for i, s in enumerate(TRIAGE_STATUSES)}
    value = (lambda n: rank[n["status"]]) if key == "status" else (lambda n: n[key])
    rows = [(value(n), i) for i, n in facts(triaged).items()]
    have = sorted((r for r in rows if r[0] is not None), reverse=desc)
    nulls = sorted((r for r in rows if r[0] is None), key=lambda r: r[1], reverse=desc)
    want = [i for _, i in have + nulls]
    assert ids_of(triaged, NoticeFilter(), key, desc) == want
    assert len({v for v, _ in rows}) > 1 or key == "title_en"  # the order is really tested


def test_mark_view_read_counts_only_unread_and_stays_in_view(triaged):
    view = NoticeFilter(deadline="closed", today=TODAY)
    before = facts(triaged)
    in_view = set(ids_of(triaged, view))
    unread = {i for i in in_view if not before[i]["read"]}
    assert unread and unread != in_view
    result = mark_view_read(triaged, replace_today(view))
    assert result.changed == len(unread) and result.selected == len(in_view)
    after = facts(triaged)
    assert all(after[i]["read"] for i in in_view)
    assert {
        i for i in before if i not in in_view and after[i]["read"] != before[i]["read"]
    } == set()


def replace_today(f: NoticeFilter) -> NoticeFilter:
    from dataclasses import replace

    return replace(f, today=TODAY)


def test_open_for_comment_count_and_order(triaged):
    counts = read_counts(triaged, None, TODAY)
    all_ = facts(triaged)
    open_ = [i for i, n in all_.items() if n["deadline"] is not None and n["deadline"] >= TODAY]
    assert counts.open_for_comment == len(open_) > 0
    got = ids_of(triaged, NoticeFilter(deadline="open", today=TODAY), "deadline", False)
    deadlines = [all_[i]["deadline"] for i in got]
    assert sorted(got) == sorted(open_) and deadlines == sorted(deadlines)
    assert deadlines[0] >= TODAY
