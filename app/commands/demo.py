"""``regwatch demo``: the app over the bundled offline corpus, with a throw-away database.

A ReplayServer serves resources/sites/ (snapshot t1); a temporary config points every source at
it through the mirror option (small spacing, no office-hours limit), and a real first fetch
(the pipeline, as for the live sites) starts as soon as the window opens: real notices, topic
matches and English titles within a minute. Demo → "Switch demo to later snapshot" serves t2
and fetches again, showing exactly the new items. Nothing touches the user's database, config
or the internet; the server stops when the app exits.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path


def add_parser(sub) -> None:
    p = sub.add_parser("demo", help="open the app over the bundled offline corpus (no internet)")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    p.add_argument("--snapshot", default="t1", choices=["t1", "t2"], help="corpus snapshot")
    # The demo never reads the user's config (it writes its own), so a broken one is no reason
    # to refuse it, and a first demo run should not create one.
    p.set_defaults(func=run, uses_config=False)


DEMO_CONFIG = """\
[general]
close_to_tray = false

[fetch]
mirror = "{mirror}"
spacing = 0.1
jitter = 0.0
retries = 1
timeout = 10.0
office_hours = "00:00-24:00"
office_days = "*"
"""


def prepare(tmp: Path, mirror: str):
    """The demo's config file and an empty database (the first fetch installs the default
    topics), as a Context. The first-run dialog is skipped."""
    from app.context import Context
    from storage.models import Setting

    cfg = tmp / "regwatch.toml"
    cfg.write_text(DEMO_CONFIG.format(mirror=mirror), encoding="utf-8")
    ctx = Context(db_url=f"sqlite:///{tmp / 'demo.sqlite3'}", config_path=str(cfg))
    with ctx.db.write() as s:
        s.add(Setting(key="first_run_done", value=True))
    return ctx


def start(tmp: Path, snapshot: str = "t1"):
    """The running replay server and the demo Context over it."""
    from app.demo.replay import ReplayServer

    server = ReplayServer(snapshot=snapshot).start()
    try:
        return server, prepare(tmp, server.url)
    except BaseException:
        server.stop()
        raise


def run(args, ctx) -> int:
    from app.commands.gui import require_display

    require_display()  # before the replay server and the temporary directory
    tmp = Path(tempfile.mkdtemp(prefix="regwatch-demo-"))
    server = None
    try:
        server, demo_ctx = start(tmp, args.snapshot)
        from app.ui.main import run_app

        try:
            return run_app(demo_ctx, first_fetch=True, first_run=False, demo=server)
        finally:
            demo_ctx.close()
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"regwatch demo: kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
