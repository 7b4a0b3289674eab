"""Coverage and quality of the offline title engine on real titles it was not tuned on.

Run: python benchmarks/translation_coverage.py [--show N] [--set dev|test|all]

Sets (tests/data/README.md says where each title comes from):
  dev    tests/data/titles_dev.tsv           look at its failures to choose vocabulary
  extra  tests/data/titles_dev_extra.tsv     more development titles (laws, standards, CAICT,
                                             real site captures): look at its failures too
  test   tests/data/titles_test_frozen.tsv   frozen: report its numbers, never tune on it
  refs   tests/data/translation_heldout.tsv rows with an English reference, and
         tests/data/titles_standards_ref.tsv (official English names of national standards)

For each set: share of titles with no Chinese left, agreement of the ``complete`` flag with
that, share labelled ``dictionary`` (a segment glossed from the general dictionary), and
titles per second on a fresh engine. chrF (character 6-grams, beta 2) against references.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.translation.engine import OfflineEngine  # noqa: E402
from app.translation.text import has_cjk  # noqa: E402

DATA = ROOT / "tests" / "data"


def read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def chrf(hyp: str, ref: str, n: int = 6, beta: float = 2.0) -> float:
    """Sentence chrF (Popović 2015): character n-gram F-score, spaces removed, n = 1..6."""
    hyp, ref = hyp.replace(" ", "").lower(), ref.replace(" ", "").lower()
    precisions, recalls = [], []
    for k in range(1, n + 1):
        h = Counter(hyp[i : i + k] for i in range(len(hyp) - k + 1))
        r = Counter(ref[i : i + k] for i in range(len(ref) - k + 1))
        if not h or not r:
            continue
        match = sum((h & r).values())
        precisions.append(match / sum(h.values()))
        recalls.append(match / sum(r.values()))
    if not precisions:
        return 0.0
    p, r = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if p + r == 0:
        return 0.0
    return 100 * (1 + beta**2) * p * r / (beta**2 * p + r)


def coverage(titles: list[str], show: int) -> dict[str, float]:
    engine = OfflineEngine()
    start = time.perf_counter()
    results = [engine.translate(t) for t in titles]
    elapsed = time.perf_counter() - start
    clean = [not has_cjk(r.text) for r in results]
    agree = sum(1 for r, c in zip(results, clean, strict=True) if r.complete == c)
    dictionary = sum(1 for r in results if r.provider == "dictionary")
    left = [(r.source, r.text) for r, c in zip(results, clean, strict=True) if not c]
    for zh, en in left[:show]:
        print(f"    {zh}\n      -> {en}")
    return {
        "titles": len(titles),
        "no_chinese_pct": 100 * sum(clean) / len(titles),
        "complete_agrees_pct": 100 * agree / len(titles),
        "dictionary_pct": 100 * dictionary / len(titles),
        "titles_per_s": len(titles) / elapsed,
    }


def throughput(titles: list[str], seconds: float = 3.0) -> tuple[float, float]:
    """Titles per second (wall clock) and per CPU-second of this process over repeated passes
    of distinct titles on one warm engine. On a shared machine the CPU figure is the steadier
    one: it does not count the time other processes held the cores."""
    engine = OfflineEngine()
    engine.translate(titles[0])
    done, start, cpu = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for t in titles:
            engine.translate(t)
        done += len(titles)
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def reference_scores() -> dict[str, float]:
    engine = OfflineEngine()
    held = [(r[0], r[1]) for r in read_tsv("translation_heldout.tsv") if len(r) > 1 and r[1]]
    std = [(r[0], r[1]) for r in read_tsv("titles_standards_ref.tsv")]
    out = {}
    for name, pairs in (("heldout_refs", held), ("standards_refs", std)):
        scores = [chrf(engine.translate(zh).text, en) for zh, en in pairs]
        out[f"{name}_n"] = len(pairs)
        out[f"{name}_chrF"] = sum(scores) / len(scores)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", type=int, default=0, help="print N titles with Chinese left")
    ap.add_argument("--set", choices=("dev", "extra", "test", "all"), default="all")
    args = ap.parse_args()
    sets = {
        "dev": "titles_dev.tsv",
        "extra": "titles_dev_extra.tsv",
        "test": "titles_test_frozen.tsv",
    }
    for name, file in sets.items():
        if args.set not in (name, "all"):
            continue
        titles = [r[0] for r in read_tsv(file)]
        print(f"{name} ({file}):")
        stats = coverage(titles, args.show if name != "test" else 0)
        stats["titles_per_s_warm"], stats["titles_per_cpu_s_warm"] = throughput(titles)
        for k, v in stats.items():
            print(f"  {k:22} {v:.1f}" if isinstance(v, float) else f"  {k:22} {v}")
    if args.set == "all":
        print("references:")
        for k, v in reference_scores().items():
            print(f"  {k:22} {v:.1f}" if isinstance(v, float) else f"  {k:22} {v}")


if __name__ == "__main__":
    main()
