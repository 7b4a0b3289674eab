"""Model contract checks, background fetching, scheduling, tray and notification grouping."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter
from dataclasses import replace

from PySide6.QtCore import QTimer

from app.changes import Changes
from app.citation import citation
from app.notify import notification_text
from app.ui.notice_detail import load_detail
from app.ui.notice_html import render
from storage.models import Notice, Topic, TopicMatch
from storage.queries import NoticeFilter, count_notices
from tests.ui.conftest import wait_idle


def test_notice_model_passes_qtmodeltester(qtbot, qtmodeltester, seeded_db, tasks):
    from app.ui.notice_model import NoticeTableModel

    model = NoticeTableModel(seeded_db, tasks)
    model.PAGE = 7  # several pages over the sample: exercise paging and placeholders
    model.set_filter(NoticeFilter())
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=5000)
    for r in range(model.rowCount()):
        model.index(r, 2).data()
    wait_idle(qtbot, tasks)
    assert all(model.row_at(r) is not None for r in range(model.rowCount()))
    qtmodeltester.check(model, force_py=True)


def test_pages_are_evicted_beyond_the_window(qtbot, seeded_db, tasks):
    from app.ui.notice_model import NoticeTableModel

    model = NoticeTableModel(seeded_db, tasks)
    model.PAGE, model.MAX_PAGES = 5, 3
    model.set_filter(NoticeFilter())
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=5000)
    for r in range(0, model.rowCount(), 5):
        model.row_at(r)
        wait_idle(qtbot, tasks)
    assert len(model._pages) <= 3


def test_gui_thread_keeps_ticking_during_a_slow_real_fetch(qtbot, db, live_config, replay, tasks):
    """The real pipeline against the replay server, one list page answering after 1.5 s: the
    event loop keeps running, progress arrives per source, and the cycle stores notices."""
    from app.ui.fetch import FetchController

    path = "/wxzw/zcfg/A093703index_1.htm"
    real = replay.answer("GET", "www.cac.gov.cn", path, {}, {}, {})
    assert real.status == 200
    replay.override("www.cac.gov.cn", path, body=real.body, headers=real.headers, delay=1.5)
    fetcher = FetchController(db, lambda: live_config, tasks)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    progress = []
    fetcher.progress.connect(lambda *a: progress.append(a))
    with qtbot.waitSignal(fetcher.cycle_done, timeout=30000) as sig:
        assert fetcher.fetch(["cac", "miit"])
        assert not fetcher.fetch(["sac"])  # queued behind the running cycle
    timer.stop()
    # The event loop kept turning while the worker waited on the slow page: the timer fired
    # many times before the cycle ended (a blocked GUI thread would fire it at most once).
    assert len(ticks) >= 10
    assert {p[0] for p in progress} >= {"cac", "miit"}
    outcome, changes = sig.args
    assert not outcome.error and outcome.report.source("cac").state == "ok"
    assert outcome.new > 0 and changes.added
    assert any(r.path == path for r in replay.requests)
    qtbot.waitUntil(lambda: not fetcher.running, timeout=30000)  # the queued sac cycle ran
    wait_idle(qtbot, tasks)
    with db.read() as s:
        assert s.query(Notice).filter(Notice.source == "sac").count() > 0


def test_cycle_groups_new_matches_into_one_notification(qtbot, db, live_config, tasks):
    from app.ui.fetch import FetchController

    fetcher = FetchController(db, lambda: live_config, tasks)
    with qtbot.waitSignal(fetcher.cycle_done, timeout=30000) as sig:
        fetcher.fetch(None)
    text = sig.args[0].notification
    with db.read() as s:
        rows = (
            s.query(Topic.name, TopicMatch.notice_id)
            .join(Topic, Topic.id == TopicMatch.topic_id)
            .filter(Topic.notify.is_(True))
            .all()
        )
        assert rows and all(
            m.notified for m in s.query(TopicMatch).join(Topic).filter(Topic.notify.is_(True))
        )
    per_topic = Counter(name for name, _ in rows)
    expected = notification_text(
        Counter({**per_topic, "__notices__": len({nid for _, nid in rows})})
    )
    assert text == expected and text.startswith(f"{len({n for _, n in rows})} new: ")
    # one grouped line, largest topic first; the next cycle has nothing new to announce
    with qtbot.waitSignal(fetcher.cycle_done, timeout=30000) as sig:
        fetcher.fetch(None)
    assert sig.args[0].notification == "" and sig.args[0].new == 0
    assert sig.args[1].added is False  # nothing new: the list is not reloaded
    wait_idle(qtbot, tasks)


def test_fetch_error_is_reported_not_raised(qtbot, seeded_db, config, tasks):
    from app.ui.fetch import FetchController

    fetcher = FetchController(seeded_db, lambda: config, tasks)
    with qtbot.waitSignal(fetcher.cycle_done, timeout=10000) as sig:
        fetcher.fetch(["nosuch"])
    assert "nosuch" in sig.args[0].error
    wait_idle(qtbot, tasks)


def test_scheduler_uses_the_shared_jobs(qtbot, seeded_db, config):
    from app.export.schedule import JOB_ID
    from app.scheduling import JOB_PREFIX
    from app.ui.scheduler import IMPROVE_JOB, FetchScheduler
    from scrapers.base import source_keys

    config.sources["tc260"] = type(config.source("tc260"))(enabled=False)
    config.email.schedule.enabled = True
    config.translation.provider = "deepl"
    sched = FetchScheduler(seeded_db)
    sched.apply(config)
    sched.start()
    try:
        fetch_jobs = {f"{JOB_PREFIX}{k}" for k in source_keys() if k != "tc260"}
        assert set(sched.job_ids()) == fetch_jobs | {JOB_ID, IMPROVE_JOB}
        nxt = sched.next_run()
        assert nxt is not None and nxt - dt.datetime.now(dt.UTC) < dt.timedelta(minutes=5)
        # a due job only emits; office hours decide
        config.fetch.office_hours, config.fetch.office_days = "00:00-24:00", "daily"
        sched.apply(config)
        with qtbot.waitSignal(sched.due, timeout=2000) as sig:
            threading.Thread(target=sched.scheduler.get_job("fetch:cac").func).start()
        assert sig.args == ["cac"]
        config.email.schedule.enabled = False
        config.translation.provider = "offline"
        sched.apply(config)
        assert set(sched.job_ids()) == fetch_jobs
    finally:
        sched.shutdown()


def test_tray_copes_without_a_system_tray(qtbot):
    from app.ui.tray import Tray

    tray = Tray()
    tray.set_unread(3)
    assert "3 unread" in tray.tooltip
    shown = tray.notify("3 new: Generative AI (2), AI standards (1)")
    assert shown == tray.available


def test_notification_text_groups_by_topic():
    assert notification_text(
        Counter({"__notices__": 3, "Generative AI": 2, "AI standards": 1})
    ) == ("3 new: Generative AI (2), AI standards (1)")
    assert notification_text(Counter()) == ""


def test_citation_is_bilingual():
    text = citation(
        title="人工智能生成合成内容标识办法",
        title_en="Measures for Labelling AI-Generated Content",
        issuers=["国家互联网信息办公室", "工业和信息化部"],
        doc_number="国信办通字〔2025〕2号",
        date=dt.date(2025, 3, 14),
        url="https://www.cac.gov.cn/2025-03/14/c_1.htm",
    )
    assert text == (
        "Measures for Labelling AI-Generated Content — 人工智能生成合成内容标识办法, "
        "国家互联网信息办公室、工业和信息化部, 国信办通字〔2025〕2号, 2025-03-14, "
        "https://www.cac.gov.cn/2025-03/14/c_1.htm"
    )


def test_detail_html_escapes_scraped_content_and_vets_links(seeded_db):
    with seeded_db.write() as s:
        n = Notice(
            source="cac",
            url="https://www.cac.gov.cn/x.htm",
            title='<img src="http://evil.example/t.png">标题<script>alert(1)</script>',
            body="正文 <a href='javascript:alert(1)'>x</a>",
            attachments=[
                {"name": "a.pdf", "url": "javascript:alert(1)"},
                {"name": "b.pdf", "url": "https://www.cac.gov.cn/b.pdf"},
            ],
            removed=True,
        )
        s.add(n)
        s.flush()
        nid = n.id
    with seeded_db.read() as s:
        html = render(load_detail(s, nid))
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html
    assert 'href="https://www.cac.gov.cn/b.pdf"' in html
    assert "Removed from the site" in html


def test_safe_browser_loads_no_resources(qtbot):
    from app.ui.safe_browser import SafeTextBrowser

    b = SafeTextBrowser()
    qtbot.addWidget(b)
    b.setHtml('<p>x</p><img src="http://127.0.0.1:9/pixel.png"><img src="file:///etc/passwd">')
    b.show()
    qtbot.wait(50)
    assert b.openLinks() is False and b.openExternalLinks() is False
    assert any("pixel.png" in r for r in b.refused)


def test_version_diff_and_duplicates_shown(qtbot, window, seeded_db, tasks):
    with seeded_db.write() as s:
        a = Notice(
            source="govcn", url="https://www.gov.cn/a.htm", title="同一文件", body="第一段\n旧内容"
        )
        s.add(a)
        s.flush()
        b = Notice(
            source="sac",
            url="https://www.sac.gov.cn/a.html",
            title="同一文件",
            duplicate_of_id=a.id,
        )
        s.add(b)
        from storage.models import NoticeVersion

        s.add(NoticeVersion(notice_id=a.id, title="同一文件", body="第一段\n更旧内容"))
        aid = a.id
    with seeded_db.read() as s:
        d = load_detail(s, aid)
    assert d.duplicates and d.duplicates[0][0] == "sac"
    assert any(line.startswith("-更旧内容") for line in d.versions[0].diff)
    assert any(line.startswith("+旧内容") for line in d.versions[0].diff)


def test_changes_merge():
    c = Changes(notices=frozenset({1})) | Changes(added=True)
    assert c.notices == {1} and c.added and not c.empty


def test_progress_fields_reads_pipeline_events():
    from app.pipeline import ProgressEvent, SourceReport
    from app.ui.fetch import progress_fields

    ev = ProgressEvent(source="miit", phase="details", channel="wjfb", done=2, total=5)
    assert progress_fields(ev) == ("miit", 2, 5, "reading notices 2/5")  # no channel key
    done = ProgressEvent("cac", "done", report=SourceReport("cac", state="ok", new=3))
    assert progress_fields(done) == ("cac", 1, 1, "OK, 3 new")
    bad = ProgressEvent("sac", "done", report=SourceReport("sac", state="blocked"))
    assert progress_fields(bad) == ("sac", 1, 1, "blocked by the site")


def test_first_page_shows_before_the_count_then_the_model_grows(qtbot, seeded_db, tasks):
    from app.ui.notice_model import NoticeTableModel

    model = NoticeTableModel(seeded_db, tasks)
    model.PAGE = 5
    seen = []
    model.loaded.connect(lambda n: seen.append(("loaded", n)))  # n: the rows shown then
    model.counted.connect(lambda n: seen.append(("counted", n)))
    inserted = []

    def on_inserted(_parent, first: int, last: int) -> None:
        inserted.append((first, last))

    model.rowsInserted.connect(on_inserted)
    model.set_filter(NoticeFilter())
    wait_idle(qtbot, tasks)
    with seeded_db.read() as s:
        total = count_notices(NoticeFilter(), s)
    assert total > 5
    assert seen[-1] == ("counted", total) and model.rowCount() == total
    loaded = [e for e in seen if e[0] == "loaded"]
    # either the count came first (one reset to the full size) or the model grew by insertion
    assert loaded[-1][1] in (5, total)
    if loaded[-1][1] == 5:
        assert inserted == [(5, total - 1)]
    assert not model.counting
    model.loaded.disconnect()
    model.counted.disconnect()
    model.rowsInserted.disconnect(on_inserted)


def test_search_by_scanning_the_newest_rows_equals_the_index(seeded_db, monkeypatch):
    from app.services import notice_rows
    from app.ui.notice_model import first_ids_by_scan, load_page, nonempty

    monkeypatch.setattr(notice_rows, "SCAN_WINDOW", 15)
    with seeded_db.read() as s:
        for query in ("数据", "人工智能", "标准", "security", "人工智能 安全", "不存在的词语"):
            for sort, desc in (("date", True), ("title", False)):
                f = nonempty(NoticeFilter(query=query))
                full = [
                    r.id
                    for r in load_page(s, replace(f, query=""), 0, 10_000, sort, desc)
                    if r.id in set(_ids_matching(s, f))
                ]
                scanned = first_ids_by_scan(s, f, 3, sort, desc)
                assert scanned is None or scanned == full[:3], query
                assert [r.id for r in load_page(s, f, 0, 3, sort, desc)] == full[:3], query


def _ids_matching(s, f):
    from sqlalchemy import select

    from storage.models import Notice
    from storage.queries import where_clauses

    return s.scalars(select(Notice.id).where(*where_clauses(f, s))).all()


def test_the_qt_binding_keeps_singleton_refcounts(qapp):
    """PySide6 6.12.0 on Python 3.11 returns None from void calls (and True from Signal.emit)
    without a reference, which ends a long session with "Fatal Python error: none_dealloc".
    pyproject pins PySide6 below 6.12; this fails if a bump brings the bug back."""
    import sys

    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QLabel

    class Probe(QObject):
        ping = Signal()

    label, probe = QLabel(), Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(1000):
        label.setText("x")
        probe.ping.emit()
    assert none_before - sys.getrefcount(None) < 100
    assert true_before - sys.getrefcount(True) < 100


def test_gui_improve_job_is_the_shared_one(qtbot, seeded_db, config):
    from app import scheduling
    from app.ui.scheduler import IMPROVE_JOB, FetchScheduler

    config.translation.provider = "deepl"
    sched = FetchScheduler(seeded_db)
    sched.apply(config)
    job = sched.scheduler.get_job(IMPROVE_JOB)
    assert IMPROVE_JOB == scheduling.TRANSLATE_JOB_ID and job.func is scheduling.improve_titles
    sched.shutdown()
