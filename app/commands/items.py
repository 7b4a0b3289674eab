"""``regwatch items``: list stored notices (``--json``: one object per line, a contract)."""

from __future__ import annotations

import json
import sys

from app.commands._args import iso_date, non_negative_int
from app.errors import UserError


def add_parser(sub) -> None:
    p = sub.add_parser("items", help="list stored notices")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument("--source", action="append", metavar="KEY", help="only this source (repeatable)")
    p.add_argument("--topic", metavar="NAME", help="only notices matched by this watch topic")
    p.add_argument(
        "--flagged", action="store_true", help="only flagged notices (by anyone in the team)"
    )
    p.add_argument("--unread", action="store_true", help="only notices unread by the current user")
    p.add_argument("--since", type=iso_date, metavar="YYYY-MM-DD", help="published on or after")
    p.add_argument(
        "--search", metavar="TEXT", default="", help="full-text search (Chinese or English)"
    )
    p.add_argument(
        "--limit", type=non_negative_int, metavar="N", help="at most N notices (newest first)"
    )
    p.set_defaults(func=run)


def check_sources(session, keys: list[str] | None) -> None:
    """Refuse a mistyped ``--source``: an empty listing would look like "nothing new".

    A key is accepted when a source is registered under it or stored notices carry it (a
    source removed from this version of regwatch still has its notices listed).
    """
    from sqlalchemy import select

    from scrapers.base import source_keys
    from storage.models import Notice

    known = set(source_keys())
    for key in keys or ():
        if key in known:
            continue
        if session.scalar(select(Notice.id).where(Notice.source == key).limit(1)) is None:
            raise UserError(f"unknown source '{key}' (known: {', '.join(source_keys())})")


def run(args, ctx) -> int:
    from storage.models import Topic
    from storage.queries import NoticeFilter, list_notices, notice_to_json, version_counts

    ctx.config  # noqa: B018 - loading the config installs its [custom_sources] (--source KEY)
    db = ctx.db
    with db.read() as session:
        check_sources(session, args.source)
        if args.topic and session.query(Topic).filter_by(name=args.topic).first() is None:
            raise UserError(
                f"there is no watch topic named '{args.topic}' (see: regwatch topics list)"
            )
        f = NoticeFilter(
            sources=args.source or (),
            topic=args.topic,
            flagged=True if args.flagged else None,
            unread=True if args.unread else None,
            since=args.since,
            query=args.search,
        )
        notices = list_notices(f, session, limit=args.limit)
        counts = version_counts(session, [n.id for n in notices])
        out = sys.stdout
        for n in notices:
            if args.json:
                rec = notice_to_json(n, versions=counts.get(n.id, 0), user=db.user)
                out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            else:
                date = (n.sort_date or "").__str__()
                flag = "⚑" if n.state and n.state.flagged else " "
                en = f"\n      {n.title_en}" if n.title_en else ""
                out.write(f"{flag} {date:10}  {n.source:8}  {n.title}{en}\n      {n.url}\n")
        if not args.json and not notices:
            out.write("no notices match\n")
    return 0
