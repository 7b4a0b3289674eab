"""apply_topics trusting current evidence, and test_query's SQL prefilter (SQLite and PostgreSQL)."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.topics import Glossary, Matcher, TopicQuery, TopicSpec
from app.topics.apply import EVIDENCE_SETTING
from app.topics.normalise import normalise
from app.topics.prefilter import _LAST_INTERESTING, safe_run
from app.topics.store import apply_topics, create_topic, update_topic
from app.topics.store import test_query as run_query_test
from storage.models import Notice, Setting, TopicMatch


def _notice(s, i: int, title: str, title_en: str | None = None, body: str = "") -> Notice:
    n = Notice(source="cac", url=f"https://example.gov.cn/{i}", title=title, title_en=title_en)
    n.body = body
    n.issuers = ["国家互联网信息办公室"]
    s.add(n)
    s.flush()
    return n


def _terms(db) -> list:
    with db.read() as s:
        return [list(t) for t in s.scalars(select(TopicMatch.terms).order_by(TopicMatch.notice_id))]


def test_a_rerun_trusts_current_evidence_and_refreshes_it_after_an_edit(db):
    with db.write() as s:
        n = _notice(s, 1, "人工智能安全治理框架")
        _notice(s, 2, "无关的通知")
        create_topic(s, TopicSpec("AI", "title:人工智能"))
        r = apply_topics(s)
        assert (r.added, r.updated) == (1, 0)
        assert s.get(Setting, EVIDENCE_SETTING) is not None
    assert _terms(db)[0][0]["start"] == 0
    with db.write() as s:
        s.execute(TopicMatch.__table__.update().values(notified=True))
    with db.write() as s:
        assert (apply_topics(s).updated, apply_topics(s).added) == (0, 0)
        s.get(Notice, n.id).title = "关于人工智能安全治理框架的说明"  # same match, new offsets
    with db.write() as s:
        r = apply_topics(s)
    assert (r.added, r.updated, r.removed) == (0, 1, 0)
    assert _terms(db)[0][0]["start"] == 2
    with db.write() as s:
        update_topic(s, "AI", query="title:治理框架")  # an edited query: evidence recomputed
        r = apply_topics(s)
        assert (r.added, r.updated, r.removed) == (0, 1, 0)
        assert s.scalars(select(TopicMatch.notified)).one() is True
    assert _terms(db)[0][0]["term"] == "治理框架"


def test_a_partial_run_with_another_glossary_withdraws_the_trust(db):
    with db.write() as s:
        _notice(s, 1, "AI安全治理框架")
        t = create_topic(s, TopicSpec("AI", "title:=算法 OR title:治理"))
        apply_topics(s)
        assert s.get(Setting, EVIDENCE_SETTING) is not None
        apply_topics(s, topics=[t.id], glossary=Glossary.from_groups([["治理", "AI"]]))
        assert s.get(Setting, EVIDENCE_SETTING) is None
        apply_topics(s)  # a full run with the default glossary: trusted again afterwards
        assert s.get(Setting, EVIDENCE_SETTING) is not None
    assert [h["term"] for h in _terms(db)[0]] == ["治理"]


QUERIES = [
    "=人工智能",
    "人工智能",
    "title:(=人形机器人 OR =具身智能) -征求意见稿",
    "=数据出境 AND body:=安全评估",
    "=株式会社 OR =ＡＩ",
    "NOT =人工智能",
    "issuer:=网信办 OR issuer:=信息办公室",
    "title:/\\d+号/",
]
TEXTS = [
    ("⼈⼯智能的发展", None, ""),  # Kangxi radicals: NFKC makes them 人工智能
    ("人工智能安全治理", "AI governance", "数据出境安全评估"),
    ("人形机器人（征求意见稿）", None, ""),
    ("具身智能", None, "数据出境与安全评估"),
    ("㍿の通知", None, "ａｉ"),  # ㍿ is 株式会社 after NFKC
    ("第3号公告", None, "人工 智能"),
]


def test_query_tests_with_a_prefilter_count_what_the_matcher_counts(db):
    with db.write() as s:
        for i, (title, en, body) in enumerate(TEXTS):
            _notice(s, i, title, en, body)
    notices = [
        {"title": t, "title_en": e, "body": b, "issuer": ["国家互联网信息办公室"]}
        for t, e, b in TEXTS
    ]
    for q in QUERIES:
        m = Matcher([TopicQuery("q", q)])
        expected = sum(bool(h) for h in m.match_many(notices))
        with db.read() as s:
            r = run_query_test(s, q)
        assert (q, r.count, r.scanned) == (q, expected, len(TEXTS))


def test_only_code_points_below_the_scanned_range_change_under_normalisation():
    for cp in range(_LAST_INTERESTING, sys.maxunicode + 1, 1):
        ch = chr(cp)
        assert not unicodedata.decomposition(ch) and ch.casefold() == ch, hex(cp)


TRICKY = st.text(
    alphabet=st.sampled_from(
        list("人工智能数据⼈⼯株式会社㍿ＡＩai（）()〔〕[] \u3000ﬁfie\u0301é가각ᄀ")
    ),
    max_size=12,
)


@given(TRICKY, TRICKY)
@settings(max_examples=500)
def test_a_safe_run_of_a_pattern_found_in_normalised_text_is_in_the_raw_text(text, pattern):
    p = " ".join(normalise(pattern).split())
    if p and p in normalise(text):
        assert safe_run(p) in text
