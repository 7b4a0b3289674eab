"""``regwatch screenshot OUT.png``: render the main window offscreen over a database and exit."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from app.errors import UserError


def _size(value: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in value.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a size like 1400x860") from None
    if not (200 <= w <= 8000 and 200 <= h <= 8000):
        raise argparse.ArgumentTypeError("the size must be between 200x200 and 8000x8000")
    return w, h


def add_parser(sub) -> None:
    p = sub.add_parser("screenshot", help="render the main window to a PNG (offscreen) and exit")
    p.add_argument("out", metavar="OUT.png", type=Path)
    p.add_argument("--size", type=_size, default=(1400, 860), metavar="WxH")
    # SUPPRESS: without --db here, the global --db / REGWATCH_DB still applies
    p.add_argument("--db", metavar="URL", default=argparse.SUPPRESS, help="database URL")
    p.set_defaults(func=run)


def run(args, ctx) -> int:
    from app.commands._files import check_output_path

    # Before Qt and the database: a typo in OUT.png should not cost a render, and a missing
    # directory is reported instead of being created.
    check_output_path(args.out)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before the first Qt import
    try:
        from app.ui.screenshot import render_screenshot
    except ImportError as exc:
        raise UserError(f"the desktop app cannot start: {exc}") from None
    try:
        out = render_screenshot(ctx, args.out, args.size)
    except OSError as exc:
        raise UserError(str(exc)) from None
    print(out)
    return 0
