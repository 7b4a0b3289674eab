"""Model contract checks, background fetching, scheduling, tray and notification grouping."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

from PySide6.QtCore import QTimer

from app.changes import Changes
from app.citation import citation
from app.notify import notification_text
from app.ui.notice_detail import load_detail
from app.ui.notice_html import render
from storage.models import Notice, TopicMatch
from storage.queries import NoticeFilter
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


def test_gui_thread_keeps_ticking_while_a_fetch_sleeps(qtbot, seeded_db, config, tasks):
    """A slow source in the worker must not block the event loop."""
    from app.ui.fetch import FetchController

    release = threading.Event()
    seen_threads = []

    def slow_cycle(db, cfg, *, sources=None, progress=None, cancel=None):
        seen_threads.append(threading.current_thread().name)
        progress("cac", 0, 3, "list page 1")
        release.wait(5)  # a source sleeping between requests
        progress(source="cac", done=3, total=3, message="done")
        return "report"

    fetcher = FetchController(seeded_db, lambda: config, tasks, fetch_fn=slow_cycle)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    progress = []
    fetcher.progress.connect(lambda *a: progress.append(a))
    with qtbot.waitSignal(fetcher.cycle_done, timeout=10000) as sig:
        assert fetcher.fetch(None)
        assert not fetcher.fetch(["miit"])  # queued behind the running cycle
        qtbot.wait(500)
        assert len(ticks) >= 10  # the event loop kept running while the worker slept
        release.set()
    timer.stop()
    assert seen_threads[0].startswith("regwatch-net")
    assert ("cac", 0, 3, "list page 1") in progress
    outcome, changes = sig.args
    assert outcome.report == "report" and changes.added
    qtbot.waitUntil(lambda: not fetcher.running and len(seen_threads) == 2, timeout=5000)
    wait_idle(qtbot, tasks)


def test_cycle_groups_new_matches_into_one_notification(qtbot, seeded_db, config, tasks):
    from app.ui.fetch import FetchController

    fetcher = FetchController(seeded_db, lambda: config, tasks, fetch_fn=lambda *a, **k: None)
    with qtbot.waitSignal(fetcher.cycle_done, timeout=10000) as sig:
        fetcher.fetch(None)
    text = sig.args[0].notification
    assert text.split(" new: ")[0].isdigit() and "Generative AI (" in text
    with seeded_db.read() as s:  # now marked notified: the next cycle is silent
        assert all(m.notified for m in s.query(TopicMatch))
    wait_idle(qtbot, tasks)


def test_fetch_error_is_reported_not_raised(qtbot, seeded_db, config, tasks):
    from app.ui.fetch import FetchController

    def broken(*a, **k):
        raise RuntimeError("mirror refused the connection")

    fetcher = FetchController(seeded_db, lambda: config, tasks, fetch_fn=broken)
    with qtbot.waitSignal(fetcher.cycle_done, timeout=10000) as sig:
        fetcher.fetch(None)
    assert "mirror refused" in sig.args[0].error
    wait_idle(qtbot, tasks)


def test_fetch_now_refreshes_the_list_with_new_rows(qtbot, window, seeded_db, tasks):
    from app.ui.fetch import FetchController

    def cycle(db, cfg, **kw):
        with db.write() as s:
            n = Notice(
                source="cac", url="https://www.cac.gov.cn/new.htm", title="生成式人工智能服务新规"
            )
            s.add(n)
            s.flush()
            s.add(TopicMatch(notice_id=n.id, topic_id=1, terms=[]))

    window.sidebar.select_kind("all")
    wait_idle(qtbot, tasks)
    before = window.model.rowCount()
    fetcher = FetchController(seeded_db, lambda: window.config, tasks, fetch_fn=cycle)
    fetcher.cycle_done.connect(window._on_cycle_done)
    window.fetcher = fetcher
    window.fetch_now()
    qtbot.waitUntil(lambda: window.model.rowCount() == before + 1, timeout=5000)


def test_scheduler_jobs_and_office_hours(qtbot, config):
    from app.ui.scheduler import FetchScheduler, in_office_hours, parse_days

    assert parse_days("mon-fri") == {0, 1, 2, 3, 4} and parse_days("sat-mon") == {5, 6, 0}
    utc = dt.UTC
    # 2026-11-24 is a Tuesday; 02:00 UTC is 10:00 in Beijing
    assert in_office_hours(dt.datetime(2026, 11, 24, 2, tzinfo=utc), "08:00-18:00", "mon-fri")
    assert not in_office_hours(dt.datetime(2026, 11, 24, 12, tzinfo=utc), "08:00-18:00", "mon-fri")
    assert not in_office_hours(dt.datetime(2026, 11, 28, 2, tzinfo=utc), "08:00-18:00", "mon-fri")
    sched = FetchScheduler()
    sched.apply(config)
    sched.start()
    try:
        assert sched.job_ids() == sorted(
            f"fetch:{k}" for k in __import__("scrapers.base").base.source_keys()
        )
    finally:
        sched.shutdown()


def test_scheduled_job_emits_due_only_in_office_hours(qtbot, config):
    from app.ui import scheduler as mod

    sched = mod.FetchScheduler()
    sched._config = config
    config.fetch.office_hours, config.fetch.office_days = "00:00-24:00", "*"
    with qtbot.waitSignal(sched.due, timeout=2000) as sig:
        threading.Thread(target=sched._run, args=("cac",)).start()
    assert sig.args == ["cac"]
    config.fetch.office_days = "sun"
    config.fetch.office_hours = "00:00-00:01"
    with qtbot.assertNotEmitted(sched.due, wait=200):
        sched._run("cac")


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


def test_progress_fields_reads_pipeline_style_events():
    from types import SimpleNamespace

    from app.ui.fetch import progress_fields

    ev = SimpleNamespace(source="miit", phase="details", done=2, total=5, message=None)
    assert progress_fields(ev) == ("miit", 2, 5, "details")
    assert progress_fields({"source": "cac", "message": "list page 1"}) == (
        "cac",
        0,
        0,
        "list page 1",
    )
