"""Start-up cost of the command line, as CPU ratios against fixed references (not a test).

    .venv/bin/python benchmarks/startup.py [--runs 7] [--urlwatch PATH/TO/urlwatch]

1. ``regwatch sources --json`` (no request; an up-to-date SQLite database) against
   ``python -c "import sqlalchemy, httpx"`` in the same interpreter: the floor for any
   command that opens the database. Target: at most 1.5x.
2. A no-change ``regwatch fetch`` (second cycle against the replay server, spacing 0: the
   conditional list requests answer 304 and list walking stops at once) against urlwatch
   fetching the same URLs (the requests the regwatch cycle made, through the same mirror),
   also on its second run. Target: at most 2x. Skipped when no urlwatch is given or found;
   install one into a throw-away venv (``python3 -m venv /tmp/uw && /tmp/uw/bin/pip install
   urlwatch``), never into regwatch's.

CPU is user+system time of the child process (resource.RUSAGE_CHILDREN); the replay server
runs in this process and is not counted. Each command and its reference run in turns (one of
each, ``--runs`` times), and a ratio is the median of the per-turn ratios: on a shared machine
the CPU time of the same work drifts by a third within minutes, and measuring one side after
the other would put that drift into the ratio. regwatch's own modules
are byte-compiled first, as an installed copy's are after its first run: with
PYTHONDONTWRITEBYTECODE set (as on the shared development machine) every run would otherwise
compile some 170 modules from source, a cost no user pays and the references never pay. Import costs per
module: ``python -X importtime -c "from app.cli import main; main([...])"``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.demo.replay import ReplayServer  # noqa: E402

PACKAGES = ("app", "scrapers", "storage", "resources")
CONFIG = "[fetch]\nretries = 0\nrecheck_hours = 8760\n"


def cpu_of(argv: list[str], env: dict[str, str]) -> float:
    """User+system CPU seconds of one run of ``argv`` (which must succeed)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def paired(
    argv: list[str], ref: list[str], env: dict[str, str], runs: int
) -> tuple[float, float, float]:
    """Medians of ``argv``'s CPU, ``ref``'s CPU and their per-turn ratio, run in turns."""
    mine, theirs = [], []
    for _ in range(runs):
        mine.append(cpu_of(argv, env))
        theirs.append(cpu_of(ref, env))
    ratio = statistics.median(a / b for a, b in zip(mine, theirs, strict=True))
    return statistics.median(mine), statistics.median(theirs), ratio


def urlwatch_files(work: Path, mirror: str, requests) -> list[str]:
    """urls.yaml, config and cache for urlwatch; returns its option list."""
    jobs = []
    for i, r in enumerate(requests):
        url = f"{mirror}/{r.host}{r.path}" + (f"?{r.query}" if r.query else "")
        jobs.append(f'name: job{i}\nurl: "{url}"\n')
    (work / "urls.yaml").write_text("---\n".join(jobs), encoding="utf-8")
    return [
        "--urls", str(work / "urls.yaml"),
        "--config", str(work / "urlwatch.yaml"),
        "--cache", str(work / "cache.db"),
        "--hooks", str(work / "hooks.py"),
    ]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument(
        "--urlwatch", help="urlwatch executable (default: /tmp/uw/bin/urlwatch or PATH)"
    )
    args = ap.parse_args()

    python = sys.executable
    regwatch = str(Path(python).with_name("regwatch"))
    work = Path(tempfile.mkdtemp(prefix="regwatch-startup-"))
    env = {**os.environ, "XDG_CONFIG_HOME": str(work / "config"),
           "XDG_DATA_HOME": str(work / "data"), "XDG_CACHE_HOME": str(work / "cache"),
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}  # fmt: skip
    cfg = work / "regwatch.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    db = work / "regwatch.sqlite3"
    base = [regwatch, "--db", str(db), "--config", str(cfg)]

    subprocess.run(
        [python, "-m", "compileall", "-q", *(str(ROOT / p) for p in PACKAGES)],
        check=True,
        capture_output=True,
    )
    cpu_of([*base, "sources", "--json"], env)  # migrate once: later runs open an up-to-date db
    sources, ref, ratio = paired(
        [*base, "sources", "--json"], [python, "-c", "import sqlalchemy, httpx"], env, args.runs
    )
    print(f"python -c 'import sqlalchemy, httpx': {ref:.3f} s CPU (median of {args.runs})")
    print(f"regwatch sources --json:              {sources:.3f} s CPU  ratio {ratio:.2f}x")

    uw = args.urlwatch or (
        "/tmp/uw/bin/urlwatch"
        if Path("/tmp/uw/bin/urlwatch").exists()
        else shutil.which("urlwatch")
    )
    with ReplayServer(snapshot="t1") as srv:
        fetch = [*base, "fetch", "--mirror", srv.url, "--spacing", "0"]
        cpu_of(fetch, env)  # cycle 1 stores everything
        srv.clear_requests()
        cpu_of(fetch, env)
        requests = srv.requests
        if not uw:
            nochange = statistics.median(cpu_of(fetch, env) for _ in range(args.runs))
            print(f"regwatch fetch, no change:            {nochange:.3f} s CPU")
            print("urlwatch not found: give --urlwatch PATH to compare the no-change fetch")
            return
        opts = urlwatch_files(work, srv.url, requests)
        cpu_of([uw, *opts], env)  # first run fills its cache
        nochange, watch, ratio = paired(fetch, [uw, *opts], env, args.runs)
        print(
            f"regwatch fetch, no change:            {nochange:.3f} s CPU, {len(requests)} requests"
        )
        print(
            f"urlwatch, same {len(requests)} URLs, no change:  {watch:.3f} s CPU  "
            f"regwatch/urlwatch {ratio:.2f}x"
        )


if __name__ == "__main__":
    main()
