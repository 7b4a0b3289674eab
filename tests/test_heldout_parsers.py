"""Held-out pages: every parser against realistic pages that are NOT copies of the corpus.

``tests/fixtures/heldout/<source>/`` holds pages written from the documented site structure
(``/work/shared/research/sites.md``) in variants the corpus does not show; each page says at its
top which documented facts it exercises and what is invented. ``expected.json`` next to them
says what a correct parser extracts (only the keys it names are compared). A page that must fail
says ``"error"``; with ``"walk"`` the failure is checked through ``list_pages`` (a list page in
a new layout must be a LayoutError, never an empty success).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from scrapers import base, jpaas
from scrapers.base import ListItem, Notice, Response, get_source
from scrapers.charset import decode_body

HELDOUT = Path(__file__).parent / "fixtures" / "heldout"


def _cases() -> list[tuple[str, str, dict[str, Any]]]:
    cases = []
    for expected in sorted(HELDOUT.glob("*/expected.json")):
        source = expected.parent.name
        for name, spec in json.loads(expected.read_text("utf-8")).items():
            cases.append((source, name, spec))
    return cases


CASES = _cases()


class _OneFileFetcher:
    """Answers every request with the same saved page (a changed layout everywhere)."""

    def __init__(self, content: bytes):
        self.content = content

    def get(self, url: str, *, params=None, headers=None, conditional: bool = False) -> Response:
        return Response(url, 200, {}, self.content, decode_body(self.content))

    def post(self, url: str, *, data=None, headers=None) -> Response:
        return self.get(url)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _item_mismatches(got: list[ListItem], want: list[dict[str, Any]]) -> list[str]:
    out = []
    if len(got) != len(want):
        out.append(f"{len(got)} items, expected {len(want)}: {[i.url for i in got]}")
    for n, (item, exp) in enumerate(zip(got, want, strict=False)):
        for key, value in exp.items():
            actual = _plain(getattr(item, key))
            if actual != value:
                out.append(f"item {n} {key}: {actual!r} != expected {value!r}")
    return out


def _notice_mismatches(notice: Notice, spec: dict[str, Any]) -> list[str]:
    out = []
    data = notice.to_json()
    for key, value in spec.get("notice", {}).items():
        if data[key] != value:
            out.append(f"{key}: {data[key]!r} != expected {value!r}")
    for text in spec.get("body_contains", []):
        if text not in notice.body:
            out.append(f"body lacks {text!r}")
    for text, count in spec.get("body_count", {}).items():
        if notice.body.count(text) != count:
            out.append(f"body has {text!r} {notice.body.count(text)} times, expected {count}")
    for key, value in spec.get("extra_contains", {}).items():
        if notice.extra.get(key) != value:
            out.append(f"extra[{key}]: {notice.extra.get(key)!r} != expected {value!r}")
    return out


def test_every_source_has_held_out_pages():
    assert {source for source, _, _ in CASES} == set(base.source_keys())
    assert len(CASES) >= 30


@pytest.mark.parametrize(("source", "name", "spec"), CASES, ids=[f"{s}/{n}" for s, n, _ in CASES])
def test_held_out_page(source: str, name: str, spec: dict[str, Any]):
    content = (HELDOUT / source / name).read_bytes()
    src = get_source(source)
    url = spec["url"]
    if "error" in spec:
        error = getattr(base, spec["error"])
        with pytest.raises(error):
            if "walk" in spec:
                channel = src.info.channel(spec["walk"]["channel"])
                for _ in src.list_pages(channel, _OneFileFetcher(content)):
                    pass
            else:
                src.parse(content, url)
        return
    if "shell" in spec:
        script = jpaas.find_unit_script(content, url)
        assert script.api_url == spec["shell"]["api_url"]
        assert {k: script.query.get(k) for k in spec["shell"]["query"]} == spec["shell"]["query"]
        return
    result = src.parse(content, url)
    if "items" in spec:
        assert isinstance(result, list), f"expected a list, got {type(result).__name__}"
        assert not _item_mismatches(result, spec["items"]), _item_mismatches(result, spec["items"])
    else:
        assert isinstance(result, Notice), f"expected a Notice, got {type(result).__name__}"
        problems = _notice_mismatches(result, spec)
        assert not problems, "\n".join(problems) + f"\nrules: {result.rules}"
