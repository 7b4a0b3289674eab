"""Corpus access and oracle comparison for the miit / sac / std_samr / tc260 tests."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from scrapers.base import ListItem, Notice
from scrapers.text import clean_text

CORPUS = Path(__file__).resolve().parent.parent / "resources" / "sites"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
EXPECTED = json.loads((CORPUS / "expected" / "expected.json").read_text(encoding="utf-8"))

# corpus source key -> (registry key, channel key)
CHANNELS = {
    "miit_tz": ("miit", "tz"),
    "miit_tg": ("miit", "tg"),
    "miit_yj": ("miit", "yj"),
    "miit_yjzj": ("miit", "yjzj"),
    "sac_tzgg": ("sac", "tzgg"),
    "samr_plan": ("std_samr", "plans"),
    "samr_std": ("std_samr", "standards"),
    "tc260_zqyj": ("tc260", "zqyj"),
}
# Lists the oracle describes that no channel walks: TC260's older list, read only when the portal
# is missing (its files are still parsed and checked).
FALLBACK_LISTS = {"tc260_legacy": ("tc260", "zqyj")}
ORACLE_LISTS = {**CHANNELS, **FALLBACK_LISTS}
HOSTS = {
    "www.miit.gov.cn": "miit",
    "www.sac.gov.cn": "sac",
    "std.samr.gov.cn": "std_samr",
    "www.tc260.org.cn": "tc260",
}


def route_url(route: dict[str, Any]) -> str:
    """A real URL the route answers (query specs with a plain value are filled in)."""
    query = {k: v for k, v in (route.get("query") or {}).items() if isinstance(v, str)}
    for name, spec in (route.get("query_json") or {}).items():
        query[name] = json.dumps(spec)
    qs = f"?{urlencode(query)}" if query else ""
    return f"https://{route['host']}{route['path']}{qs}"


def corpus_files() -> list[tuple[str, str, Path]]:
    """(source key, real URL, file) for every HTML/JSON file of the four sites, once each."""
    out, seen = [], set()
    for route in MANIFEST["routes"]:
        key = HOSTS.get(route["host"])
        rel = route.get("file", "")
        if not key or route.get("method") != "GET" or rel in seen or "/_errors/" in rel:
            continue
        if not rel.endswith((".html", ".json", ".htm")):
            continue
        seen.add(rel)
        out.append((key, route_url(route), CORPUS / rel))
    return out


def detail_file(url: str) -> Path:
    """The corpus file the manifest serves for a detail URL (any snapshot)."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    for route in MANIFEST["routes"]:
        if route["host"] == parts.netloc and route["path"] == parts.path:
            spec = route.get("query") or {}
            if all(query.get(k) == v for k, v in spec.items() if isinstance(v, str)):
                return CORPUS / route["file"]
    raise LookupError(url)


def my_details(snapshot: str) -> dict[str, dict[str, Any]]:
    return {
        url: d
        for url, d in EXPECTED["snapshots"][snapshot]["details"].items()
        if d["source"] in ORACLE_LISTS
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def item_mismatches(item: ListItem, exp: dict[str, Any]) -> list[str]:
    """Differences between a parsed list item and its expected row."""
    got = {
        "url": item.url,
        "title": item.title,
        "date": _iso(item.date),
        "link_text": item.link_text,
        "plan_code": item.extra.get("plan_code"),
        "standard_number": item.extra.get("standard_number"),
        "stage": item.extra.get("stage"),
    }
    out = []
    for key in ("url", "title", "date", "link_text"):
        if got[key] != exp.get(key):
            out.append(f"{key}: {got[key]!r} != {exp.get(key)!r}")
    for key in ("plan_code", "standard_number", "stage"):
        if key in exp and got[key] != exp[key]:
            out.append(f"{key}: {got[key]!r} != {exp[key]!r}")
    return out


def notice_mismatches(notice: Notice, exp: dict[str, Any]) -> list[str]:
    """Differences between a parsed notice and its expected detail (lenient fields honoured)."""
    got: dict[str, Any] = {
        "title": notice.title,
        "issuer": notice.issuers or None,
        "doc_number": notice.doc_number,
        "written_date": _iso(notice.written_date),
        "publish_date": _iso(notice.published_date),
        "source_label": notice.source_label,
        "attachments": [{"name": a.name, "url": a.url} for a in notice.attachments],
        "comment_deadline": _iso(notice.comment_deadline),
        "standard_number": notice.standard_number,
        "plan_code": notice.plan_code,
        "stage": notice.stage,
        "effective_date": _iso(notice.effective_date),
    }
    lenient = set(exp.get("lenient_fields") or [])
    out = []
    for key, value in got.items():
        if key not in exp and key in (
            "comment_deadline",
            "standard_number",
            "plan_code",
            "stage",
            "effective_date",
        ):
            continue
        want = exp.get(key)
        if key == "issuer" and want == []:
            want = None
        if key in lenient and value is None:
            continue
        if value != want:
            out.append(f"{key}: {value!r} != {want!r}")
    body = clean_text(notice.body)
    for needle in exp.get("body_must_contain") or []:
        if clean_text(needle) not in body:
            out.append(f"body lacks {needle!r}")
    return out
