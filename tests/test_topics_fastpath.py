"""The fast path (a batch scanned a field at a time, topics as set algebra) against the explaining
path (the query tree walked term by term) on occurrences found by str.find."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.topics import Matcher, TopicQuery, to_query
from app.topics.ast import And, Not, Or, Term
from app.topics.explain import NoticeScan, contributing, find_occurrences
from app.topics.guards import Guards
from app.topics.matcher import notice_fields
from app.topics.normalise import normalise
from app.topics.scan import clean

WORDS = [
    "人工智能",
    "AI",
    "ai",
    "算法",
    "large model",
    "model",
    "数据",
    "数据出境",
    "〔2024〕",
    "é",
]
FIELDS = [None, None, "title", "body", "issuer", "docno", "source", "type"]


def term():
    return st.builds(
        Term,
        st.sampled_from(WORDS),
        st.sampled_from(FIELDS),
        exact=st.booleans(),
        prefix=st.booleans(),
    )


def trees(depth: int = 2):
    regex = st.builds(Term, st.sampled_from(["ai|数据", r"\d+", "^人"]), regex=st.just(True))
    leaf = st.one_of(term(), term(), term(), regex)
    if depth == 0:
        return leaf
    sub = trees(depth - 1)
    return st.one_of(
        leaf,
        st.builds(Not, sub),
        st.builds(lambda xs: And(tuple(xs)), st.lists(sub, min_size=2, max_size=3)),
        st.builds(lambda xs: Or(tuple(xs)), st.lists(sub, min_size=2, max_size=3)),
    )


TEXT = st.lists(
    st.sampled_from(
        WORDS + ["ＡＩ", "Model", "models", "x", " ", "-", "、", "\0", "é", "e\u0301", "ﬁ", "2024"]
    ),
    max_size=8,
).map("".join)
NOTICES = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "title": TEXT,
            "title_en": TEXT,
            "body": TEXT,
            "issuer": st.lists(TEXT, max_size=2),
            "doc_number": TEXT,
            "source": st.sampled_from(["cac_zqyj", "miit", "govcn", "AI_x"]),
            "doc_type": TEXT,
        },
    ),
    min_size=1,
    max_size=12,
)
TOPICS = st.lists(
    st.tuples(trees(), st.sampled_from([None, ("cac",), ("miit", "govcn")])), min_size=1, max_size=5
)


def explained(m: Matcher, notice) -> list[str]:
    """The explaining path: which topics match, from each pattern's str.find occurrences."""
    texts = tuple(map(clean, notice_fields(notice)))
    scan = NoticeScan(m, texts, normalise("\0".join(texts)))
    for pid, text in enumerate(m.pattern_text):  # the automaton agrees with str.find
        assert scan.occurrences(pid) == find_occurrences(scan.norm, scan.starts, text)
    fired = {
        tid
        for tid, info in enumerate(m.terms)
        if info.regex is None
        for pid, _ in info.patterns
        for f, _, _, right_ok in find_occurrences(scan.norm, scan.starts, m.pattern_text[pid])
        if info.mask >> f & 1 and (right_ok or info.term.prefix)
    }
    source = texts[5]
    out = []
    for ct in m.topics:
        if ct.scope and source not in ct.scope and source.split("_", 1)[0] not in ct.scope:
            continue
        if contributing(ct.plan, fired, scan.regex, set()):
            out.append(ct.topic.name)
    return out


@given(TOPICS, NOTICES)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fast_path_and_explaining_path_agree(topics, notices):
    m = Matcher(
        (TopicQuery(f"t{i}", to_query(tree), sources) for i, (tree, sources) in enumerate(topics)),
        guards=Guards(),  # the guards have their own tests (test_topics_guards.py)
    )
    assert not m.errors
    batch = m.match_batch([notice_fields(n) for n in notices])
    which = m.which_batch([notice_fields(n) for n in notices])
    for notice, hits, idx in zip(notices, batch, which, strict=True):
        expected = explained(m, notice)
        assert [h.name for h in hits] == expected
        assert [m.topics[i].topic.name for i in idx] == expected
        assert [h.name for h in m.match(notice)] == expected
        for h in hits:  # a match names its evidence, or the absent terms it rests on
            assert h.hits or h.explain().startswith("matched because none")


def test_many_notices_in_batches_give_the_same_as_one_by_one():
    m = Matcher(
        [TopicQuery("ai", "=AI OR =人工智能 -征求意见稿"), TopicQuery("re", "title:/\\d+号/")]
    )
    notices = [
        {"title": f"关于人工智能的通知{i}号", "title_en": "AI" * (i % 3)} for i in range(1200)
    ]
    notices[6]["title"] += "（征求意见稿）"
    many = [[(h.name, h.hits) for h in hits] for hits in m.match_many(notices, batch=500)]
    one = [[(h.name, h.hits) for h in m.match(n)] for n in notices]
    assert many == one
    assert [h.name for h in m.match(notices[6])] == ["re"]


def test_a_nul_inside_a_field_stays_in_that_field():
    m = Matcher([TopicQuery("t", "body:人工智能"), TopicQuery("u", "title:AI")])
    notices = [{"title": "AI\0人工", "body": "智能"}, {"title": "x", "body": "人工\0智能"}]
    assert [[h.name for h in hs] for hs in m.match_many(notices)] == [["u"], []]
    (hit,) = m.match(notices[0])
    assert [(x.field, x.start, x.end) for x in hit.hits] == [("title", 0, 2)]
