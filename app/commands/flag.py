"""``regwatch flag URL`` / ``regwatch unflag URL``: mark a notice for the digest."""

from __future__ import annotations

from app.errors import UserError


def add_parser(sub) -> None:
    for name, value in (("flag", True), ("unflag", False)):
        p = sub.add_parser(name, help=f"{name} a stored notice (by its URL)")
        p.add_argument("urls", nargs="+", metavar="URL")
        p.set_defaults(func=run, flag_value=value)


def run(args, ctx) -> int:
    from scrapers.text import canonical_url
    from storage.queries import set_flag

    missing = []
    with ctx.db.write() as session:
        for url in args.urls:
            if set_flag(session, url, args.flag_value) is None and (
                set_flag(session, canonical_url(url), args.flag_value) is None
            ):
                missing.append(url)
    if missing:
        raise UserError(f"no stored notice has the URL {missing[0]} (see: regwatch items)")
    return 0
