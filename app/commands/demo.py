"""``regwatch demo``: the app over the bundled offline corpus, with a throw-away database.

A ReplayServer serves resources/sites/; a temporary config points every source at it through
the mirror option (small spacing, no office-hours limit) and the first fetch starts at once.
Nothing touches the user's database, config or the internet.
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
    """The demo's config file and database (with the default topics), as a Context."""
    from app.context import Context
    from app.sample_data import SAMPLE_TOPICS
    from storage.models import Setting, Topic

    cfg = tmp / "regwatch.toml"
    cfg.write_text(DEMO_CONFIG.format(mirror=mirror), encoding="utf-8")
    ctx = Context(db_url=f"sqlite:///{tmp / 'demo.sqlite3'}", config_path=str(cfg))
    with ctx.db.write() as s:
        for pos, t in enumerate(SAMPLE_TOPICS):
            s.add(Topic(name=t.name, query=t.query, colour=t.colour, position=pos))
        s.add(Setting(key="first_run_done", value=True))
    return ctx


def run(args, ctx) -> int:
    from app.commands.gui import require_display
    from app.services import available

    require_display()  # before the replay server and the temporary directory

    tmp = Path(tempfile.mkdtemp(prefix="regwatch-demo-"))
    server = None
    try:
        if available("app.replay") and available("app.pipeline"):
            from app.replay import ReplayServer

            server = ReplayServer(snapshot=args.snapshot).start()
            demo_ctx = prepare(tmp, server.url)
            first_fetch = True
        else:
            # Without the pipeline there is nothing to fetch with: show the corpus's oracle.
            from app.sample_data import load_sample

            print("regwatch demo: the fetch pipeline is not in this build; showing the corpus")
            demo_ctx = prepare(tmp, "http://127.0.0.1:9")
            with demo_ctx.db.write() as s:
                load_sample(s)
            first_fetch = False
        from app.ui.main import run_app

        try:
            return run_app(demo_ctx, first_fetch=first_fetch, first_run=False)
        finally:
            demo_ctx.close()
    finally:
        if server is not None:
            server.stop()
        if args.keep:
            print(f"regwatch demo: kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
