"""Reading and writing the files a user names on the command line.

Every command that takes a FILE reports the same problems the same way — missing, a
directory, unreadable, not UTF-8 text, an output directory that does not exist — and never
leaves a half-written or truncated file behind: output goes to a temporary file beside the
target that replaces it only once complete. (The leading underscore keeps app.cli's
discovery from treating this module as a command.)
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from app.errors import UserError


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def read_text(path: str | os.PathLike[str], what: str = "") -> str:
    """The UTF-8 text of ``path``; UserError naming the file and what is wrong with it."""
    p = Path(path)
    label = f"{what} {p}" if what else str(p)
    if p.is_dir():
        raise UserError(f"cannot read {label}: it is a directory, not a file")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read {label}: {_reason(exc)}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"cannot read {label}: it is not UTF-8 text (byte {exc.start + 1} is not valid)"
        ) from None


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """``path`` if a file can be written there; UserError before any work is done otherwise.

    Checked up front so a long render or a database update is not wasted on a typo, and a
    missing directory is reported rather than silently created.
    """
    p = Path(path)
    if p.is_dir():
        raise UserError(f"cannot write {p}: it is a directory; give a file name")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"cannot write {p}: the directory {parent} does not exist")
    return p


def write_text_atomically(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` via a temporary file, so a failure keeps the old file."""
    p = check_output_path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, p)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(f"cannot write {p}: {_reason(exc)}") from None
    return p
