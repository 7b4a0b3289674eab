"""``regwatch report``: the review deck (pptx), document (docx) or Markdown of chosen notices.

Sections "Laws & Regulations", "Policies & Initiatives", "Standardisation"; one slide or
heading per instrument; standards tables; a summary with a timeline. Exit codes as ``export``:
1 and no file when nothing matches, 2 for a user mistake (one line).
"""

from __future__ import annotations

import sys

from app.report import FORMATS

# storage.models.TRIAGE_STATUSES, written out so that building the parser stays free of
# SQLAlchemy (``regwatch --help`` must stay fast); tests/report checks the two agree.
STATUS_HELP = "new, relevant, escalated, closed or not_relevant"


def add_parser(sub) -> None:
    from app.commands._args import iso_date

    p = sub.add_parser(
        "report",
        help="write the review deck of notices (pptx, docx, md)",
        description="Write a review of the flagged items, a watch topic or a triage status: "
        "sections Laws & Regulations, Policies & Initiatives and Standardisation, one slide "
        "per instrument, standards tables and a summary with a timeline. Exits with status 1 "
        "and writes nothing when no item matches.",
    )
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--flagged", action="store_true", help="the flagged items")
    g.add_argument("--topic", metavar="NAME", help="the items of this watch topic")
    g.add_argument(
        "--status", metavar="STATUS", help=f"the items with this triage status ({STATUS_HELP})"
    )
    p.add_argument(
        "--since", type=iso_date, metavar="DATE", help="items dated on or after DATE (YYYY-MM-DD)"
    )
    p.add_argument(
        "--until", type=iso_date, metavar="DATE", help="items dated on or before DATE (YYYY-MM-DD)"
    )
    p.add_argument("--format", required=True, choices=FORMATS, help="file format")
    p.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    p.add_argument(
        "--title", metavar="TEXT", help="the report's title (default: a dated review title)"
    )
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from app.commands._files import check_output_path
    from app.commands.export import check_topic
    from app.errors import UserError
    from app.report.model import ReportSelection
    from app.report.service import load_report, write_report
    from storage.models import TRIAGE_STATUSES

    if args.status is not None and args.status not in TRIAGE_STATUSES:
        raise UserError(
            f"argument --status: '{args.status}' is not a triage status ({STATUS_HELP})"
        )
    check_output_path(args.out)
    if args.since and args.until and args.since > args.until:
        raise UserError(
            f"--since {args.since.isoformat()} is after --until {args.until.isoformat()}"
        )
    if args.title is not None and not args.title.strip():
        raise UserError("--title is empty; give a title or leave the option out")
    check_topic(ctx, args.topic)
    selection = ReportSelection(
        flagged=args.flagged,
        topic=args.topic,
        status=args.status,
        since=args.since,
        until=args.until,
    )
    report = load_report(ctx.db, selection, title=(args.title or "").strip())
    path = write_report(ctx.db, report, args.format, args.out)
    counts = ", ".join(f"{n} {title}" for title, n in report.counts_by_section())
    sys.stdout.write(
        f"wrote {report.count} instruments ({counts}; {report.period}) to {path} as {args.format}\n"
    )
    return 0
