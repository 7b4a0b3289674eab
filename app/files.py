"""Writing the files a user names (``--out``, Save as…): whole or not at all, never a wrong kind.

A regular file is written to a temporary file beside it that replaces it only once complete,
so a failure keeps the old file. Renaming over anything else would destroy it: a symlink
would become a plain file (the file it pointed at never updated), and a FIFO or a device
node such as ``/dev/stdout`` would be replaced by a regular file (as root, ``/dev/full``
vanished). So a symlink is followed and its target replaced; FIFOs and character devices
are written through, as a shell redirection would; other special files are refused.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from app.errors import UserError


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _writes_through(mode: int) -> bool:
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """``path`` if a file can be written there; UserError before any work is done otherwise.

    Checked up front so a long render or a database update is not wasted on a typo, and a
    missing directory is reported rather than silently created.
    """
    p = Path(path)
    try:
        mode = p.stat().st_mode  # follows a symlink: its target is what gets written
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UserError(f"cannot write {p}: {_reason(exc)}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UserError(f"cannot write {p}: it is a directory; give a file name")
    if mode is not None and not stat.S_ISREG(mode) and not _writes_through(mode):
        raise UserError(f"cannot write {p}: it is {_kind(mode)}, not a regular file")
    target = Path(os.path.realpath(p)) if p.is_symlink() else p
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise UserError(f"cannot write {p}: the directory {parent} does not exist")
    return p


def write_file(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` whole (regular files), through (FIFOs, devices), or refuse."""
    p = check_output_path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UserError(f"cannot write {p}: {_reason(exc)}") from None
    if mode is not None and _writes_through(mode):
        try:
            fd = os.open(p, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise UserError(f"cannot write {p}: {_reason(exc)}") from None
        return p
    target = Path(os.path.realpath(p)) if p.is_symlink() else p
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            if mode is not None:
                os.chmod(tmp, stat.S_IMODE(mode))  # keep the permissions the user gave the file
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise UserError(f"cannot write {p}: {_reason(exc)}") from None
    return p
