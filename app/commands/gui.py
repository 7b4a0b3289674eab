"""``regwatch gui`` (also: ``regwatch`` with no subcommand): open the desktop app."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

HEADLESS_HINT = (
    "start it from a desktop session, or use the headless commands (regwatch fetch, "
    "regwatch daemon, regwatch items; see regwatch --help)"
)


def add_parser(sub) -> None:
    p = sub.add_parser("gui", help="open the desktop app (the default)")
    p.set_defaults(func=run)


def _x11_reachable(display: str) -> bool | None:
    """Whether the X server of a local ``DISPLAY`` (``:0``, ``unix:0``, ``:0.0``) answers.

    None when it cannot be told cheaply (a remote or unusual DISPLAY): Qt then decides.
    X servers listen on the abstract socket ``@/tmp/.X11-unix/X<n>`` and/or the file
    socket ``/tmp/.X11-unix/X<n>``; either one answering is enough.
    """
    host, _, rest = display.rpartition(":")
    number = rest.split(".", 1)[0]
    if host not in ("", "unix") or not number.isdigit():
        return None
    for address in (f"\0/tmp/.X11-unix/X{number}", f"/tmp/.X11-unix/X{number}"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            try:
                sock.connect(address)
            except OSError:
                continue
            return True
    return False


def display_problem(environ: os._Environ[str] | dict[str, str] | None = None) -> str | None:
    """Why Qt could not open a window here, as a sentence; None when it should work.

    Without a display Qt's xcb plugin does not raise: it prints a paragraph and aborts
    the process (SIGABRT, exit 134), so this check has to come first. Only Linux and the
    BSDs use X11/Wayland; QT_QPA_PLATFORM naming another plugin (offscreen, vnc, eglfs, …)
    is the user's explicit choice and is left to Qt.
    """
    env = os.environ if environ is None else environ
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    platform = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip()
    if platform and platform not in ("xcb", "wayland", "wayland-egl"):
        return None
    display, wayland = env.get("DISPLAY", ""), env.get("WAYLAND_DISPLAY", "")
    if platform.startswith("wayland"):
        display = ""
    if platform == "xcb":
        wayland = ""
    if wayland:
        runtime = env.get("XDG_RUNTIME_DIR", "")
        sock = Path(wayland) if os.path.isabs(wayland) else Path(runtime) / wayland
        if sock.exists():
            return None
        if not display:
            return f"the Wayland display {wayland} is not running, so the desktop app cannot open"
    if display:
        if _x11_reachable(display) is False:
            return f"the X display {display} is not running, so the desktop app cannot open"
        return None
    return "there is no graphical display (DISPLAY and WAYLAND_DISPLAY are unset)"


def require_display() -> None:
    """UserError (one sentence, exit 2) when the desktop app cannot open a window here."""
    from app.errors import UserError

    problem = display_problem()
    if problem:
        raise UserError(f"{problem}; {HEADLESS_HINT}")


def run(args, ctx) -> int:
    from app.errors import UserError

    require_display()
    try:
        from app.ui.main import run_app
    except ImportError as exc:  # Qt libraries missing on this machine
        raise UserError(f"the desktop app cannot start: {exc}") from None
    return run_app(ctx)
