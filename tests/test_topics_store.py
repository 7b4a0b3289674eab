"""Topics in a real SQLite database: CRUD, applying to history, trying queries, defaults, packs."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.topics import QueryError, TopicError, TopicSpec, loads_pack
from app.topics.store import (
    apply_topics,
    create_topic,
    delete_topic,
    export_topics,
    get_topic,
    import_topics,
    install_default_topics,
    list_topics,
    update_topic,
)
from app.topics.store import (
    test_query as run_query_test,
)
from storage.db import Database
from storage.models import Notice, Setting, Topic, TopicMatch

TITLES = [
    ("生成式人工智能服务管理暂行办法", "Interim Measures for Generative AI Services", "cac"),
    ("国务院办公厅关于2024年部分节假日安排的通知", None, "govcn"),
    ("数据出境安全评估办法", None, "cac"),
    ("工业和信息化部关于印发《人形机器人创新发展指导意见》的通知", None, "miit"),
    ("信息安全技术 人脸识别数据安全要求", None, "samr"),
]


@pytest.fixture
def db(tmp_path):
    d = Database.open(f"sqlite:///{tmp_path / 'regwatch.sqlite3'}")
    with d.write() as s:
        for i, (title, en, source) in enumerate(TITLES):
            s.add(
                Notice(
                    source=source,
                    url=f"https://example.gov.cn/{i}",
                    title=title,
                    title_en=en,
                    issuers=["国家互联网信息办公室"],
                    published_date=dt.date(2024, 1, i + 1),
                )
            )
    yield d
    d.close()


def matches(db) -> set[tuple[str, str]]:
    with db.read() as s:
        rows = s.execute(
            select(Topic.name, Notice.title).join(TopicMatch.topic).join(TopicMatch.notice)
        )
        return {tuple(r) for r in rows}


def test_create_validates_name_query_colour_and_aliases(db):
    with db.write() as s:
        create_topic(s, TopicSpec("Gen AI", "生成式人工智能"))
    with db.write() as s, pytest.raises(TopicError, match="already exists"):
        create_topic(s, TopicSpec("gen ai", "大模型"))
    with db.write() as s, pytest.raises(QueryError, match="never closed") as err:
        create_topic(s, TopicSpec("Broken", "(人工智能"))
    assert "topic 'Broken'" in err.value.reason
    with db.write() as s, pytest.raises(TopicError, match="colour"):
        create_topic(s, TopicSpec("X", "x", colour="blue"))
    with db.write() as s, pytest.raises(TopicError, match="at least two"):
        create_topic(s, TopicSpec("X", "x", aliases=[["only one"]]))
    with db.write() as s, pytest.raises(TopicError, match="needs a name"):
        create_topic(s, TopicSpec("  ", "x"))
    with db.read() as s:
        assert [t.name for t in list_topics(s)] == ["Gen AI"]


def test_apply_adds_updates_and_removes_matches(db):
    with db.write() as s:
        t = create_topic(s, TopicSpec("AI", "title:人工智能 OR 机器人"))
        r = apply_topics(s, topics=[t.id])
    assert (r.notices, r.added, r.removed) == (5, 2, 0)
    assert r.per_topic == {"AI": 2}
    assert matches(db) == {("AI", TITLES[0][0]), ("AI", TITLES[3][0])}
    with db.read() as s:
        terms = s.scalars(
            select(TopicMatch.terms).join(TopicMatch.notice).where(Notice.source == "cac")
        ).one()
    assert {
        "term": "人工智能",
        "field": "title",
        "start": 3,
        "end": 7,
        "via": "title:人工智能",
    } in terms
    assert {
        "term": "AI",
        "field": "title_en",
        "start": 32,
        "end": 34,
        "via": "title:人工智能",
    } in terms
    with db.write() as s:  # mark notified: an edit that keeps the match must not re-notify
        s.execute(TopicMatch.__table__.update().values(notified=True))
    with db.write() as s:
        update_topic(s, "AI", query="人工智能 OR 人脸识别")  # new evidence: via changes
        r = apply_topics(s, topics=[get_topic(s, "AI").id])
    assert (r.added, r.updated, r.removed) == (1, 1, 1)
    assert matches(db) == {("AI", TITLES[0][0]), ("AI", TITLES[4][0])}
    with db.read() as s:
        kept = s.scalars(
            select(TopicMatch.notified).join(TopicMatch.notice).where(Notice.source == "cac")
        ).one()
    assert kept is True
    with db.write() as s:
        assert (apply_topics(s).added, apply_topics(s).removed) == (0, 0)


def test_apply_to_some_notices_only_and_new_english_titles(db):
    with db.write() as s:
        create_topic(s, TopicSpec("Holidays", "=holidays"))  # 节假日 is an alias
        assert apply_topics(s).added == 0
        n = s.scalars(select(Notice).where(Notice.source == "govcn")).one()
        n.title_en = "Notice on the Arrangement of Some Holidays in 2024"
        s.flush()
        r = apply_topics(s, [n.id])
    assert (r.notices, r.added) == (1, 1)


def test_disabled_topics_keep_their_matches_and_bad_stored_queries_are_reported(db):
    with db.write() as s:
        create_topic(s, TopicSpec("AI", "人工智能"))
        apply_topics(s)
        update_topic(s, "AI", enabled=False)
        s.add(Topic(name="Legacy", query="a OR", position=9))  # written by an older version
    with db.write() as s:
        r = apply_topics(s)
    assert r.errors and "Legacy" in r.errors
    assert matches(db) == {("AI", TITLES[0][0])}


def test_sources_scope_a_topic(db):
    with db.write() as s:
        create_topic(s, TopicSpec("CAC rules", "办法", sources=["cac"]))
        apply_topics(s)
    assert matches(db) == {("CAC rules", TITLES[0][0]), ("CAC rules", TITLES[2][0])}


def test_rename_to_an_existing_name_and_unknown_topics_are_errors(db):
    with db.write() as s:
        create_topic(s, TopicSpec("A", "a"))
        create_topic(s, TopicSpec("B", "b"))
    with db.write() as s, pytest.raises(TopicError, match="already exists"):
        update_topic(s, "B", name="a")
    with db.write() as s, pytest.raises(TopicError, match="no topic named 'C'.*'A', 'B'"):
        delete_topic(s, "C")
    with db.write() as s, pytest.raises(TopicError, match="cannot change"):
        update_topic(s, "A", id=3)
    with db.write() as s:
        delete_topic(s, "a")  # names are matched case-insensitively
        assert [t.name for t in list_topics(s)] == ["B"]


def test_query_test_counts_and_samples_newest_first(db):
    with db.read() as s:
        r = run_query_test(s, "人工智能 OR 数据出境 OR 人脸识别", sample=2)
    assert (r.count, r.scanned) == (3, 5)
    assert [h.title for h in r.sample] == [TITLES[4][0], TITLES[2][0]]
    assert r.sample[0].explanation == "matched because: 人脸识别 (title)"
    with db.read() as s, pytest.raises(QueryError):
        run_query_test(s, "人工智能 AND")


def test_defaults_are_installed_once_and_not_again_after_the_user_deleted_them(db):
    with db.write() as s:
        n = install_default_topics(s)
        assert n >= 10 and install_default_topics(s) == 0
        for t in list_topics(s):
            delete_topic(s, t.name)
    with db.write() as s:
        assert install_default_topics(s) == 0
        assert s.get(Setting, "topics.defaults_installed").value is True


def test_defaults_are_not_installed_over_existing_topics(db):
    with db.write() as s:
        create_topic(s, TopicSpec("Mine", "算法"))
        assert install_default_topics(s) == 0
        assert [t.name for t in list_topics(s)] == ["Mine"]


def test_import_reports_conflicts_and_skips_or_replaces(db):
    with db.write() as s:
        create_topic(s, TopicSpec("Gen AI", "生成式人工智能"))
    pack = loads_pack(
        """
format = "regwatch-topics"
version = 1
[[topics]]
name = "Gen AI"
query = "大模型"
[[topics]]
name = "Robots"
query = "机器人"
colour = "#16a34a"
sources = ["miit"]
aliases = [["具身智能", "embodied AI"]]
"""
    )
    with db.write() as s:
        r = import_topics(s, pack)
    assert (r.added, r.skipped, r.replaced) == (["Robots"], ["Gen AI"], [])
    with db.write() as s:
        r = import_topics(s, pack, "replace")
        assert get_topic(s, "Gen AI").query == "大模型"
    assert r.replaced == ["Gen AI", "Robots"] and r.conflicts == r.replaced and not r.added
    with db.read() as s:
        text = export_topics(s)
    again = {t.name: t for t in loads_pack(text)}
    assert again["Robots"].sources == ["miit"] and again["Robots"].aliases == [
        ["具身智能", "embodied AI"]
    ]
