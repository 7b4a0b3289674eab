"""``regwatch gui`` (also: ``regwatch`` with no subcommand): open the desktop app."""

from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("gui", help="open the desktop app (the default)")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from app.errors import UserError

    try:
        from app.ui.main import run_app
    except ImportError as exc:  # Qt libraries missing on this machine
        raise UserError(f"the desktop app cannot start: {exc}") from None
    return run_app(ctx)
