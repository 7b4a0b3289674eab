"""The matcher: text rules, fields, aliases, scopes, regexes and the explanation of each match."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.topics import Glossary, Matcher, TopicQuery, match_query
from app.topics.guards import Guards
from app.topics.normalise import OffsetMap, normalise


def hit(query, **notice):
    return match_query(query, notice)


def spans(h):
    return [(x.term, x.field, x.start, x.end) for x in h.hits]


def test_chinese_terms_match_inside_words_latin_terms_on_word_boundaries():
    assert hit("智能", title="生成式人工智能服务")
    assert hit("AI", title="生成式AI服务")
    assert hit("AI", title_en="AI-generated content")
    assert not hit("AI", title_en="MAIL services")
    assert not hit("AI", title_en="AIGC")
    assert not hit("AI", title_en="naïve AIé")  # é is a Latin letter, so no boundary
    assert hit("5G", title="关于推进5G规模化应用的通知")
    assert hit("生成式AI", title="生成式AI服务")
    assert not hit("生成式AI", title="生成式AIGC服务")


def test_text_is_nfkc_normalised_and_case_folded():
    assert hit("ai", title="ＡＩ应用")
    assert hit('"(试行)"', title="科技伦理审查办法（试行）")
    assert hit('"[2024]"', doc_number="工信部〔2024〕1号")
    assert hit('"artificial intelligence"', title_en="ARTIFICIAL   INTELLIGENCE") is None
    assert hit('"artificial intelligence"', title_en="Artificial Intelligence")


def test_fields_restrict_where_a_term_looks():
    n = {
        "title": "算法推荐管理规定",
        "title_en": "Algorithm rules",
        "body": "人脸识别",
        "issuer": ["国家互联网信息办公室", "工业和信息化部"],
        "doc_number": "国信办〔2021〕1号",
        "source": "cac_zcfg",
        "doc_type": "部门规章",
    }
    assert match_query("title:algorithm", n)
    assert not match_query("title:人脸识别", n)
    assert match_query("body:人脸识别", n)
    assert match_query("issuer:工业和信息化部", n)
    assert match_query("docno:国信办", n)
    assert match_query("source:cac", n)  # the underscore is a word boundary
    assert match_query("type:规章", n)
    assert not match_query("规章", n)  # doc_type is only searched with type:
    assert not match_query("=cac_zcfg", n)  # nor is the source key
    assert match_query("cac", n)  # but CAC is an alias of the issuer 国家互联网信息办公室


def test_aliases_expand_both_ways_and_equals_switches_them_off():
    assert hit("人工智能", title_en="Generative Artificial Intelligence Services")
    assert hit('"large model"', title="大模型备案")
    assert hit("大模型", title_en="Security of Foundation Models")
    assert not hit("=人工智能", title_en="Artificial Intelligence")
    g = Glossary.from_groups([["具身智能", "embodied AI"]])
    assert match_query("具身智能", {"title_en": "embodied AI"}, g)
    assert not match_query("具身智能", {"title_en": "artificial intelligence"}, g)


def test_a_topic_adds_its_own_alias_groups():
    topics = [TopicQuery("t", "文生视频", aliases=(("文生视频", "text-to-video"),))]
    [h] = Matcher(topics).match({"title_en": "Rules for text-to-video services"})
    assert h.terms == ["text-to-video"]
    assert not Matcher([TopicQuery("u", "文生视频")]).match({"title_en": "text-to-video"})


def test_source_scope():
    m = Matcher([TopicQuery("cac only", "算法", sources=("cac",)), TopicQuery("all", "算法")])
    assert [h.name for h in m.match({"title": "算法", "source": "cac_zqyj"})] == ["cac only", "all"]
    assert [h.name for h in m.match({"title": "算法", "source": "miit"})] == ["all"]


def test_regex_is_searched_in_normalised_text_and_only_when_needed():
    assert hit(r"docno:/\[20\d\d\]\d+号/", doc_number="工信部〔2024〕12号")
    assert not hit(r"docno:/\[19\d\d\]/", doc_number="工信部〔2024〕12号")
    m = Matcher([TopicQuery("r", r"算法 /x+y/")])
    assert not m.match({"title": "无关"})  # gated by the literal term: regex never runs


def test_explanation_offsets_point_into_the_original_text():
    title = "ﬁ㈠（ＡＩ）生成式人工智能服务"
    h = hit("AI 生成式人工智能", title=title)
    for term, field, start, end in spans(h):
        assert field == "title"
        assert normalise(title[start:end]) == normalise(term) or term == "AI"
    found = {title[s:e] for _, _, s, e in spans(h)}
    assert {"ＡＩ", "生成式人工智能"} <= found


def test_explanation_names_the_alias_that_fired_and_its_query_term():
    h = hit("title:生成式人工智能", title="生成式人工智能服务", title_en="generative AI services")
    assert h.explain() == "matched because: 生成式人工智能 (title), generative AI (title_en)"
    assert {x.via for x in h.hits} == {"title:生成式人工智能"}
    assert h.hits[1].to_json() == {
        "term": "generative AI",
        "field": "title_en",
        "start": 0,
        "end": 13,
        "via": "title:生成式人工智能",
    }


def test_excluded_and_irrelevant_terms_are_never_claimed():
    h = hit("(算法 AND 标准) OR 人脸识别 -广告", title="人脸识别 算法")
    assert h.terms == ["人脸识别"]  # 算法 fired, but its AND branch was false
    h = hit("-广告 -节假日", title="算法推荐")
    assert h.hits == () and h.terms == []
    assert h.explain() == "matched because none of the excluded terms appear (广告, 节假日)"


def test_a_stored_topic_that_no_longer_parses_is_skipped_not_fatal():
    m = Matcher([TopicQuery("bad", "a OR"), TopicQuery("good", "算法")])
    assert list(m.errors) == ["bad"]
    assert [h.name for h in m.match({"title": "算法"})] == ["good"]


def test_missing_and_odd_fields_are_tolerated():
    m = Matcher([TopicQuery("t", "算法 OR 2024")])
    assert m.match({}) == []
    assert m.match({"title": None, "issuer": None}) == []
    assert [h.name for h in m.match({"title": 2024})] == ["t"]

    class N:
        title = "算法"
        issuers = None

    assert m.match(N())


def test_offset_map_handles_length_changes():
    for text in ["ﬁle AI", "㈠人工智能", "e\u0301tude AI", "Straße AI", "生成式ＡＩ"]:
        om = OffsetMap(text)
        norm = normalise(text)
        i = norm.index("ai") if "ai" in norm else norm.index("人")
        s, e = om.start(i), om.end(i + 2 if "ai" in norm else i + 1)
        assert normalise(text[s:e]).startswith(norm[i])


# ---------------------------------------------------------------------------------------------
# Property: the automaton-based matcher agrees with a plain regex reference implementation.

VOCAB = ["人工智能", "算法", "AI", "ai", "data", "数据出境", "MAIL", "models"]
FIELDS = {"title": ("title", "title_en"), "body": ("body",), None: ("title", "title_en", "body")}


def reference(query_terms, op, negate, notice):
    def has(term, field):
        for f in FIELDS[field]:
            text = normalise(notice.get(f, ""))
            t = normalise(term)
            if re.search(r"[a-z0-9]", t):
                if re.search(rf"(?<![a-z0-9]){re.escape(t)}(?![a-z0-9])", text):
                    return True
            elif t in text:
                return True
        return False

    vals = [has(t, f) for t, f in query_terms]
    v = all(vals) if op == "AND" else any(vals)
    return not v if negate else v


@given(
    st.lists(
        st.tuples(st.sampled_from(VOCAB), st.sampled_from([None, "title", "body"])),
        min_size=1,
        max_size=3,
    ),
    st.sampled_from(["AND", "OR"]),
    st.booleans(),
    st.fixed_dictionaries(
        {
            "title": st.lists(st.sampled_from([*VOCAB, " ", "-", "服务", "x"]), max_size=5).map(
                "".join
            ),
            "body": st.lists(st.sampled_from([*VOCAB, " ", "的"]), max_size=5).map("".join),
        }
    ),
)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_matcher_agrees_with_a_reference_implementation(terms, op, negate, notice):
    query = f" {op} ".join(f"{f + ':' if f else ''}={t}" for t, f in terms)
    if negate:
        query = f"NOT ({query})"
    # The query language itself, without the precision guards (tests/test_topics_guards.py).
    found = match_query(query, notice, guards=Guards())
    assert (found is not None) == reference(terms, op, negate, notice)
