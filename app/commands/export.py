"""``regwatch export``: write the flagged items, a topic or a date range to a file.

Saving a file is not sending: each item gets an ExportRecord with the format as channel, but
``exported_at`` (which keeps items out of the next flagged email) is left alone. No items →
a clear message, no file, exit status 1.
"""

from __future__ import annotations

import sys

FORMATS = ("eml", "html", "md", "csv", "xlsx", "ics")


def add_selection(p, *, since: bool) -> None:
    """The exactly-one-of selector shared by ``export`` and ``email``."""
    from app.commands._args import iso_date

    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--flagged", action="store_true", help="the flagged items")
    g.add_argument("--topic", metavar="NAME", help="the items of this watch topic")
    if since:
        g.add_argument(
            "--since",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="watched (topic-matched or flagged) items dated on or after this day",
        )


def check_topic(ctx, name: str | None) -> None:
    from app.errors import UserError
    from storage.models import Topic

    if not name:
        return
    with ctx.db.read() as session:
        if session.query(Topic).filter_by(name=name).first() is None:
            raise UserError(f"there is no watch topic named '{name}' (see: regwatch topics list)")


def add_parser(sub) -> None:
    p = sub.add_parser(
        "export",
        help="write a digest of notices to a file (eml, html, md, csv, xlsx, ics)",
        description="Write the flagged items, a watch topic or a date range to a file. "
        "Exits with status 1 and writes nothing when no item matches.",
    )
    add_selection(p, since=True)
    p.add_argument("--format", required=True, choices=FORMATS, help="file format")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from app.commands._files import check_output_path
    from app.export.digest import Selection
    from app.export.registry import RenderOptions
    from app.export.service import export_file, load_digest

    check_output_path(args.out)
    check_topic(ctx, args.topic)
    selection = Selection(
        flagged=args.flagged, topic=args.topic, since=getattr(args, "since", None)
    )
    digest = load_digest(ctx.db, selection)
    options = RenderOptions()
    if args.format == "eml":
        email = ctx.config.email
        options = RenderOptions(
            sender=email.sender,
            to=email.to,
            cc=email.cc,
            subject_format=email.subject,
            attach=email.attach,
            unsent=True,
        )
    path = export_file(ctx.db, digest, args.format, args.out, options)
    what = (
        f"{len(digest.deadlines)} comment deadlines of {digest.count} items"
        if args.format == "ics"
        else f"{digest.count} items in {len(digest.groups)} groups"
    )
    sys.stdout.write(f"wrote {what} ({digest.period}) to {path} as {args.format}\n")
    return 0
