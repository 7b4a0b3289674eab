"""The ``regwatch`` console command: no subcommand opens the GUI; subcommands work headless.

Error policy (from the issues): a user mistake — a bad argument, an unreadable or invalid
config, a database that cannot be opened, a file that cannot be read or written — prints one
sentence, ``regwatch: error: …``, and exits with status 2 (or a command's documented code),
never a traceback. Commands raise UserError for what they can name themselves; ``main``
translates the rest centrally (argparse errors, database errors such as "file is not a
database" or "database is locked", OSError on a named file) so no command has to repeat it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from app import __version__
from app.context import Context
from app.errors import UserError


class ArgumentParser(argparse.ArgumentParser):
    """argparse with regwatch's error format: one line, exit 2, and where the help is.

    The stock format prints the whole usage block and then ``regwatch items: error: …``;
    the one-line form matches every other error and is easy to grep in a cron log.
    Subparsers inherit this class (argparse uses the parent's type for them).
    """

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"regwatch: error: {message} (see: {self.prog} --help)\n")


# Options of the top-level parser that take a value: skipped when looking for the command.
_VALUE_OPTIONS = ("--db", "--config", "--user")


def command_in(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` names (the first positional after the global options), if any.

    Read before argparse so that ``build_parser`` can build that command alone. Accepts what
    argparse accepts for the global options: ``--db URL``, ``--db=URL`` and unique prefixes
    (``--conf PATH``).
    """
    it = iter(argv)
    for tok in it:
        if tok == "--":
            return next(it, None)
        if tok.startswith("--") and "=" not in tok and len(tok) > 2:
            if any(opt.startswith(tok) for opt in _VALUE_OPTIONS):
                next(it, None)  # the option's value
            continue
        if tok.startswith("-"):
            continue
        return tok
    return None


def _command_module(name: str | None):
    """The ``app.commands`` module named ``name``, or None (no such module, or no name)."""
    if not name or not name.isidentifier() or name.startswith("_"):
        return None
    full = f"app.commands.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name == full:
            return None
        raise


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser: every subcommand, or with ``command`` (a module of
    ``app.commands``) that one alone. A quick command should not pay for importing and
    describing the other eighteen; ``--help`` and unknown names get the full parser."""
    parser = ArgumentParser(
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
    parser.add_argument(
        "--user",
        metavar="NAME",
        default=os.environ.get("REGWATCH_USER"),
        help="who you are on a shared database: read, flags, status and notes are recorded "
        "with this name (env REGWATCH_USER; config general.user; default: the login name)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    only = _command_module(command)
    if only is not None:
        only.add_parser(sub)
        return parser
    import pkgutil

    import app.commands

    for mod in sorted(pkgutil.iter_modules(app.commands.__path__), key=lambda m: m.name):
        if mod.name.startswith("_"):
            continue
        module = importlib.import_module(f"app.commands.{mod.name}")
        module.add_parser(sub)
    return parser


def translate_error(exc: BaseException, display_url: str | None = None) -> UserError | None:
    """The UserError a low-level failure stands for, or None when it is a bug (traceback).

    Database errors are translated by storage.db.describe_error, which knows SQLite's and
    PostgreSQL's wording for the user's problems (not a database, locked, read-only, disk
    full, connection lost). An OSError that names a file is about that file — the user's to
    fix — whichever command hit it.
    """
    from sqlalchemy.exc import DBAPIError

    from storage.db import describe_error

    if isinstance(exc, DBAPIError):
        message = describe_error(exc, display_url)
        return UserError(message) if message else None
    if isinstance(exc, OSError) and exc.filename is not None:
        return UserError(f"cannot use {exc.filename}: {exc.strerror or exc}")
    return None


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(command_in(argv))
    args = parser.parse_args(argv)
    ctx = Context(db_url=args.db, config_path=args.config, user=args.user)
    try:
        try:
            if getattr(args, "uses_config", True):
                # Validate the config before anything else, so a broken file is reported
                # the same way by every command and before a database file is created.
                ctx.config  # noqa: B018 (loading is the point)
            if args.command is None:
                from app.commands.gui import run as run_gui

                return run_gui(args, ctx)
            return int(args.func(args, ctx) or 0)
        except (OSError, Exception) as exc:
            if isinstance(exc, UserError):
                raise
            if isinstance(exc, BrokenPipeError):
                # `regwatch items | head`: the reader is gone; nothing more to say to it.
                _silence_stdout()
                return 0
            translated = translate_error(exc, ctx.opened_db_url)
            if translated is None:
                raise
            raise translated from None
    except UserError as exc:
        print(f"regwatch: error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("regwatch: interrupted", file=sys.stderr)
        return 130
    finally:
        ctx.close()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout replaced (e.g. by pytest)
        pass


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
