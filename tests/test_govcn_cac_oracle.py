"""Every gov.cn / CAC file of the replay corpus parses to what expected.json says."""

from __future__ import annotations

import json

import pytest

from scrapers.base import Notice, get_source
from scrapers.cac import parse_json_list, parse_list_page
from scrapers.text import clean_text
from tests.corpus import corpus_file, expected, expected_details, expected_lists, split_key

PREFIXES = ("govcn_", "cac_")


def _iso(d):
    return d.isoformat() if d else None


def notice_fields(n: Notice) -> dict:
    return {
        "title": n.title,
        "issuer": n.issuers or None,
        "doc_number": n.doc_number,
        "written_date": _iso(n.written_date),
        "publish_date": _iso(n.published_date),
        "source_label": n.source_label,
        "comment_deadline": _iso(n.comment_deadline),
        "attachments": [{"name": a.name, "url": a.url} for a in n.attachments],
    }


def check_notice(n: Notice, det: dict) -> list[str]:
    """Differences between a parsed notice and an oracle entry (empty: all good)."""
    problems = []
    got = notice_fields(n)
    lenient = set(det.get("lenient_fields") or [])
    for key, actual in got.items():
        if key not in det:
            continue
        want = det[key]
        if key in lenient and actual is None:
            continue
        if actual != want:
            problems.append(f"{key}: got {actual!r}, want {want!r}")
    body = clean_text(n.body)
    for needle in det.get("body_must_contain", []):
        if clean_text(needle) not in body:
            problems.append(f"body lacks {needle!r}")
    return problems


DETAILS = list(expected_details(PREFIXES))


@pytest.mark.parametrize(("snap", "url", "det"), DETAILS, ids=[u for _, u, _ in DETAILS])
def test_detail_pages_match_the_oracle(snap, url, det):
    source, _ = split_key(det["source"])
    path = corpus_file(url, snap)
    assert path is not None, url
    notice = get_source(source).parse(path.read_bytes(), url)
    assert isinstance(notice, Notice)
    assert check_notice(notice, det) == []
    assert notice.rules, "parsers record which rules matched"


def test_every_govcn_and_cac_detail_is_covered():
    assert len(DETAILS) == 30


def _items(items):
    return [{"url": i.url, "title": i.title, "date": _iso(i.date)} for i in items]


def _want(lst):
    return [{"url": i["url"], "title": i["title"], "date": i["date"]} for i in lst["items"]]


GOV_LISTS = [x for x in expected_lists(("govcn_",))]


@pytest.mark.parametrize(
    ("snap", "key", "lst"), GOV_LISTS, ids=[f"{s}-{k}" for s, k, _ in GOV_LISTS]
)
def test_govcn_lists_match_the_oracle(snap, key, lst):
    source, channel = split_key(key)
    list_url = expected()["sources"][key]["list_url"]
    path = corpus_file(list_url, snap)
    items = get_source(source).parse(path.read_bytes(), list_url)
    assert _items(items) == _want(lst)


CAC_LISTS = [x for x in expected_lists(("cac_",))]


@pytest.mark.parametrize(
    ("snap", "key", "lst"), CAC_LISTS, ids=[f"{s}-{k}" for s, k, _ in CAC_LISTS]
)
def test_cac_html_page_and_json_pages_match_the_oracle(snap, key, lst):
    src = expected()["sources"][key]
    code = src["paging"]["form"]["channelCode"]
    html = corpus_file(src["list_url"], snap)
    rows = parse_list_page(html.read_bytes(), src["list_url"])
    want = _want(lst)
    assert _items(rows) == want[: len(rows)]
    json_rows = []
    for pageno in range(1, 5):
        form = {"channelCode": code, "perPage": "10", "pageno": str(pageno)}
        f = corpus_file("https://www.cac.gov.cn/cms/JsonList", snap, method="POST", form=form)
        page = parse_json_list(f.read_bytes(), "https://www.cac.gov.cn/cms/JsonList")
        if not page:
            assert json.loads(f.read_bytes())["list"] == []
            break
        json_rows += page
    assert _items(json_rows) == want
