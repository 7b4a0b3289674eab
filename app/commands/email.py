"""``regwatch email``: send the digest by SMTP with the stored ``[email]`` settings.

Exit status 1 when sending failed (nothing is marked as sent) or nothing matched, 2 for
usage and configuration errors. ``--dry-run`` prints the message and marks nothing.
"""

from __future__ import annotations

import sys


def add_parser(sub) -> None:
    from app.commands._args import port_number
    from app.commands.export import add_selection

    p = sub.add_parser(
        "email",
        help="email a digest of the flagged items or a topic",
        description="Email a bilingual digest. With --flagged only items never emailed before "
        "are included unless --resend is given. The SMTP password comes from the OS keyring or "
        "the REGWATCH_SMTP_PASSWORD environment variable.",
    )
    add_selection(p, since=False)
    p.add_argument(
        "--to", action="append", metavar="ADDR", help="recipient (repeatable; default email.to)"
    )
    p.add_argument(
        "--cc",
        action="append",
        metavar="ADDR",
        help="copy recipient (repeatable; default email.cc when --to is not given)",
    )
    p.add_argument("--dry-run", action="store_true", help="print the message instead of sending it")
    p.add_argument(
        "--resend", action="store_true", help="with --flagged: include items already emailed"
    )
    p.add_argument(
        "--attach",
        action="append",
        choices=("csv", "xlsx", "ics", "md", "html"),
        metavar="FORMAT",
        help="attach the digest in this format too: csv, xlsx, ics, md, html (repeatable)",
    )
    p.add_argument("--smtp-host", metavar="HOST", help="SMTP server (default email.host)")
    p.add_argument(
        "--smtp-port", type=port_number, metavar="PORT", help="SMTP port (default email.port)"
    )
    p.add_argument("--smtp-user", metavar="USER", help="SMTP login (default email.username)")
    sec = p.add_mutually_exclusive_group()
    sec.add_argument(
        "--starttls", dest="security", action="store_const", const="starttls", help="use STARTTLS"
    )
    sec.add_argument(
        "--ssl", dest="security", action="store_const", const="ssl", help="use implicit TLS"
    )
    sec.add_argument(
        "--plain",
        dest="security",
        action="store_const",
        const="plain",
        help="no encryption (only to localhost)",
    )
    p.set_defaults(func=run, security=None)


def print_message(msg, out=None) -> None:
    """Headers (decoded) and the text part: what ``--dry-run`` shows."""
    out = out or sys.stdout
    for key, value in msg.items():
        out.write(f"{key}: {value}\n")
    out.write("\n")
    body = msg.get_body(preferencelist=("plain",))
    out.write(body.get_content() if body is not None else "")
    names = [part.get_filename() for part in msg.iter_attachments()]
    if names:
        out.write("\n[attachments: " + ", ".join(n for n in names if n) + "]\n")


def run(args, ctx) -> int:
    from app.commands.export import check_topic
    from app.errors import UserError
    from app.export.digest import Selection
    from app.export.eml import check_address
    from app.export.service import digest_email, load_digest, require_items, send_digest
    from app.export.smtp import SendError, SmtpSettings

    email = ctx.config.email
    to = args.to or email.to
    cc = args.cc or ([] if args.to else email.cc)
    if not to:
        raise UserError("no recipient: give --to ADDR or set email.to in the config file")
    for addr in [*to, *cc]:
        check_address(addr)
    attach = args.attach or email.attach
    settings = SmtpSettings.from_config(
        email,
        host=args.smtp_host,
        port=args.smtp_port,
        username=args.smtp_user,
        security=args.security,
    )
    check_topic(ctx, args.topic)
    selection = Selection(
        flagged=args.flagged,
        topic=args.topic,
        include_sent=args.resend or not args.flagged,
    )
    digest = require_items(load_digest(ctx.db, selection))
    if args.dry_run:
        sender = settings.sender or (settings.username if "@" in settings.username else "")
        msg = digest_email(
            digest, sender=sender, to=to, cc=cc, subject_format=email.subject, attach=attach
        )
        print_message(msg)
        return 0
    try:
        result = send_digest(
            ctx.db, settings, digest, to=to, cc=cc, subject_format=email.subject, attach=attach
        )
    except SendError as exc:
        sys.stderr.write(f"regwatch: error: {exc.message}\n")
        return exc.exit_code
    sys.stdout.write(
        f"sent {digest.count} items to {', '.join(result.recipients)} via {settings.host}\n"
    )
    return 0
