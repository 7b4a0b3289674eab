"""Precision guards (guards.py): agency names and false friends mask the terms inside them, and a
broad term found only in the body needs a second term. The same on every path: the fast scan,
the explanation, a regex topic and the corpus-cache scan."""

from __future__ import annotations

import pytest

from app.topics import Matcher, TopicQuery, match_query
from app.topics.errors import TopicError
from app.topics.guards import Guards, default_guards, drop_masked, load_guards

CAC = "中央网络安全和信息化委员会办公室"


def names(m: Matcher, notice) -> list[str]:
    return [h.name for h in m.match(notice)]


def test_a_term_inside_an_agency_name_does_not_fire_in_any_field():
    for notice in [
        {"title": f"{CAC}关于开展专项行动的通知"},
        {"issuer": [CAC]},
        {"body": f"经{CAC}同意"},
        {"title_en": "Notice of the Ministry of Industry and Information Technology"},
    ]:
        assert (
            match_query("网络安全 OR 信息化 OR 互联网信息 OR information technology", notice)
            is None
        )


def test_the_agency_itself_is_still_searchable():
    assert match_query("issuer:网信办", {"issuer": ["中央网信办"]})
    hit = match_query("中央网络安全和信息化委员会办公室", {"issuer": [CAC]})
    assert [(h.term, h.field, h.start, h.end) for h in hit.hits] == [(CAC, "issuer", 0, 16)]
    assert match_query("MIIT", {"title_en": "MIIT notice"})


def test_a_subject_next_to_an_agency_name_still_fires_and_explains_only_itself():
    notice = {"title": "网络安全法", "issuer": [CAC]}
    hit = match_query("网络安全", notice)
    assert [(h.field, h.start, h.end) for h in hit.hits] == [("title", 0, 4)]
    assert hit.explain() == "matched because: 网络安全 (title)"


def test_false_friends():
    assert match_query("算法", {"title": "中华人民共和国预算法实施条例"}) is None
    assert match_query("算法", {"title": "预算法与算法推荐"})  # the second one counts
    assert match_query("信息", {"title": "政府信息公开工作要点"}) is None
    assert match_query("数据", {"title": "统计数据质量"}) is None
    assert match_query("数字人", {"title": "数字人民币试点"}) is None


def test_a_broad_term_in_the_body_alone_does_not_match():
    assert match_query("人工智能", {"body": "推动人工智能与实体经济融合"}) is None
    assert match_query("body:人工智能", {"body": "推动人工智能与实体经济融合"}) is None


def test_a_broad_term_in_the_body_counts_with_a_second_term_or_a_title_hit():
    body = {"body": "推动人工智能与算力发展"}
    hit = match_query("人工智能 OR 算力", body)
    assert hit.explain() == "matched because: 人工智能 (body), 算力 (body)"
    assert match_query("人工智能", {"title": "人工智能+", "body": "人工智能"})
    assert match_query("人工智能 OR 生成式", {"body": "生成式技术"})  # not broad: counts alone


def test_a_negated_term_is_no_second_term():
    assert match_query("人工智能 -算力", {"body": "推动人工智能"}) is None
    assert match_query("人工智能 OR NOT 算力", {"body": "人工智能与算力"}) is None


def test_the_body_rule_applies_to_topics_with_a_regex_too():
    q = "人工智能 OR /第\\d+号/"
    assert match_query(q, {"body": "推动人工智能"}) is None
    assert match_query(q, {"body": "推动人工智能", "title": "第3号"})


def test_without_guards_the_query_language_is_plain():
    plain = Guards()
    assert match_query("人工智能", {"body": "人工智能"}, guards=plain)
    assert match_query("网络安全", {"issuer": [CAC]}, guards=plain)


def test_each_topic_decides_for_itself():
    m = Matcher([TopicQuery("a", "人工智能"), TopicQuery("b", "人工智能 OR 算力")])
    assert names(m, {"body": "人工智能与算力"}) == ["b"]


def test_drop_masked_keeps_what_lies_outside_or_cannot_be_masked():
    hits = [(0, 0, 4), (1, 2, 6), (9, 1, 5), (2, 1, 5), (3, 2, 4)]  # 9 is a mask over [1, 5)
    kept = drop_masked(hits, 9, frozenset({0, 1, 3}))
    assert sorted(kept) == [(0, 0, 4), (1, 2, 6), (2, 1, 5)]  # 2 is not maskable: kept as is
    assert drop_masked(hits[:2], 9, frozenset({0, 1})) == hits[:2]


def test_only_masks_that_can_hide_a_pattern_are_searched():
    m = Matcher([TopicQuery("t", "网络安全 OR 网信办")])
    assert "中央网络安全和信息化委员会办公室" in m.masks and "国务院办公厅" not in m.masks
    maskable = {m.pattern_text[p] for p in m.maskable}
    assert "网络安全" in maskable and "网信办" not in maskable  # it names a mask: exempt


def test_the_shipped_guards_hold_the_glossary_issuers():
    g = default_guards()
    assert "国家互联网信息办公室" in g.masks and "国家卫生健康委员会" in g.masks
    assert "预算法" in g.masks and g.is_broad("人工智能") and not g.is_broad("生成式人工智能")
    assert not any(m.isascii() and len(m) <= 5 for m in g.masks)  # no bare acronyms


def test_a_broken_guards_file_is_named():
    with pytest.raises(TopicError, match="guards file is not valid TOML"):
        load_guards("masks = [")
    with pytest.raises(TopicError, match="not a string"):
        load_guards("[masks]\nagencies = [1]")
