"""Duplicate linking across sources, on a real database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.pipeline.source_run import body_doc_number
from storage.models import Notice
from storage.notice_store import (
    known_urls,
    link_duplicates,
    normalise_doc_number,
    notices_by_url,
)

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def add(s, url, title, *, doc=None, day=None, body="", seen=0):
    n = Notice(
        source=url.split("/")[2], url=url, title=title, doc_number=doc, published_date=day,
        body=body, first_seen=T0 + dt.timedelta(hours=seen),
    )  # fmt: skip
    s.add(n)
    s.flush()
    return n.id


def dup_of(db) -> dict[str, str | None]:
    with db.read() as s:
        by_id = {n.id: n.url for n in s.scalars(select(Notice))}
        return {n.url: by_id.get(n.duplicate_of_id) for n in s.scalars(select(Notice))}


def test_same_doc_number_in_any_bracket_style_links_to_the_earliest_copy(db):
    with db.write() as s:
        a = add(s, "https://b.example/1", "A", doc="国标委联[2020]35号", seen=2)
        b = add(s, "https://a.example/1", "A (other title)", doc="国标委联〔2020〕35号", seen=1)
        link_duplicates(s, [a, b])
    assert dup_of(db) == {"https://b.example/1": "https://a.example/1", "https://a.example/1": None}
    assert normalise_doc_number("国标委联［2020］ 35号") == "国标委联〔2020〕35号"


def test_same_title_and_date_links_and_different_numbers_do_not(db):
    day = dt.date(2025, 10, 11)
    with db.write() as s:
        ids = [
            add(s, "https://x.example/1", "关于印发《方案》的通知", day=day, seen=1),
            add(s, "https://y.example/1", "关于印发《方案》的通知", day=day, seen=2),
            add(
                s, "https://z.example/1", "关于印发《方案》的通知", day=dt.date(2024, 1, 1), seen=3
            ),
            add(s, "https://p.example/1", "P", doc="国发〔2024〕1号"),
            add(s, "https://q.example/1", "P", doc="国发〔2024〕2号"),
        ]
        link_duplicates(s, ids)
    got = dup_of(db)
    assert got["https://y.example/1"] == "https://x.example/1"
    assert got["https://z.example/1"] is None  # same title, another date, no 文号: not proven
    assert got["https://q.example/1"] is None and got["https://p.example/1"] is None


def test_title_plus_doc_number_in_the_body_links_when_dates_differ(db):
    title = "国家标准化管理委员会关于印发《指南》的通知"
    with db.write() as s:
        a = add(
            s, "https://gov.example/1", title, doc="国标委联〔2020〕35号", day=dt.date(2020, 8, 9)
        )
        b = add(s, "https://sac.example/1", title, day=dt.date(2020, 8, 4), seen=1,
                body="国标委联〔2020〕35号\n各有关单位：……")  # fmt: skip
        c = add(s, "https://other.example/1", "另一个通知", seen=2,
                body="根据国标委联〔2020〕35号的要求……")  # fmt: skip
        link_duplicates(s, [a, b, c], body_doc_number=body_doc_number)
    got = dup_of(db)
    assert got["https://sac.example/1"] == "https://gov.example/1"
    assert got["https://other.example/1"] is None


def test_known_urls_names_the_stored_urls_only_like_notices_by_url(db):
    with db.write() as s:
        for i in range(3):
            add(s, f"https://a.example/{i}", f"T{i}")
    asked = [
        "https://a.example/2",
        "https://a.example/9",
        "https://a.example/0",
        "https://a.example/2",
    ]
    with db.read() as s:
        assert known_urls(s, asked) == {"https://a.example/0", "https://a.example/2"}
        assert known_urls(s, asked) == set(notices_by_url(s, asked))
        assert known_urls(s, []) == set()
