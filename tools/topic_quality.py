"""Recall and precision of a topic pack on the labelled real titles (tests/data/README.md).

Not a test: a measurement. Run:  python tools/topic_quality.py [--pack FILE] [--split dev|test|all]
[--show dev|test] [--markdown] [--optional]

Each title is matched as a notice with only a title. "In scope" is the labeller's judgement
(AI, data, cybersecurity, internet information services, digital government, cloud and
computing power); a notice counts as caught when any topic of the pack fires. Per topic,
recall is over the titles labelled with that topic, and precision is the share of its firings
that land on in-scope titles (a data-security standard that also fires "Cybersecurity" is not a
false alarm; a firing on a farmland plan is). ``--show`` lists misses and false alarms of one
split: look at dev, never tune on test. ``--optional`` measures the optional packs on the
titles labelled with their subject (column "packs"); they are few, so read those numbers as a
sanity check.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.topics import Matcher, default_topics, loads_pack  # noqa: E402

DATA = ROOT / "tests/data/topic_titles_labelled.tsv"

# Label codes (column "topics") -> the topic names of the shipped packs.
TOPIC_CODES = {
    "ai": "Artificial intelligence (all)",
    "genai": "Generative AI & large models",
    "aigov": "AI governance, ethics & safety",
    "aistd": "AI standardisation",
    "algo": "Algorithms & recommendation",
    "robot": "Humanoid robots, embodied AI & future industries",
    "icv": "Intelligent connected vehicles & autonomous driving",
    "compute": "Cloud, computing power & AI infrastructure",
    "dsp": "Data security & personal information",
    "xb": "Cross-border data",
    "bio": "Biometrics & face recognition",
    "cyber": "Cybersecurity",
    "data": "Data resources & the data economy",
    "content": "Internet information services & content governance",
    "digigov": "Digital government & informatization",
}
# Older names of the same subjects, so an earlier pack can be measured too.
FORMER_NAMES = {"Computing power & AI infrastructure": "compute"}


@dataclass
class Row:
    split: str
    in_scope: bool
    clear: bool
    topics: set[str]
    packs: set[str]
    source: str
    title: str


def load_rows(path: Path = DATA) -> list[Row]:
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        split, scope, clarity, topics, packs, source, title = line.split("\t")
        rows.append(
            Row(
                split,
                scope == "in",
                clarity == "clear",
                {t for t in topics.split(",") if t},
                {p for p in packs.split(",") if p},
                source,
                title,
            )
        )
    return rows


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")


@dataclass
class Report:
    rows: int = 0
    all: Counts = field(default_factory=Counts)  # notice level, every row
    clear: Counts = field(default_factory=Counts)  # notice level, clear-cut rows only
    recall_hits: dict[str, int] = field(default_factory=dict)  # per topic code
    recall_total: dict[str, int] = field(default_factory=dict)
    fired_in: dict[str, int] = field(default_factory=dict)  # per topic name
    fired_out: dict[str, int] = field(default_factory=dict)
    misses: list[Row] = field(default_factory=list)
    false_alarms: list[tuple[Row, list[str]]] = field(default_factory=list)


def code_of(name: str) -> str | None:
    for code, topic in TOPIC_CODES.items():
        if topic == name:
            return code
    return FORMER_NAMES.get(name)


def measure(matcher: Matcher, rows: list[Row]) -> Report:
    rep = Report(rows=len(rows))
    results = matcher.match_many({"title": r.title} for r in rows)
    for row, hits in zip(rows, results, strict=True):
        names = [h.name for h in hits]
        fired = bool(names)
        for counts in [rep.all] + ([rep.clear] if row.clear else []):
            if row.in_scope and fired:
                counts.tp += 1
            elif row.in_scope:
                counts.fn += 1
            elif fired:
                counts.fp += 1
        if row.in_scope and not fired:
            rep.misses.append(row)
        if fired and not row.in_scope:
            rep.false_alarms.append((row, names))
        codes = {code_of(n) for n in names}
        for code in row.topics:
            rep.recall_total[code] = rep.recall_total.get(code, 0) + 1
            rep.recall_hits[code] = rep.recall_hits.get(code, 0) + (code in codes)
        for name in names:
            bucket = rep.fired_in if row.in_scope else rep.fired_out
            bucket[name] = bucket.get(name, 0) + 1
    return rep


def _pct(x: float) -> str:
    return "  – " if x != x else f"{x:.2f}"


def render(label: str, rep: Report, topic_names: list[str], markdown: bool) -> str:
    out = []
    a, c = rep.all, rep.clear
    if markdown:
        out.append(f"**{label}** ({rep.rows} titles, {a.tp + a.fn} in scope)\n")
        out.append("| | recall | precision |")
        out.append("|---|---|---|")
        out.append(f"| clear-cut titles | {_pct(c.recall)} | {_pct(c.precision)} |")
        out.append(f"| all titles | {_pct(a.recall)} | {_pct(a.precision)} |")
        out.append("")
        out.append("| topic | labelled | recall | fired | precision |")
        out.append("|---|---|---|---|---|")
    else:
        out.append(f"== {label}: {rep.rows} titles, {a.tp + a.fn} in scope ==")
        out.append(
            f"clear-cut: recall {_pct(c.recall)} precision {_pct(c.precision)} "
            f"(tp {c.tp} fp {c.fp} fn {c.fn})"
        )
        out.append(
            f"all:       recall {_pct(a.recall)} precision {_pct(a.precision)} "
            f"(tp {a.tp} fp {a.fp} fn {a.fn})"
        )
    for name in topic_names:
        code = code_of(name)
        total = rep.recall_total.get(code, 0) if code else 0
        hits = rep.recall_hits.get(code, 0) if code else 0
        fin, fout = rep.fired_in.get(name, 0), rep.fired_out.get(name, 0)
        recall = hits / total if total else float("nan")
        precision = fin / (fin + fout) if fin + fout else float("nan")
        if markdown:
            out.append(f"| {name} | {total} | {_pct(recall)} | {fin + fout} | {_pct(precision)} |")
        else:
            out.append(
                f"  {name[:52]:52} labelled {total:3} recall {_pct(recall)}"
                f"  fired {fin + fout:3} precision {_pct(precision)}"
            )
    return "\n".join(out)


# Label codes of the optional packs (column "packs") -> pack keys (app/topics/packs.py).
PACK_CODES = {
    "iot": "iot",
    "telecom": "telecom",
    "vehicle": "vehicles",
    "med": "medical_devices",
    "green": "green_tech",
    "std": "standardisation",
}


def render_optional(rows: list[Row], markdown: bool) -> str:
    from app.topics.packs import optional_pack

    out = ["| pack | labelled | recall | fired | precision |", "|---|---|---|---|---|"]
    if not markdown:
        out = ["== optional packs (all titles) =="]
    for code, key in PACK_CODES.items():
        m = Matcher(optional_pack(key).topics())
        labelled = fired = caught = 0
        for row, hits in zip(rows, m.match_many({"title": r.title} for r in rows), strict=True):
            mine = code in row.packs
            labelled += mine
            fired += bool(hits)
            caught += bool(hits) and mine
        recall = caught / labelled if labelled else float("nan")
        precision = caught / fired if fired else float("nan")
        if markdown:
            out.append(f"| {key} | {labelled} | {_pct(recall)} | {fired} | {_pct(precision)} |")
        else:
            out.append(
                f"  {key:16} labelled {labelled:3} recall {_pct(recall)}"
                f"  fired {fired:3} precision {_pct(precision)}"
            )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pack", type=Path, help="a topic pack (default: the shipped defaults)")
    ap.add_argument("--split", choices=["dev", "test", "all"], default=None)
    ap.add_argument("--show", choices=["dev", "test"], help="list misses and false alarms")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--optional", action="store_true", help="measure the optional packs")
    args = ap.parse_args()
    if args.optional:
        print(render_optional(load_rows(), args.markdown))
        return
    specs = loads_pack(args.pack.read_text("utf-8"), str(args.pack)) if args.pack else None
    specs = specs or default_topics()
    matcher = Matcher(specs)
    names = [s.name for s in specs]
    rows = load_rows()
    splits = [args.split] if args.split else ["dev", "test", "all"]
    for split in splits:
        part = [r for r in rows if split == "all" or r.split == split]
        label = {"dev": "development part", "test": "frozen test part", "all": "all"}[split]
        print(render(label, measure(matcher, part), names, args.markdown))
        print()
    if args.show:
        rep = measure(matcher, [r for r in rows if r.split == args.show])
        print(f"-- misses ({args.show}) --")
        for r in rep.misses:
            print(f"  [{'clear' if r.clear else 'border'}] {','.join(sorted(r.topics))}\t{r.title}")
        print(f"-- false alarms ({args.show}) --")
        for r, fired in rep.false_alarms:
            print(f"  [{'clear' if r.clear else 'border'}] {r.title}\t<- {', '.join(fired)}")


if __name__ == "__main__":
    main()
