"""Test helpers: the replay corpus, its manifest and its oracle (expected.json)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from app.demo.replay import default_corpus_dir, route_matches

ROOT = default_corpus_dir()


@cache
def manifest() -> dict:
    return json.loads((ROOT / "manifest.json").read_text(encoding="utf-8"))


@cache
def expected() -> dict:
    return json.loads((ROOT / "expected" / "expected.json").read_text(encoding="utf-8"))


def corpus_file(
    url: str, snapshot: str, *, method: str = "GET", form: dict | None = None
) -> Path | None:
    """The corpus file the manifest serves for a real URL in a snapshot (None: 404)."""
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    form_lists = {k: [str(v)] for k, v in (form or {}).items()}
    for route in manifest()["routes"]:
        if route_matches(
            route,
            snapshot=snapshot,
            method=method,
            host=parts.hostname or "",
            path=parts.path or "/",
            query=query,
            form=form_lists,
        ):
            return ROOT / route["file"] if route.get("file") else None
    return None


def split_key(corpus_key: str) -> tuple[str, str]:
    """``govcn_zuixin`` -> (``govcn``, ``zuixin``)."""
    source, _, channel = corpus_key.partition("_")
    return source, channel


def expected_lists(prefixes: tuple[str, ...]):
    for snap, data in expected()["snapshots"].items():
        for key, lst in data["lists"].items():
            if key.startswith(prefixes):
                yield snap, key, lst


def expected_details(prefixes: tuple[str, ...]):
    """(snapshot, url, expected detail) for the first snapshot each page appears in."""
    done = set()
    for snap, data in expected()["snapshots"].items():
        for url, det in data["details"].items():
            if det["source"].startswith(prefixes) and url not in done:
                done.add(url)
                yield snap, url, det
