"""Cost of a full fetch cycle and of a no-change cycle through the whole pipeline (not a test).

    /work/venv/bin/python benchmarks/fetch_cycle.py [--runs 3] [--db URL]

Against the replay server (snapshot t1, spacing 0) with a throw-away SQLite database: cycle 1
stores everything (lists + details), cycle 2+ are no-change cycles (conditional GETs answer 304,
list walking stops at the first page without unknown items). Prints requests per source, 304s,
CPU seconds and wall seconds. Detail re-checks are off (recheck_hours) so cycle 2 measures the
lists alone. Parse throughput per page: benchmarks/parse_throughput.py.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.config import parse_config
from app.demo.replay import ReplayServer
from app.pipeline import PipelineHooks, run_cycle
from storage.db import Database

CONFIG = """
[fetch]
retries = 0
first_run_max = 1000
first_run_days = 36500
max_details = 1000
recheck_hours = 8760
"""


def measure(db, cfg, srv) -> tuple[dict, int, float, float]:
    srv.clear_requests()
    cpu, wall = time.process_time(), time.perf_counter()
    report = run_cycle(db, cfg, mirror=srv.url, spacing=0, hooks=PipelineHooks())
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    per_source = {s.key: (s.state, s.new, s.details, s.requests) for s in report.sources}
    return per_source, len(srv.requests), cpu, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="no-change cycles to time")
    ap.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = ap.parse_args()
    cfg = parse_config(CONFIG)
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    db = Database.open(url)
    with ReplayServer(snapshot="t1") as srv:
        first, reqs, cpu, wall = measure(db, cfg, srv)
        total_new = sum(v[1] for v in first.values())
        print(
            f"cycle 1 (empty database): {reqs} requests, {total_new} new notices, "
            f"{sum(v[2] for v in first.values())} details, CPU {cpu:.2f} s, wall {wall:.2f} s"
        )
        for _ in range(args.runs):
            per, reqs, cpu, wall = measure(db, cfg, srv)
            n304 = sum(1 for r in srv.requests if "If-None-Match" in r.headers)
            print(
                f"no-change cycle: {reqs} requests ({n304} conditional), CPU {cpu:.3f} s, "
                f"wall {wall:.3f} s"
            )
        for key, (state, new, details, requests) in per.items():
            print(f"  {key:9} {state:7} new {new} details {details} requests {requests}")
    db.close()


if __name__ == "__main__":
    main()
