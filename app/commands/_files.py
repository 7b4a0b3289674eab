"""Reading and writing the files a user names on the command line.

Every command that takes a FILE reports the same problems the same way — missing, a
directory, unreadable, not UTF-8 text, an output directory that does not exist — and never
leaves a half-written or truncated file behind (writing lives in app.files, shared with the
exporters). (The leading underscore keeps app.cli's discovery from treating this module as
a command.)
"""

from __future__ import annotations

import os
from pathlib import Path

from app.errors import UserError
from app.files import check_output_path, write_file

__all__ = ["check_output_path", "read_text", "write_text_atomically"]


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


def write_text_atomically(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` (see app.files: whole, through a FIFO, or refused)."""
    return write_file(path, text.encode("utf-8"))
