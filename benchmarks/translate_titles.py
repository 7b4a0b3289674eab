"""Throughput of the offline title engine: titles per second on distinct titles.

Run: python benchmarks/translate_titles.py [SECONDS]
Titles are the replay corpus's plus variants (issuer x frame x document), so caching of a
repeated title cannot flatter the number; a fresh engine is built, so no result is memoised.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.translation.engine import OfflineEngine

ROOT = Path(__file__).resolve().parents[1]


def corpus_titles() -> list[str]:
    data = json.loads((ROOT / "resources/sites/expected/expected.json").read_text("utf-8"))
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "title" and isinstance(value, str):
                    found.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return sorted(found)


def synthetic_titles() -> list[str]:
    issuers = [
        "工业和信息化部",
        "国家互联网信息办公室",
        "国务院办公厅",
        "科技部等十部门",
        "国家标准化管理委员会 中央网信办",
        "市场监管总局",
        "国家数据局等十七部门",
    ]
    docs = [
        "人形机器人创新发展指导意见",
        "数据出境安全评估办法",
        "智能网联汽车数据安全管理规定",
        "算力基础设施高质量发展行动计划",
        "工业互联网标准体系建设指南（2024版）",
        "生成式人工智能服务安全基本要求（征求意见稿）",
        "促进数字经济发展的实施意见",
    ]
    frames = [
        "{i}关于印发《{d}》的通知",
        "{i}关于《{d}》公开征求意见的通知",
        "{i}关于发布《{d}》的公告",
    ]
    return [f.format(i=i, d=d) for i, d, f in itertools.product(issuers, docs, frames)]


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    titles = corpus_titles() + synthetic_titles()
    engine = OfflineEngine()
    engine.translate(titles[0])  # load the data once, outside the timing
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for title in titles:
            engine.translate(title)
        done += len(titles)
    elapsed = time.perf_counter() - start
    complete = sum(engine.translate(t).complete for t in titles)
    print(
        f"{len(titles)} distinct titles, {done} translations in {elapsed:.2f} s: "
        f"{done / elapsed:,.0f} titles/s ({1000 * elapsed / done:.3f} ms/title); "
        f"{complete}/{len(titles)} complete"
    )


if __name__ == "__main__":
    main()
