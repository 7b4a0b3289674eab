"""``regwatch match``: match notices given as JSON lines on stdin against watch topics.

One output line per input line, in order. With ``--json``:
``{"topics": [{"name": "...", "terms": ["...", ...]}]}`` (``terms``: the distinct terms that
fired); a malformed line gives ``{"error": "...", "line": N}`` and the exit status is 1 at the
end. Input fields: title, title_en, body, issuer, doc_number, source, doc_type (all optional).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from app.errors import UserError

FIELDS = ("title", "title_en", "body", "issuer", "doc_number", "source", "doc_type")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "match",
        help="match JSON-lines notices on stdin against topics",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--topics", metavar="FILE", help="a topic pack (TOML); default: stored topics")
    p.add_argument("--json", action="store_true", help="JSON output, one object per line")
    p.set_defaults(func=run)


def _load_topics(args, ctx):
    from app.topics.errors import TopicError
    from app.topics.pack import default_topics, loads_pack

    if args.topics:
        from app.commands._files import read_text

        path = Path(args.topics)
        try:
            return loads_pack(read_text(path), str(path))
        except TopicError as exc:
            raise UserError(exc.message) from None
    from app.topics.store import list_topics

    with ctx.db.read() as s:
        stored = list_topics(s)
        if stored:
            return [t for t in stored if t.enabled]
    return default_topics()


def _notice(line: str) -> dict:
    """A notice from one input line; ValueError says what is wrong with it."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for key in FIELDS:
        value = data.get(key)
        ok = value is None or isinstance(value, str | int | float)
        if key == "issuer" and isinstance(value, list):
            ok = all(isinstance(v, str) for v in value)
        if not ok:
            raise ValueError(f"field '{key}' must be a string")
    return {k: data.get(k) for k in FIELDS}


def run(args: argparse.Namespace, ctx) -> int:
    from app.topics.matcher import Matcher

    matcher = Matcher(_load_topics(args, ctx))
    for name, exc in matcher.errors.items():
        print(f"regwatch: warning: topic '{name}' skipped: {exc.reason}", file=sys.stderr)
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=sys.stdout.isatty())
    errors = 0
    try:
        for number, line in enumerate(stdin, 1):
            try:
                notice = _notice(line)
            except ValueError as exc:
                errors += 1
                if args.json:
                    out.write(
                        json.dumps({"error": str(exc), "line": number}, ensure_ascii=False) + "\n"
                    )
                else:
                    out.write(f"line {number}: error: {exc}\n")
                continue
            hits = matcher.match(notice)
            if args.json:
                topics = [{"name": h.name, "terms": h.terms} for h in hits]
                out.write(json.dumps({"topics": topics}, ensure_ascii=False) + "\n")
            elif hits:
                out.write(
                    "; ".join(f"{h.name}: {', '.join(h.terms) or h.explain()}" for h in hits) + "\n"
                )
            else:
                out.write("(no topic)\n")
    finally:
        out.flush()
        out.detach()
    if errors:
        print(f"regwatch: {errors} input line(s) were not valid notices", file=sys.stderr)
        return 1
    return 0
