"""Parse throughput and the cost of a no-change cycle for govcn + cac (not a test).

    /work/venv/bin/python benchmarks/parse_throughput.py [--seconds 3]

1. Detail pages parsed per second over every gov.cn / CAC detail page of the replay corpus.
2. A no-change cycle: list pages of every govcn + cac channel walked twice against the replay
   server through the polite client (spacing 0); the second, conditional run is measured.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.demo.replay import ReplayServer
from scrapers.base import get_source
from tests.corpus import corpus_file, expected_details


def detail_throughput(seconds: float) -> tuple[int, float, float]:
    pages = []
    for snap, url, det in expected_details(("govcn_", "cac_")):
        source = get_source(det["source"].split("_")[0])
        pages.append((source, corpus_file(url, snap).read_bytes(), url))
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for source, content, url in pages:
            source.parse(content, url)
        count += len(pages)
    elapsed = time.perf_counter() - start
    return len(pages), count / elapsed, elapsed * 1000 / count


def walk_all(client) -> int:
    pages = 0
    for key in ("govcn", "cac"):
        source = get_source(key)
        for channel in source.info.channels:
            for _page in source.list_pages(channel, client):
                pages += 1
    return pages


def no_change_cycle() -> dict[str, float]:
    from scrapers.http import PoliteClient

    with ReplayServer(snapshot="t2") as server:
        with PoliteClient(spacing=0, jitter=0, mirror=server.url) as client:
            walk_all(client)  # first run: fills the validators
            server.clear_requests()
            before = dict(vars(client.stats))
            cpu, wall = time.process_time(), time.perf_counter()
            pages = walk_all(client)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            after = vars(client.stats)
            return {
                "list pages": pages,
                "requests": after["requests"] - before["requests"],
                "304 answers": after["not_modified"] - before["not_modified"],
                "bytes received": after["bytes"] - before["bytes"],
                "CPU ms": cpu * 1000,
                "wall ms": wall * 1000,
            }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time spent parsing (default 3)")
    args = parser.parse_args()
    n, rate, ms = detail_throughput(args.seconds)
    print(f"{'detail pages in corpus (govcn+cac)':<40}{n:>12}")
    print(f"{'detail pages parsed per second':<40}{rate:>12.0f}")
    print(f"{'ms per detail page':<40}{ms:>12.2f}")
    print("no-change cycle (second conditional run, govcn + cac list pages):")
    for key, value in no_change_cycle().items():
        print(
            f"  {key:<38}{value:>12.0f}" if isinstance(value, int) else f"  {key:<38}{value:>12.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
