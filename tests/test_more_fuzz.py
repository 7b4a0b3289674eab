"""Fuzz: random and mutated corpus pages/answers never crash the parsers (only ScrapeError)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers import jpaas
from scrapers.base import ListItem, Notice, ScrapeError, get_source
from scrapers.text import extract_comment_deadline, signature_block
from tests.more_corpus import corpus_files

FILES = corpus_files()
SAMPLES = [(key, url, path.read_bytes()) for key, url, path in FILES]
FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HTML_BITS = st.sampled_from(
    [
        b"<",
        b">",
        b"</div>",
        b"<li class='cf'>",
        b"<a href='//x'>",
        b'<a href="javascript:alert(1)">',
        b"<iframe fileurl='http://[::1'>",
        b"\xff\xfe",
        b"\x00",
        b'"',
        b"'",
        b"{",
        b"}",
        b"\\u0000",
        "发文机关：".encode(),
        "请于2025年13月40日前".encode(),
        b"<script url='/build/unit' queryData=\"{'a':\">",
        b"null",
        b"[]",
    ]
)


@st.composite
def mutated(draw):
    key, url, content = draw(st.sampled_from(SAMPLES))
    data = bytearray(content)
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["cut", "insert", "dup", "flip"]))
        i = draw(st.integers(0, max(0, len(data) - 1)))
        j = draw(st.integers(i, min(len(data), i + 400)))
        if op == "cut":
            del data[i:j]
        elif op == "insert":
            data[i:i] = draw(HTML_BITS | st.binary(max_size=40))
        elif op == "dup":
            data[i:i] = data[i:j]
        elif data:
            data[i] = draw(st.integers(0, 255))
    return key, url, bytes(data)


def _check(result):
    assert isinstance(result, Notice) or (
        isinstance(result, list) and all(isinstance(i, ListItem) for i in result)
    )
    items = [result] if isinstance(result, Notice) else result
    for item in items:
        assert item.url.startswith("https://")


@FUZZ
@given(mutated())
def test_mutated_corpus_pages_never_crash_a_parser(sample):
    key, url, content = sample
    try:
        _check(get_source(key).parse(content, url))
    except ScrapeError:
        pass


@FUZZ
@given(st.sampled_from(SAMPLES), st.binary(max_size=2000))
def test_random_bytes_never_crash_a_parser(sample, content):
    key, url, _ = sample
    try:
        _check(get_source(key).parse(content, url))
    except ScrapeError:
        pass


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
API_URLS = [
    ("miit", "https://www.miit.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"),
    ("miit", "https://www.miit.gov.cn/search-front-server/api/search/info"),
    ("sac", "https://www.sac.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"),
    ("std_samr", "https://std.samr.gov.cn/gb/search/gbProcessInfoPage"),
    ("std_samr", "https://std.samr.gov.cn/gb/search/gbQueryPage"),
]
KEYS = st.sampled_from(
    ["success", "data", "html", "rows", "total", "id", "C_C_NAME", "searchResult", "dataResults"]
)
SHAPED = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=40)
    | HTML_BITS.map(lambda b: b.decode("utf-8", "replace")),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


@FUZZ
@given(st.sampled_from(API_URLS), JSON | SHAPED)
def test_odd_json_answers_never_crash_a_parser(api, value):
    key, url = api
    try:
        _check(get_source(key).parse(json.dumps(value).encode(), url))
    except ScrapeError:
        pass


@FUZZ
@given(st.text(max_size=300))
def test_text_helpers_never_raise(text):
    extract_comment_deadline(text)
    signature_block(text.split("\n"))


@FUZZ
@given(st.text(max_size=300))
def test_row_and_script_readers_never_raise_anything_but_scrape_errors(html):
    for fn in (
        lambda: jpaas.parse_rows(html, "https://www.miit.gov.cn/x"),
        lambda: jpaas.find_unit_script(html, "https://www.miit.gov.cn/x"),
    ):
        try:
            fn()
        except ScrapeError:
            pass
