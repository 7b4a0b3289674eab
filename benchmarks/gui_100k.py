"""Benchmark (not a test): the main window over 100,000 stored notices.

    /work/venv/bin/python benchmarks/gui_100k.py [--n 100000] [--db PATH]

Bulk-inserts N notices (once; reused when the file exists), then reports: time from window
creation to the first painted page of rows, filter (sidebar view) and search latency (from the
request to the first page of rows painted, and to the exact count filled in), scrolling to the end, and peak memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

WORDS = [
    "人工智能",
    "数据安全",
    "网络安全",
    "个人信息",
    "生成式",
    "标准",
    "管理办法",
    "通知",
    "征求意见稿",
    "算法",
    "数据",
    "服务",
    "平台",
    "工业",
    "互联网",
]
SOURCES = ["govcn", "cac", "miit", "sac", "std_samr", "tc260"]


def seed(path: Path, n: int) -> None:
    from sqlalchemy import insert

    from app.config import Config  # noqa: F401 - same imports as the app
    from storage.db import Database
    from storage.models import Notice, Topic, TopicMatch, UserState

    db = Database.open(f"sqlite:///{path}")
    rnd = random.Random(7)
    today = dt.date(2026, 11, 1)
    t0 = time.perf_counter()
    with db.write() as s:
        for i, name in enumerate(
            ("Generative AI", "AI standards", "Data security", "Cybersecurity")
        ):
            s.add(Topic(id=i + 1, name=name, query=name, position=i))
        s.flush()
        batch = 5000
        for start in range(0, n, batch):
            rows, matches, states = [], [], []
            for i in range(start, min(n, start + batch)):
                words = rnd.sample(WORDS, 4)
                d = today - dt.timedelta(days=rnd.randint(0, 3650))
                rows.append(
                    {
                        "id": i + 1,
                        "source": rnd.choice(SOURCES),
                        "channel": "x",
                        "channels": ["x"],
                        "url": f"https://example.gov.cn/{i}.htm",
                        "title": "关于" + "".join(words) + f"的通知（{i}）",
                        "title_en": f"Notice {i} on "
                        + " ".join(
                            rnd.sample(["AI", "data", "security", "standards", "platforms"], 2)
                        ),
                        "body": "。".join(rnd.choice(WORDS) * 3 for _ in range(20)),
                        "published_date": d,
                        "sort_date": d,
                        "issuers": [],
                        "attachments": [],
                        "extra": {},
                        "detail_state": "ok",
                        "first_seen": dt.datetime.now(dt.UTC),
                        "last_seen": dt.datetime.now(dt.UTC),
                        "updated_at": dt.datetime.now(dt.UTC),
                        "removed": False,
                        "title_en_complete": True,
                        "title_en_human": False,
                    }
                )
                if rnd.random() < 0.1:
                    matches.append(
                        {
                            "notice_id": i + 1,
                            "topic_id": rnd.randint(1, 4),
                            "terms": [],
                            "notified": True,
                            "matched_at": dt.datetime.now(dt.UTC),
                        }
                    )
                if rnd.random() < 0.7:
                    states.append(
                        {
                            "notice_id": i + 1,
                            "read": True,
                            "flagged": rnd.random() < 0.01,
                            "status": "new",
                            "note": "",
                            "updated_at": dt.datetime.now(dt.UTC),
                        }
                    )
            s.execute(insert(Notice), rows)
            if matches:
                s.execute(insert(TopicMatch), matches)
            if states:
                s.execute(insert(UserState), states)
    print(f"seeded {n:,} notices in {time.perf_counter() - t0:.1f} s")
    db.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/regwatch-gui-100k.sqlite3"))
    args = ap.parse_args()
    if not args.db.exists():
        seed(args.db, args.n)

    from PySide6.QtWidgets import QApplication

    from app.config import Config
    from app.ui.main_window import MainWindow
    from app.ui.ops import TaskManager
    from storage.db import Database

    app = QApplication.instance() or QApplication([])
    db = Database.open(f"sqlite:///{args.db}")
    tasks = TaskManager()

    def settle(cond, timeout=30.0) -> float:
        t = time.perf_counter()
        while time.perf_counter() - t < timeout:
            app.processEvents()
            if cond() and not tasks.busy:
                return time.perf_counter() - t
            time.sleep(0.0005)
        raise TimeoutError

    t0 = time.perf_counter()
    w = MainWindow(db, Config(), tasks)
    w.mark_read_delay_ms = 10**9
    w.resize(1400, 860)
    w.show()
    w.sidebar.select_kind("all")
    settle(lambda: w.model.rowCount() > 0 and w.table.viewport().isVisible())
    w.table.viewport().repaint()
    first_paint = time.perf_counter() - t0
    print(f"first paint with {w.model.rowCount():,} rows: {first_paint * 1000:.0f} ms")

    def until(cond, timeout=30.0) -> None:
        t = time.perf_counter()
        while time.perf_counter() - t < timeout:
            app.processEvents()
            if cond():
                return
            time.sleep(0.0005)
        raise TimeoutError

    def timed(label: str, action) -> float:
        """Time to the first page of rows painted (what the user waits for), then to the
        exact row count (filled in afterwards, the list grows to it)."""
        gen = w.model._generation
        t = time.perf_counter()
        action()
        until(lambda: w.model._generation > gen and not w.model.loading)
        w.table.viewport().repaint()
        ms = (time.perf_counter() - t) * 1000
        settle(lambda: not w.model.counting)
        counted = (time.perf_counter() - t) * 1000
        print(
            f"{label:34} rows visible {ms:6.1f} ms · count {counted:6.1f} ms"
            f"  ({w.model.rowCount():,} rows)"
        )
        return ms

    results = {}
    results["inbox"] = timed("filter: Inbox", lambda: w.sidebar.select_kind("inbox"))
    results["flagged"] = timed("filter: Flagged", lambda: w.sidebar.select_kind("flagged"))
    results["all"] = timed("filter: All notices", lambda: w.sidebar.select_kind("all"))
    results["dates"] = timed("filter: last 30 days", lambda: w.date_preset.setCurrentIndex(2))
    timed("filter: any time", lambda: w.date_preset.setCurrentIndex(0))
    for q in ("数据", "人工智能", "security", "人工智能 数据安全", "不存在的词语"):
        results[q] = timed(f"search: {q}", lambda q=q: w.model.set_query(q))
    timed("search cleared", lambda: w.model.set_query(""))
    timed(
        "sort by title",
        lambda: w.table.sortByColumn(
            2, __import__("PySide6.QtCore").QtCore.Qt.SortOrder.AscendingOrder
        ),
    )
    t = time.perf_counter()
    w.table.scrollToBottom()
    settle(lambda: w.model.row_at(w.model.rowCount() - 1) is not None)
    w.table.viewport().repaint()
    print(f"{'scroll to the last row':38} {(time.perf_counter() - t) * 1000:7.1f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB; pages cached: {len(w.model._pages)}")
    w.close()
    w.deleteLater()
    app.processEvents()
    tasks.shutdown()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
