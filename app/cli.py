"""The ``regwatch`` console command: no subcommand opens the GUI; subcommands work headless."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence

from app import __version__
from app.context import Context
from app.errors import UserError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="regwatch",
        description="Watch Chinese regulatory and standardisation notices (gov.cn, CAC, MIIT, SAC, "
        "std.samr, TC260). Without a subcommand the desktop app opens.",
    )
    parser.add_argument("--version", action="version", version=f"regwatch {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        default=os.environ.get("REGWATCH_DB"),
        help="SQLAlchemy database URL (env REGWATCH_DB; default: SQLite in the user data dir)",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=os.environ.get("REGWATCH_CONFIG"),
        help="config file (env REGWATCH_CONFIG; default: regwatch.toml in the user config dir)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    import app.commands

    for mod in sorted(pkgutil.iter_modules(app.commands.__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"app.commands.{mod.name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    ctx = Context(db_url=args.db, config_path=args.config)
    try:
        if args.command is None:
            from app.commands.gui import run as run_gui

            return run_gui(args, ctx)
        return int(args.func(args, ctx) or 0)
    except UserError as exc:
        print(f"regwatch: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("regwatch: interrupted", file=sys.stderr)
        return 130
    finally:
        ctx.close()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
