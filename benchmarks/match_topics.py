"""Benchmark: match 100,000 notices against ~500 topic terms; compare with a naive regex loop.

Not a test. Run:  python benchmarks/match_topics.py [--notices 100000] [--db] [--db-path P]
Notices are generated from the real corpus titles (resources/sites/expected) and the held-out
titles, varied with years, issuers and suffixes, plus synthetic bodies of 80–200 characters;
half of them carry an English title. ``--db`` also builds a 100k-row SQLite database (or reuses
``--db-path`` if it exists) and times ``test_query`` and ``apply_topics`` on it.

What "match" measures: CPU time of ``Matcher.match_many`` over all notices (dicts → the list of
TopicHit per notice, evidence not computed), and of ``which_batch`` (topic indexes only); then
the same with every match's ``hits`` (offsets) read. Timings are the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.topics.aliases import default_glossary, term_alternatives  # noqa: E402
from app.topics.ast import And, Not, Or, Term, terms_of  # noqa: E402
from app.topics.guards import Guards  # noqa: E402
from app.topics.matcher import Matcher, TopicQuery, notice_fields  # noqa: E402
from app.topics.normalise import normalise  # noqa: E402
from app.topics.pack import default_topics  # noqa: E402
from app.topics.parser import parse  # noqa: E402

NEUTRAL_PHRASES = [
    "各省、自治区、直辖市及计划单列市、新疆生产建设兵团有关部门：",
    "为进一步加强和改进相关工作，经研究，现就有关事项通知如下。",
    "一、总体要求。坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念。",
    "二、主要任务。加强统筹协调，压实主体责任，强化督促检查。",
    "三、保障措施。各地区各部门要加强组织领导，抓好贯彻落实。",
    "请于每季度末将工作进展情况报送我部。",
    "附件：1. 申报书模板 2. 汇总表",
    "本通知自印发之日起施行，有效期五年。",
    "特此公告。",
    "（此件公开发布）",
    "联系电话：010-68208000，传真：010-68208001。",
    "各有关单位要高度重视，精心组织，确保各项任务落到实处。",
    "对工作中发现的问题，要及时研究解决，重大问题及时报告。",
    "国务院办公厅 2024年10月25日",
]
BODY_PHRASES = [
    "为贯彻落实党中央、国务院决策部署，",
    "现将有关事项通知如下。",
    "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    "请结合实际认真贯彻执行。",
    "推动人工智能与实体经济深度融合，",
    "加强个人信息保护和数据安全管理，",
    "做好节假日期间安全生产和值班工作，",
    "促进农业农村现代化和乡村全面振兴，",
    "根据《中华人民共和国标准化法》，",
    "经国家标准化管理委员会批准，",
    "鼓励生成式人工智能技术在各行业、各领域的创新应用，",
    "提升算力基础设施综合供给能力，",
    "依法依规开展数据出境安全评估，",
    "严格落实安全生产责任制，",
    "积极稳妥推进碳达峰碳中和，",
    "加强AI安全治理和风险防范，",
    "支持人形机器人整机企业做大做强，",
    "本办法自发布之日起施行。",
    "意见反馈截止时间为2025年3月31日。",
    "联系人：张三，电话：010-12345678。",
]
ISSUERS = [
    "国务院办公厅",
    "工业和信息化部",
    "国家互联网信息办公室",
    "国家标准化管理委员会",
    "农业农村部",
    "财政部",
]
SOURCES = ["govcn", "cac", "miit", "sac", "samr", "tc260"]


def corpus_titles() -> list[tuple[str, str]]:
    data = json.loads((ROOT / "resources/sites/expected/expected.json").read_text("utf-8"))
    titles: set[str] = set()

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k == "title" and isinstance(v, str):
                    titles.add(v)
                else:
                    walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(data)
    out = [(t, "") for t in sorted(titles)]
    for line in (ROOT / "tests/data/topic_titles_heldout.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            parts = line.split("\t")
            out.append((parts[1], parts[2] if len(parts) > 2 else ""))
    return out


EN = [
    "Notice on Issuing the Implementation Plan",
    "Interim Measures for the Management of Generative AI Services",
    "Announcement on the Holiday Arrangements",
    "Provisions on Cross-Border Data Flows",
    "Guiding Opinions on Humanoid Robots",
    "Notice on Tariff Adjustments for Imported Goods",
]


def make_notices(n: int, seed: int = 1) -> list[dict]:
    rnd = random.Random(seed)
    titles = corpus_titles()
    notices = []
    for i in range(n):
        title, en = rnd.choice(titles)
        title = title.replace("2025", str(2000 + i % 30)) + ("" if i % 3 else f"（第{i % 97}号）")
        # A short body: mostly administrative boilerplate, one in four sentences on a subject.
        body = "".join(
            rnd.choice(BODY_PHRASES if rnd.random() < 0.25 else NEUTRAL_PHRASES)
            for _ in range(rnd.randint(3, 6))
        )[:200]
        notices.append(
            {
                "title": title,
                "title_en": en or (rnd.choice(EN) if i % 2 else ""),
                "body": body,
                "issuer": [rnd.choice(ISSUERS)],
                "doc_number": f"工信部联科〔{2000 + i % 30}〕{i % 300}号" if i % 4 == 0 else "",
                "source": rnd.choice(SOURCES),
                "doc_type": "通知",
            }
        )
    return notices


# Glossary domains whose names users put in topics; "stress" also draws on document types and
# issuers (通知, 意见, 国务院 …), which occur in nearly every notice.
TOPICAL = (
    "ai_core",
    "ai_governance",
    "robots_and_emerging",
    "computing",
    "data",
    "biometrics",
    "standards",
    "unrelated_common",
)


def glossary_heads(stress: bool) -> list[str]:
    import tomllib

    data = tomllib.loads((ROOT / "resources/topics/aliases.toml").read_text("utf-8"))
    return [
        g[0]
        for name, dom in data["domains"].items()
        if stress or name in TOPICAL
        for g in dom["groups"]
    ]


def make_topics(target_terms: int = 500, seed: int = 2, stress: bool = False) -> list[TopicQuery]:
    """The default topics plus synthetic ones built from glossary groups, ~``target_terms`` terms."""
    rnd = random.Random(seed)
    topics = [TopicQuery.of(s) for s in default_topics()]
    count = sum(len(terms_of(parse(t.query))) for t in topics)
    heads = glossary_heads(stress)
    i = 0
    while count < target_terms:
        k = rnd.randint(3, 6)
        words = rnd.sample(heads, k)
        q = " OR ".join(f'"{w}"' for w in words[:-1])
        if k > 4:
            q = f'title:({q}) -"{words[-1]}"'
        else:
            q = f'({q}) AND body:"{words[-1]}"'
        topics.append(TopicQuery(f"synthetic {i}", q))
        count += k
        i += 1
    return topics


# ---------------------------------------------------------------------------------------------
# The naive baseline: per topic, per term, a compiled regex over each field, tree walked in Python.


def naive_compile(topics: list[TopicQuery]):
    glossary = default_glossary()
    compiled = []
    for t in topics:
        tree = parse(t.query)
        regs = {}
        for term in terms_of(tree):
            alts = term_alternatives(term, glossary)
            parts = []
            for a in alts:
                a = re.escape(" ".join(normalise(a).split()))
                if term.regex:
                    a = term.text
                parts.append(r"(?<![a-z0-9])" + a + ("" if term.prefix else r"(?![a-z0-9])"))
            regs[term] = (
                re.compile("|".join(parts)),
                [i for i, f in enumerate(FIELD_ORDER) if f in term.fields],
            )
        compiled.append((t, tree, regs))
    return compiled


FIELD_ORDER = ("title", "title_en", "body", "issuer", "doc_number", "source", "doc_type")


def naive_match(compiled, notice) -> list[str]:
    texts = [normalise(x) for x in notice_fields(notice)]
    out = []

    def ev(node, regs):
        if isinstance(node, Term):
            rx, fields = regs[node]
            return any(rx.search(texts[f]) for f in fields)
        if isinstance(node, Not):
            return not ev(node.child, regs)
        if isinstance(node, And):
            return all(ev(c, regs) for c in node.children)
        assert isinstance(node, Or)
        return any(ev(c, regs) for c in node.children)

    for t, tree, regs in compiled:
        if ev(tree, regs):
            out.append(t.name)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--notices", type=int, default=100_000)
    ap.add_argument("--naive-sample", type=int, default=2_000)
    ap.add_argument("--db", action="store_true", help="also time test_query/apply_topics on SQLite")
    ap.add_argument("--db-path", type=Path, help="SQLite file to build once and reuse")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only-db", action="store_true", help="skip the in-memory workloads")
    args = ap.parse_args()
    global REPEAT
    REPEAT = args.repeat

    notices = make_notices(args.notices)
    if args.only_db:
        bench_db(notices, args.db_path)
        return
    for stress in (False, True):
        print(f"\n== workload: {'stress (generic terms too)' if stress else 'topical terms'} ==")
        run(notices, make_topics(stress=stress), args.naive_sample)
    print("\n== workload: titles only (Chinese + English), topical terms ==")
    titles = [
        {"title": n["title"], "title_en": n["title_en"], "source": n["source"]} for n in notices
    ]
    run(titles, make_topics(), args.naive_sample)
    print("\n== workload: the default topics only ==")
    run(notices, [TopicQuery.of(s) for s in default_topics()], args.naive_sample)
    if args.db or args.db_path:
        bench_db(notices, args.db_path)


def run(notices: list[dict], topics: list[TopicQuery], naive_sample: int) -> None:
    n_terms = sum(len(terms_of(parse(t.query))) for t in topics)
    t0 = time.perf_counter()
    m = Matcher(topics)
    build = time.perf_counter() - t0
    print(
        f"topics: {len(topics)}, query terms: {n_terms}, automaton patterns (with aliases): {m.term_count}"
    )
    print(f"compile: {build * 1000:.0f} ms")
    avg_chars = sum(
        len(n["title"]) + len(n["title_en"]) + len(n.get("body", "")) for n in notices
    ) / len(notices)
    print(f"notices: {len(notices)} (avg {avg_chars:.0f} chars of title + English title + body)")

    def decide() -> tuple[int, int]:
        matched = total = 0
        for hits in m.match_many(notices):
            matched += bool(hits)
            total += len(hits)
        return matched, total

    def which() -> int:
        total = 0
        for i in range(0, len(notices), 500):
            texts = [notice_fields(n) for n in notices[i : i + 500]]
            total += sum(map(len, m.which_batch(texts)))
        return total

    def explain() -> None:
        for hits in m.match_many(notices):
            for h in hits:
                _ = h.hits  # offsets into the original text, as apply_topics stores them

    fast, (matched, total) = timed(decide)
    print(
        f"match_many (which topics, TopicHit lists): {fast:.2f} s CPU = "
        f"{len(notices) / fast:,.0f} notices/s; {matched} notices matched, {total} topic matches"
    )
    secs, total2 = timed(which)
    assert total2 == total
    print(f"which_batch (topic indexes only): {secs:.2f} s CPU = {len(notices) / secs:,.0f}/s")
    full, _ = timed(explain)
    print(
        f"match + explanations (offsets) for every match: {full:.2f} s CPU = "
        f"{len(notices) / full:,.0f} notices/s"
    )

    compiled = naive_compile(topics)
    sample = notices[:naive_sample]
    t0 = time.process_time()
    for n in sample:
        naive_match(compiled, n)
    naive = (time.process_time() - t0) / len(sample) * len(notices)
    # The naive loop implements the query language without the precision guards (guards.py),
    # so it is checked against a matcher without them.
    plain = Matcher(topics, guards=Guards())
    agree = sum(
        sorted(naive_match(compiled, n)) == sorted(h.name for h in plain.match(n))
        for n in sample[:500]
    )
    print(
        f"naive per-topic regex loop: {naive:.1f} s for {len(notices)} (extrapolated from {len(sample)}) "
        f"-> matcher is {naive / fast:.0f}x faster; results agree on {agree}/500"
    )


REPEAT = 3


def timed(fn, clock=time.process_time):
    """(median seconds over REPEAT runs, the last result)."""
    times = []
    for _ in range(REPEAT):
        t0 = clock()
        result = fn()
        times.append(clock() - t0)
    return statistics.median(times), result


def bench_db(notices: list[dict], path: Path | None = None) -> None:
    from sqlalchemy import insert

    from storage.db import Database
    from storage.models import Notice

    tmp = path or Path(tempfile.mkdtemp(prefix="regwatch-bench-")) / "bench.sqlite3"
    fresh = not tmp.exists()
    db = Database.open(f"sqlite:///{tmp}")
    if not fresh:
        from sqlalchemy import delete

        from storage.models import Topic, TopicMatch

        with db.write() as s:
            s.execute(delete(TopicMatch))
            s.execute(delete(Topic))
        print(f"\nSQLite: reusing {tmp}")
        bench_db_queries(db)
        return
    rows = [
        {
            "source": n["source"],
            "url": f"https://example.gov.cn/{i}.htm",
            "title": n["title"],
            "title_en": n["title_en"] or None,
            "body": n["body"],
            "issuers": n["issuer"],
            "doc_number": n["doc_number"] or None,
            "doc_type": n["doc_type"],
        }
        for i, n in enumerate(notices)
    ]
    t0 = time.perf_counter()
    with db.write() as s:
        for i in range(0, len(rows), 5000):
            s.execute(insert(Notice), rows[i : i + 5000])
    print(f"\nSQLite: inserted {len(rows)} notices in {time.perf_counter() - t0:.1f} s ({tmp})")
    bench_db_queries(db)


def bench_db_queries(db) -> None:
    from sqlalchemy import delete

    from app.topics import corpus_cache
    from app.topics.store import apply_topics, create_topic, test_query
    from storage.models import TopicMatch

    corpus_cache.clear()
    t0 = time.perf_counter()
    with db.read() as s:
        cold = test_query(s, "生成式人工智能")
    print(
        f"test_query cold (loads the corpus cache): {(time.perf_counter() - t0) * 1000:.0f} ms, "
        f"{cold.count} hits"
    )
    corpus_cache.clear()
    t0 = time.perf_counter()
    snap = corpus_cache.warm(db)
    print(
        f"corpus_cache.warm: {(time.perf_counter() - t0) * 1000:.0f} ms, "
        f"{(snap.nbytes if snap else 0) / 2**20:.0f} MB"
    )
    for q in [
        "生成式人工智能",
        "title:(人形机器人 OR 具身智能) -征求意见稿",
        "数据出境 AND body:安全评估",
        "title:/gb\\/t \\d+/",
    ]:

        def one(q=q):
            with db.read() as s:
                return test_query(s, q)

        def streamed(q=q):
            with db.read() as s:
                return test_query(s, q, use_cache=False)

        dt, r = timed(one, time.perf_counter)
        dt2, r2 = timed(streamed, time.perf_counter)
        assert (r.count, r.sample) == (r2.count, r2.sample)
        print(
            f"test_query({q!r}): {r.count} hits in {dt * 1000:.0f} ms (median wall; "
            f"without the cache {dt2 * 1000:.0f} ms)"
        )
    with db.write() as s:
        for spec in default_topics():
            create_topic(s, spec)
    firsts, agains = [], []
    for _ in range(REPEAT):
        with db.write() as s:
            s.execute(delete(TopicMatch))
        t0 = time.perf_counter()
        with db.write() as s:
            first = apply_topics(s)
        firsts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with db.write() as s:
            again = apply_topics(s)
        agains.append(time.perf_counter() - t0)
    print(
        f"apply_topics (the default topics, all notices): {statistics.median(firsts):.2f} s "
        f"(median wall), {first}"
    )
    print(f"apply_topics again (nothing changes): {statistics.median(agains):.2f} s, {again}")
    db.close()


if __name__ == "__main__":
    main()
