"""Every real capture of the live sites parses to what a person reading the page sees."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from scrapers.base import ListItem, Notice, get_source

ROOT = Path(__file__).resolve().parent / "fixtures" / "realpages"
EXPECTED = json.loads((ROOT / "expected.json").read_text(encoding="utf-8"))


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _notice_fields(n: Notice) -> dict:
    return {
        "title": n.title,
        "published_date": _iso(n.published_date),
        "issuers": n.issuers,
        "doc_number": n.doc_number,
        "written_date": _iso(n.written_date),
        "source_label": n.source_label,
        "comment_deadline": _iso(n.comment_deadline),
        "attachments": [{"name": a.name, "url": a.url} for a in n.attachments],
    }


def _row(item: ListItem, want: dict) -> dict:
    got = {"url": item.url, "title": item.title, "date": _iso(item.date)}
    if "extra" in want:
        got["extra"] = {k: _iso(item.extra.get(k)) for k in want["extra"]}
    return got


def test_every_capture_has_an_expectation():
    files = {
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*")
        if p.is_file() and p.suffix != ".txt" and p.name not in ("expected.json", "README.md")
    }
    assert files == set(EXPECTED)
    assert len(files) >= 30


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_capture_parses_to_its_expected_rows_and_fields(name):
    exp = EXPECTED[name]
    result = get_source(exp["source"]).parse((ROOT / name).read_bytes(), exp["url"])
    if "notice" in exp:
        assert isinstance(result, Notice)
        assert _notice_fields(result) == exp["notice"]
        return
    assert isinstance(result, list) and len(result) == exp["count"]
    assert [_row(i, w) for i, w in zip(result, exp["items"], strict=False)] == exp["items"]


def test_live_miit_rows_take_the_hidden_endtime_as_comment_deadline():
    exp = EXPECTED["miit/VARIANT_restored__zhurenweng__miit__list.json"]
    items = get_source("miit").parse(
        (ROOT / "miit/VARIANT_restored__zhurenweng__miit__list.json").read_bytes(), exp["url"]
    )
    # 1791907200000 ms = 2026-10-14 00:00 Beijing: the date the article asks comments by.
    row = next(i for i in items if i.url.endswith("art_ebc8c235df1b4582bcbdb5b54a1d0125.html"))
    assert row.extra["comment_deadline"] == dt.date(2026, 10, 14)
    assert all(i.extra["comment_deadline"] > i.date for i in items)


def test_cac_download_links_are_attachments_named_by_their_text():
    exp = EXPECTED["cac/VARIANT_detokenised__zhurenweng__2026-06_26_c_1784217637474922.htm"]
    names = [a["name"] for a in exp["notice"]["attachments"]]
    assert names == [
        "政务移动互联网应用程序管理要求（征求意见稿）",
        "编制说明",
        "强制性国家标准反馈意见表",
    ]
    assert all("downloadfile.jsp?filepath=" in a["url"] for a in exp["notice"]["attachments"])
