"""Argument types shared by the subcommands.

A bad value is reported by argparse while the command line is parsed, before any file or
database is opened, so a typo can never leave a half-done change behind. Each type raises
``argparse.ArgumentTypeError`` with a sentence that names the expected form; app.cli prints
it on one line (``regwatch: error: argument --limit: …``) and exits with status 2.
(The leading underscore keeps app.cli's discovery from treating this module as a command.)
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
from urllib.parse import urlsplit


def iso_date(value: str) -> dt.date:
    """A calendar date written YYYY-MM-DD (2024-13-01 is refused, not wrapped)."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{value}' is not a date in the form YYYY-MM-DD"
        ) from None


# A count beyond this is a typo, and beyond 2**63 the database driver overflows.
MAX_COUNT = 1_000_000_000


def non_negative_int(value: str) -> int:
    """A count such as ``--limit`` or ``--max-details``: a whole number, 0 to MAX_COUNT."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be zero or more, not {number}")
    if number > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_COUNT}, not {value}")
    return number


MAX_SECONDS = 3600  # the same bound as the config's fetch.spacing


def non_negative_float(value: str) -> float:
    """A duration in seconds such as ``--spacing``: a finite number, zero or more."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number of seconds") from None
    if not math.isfinite(number) or not 0 <= number <= MAX_SECONDS:
        raise argparse.ArgumentTypeError(
            f"must be zero or more seconds, at most {MAX_SECONDS}, not {value}"
        )
    return number


def port_number(value: str) -> int:
    """A TCP port, 1 to 65535."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port number") from None
    if not 0 < number < 65536:
        raise argparse.ArgumentTypeError(f"{number} is not a port number (1 to 65535)")
    return number


def is_http_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host."""
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def mirror_url(value: str) -> str:
    """``--mirror``: an http(s) base URL such as http://127.0.0.1:8765, or "" for the live sites.

    Anything else (``ftp://x``, ``notaurl``) would only fail later, once per request and
    source, as a confusing "error" state; refusing it up front names the real mistake.
    """
    if value.strip() and not is_http_url(value):
        raise argparse.ArgumentTypeError(
            f"'{value}' is not an http(s) URL like http://127.0.0.1:8765"
        )
    return value.strip()


def check_mirror_env() -> None:
    """Refuse a malformed REGWATCH_MIRROR (used when --mirror is not given) the same way."""
    import os

    from app.errors import UserError

    value = os.environ.get("REGWATCH_MIRROR", "")
    if value.strip() and not is_http_url(value):
        raise UserError(
            f"REGWATCH_MIRROR must be an http(s) URL like http://127.0.0.1:8765, not {value!r}"
        )
