"""The query language: grammar, precedence, printing, errors (with hypothesis properties)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.topics import QueryError, match_query, parse, to_query, validate
from app.topics.ast import And, Not, Or, Term
from app.topics.guards import Guards


def T(text, field=None, **kw):
    return Term(text, field, **kw)


def test_not_binds_tighter_than_and_and_and_tighter_than_or():
    assert parse("a OR b c") == Or((T("a"), And((T("b"), T("c")))))
    assert parse("a b OR c") == Or((And((T("a"), T("b"))), T("c")))
    assert parse("-a b") == And((Not(T("a")), T("b")))
    assert parse("NOT a OR b") == Or((Not(T("a")), T("b")))
    assert parse("(a OR b) c") == And((Or((T("a"), T("b"))), T("c")))


def test_operators_in_any_case_and_space_means_and():
    assert parse("a and b") == parse("a AND b") == parse("a b")
    assert parse("a or b") == parse("a OR b")
    assert parse("not a") == parse("-a") == Not(T("a"))
    assert parse('"or"') == T("or")


def test_same_operators_are_flattened():
    assert parse("a OR (b OR c)") == Or((T("a"), T("b"), T("c")))
    assert parse("(a b) c") == And((T("a"), T("b"), T("c")))


def test_terms_phrases_fields_exact_prefix_regex():
    assert parse('title:"large  model"*') == T("large model", "title", prefix=True)
    assert parse("=AI") == T("AI", exact=True)
    assert parse("docno:/\\d+号/") == T("\\d+号", "docno", regex=True)
    assert parse("issuer:(工信部 OR 网信办)") == Or((T("工信部", "issuer"), T("网信办", "issuer")))
    assert parse("title:(a OR body:b)") == Or((T("a", "title"), T("b", "body")))
    assert parse("AI-generated") == T("AI-generated")
    assert parse('"say \\"hi\\""') == T('say "hi"')
    assert parse("http://example.org") == T("http://example.org")


@pytest.mark.parametrize(
    "query",
    [
        "人工智能 -征求意见稿",
        "title:(AI OR 算法) AND NOT body:广告",
        '"large model"* =AI',
        "/gb\\/t \\d+/",
        "a OR b c OR NOT (d OR e)",
        '"a\\\\b" "x\\"y"',
        "NOT NOT a",
    ],
)
def test_printed_queries_parse_back_to_the_same_tree(query):
    tree = parse(query)
    assert parse(to_query(tree)) == tree


@pytest.mark.parametrize(
    ("query", "reason", "column"),
    [
        ("", "empty", 1),
        ("   ", "empty", 4),
        ("a OR", "needs a term after it", 5),
        ("OR a", "needs a term before it", 1),
        ("(a", "never closed", 3),
        ("a)", "no matching '('", 2),
        ("()", "empty parentheses", 2),
        ('"abc', "never closed", 1),
        ('""', "empty", 1),
        ("- a", "'-' must be followed directly", 1),
        ("a =", "'=' must be followed directly", 3),
        ("=(a)", "'=' must be followed directly", 2),
        ("tilte:x", "unknown field 'tilte:'", 1),
        ("title: x", "must be followed directly", 7),
        ("title:body:x", "cannot follow another", 7),
        ("/[/", "invalid /regex/", 2),
        ("/(a+)+/", "could take forever", 1),
        ("/a*/", "matches empty text", 1),
        ("*", "'*' must follow a word", 1),
        ("a AND AND b", "needs a term after it, not 'AND'", 7),
    ],
)
def test_malformed_queries_name_the_problem_and_its_column(query, reason, column):
    err = validate(query)
    assert isinstance(err, QueryError)
    assert reason in err.reason
    assert err.position + 1 == column
    assert f"column {column}" in err.message


def test_caret_lines_up_under_chinese_text():
    err = validate("人工智能 AND OR 算法")
    line, caret = err.caret.splitlines()
    assert line == "人工智能 AND OR 算法"
    # four CJK characters are eight columns wide: the caret sits under the 'O' of OR
    assert caret == " " * 13 + "^"


def test_deep_nesting_and_huge_queries_are_refused_not_crashed():
    assert "nests" in validate("(" * 100 + "a" + ")" * 100).reason
    assert "nests" in validate("NOT " * 500 + "a").reason
    assert "longer than" in validate("a " * 3000).reason


# ---------------------------------------------------------------------------------------------
# Properties

WORDS = st.sampled_from(
    ["人工智能", "AI", "算法", "large model", "数据出境", "or", "a-b", "x:y", '"q"', "c*"]
)


def trees(depth: int = 3):
    term = st.builds(
        Term,
        WORDS,
        st.sampled_from([None, "title", "body", "issuer", "docno", "source", "type"]),
        exact=st.booleans(),
        prefix=st.booleans(),
    )
    if depth == 0:
        return term
    sub = trees(depth - 1)
    return st.one_of(
        term,
        st.builds(Not, sub),
        st.builds(lambda xs: And(tuple(xs)), st.lists(sub, min_size=2, max_size=3)),
        st.builds(lambda xs: Or(tuple(xs)), st.lists(sub, min_size=2, max_size=3)),
    )


def _flatten(node):
    """The canonical form the parser produces (nested AND in AND, OR in OR merged)."""
    if isinstance(node, Term):
        return node
    if isinstance(node, Not):
        return Not(_flatten(node.child))
    kids = []
    for c in map(_flatten, node.children):
        kids.extend(c.children if type(c) is type(node) else [c])
    return type(node)(tuple(kids))


@given(trees())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_printing_any_tree_parses_back_to_it(tree):
    tree = _flatten(tree)
    assert parse(to_query(tree)) == tree


QUERY_TEXT = st.text(
    alphabet=st.sampled_from(list('ab 人工AI()"-=:*/\\或tilebodyORANDNOT\t\u3000ＡＩ〔〕')),
    max_size=40,
)


@given(QUERY_TEXT)
@settings(max_examples=600)
def test_a_query_and_its_printed_parse_agree(query):
    try:
        tree = parse(query)
    except QueryError:
        return
    assert parse(to_query(tree)) == tree


@given(st.one_of(st.text(max_size=60), QUERY_TEXT))
@settings(max_examples=600)
def test_garbage_queries_raise_nothing_but_query_error(query):
    try:
        parse(query)
    except QueryError as exc:
        assert 0 <= exc.position <= len(query)
        assert exc.caret.count("\n") == 1
        return
    match_query(query, {"title": query, "body": query})  # a parsed query also compiles and runs


NOTICE = st.fixed_dictionaries(
    {},
    optional={
        "title": st.text(alphabet="人工智能算法数据出境AIai ＡＩ-", max_size=12),
        "title_en": st.text(alphabet="AI large model data ", max_size=20),
        "body": st.text(alphabet="人工智能算法AI x", max_size=12),
        "issuer": st.lists(st.sampled_from(["工信部", "网信办", "AI Office"]), max_size=2),
    },
)


@given(trees(2), NOTICE)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_not_never_matches_what_the_query_matches(tree, notice):
    """Boolean logic only: without guards (a broad term found only in the body does not count,
    guards.py, so then neither a query nor its negation fires)."""
    query = to_query(_flatten(tree))
    positive = match_query(query, notice, guards=Guards()) is not None
    negative = match_query(f"NOT ({query})", notice, guards=Guards()) is not None
    assert positive != negative
