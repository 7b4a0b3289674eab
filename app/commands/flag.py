"""Team triage from the command line, as the current user (``--user``; team mode).

``regwatch flag|unflag|read|unread URL…``, ``regwatch note URL TEXT`` and
``regwatch status URL STATUS``: the GUI's triage actions, recorded with the user's name.
``unflag`` removes only the current user's flag; ``read`` is each user's own.
"""

from __future__ import annotations

from app.errors import UserError
from storage.statuses import TRIAGE_STATUSES


def add_parser(sub) -> None:
    for name, field, value, what in (
        ("flag", "flagged", True, "flag stored notices (by URL) as the current user"),
        ("unflag", "flagged", False, "remove the current user's flag from stored notices"),
        ("read", "read", True, "mark stored notices read for the current user"),
        ("unread", "read", False, "mark stored notices unread for the current user"),
    ):
        p = sub.add_parser(name, help=what)
        p.add_argument("urls", nargs="+", metavar="URL")
        p.set_defaults(func=run, state_field=field, state_value=value)
    p = sub.add_parser("note", help="add a note by the current user to a stored notice")
    p.add_argument("urls", nargs=1, metavar="URL")
    p.add_argument("text", metavar="TEXT")
    p.set_defaults(func=run_note)
    p = sub.add_parser("status", help="set a stored notice's triage status (recorded with who)")
    p.add_argument("urls", nargs=1, metavar="URL")
    p.add_argument(
        "status", choices=TRIAGE_STATUSES, metavar="STATUS", help=", ".join(TRIAGE_STATUSES)
    )
    p.set_defaults(func=run, state_field="status")


def notice_ids(session, urls: list[str]) -> list[int]:
    """The stored notices' ids, as typed or canonical; UserError naming the first unknown URL."""
    from scrapers.text import canonical_url
    from storage.queries import notice_by_url

    ids = []
    for url in urls:
        notice = notice_by_url(session, url) or notice_by_url(session, canonical_url(url))
        if notice is None:
            raise UserError(f"no stored notice has the URL {url} (see: regwatch items)")
        ids.append(notice.id)
    return ids


def run(args, ctx) -> int:
    from app.triage import set_state

    value = args.status if args.state_field == "status" else args.state_value
    with ctx.db.write() as session:
        set_state(session, notice_ids(session, args.urls), **{args.state_field: value})
    return 0


def run_note(args, ctx) -> int:
    from app.triage import add_note

    text = args.text.strip()
    if not text:
        raise UserError("the note is empty (give the text to add)")
    with ctx.db.write() as session:
        add_note(session, notice_ids(session, args.urls)[0], text)
    return 0
