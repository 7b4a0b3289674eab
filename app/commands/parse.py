"""``regwatch parse SOURCE FILE --url URL``: show what a source's parser reads from a saved page.

Useful when a site changes: save the page from a browser, run this, and see which fields (and
which parse rules) still match, without touching the network or the database.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from app.errors import UserError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "parse",
        help="parse a saved list page, API answer or detail page with a source's parser",
        description="Print as JSON what a source extracts from a saved file. The URL the file "
        "was saved from decides which parser runs (list page, list API or detail page).",
    )
    p.add_argument("source", metavar="SOURCE_KEY", help="source key, e.g. govcn or cac")
    p.add_argument("file", metavar="FILE", type=Path, help="the saved page (bytes as downloaded)")
    p.add_argument("--url", required=True, help="the real URL the file was saved from")
    # Parsing a saved file needs neither the config nor the database: it must work even while
    # the config is broken (that is when a user is most likely to be debugging).
    p.set_defaults(func=run, uses_config=False)


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def run(args: argparse.Namespace, ctx: Any) -> int:
    from scrapers.base import ScrapeError, builtin_source_keys, get_source
    from scrapers.text import is_http_url

    if args.source not in builtin_source_keys():
        # A custom source is defined in the config (loading it installs [custom_sources]);
        # built-in parsers stay debuggable while the config is broken.
        ctx.config  # noqa: B018
    try:
        source = get_source(args.source)
    except KeyError as exc:
        raise UserError(str(exc.args[0])) from None
    if not is_http_url(args.url):
        raise UserError(
            f"--url must be the http(s) address the file was saved from, not {args.url!r}"
        )
    try:
        content = args.file.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    try:
        result = source.parse(content, args.url)
    except ScrapeError as exc:
        out = {"error": str(exc.state), "message": exc.message}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 1
    if isinstance(result, list):
        out = {"kind": "list", "count": len(result), "items": _plain(result)}
    else:
        out = {"kind": "detail", "notice": _plain(result)}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
