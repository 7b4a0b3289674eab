"""Benchmark (not a test): the process size around the Watch topics dialog on 100,000 notices.

    .venv/bin/python benchmarks/topics_dialog_memory.py [--n 100000] [--db PATH]

Uses gui_100k.py's database (seeded once). Opens the main window, then the topics dialog,
waits for its history warm-up and one "test against history", closes it, and prints the
resident size (RSS, from /proc) before, while open and after closing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> int:
    from gui_100k import seed

    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=Path("/tmp/regwatch-gui-100k.sqlite3"))
    ap.add_argument("--keep", action="store_true", help="do not release on close (as before)")
    args = ap.parse_args()
    if not args.db.exists():
        seed(args.db, args.n)

    from PySide6.QtWidgets import QApplication

    from app.config import Config
    from app.topics import corpus_cache
    from app.ui.dialogs.topics import TopicsDialog
    from app.ui.main_window import MainWindow
    from app.ui.ops import TaskManager
    from storage.db import Database

    if args.keep:
        corpus_cache.release = lambda db: False
    app = QApplication.instance() or QApplication([])
    db = Database.open(f"sqlite:///{args.db}")
    tasks = TaskManager()

    def settle(cond=lambda: True, timeout=120.0) -> float:
        t = time.perf_counter()
        while time.perf_counter() - t < timeout:
            app.processEvents()
            if cond() and not tasks.busy:
                return time.perf_counter() - t
            time.sleep(0.005)
        raise TimeoutError

    w = MainWindow(db, Config(), tasks)
    w.mark_read_delay_ms = 10**9
    w.show()
    w.sidebar.select_kind("all")
    settle(lambda: w.model.rowCount() > 0)
    before = rss_mb()
    print(f"main window up: {before:.0f} MB", flush=True)

    dlg = TopicsDialog(db, tasks, w)
    dlg.show()
    warm = settle(lambda: corpus_cache.cached(db) is not None)
    print(f"history loaded in {warm:.1f} s: {rss_mb():.0f} MB", flush=True)
    dlg.query.setPlainText("人工智能 OR security")
    settle(lambda: dlg.last_test is not None)
    opened = rss_mb()
    snapshot = corpus_cache.cached(db)
    snap_mb = snapshot.nbytes / 2**20 if snapshot is not None else 0.0
    del snapshot  # hold no reference of our own

    from PySide6.QtWidgets import QDialog

    QDialog.done(dlg, 0)  # Close, without the "discard the typed query?" question
    dlg.deleteLater()
    if not args.keep:
        settle(lambda: corpus_cache.cached(db) is None)
    settle()
    after = rss_mb()
    end = time.perf_counter() + 4
    while time.perf_counter() < end:  # a few seconds of an idle GUI (the delayed trim)
        app.processEvents()
        time.sleep(0.05)
    later = rss_mb()
    if os.environ.get("DIAG"):
        import gc

        big = [o for o in gc.get_objects() if type(o).__name__ in ("Corpus", "HistoryTest")]
        print("alive:", [type(o).__name__ for o in big])
        for o in big[:2]:
            print([type(r).__name__ for r in gc.get_referrers(o)][:8])
        corpus_cache.trim_heap()
        print(f"after a GUI-thread trim: {rss_mb():.0f} MB")
    print(f"RSS before the dialog:   {before:6.0f} MB")
    print(
        f"RSS with it open:        {opened:6.0f} MB (snapshot {snap_mb:.0f} MB, warm-up {warm:.1f} s)"
    )
    print(f"RSS after closing it:    {after:6.0f} MB (4 s later {later:.0f} MB)")
    w.close()
    tasks.shutdown()
    db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
