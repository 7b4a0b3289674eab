"""Fetching the replay corpus: every expected list item stored once with its fields; at t2
exactly the new items are new; details (for sources whose parsers landed) match the oracle."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from storage.models import Notice
from tests.pipeline.conftest import EXPECTED
from tests.pipeline.corpus import (
    all_channels_config,
    assert_state,
    channel_map,
    corpus_sources,
    norm,
)
from tests.pipeline_sources import TEST_SOURCES

LIST_FIELDS = ("plan_code", "standard_number", "stage")
DETAIL_FIELDS = {
    "doc_number": "doc_number",
    "written_date": "written_date",
    "publish_date": "published_date",
    "source_label": "source_label",
    "comment_deadline": "comment_deadline",
    "effective_date": "effective_date",
    "standard_number": "standard_number",
    "plan_code": "plan_code",
    "stage": "stage",
}


def _iso(value):
    return value.isoformat() if isinstance(value, dt.date) else value


def _stored(db) -> dict[str, Notice]:
    with db.read() as s:
        return {n.url: n for n in s.scalars(select(Notice))}


def check_snapshot(db, key: str, snapshot: str) -> None:
    snap = EXPECTED["snapshots"][snapshot]
    stored = _stored(db)
    real_parser = key not in TEST_SOURCES
    for ck, ek in channel_map(key).items():
        exp = snap["lists"][ek]
        if exp["status"] != "ok":
            continue
        for item in exp["items"]:
            n = stored.get(item["url"])
            assert n is not None, f"{ek}: {item['url']} not stored"
            assert n.source == key and ck in n.channels, (ek, n.channels)
            detail = snap["details"].get(item["url"])
            if real_parser and n.detail_state == "ok" and detail:
                assert norm(n.title) == norm(detail["title"]), item["url"]
            else:
                assert norm(n.title) == norm(item["title"]), item["url"]
            if n.channel == ck:
                assert _iso(n.list_date) == item["date"], (ek, item["url"])
            for f in LIST_FIELDS:
                if f in item:
                    assert getattr(n, f) == item[f], (ek, item["url"], f)
            if item["detail"] == "mirrored":
                assert n.detail_state == "ok", (item["url"], n.detail_error)
            else:  # 404 / not mirrored: the list item stays, the detail is failed
                assert n.detail_state == "failed" and n.detail_error, item["url"]
            if real_parser and detail and n.detail_state == "ok":
                check_detail(n, detail)


def check_detail(n: Notice, exp: dict) -> None:
    lenient = set(exp.get("lenient_fields") or [])
    for ek, col in DETAIL_FIELDS.items():
        if ek not in exp:
            continue
        got = _iso(getattr(n, col))
        if got is None and ek in lenient:
            continue
        assert got == exp[ek], (n.url, ek, got, exp[ek])
    if exp.get("issuer") and not (not n.issuers and "issuer" in lenient):
        assert list(n.issuers) == exp["issuer"], (n.url, n.issuers)
    body = norm(n.body)
    for part in exp.get("body_must_contain") or []:
        assert norm(part) in body, (n.url, part)
    want = {a["url"] for a in exp.get("attachments") or []}
    assert {a["url"] for a in n.attachments or []} >= want, n.url


@pytest.mark.parametrize("key", corpus_sources())
def test_t1_then_t2_stores_each_list_item_once_and_exactly_the_new_ones(db, server, fetch, key):
    cfg = all_channels_config([key])
    first = fetch(db, [key], config=cfg)
    assert_state(first.source(key), "ok")
    check_snapshot(db, key, "t1")

    server.snapshot = "t2"
    second = fetch(db, [key], config=cfg)
    rep = second.source(key)
    assert_state(rep, "ok")
    changes = EXPECTED["snapshots"]["t2"]["changes_vs_t1"]
    added = {u for ek in channel_map(key).values() for u in changes[ek]["added"]}
    with db.read() as s:
        new_urls = {n.url for n in s.scalars(select(Notice).where(Notice.id.in_(rep.new_ids)))}
        urls = list(s.scalars(select(Notice.url)))
        runs = s.scalar(select(func.count()).select_from(Notice))
    assert new_urls == added
    assert len(urls) == len(set(urls)) == runs
    check_snapshot(db, key, "t2")


@pytest.mark.parametrize("key", corpus_sources())
def test_unchanged_second_run_finds_nothing_new(sqlite_db, fetch, key):
    cfg = all_channels_config([key])
    fetch(sqlite_db, [key], config=cfg)
    again = fetch(sqlite_db, [key], config=cfg).source(key)
    assert_state(again, "no_new")
    assert again.new == 0


def test_duplicates_across_sources_point_at_the_earliest_copy(db, server, fetch):
    keys = corpus_sources(include_stand_ins=False)
    groups = [
        g
        for g in EXPECTED["duplicates"]
        if all(any(c["source"] in channel_map(k).values() for k in keys) for c in g["copies"])
    ]
    if not groups:
        pytest.skip("the sources of the corpus duplicates have not landed yet")
    cfg = all_channels_config(keys)
    fetch(db, keys, config=cfg)
    server.snapshot = "t2"
    fetch(db, keys, config=cfg)
    stored = _stored(db)
    for g in groups:
        copies = [stored[c["url"]] for c in g["copies"]]
        originals = [n for n in copies if n.duplicate_of_id is None]
        assert len(originals) == 1, g["ground_truth_id"]
        assert all(n.duplicate_of_id == originals[0].id for n in copies if n is not originals[0])
