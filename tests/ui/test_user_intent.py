"""The desktop app does what the user asked: bulk actions on a whole view, first run, quit,
failed fetches, the topics editor, keeping one's place."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from storage.models import Notice, UserState
from storage.queries import NoticeFilter, count_notices
from tests.ui.conftest import wait_idle


def _small_pages(window, qtbot, tasks, kind: str = "all", max_pages: int = 2) -> None:
    """A view much larger than the rows the list holds in memory (as 100k notices are)."""
    window.model.PAGE, window.model.MAX_PAGES = 4, max_pages
    window.sidebar.select_kind(kind)
    qtbot.waitUntil(
        lambda: not window.model.counting and window.model.rowCount() > 20, timeout=5000
    )
    wait_idle(qtbot, tasks)


def _unread(db, f: NoticeFilter) -> int:
    with db.read() as s:
        return count_notices(f, s)


def test_select_all_then_m_marks_every_row_of_the_view_read(qtbot, window, seeded_db, tasks):
    from app.triage import set_state

    with seeded_db.write() as s:
        set_state(s, [1, 2, 3], read=True)
    _small_pages(window, qtbot, tasks)
    total = window.model.rowCount()
    loaded = sum(window.model.is_loaded(r) for r in range(total))
    assert loaded < total  # most rows of the view are not in memory
    before = _unread(seeded_db, NoticeFilter(unread=True))
    assert before > loaded
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: _unread(seeded_db, NoticeFilter(unread=True)) == 0, timeout=5000)
    wait_idle(qtbot, tasks)
    msg = window.statusBar().currentMessage()
    assert f"{before} notices marked read" in msg
    assert f"({total - before} already were.)" in msg


def test_select_all_then_f_and_status_act_on_the_whole_view(qtbot, window, seeded_db, tasks):
    _small_pages(window, qtbot, tasks)
    total = window.model.rowCount()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: _unread(seeded_db, NoticeFilter(flagged=True)) == total, timeout=5000)
    wait_idle(qtbot, tasks)
    assert f"{total} notices flagged" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_3)  # escalated
    qtbot.waitUntil(
        lambda: _unread(seeded_db, NoticeFilter(status="escalated")) == total, timeout=5000
    )
    wait_idle(qtbot, tasks)
    assert f"{total} notices set to Escalated" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_F)  # all flagged: F unflags all
    qtbot.waitUntil(lambda: _unread(seeded_db, NoticeFilter(flagged=True)) == 0, timeout=5000)


def test_a_shift_range_into_unloaded_rows_changes_exactly_that_range(
    qtbot, window, seeded_db, tasks
):
    _small_pages(window, qtbot, tasks)
    window.select_row(0)
    wait_idle(qtbot, tasks)
    first = window.current_id()
    sm = window.table.selectionModel()
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    sel = QItemSelection(window.model.index(2, 0), window.model.index(14, 0))
    sm.select(
        sel,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    window.toggle_flag()
    qtbot.waitUntil(lambda: _unread(seeded_db, NoticeFilter(flagged=True)) == 13, timeout=5000)
    wait_idle(qtbot, tasks)
    with seeded_db.read() as s:
        flagged = set(
            s.scalars(
                UserState.__table__.select()
                .with_only_columns(UserState.notice_id)
                .where(UserState.flagged.is_(True))
            )
        )
        order = [
            n.id
            for n in s.query(Notice).order_by(
                Notice.sort_date.desc().nulls_last(), Notice.id.desc()
            )
        ]
    assert flagged == set(order[2:15])
    assert first not in flagged


# -- first run ------------------------------------------------------------------------------


def _ctx(tmp_path):
    from app.context import Context

    ctx = Context(
        db_url=f"sqlite:///{tmp_path / 'first.sqlite3'}",
        config_path=str(tmp_path / "regwatch.toml"),
    )
    ctx.config.fetch.mirror = "http://127.0.0.1:9"  # nothing real is contacted from a test
    return ctx


def _answer_welcome(qtbot, seen: dict, *, accept: bool, uncheck: int = 0) -> None:
    """While the welcome dialog is open: note what runs, uncheck topics, press OK/Cancel."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.dialogs.first_run import FirstRunDialog
    from app.ui.scheduler import FetchScheduler

    def answer() -> None:
        dlg = QApplication.activeModalWidget()
        if not isinstance(dlg, FirstRunDialog):
            QTimer.singleShot(20, answer)
            return
        schedulers = QApplication.instance().findChildren(FetchScheduler)
        seen["scheduler_running"] = any(s.scheduler.running for s in schedulers)
        topics = dlg.topics
        # The default topics come checked; optional packs are offered unchecked.
        checked = [
            topics.item(i)
            for i in range(topics.count())
            if topics.item(i).checkState() == Qt.CheckState.Checked
        ]
        seen["offered"] = [item.text() for item in checked]
        for item in checked[:uncheck]:
            item.setCheckState(Qt.CheckState.Unchecked)
        seen["unchecked"] = seen["offered"][:uncheck]
        if accept:
            dlg.save()
        else:
            dlg.reject()

    QTimer.singleShot(0, answer)


def test_first_run_starts_nothing_and_installs_only_checked_topics(qtbot, qapp, tmp_path):
    from app.topics.store import install_default_topics
    from app.ui.main import build_desktop
    from storage.models import Topic

    ctx = _ctx(tmp_path)
    seen: dict = {}
    _answer_welcome(qtbot, seen, accept=True, uncheck=2)
    desktop = build_desktop(ctx, schedule=True, first_run=True)
    try:
        qtbot.addWidget(desktop.window)
        assert seen["scheduler_running"] is False  # nothing ran while the dialog was open
        qtbot.waitUntil(lambda: desktop.scheduler.scheduler.running, timeout=5000)
        with ctx.db.write() as s:  # what the first fetch does before fetching
            assert install_default_topics(s) == 0
        with ctx.db.read() as s:
            names = set(s.scalars(Topic.__table__.select().with_only_columns(Topic.name)))
        assert names == set(seen["offered"]) - set(seen["unchecked"])
        assert len(seen["unchecked"]) == 2 and names
    finally:
        desktop.shutdown()
        ctx.close()


def test_first_run_cancel_installs_nothing_and_keeps_the_config(qtbot, qapp, tmp_path):
    from app.topics.store import install_default_topics
    from app.ui.main import build_desktop
    from storage.models import Topic

    ctx = _ctx(tmp_path)
    text_before = (tmp_path / "regwatch.toml").read_text(encoding="utf-8")
    seen: dict = {}
    _answer_welcome(qtbot, seen, accept=False)
    desktop = build_desktop(ctx, schedule=True, first_run=True)
    try:
        qtbot.addWidget(desktop.window)
        assert seen["scheduler_running"] is False
        qtbot.waitUntil(lambda: desktop.scheduler.scheduler.running, timeout=5000)
        with ctx.db.write() as s:
            assert install_default_topics(s) == 0
        with ctx.db.read() as s:
            assert s.query(Topic).count() == 0
        assert (tmp_path / "regwatch.toml").read_text(encoding="utf-8") == text_before
    finally:
        desktop.shutdown()
        ctx.close()


# -- quit and one instance per database ----------------------------------------------------


def test_quit_ends_the_event_loop_even_with_a_tray(qtbot, qapp, tmp_path):
    from PySide6.QtCore import QTimer

    from app.ui.main import build_desktop

    ctx = _ctx(tmp_path)
    desktop = build_desktop(ctx, schedule=True, first_run=False)
    try:
        w = desktop.window
        qtbot.addWidget(w)
        w.close_to_tray = lambda: True  # as on a desktop with a system tray
        qapp.setQuitOnLastWindowClosed(False)
        w.show()
        assert desktop.scheduler.scheduler.running
        w.close()  # closing the window only hides it to the tray
        assert not w.isVisible() and desktop.scheduler.scheduler.running
        w.show()
        timed_out = []
        QTimer.singleShot(0, w.act_quit.trigger)  # File → Quit (Ctrl+Q)
        QTimer.singleShot(5000, lambda: (timed_out.append(True), qapp.quit()))
        qapp.exec()
        assert not timed_out  # Quit ended the loop by itself
        assert not w.isVisible() and not desktop.scheduler.scheduler.running
    finally:
        qapp.setQuitOnLastWindowClosed(True)
        desktop.shutdown()
        ctx.close()


def test_a_second_start_on_the_same_database_raises_the_first(qtbot, qapp, tmp_path):
    from app.ui.single_instance import SingleInstance, instance_name

    url = f"sqlite:///{tmp_path / 'one.sqlite3'}"
    first = SingleInstance(url)
    assert first.claim()
    try:
        other = SingleInstance(f"sqlite:///{tmp_path / 'other.sqlite3'}")
        assert other.claim()  # another database: its own app
        other.release()
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert not SingleInstance(url).claim()
        assert instance_name(url) != instance_name(url + "x")
        assert "one.sqlite3" not in instance_name(url)
    finally:
        first.release()


# -- every start respects each source's interval from its stored last run ------------------


def test_a_restart_waits_for_each_sources_interval_since_its_last_run(qtbot, db, config):
    import datetime as dt

    from app.scheduling import JOB_PREFIX, source_interval
    from app.ui.scheduler import FetchScheduler
    from storage.models import FetchRun

    now = dt.datetime.now(dt.UTC)
    with db.write() as s:
        s.add(FetchRun(source="cac", started_at=now - dt.timedelta(minutes=5), outcome="ok"))
        s.add(FetchRun(source="miit", started_at=now - dt.timedelta(days=3), outcome="error"))
    sched = FetchScheduler(db)
    try:
        sched.apply(config)  # paused scheduler: jobs keep the next run times they were given
        jobs = {j.id.removeprefix(JOB_PREFIX): j for j in sched.scheduler.get_jobs()}
        cac_due = jobs["cac"].next_run_time
        expected = (
            now - dt.timedelta(minutes=5) + dt.timedelta(minutes=source_interval(config, "cac"))
        )
        assert abs((cac_due - expected).total_seconds()) < 2  # not refetched at start
        soon = now + dt.timedelta(minutes=3)
        overdue = [k for k, j in jobs.items() if k != "cac"]
        assert "miit" in overdue
        assert all(jobs[k].next_run_time < soon for k in overdue)
        stagger = sorted(jobs[k].next_run_time for k in overdue)
        assert all(b > a for a, b in zip(stagger, stagger[1:], strict=False))
    finally:
        sched.shutdown()


# -- failed fetches are said, with how many and why -----------------------------------------


def test_a_cycle_where_every_source_fails_says_so_in_the_status_bar(
    qtbot, seeded_db, config, tasks
):
    from app.ui.fetch import FetchController
    from app.ui.main_window import MainWindow

    f = config.fetch
    f.mirror, f.spacing, f.jitter, f.retries, f.timeout = "http://127.0.0.1:9", 0.0, 0.0, 0, 3.0
    f.office_hours, f.office_days = "00:00-24:00", "*"
    fetcher = FetchController(seeded_db, lambda: config, tasks)
    w = MainWindow(seeded_db, config, tasks, fetcher)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(fetcher.cycle_done, timeout=60000) as sig:
        fetcher.fetch(["cac", "miit"])
    outcome, _ = sig.args
    assert all(s.failed for s in outcome.report.sources)
    text = w.fetch_status.message.full_text
    assert text.startswith("2 of 2 sources failed — ")
    assert "CAC: error" in text and "MIIT: error" in text
    assert "cac:" not in text and "miit:" not in text  # display names, not keys
    assert re.search(r"\b\d+ new\b", text)  # the count is still there
    assert sorted(w.fetch_status.failed_sources) == ["cac", "miit"]
    wait_idle(qtbot, tasks)


# -- search agrees with topics ---------------------------------------------------------------


def test_the_search_box_finds_ai_as_a_word_not_inside_affairs(qtbot, window, seeded_db, tasks):
    from storage.models import Notice

    with seeded_db.write() as s:
        for key, en in (("w1", "Notice on Foreign Affairs"), ("w2", "Rules for AI labelling")):
            s.add(
                Notice(source="cac", channel=key, url=f"https://x.cn/{key}", title=key, title_en=en)
            )
    window.sidebar.select_kind("all")
    window.search.setText("AI")
    qtbot.waitUntil(
        lambda: window.model.filter.query == "AI" and not window.model.loading, timeout=5000
    )
    wait_idle(qtbot, tasks)
    shown = [window.model.row_at(r).title_en for r in range(window.model.rowCount())]
    assert "Rules for AI labelling" in shown
    assert "Notice on Foreign Affairs" not in shown


# -- the topics editor keeps the user's work -------------------------------------------------


def _answer_box(qtbot, button_text: str, seen: list) -> None:
    """Click ``button_text`` in the next message box, noting its question."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        for b in box.buttons():
            if b.text().replace("&", "") == button_text:
                b.click()
                return
        texts = [b.text() for b in box.buttons()]
        box.reject()  # never leave a modal box open: the test would hang instead of failing
        raise AssertionError(f"no {button_text!r} in {texts}")

    QTimer.singleShot(0, click)


def test_topics_editor_asks_before_losing_edits_and_confirms_delete(qtbot, seeded_db, tasks):
    from PySide6.QtWidgets import QPushButton

    from app.ui.dialogs.topics import ROLE, TopicsDialog
    from storage.models import Topic

    dlg = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(dlg)
    dlg.show()
    wait_idle(qtbot, tasks)
    assert dlg.save_btn.isDefault()
    assert not any(
        b.isDefault() or b.autoDefault()
        for b in dlg.findChildren(QPushButton)
        if b is not dlg.save_btn
    )
    first = dlg.list.item(0).data(ROLE)
    # Enter in the Name field saves; it does not Add (which clears the form)
    dlg.name.setFocus()
    dlg.name.setText(first.spec.name + " (edited)")
    qtbot.keyClick(dlg.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dlg.last_saved is not None, timeout=5000)
    wait_idle(qtbot, tasks)
    assert dlg.name.text() == first.spec.name + " (edited)"
    # switching topics with unsaved edits: Cancel stays, Discard switches
    dlg.description.setText("my unsaved note")
    seen: list[str] = []
    _answer_box(qtbot, "Cancel", seen)
    dlg.list.setCurrentRow(1)
    assert seen and "Save your changes" in seen[0]
    assert dlg.description.text() == "my unsaved note" and dlg.list.currentRow() == 0
    _answer_box(qtbot, "Save", seen)
    dlg.list.setCurrentRow(1)
    qtbot.waitUntil(lambda: dlg.list.currentRow() == 1 and not dlg.dirty(), timeout=5000)
    wait_idle(qtbot, tasks)
    with seeded_db.read() as s:
        assert s.get(Topic, first.id).description == "my unsaved note"
    # Close with unsaved edits asks too; Discard closes
    dlg.description.setText("thrown away")
    _answer_box(qtbot, "Discard", seen)
    dlg.reject()
    assert not dlg.isVisible() and "Save your changes" in seen[-1]
    # Delete asks; No keeps the topic
    dlg.show()
    wait_idle(qtbot, tasks)
    dlg.list.setCurrentRow(1)
    victim = dlg.list.item(1).data(ROLE)
    _answer_box(qtbot, "No", seen)
    dlg.delete.click()
    wait_idle(qtbot, tasks)
    with seeded_db.read() as s:
        assert s.get(Topic, victim.id) is not None
    assert "Delete the topic" in seen[-1]
    _answer_box(qtbot, "Yes", seen)
    dlg.delete.click()
    qtbot.waitUntil(lambda: "Deleted" in dlg.status.text(), timeout=5000)
    with seeded_db.read() as s:
        assert s.get(Topic, victim.id) is None


# -- messages say what really happened, in the app's words ------------------------------------


def test_open_original_without_a_browser_says_so(qtbot, window, tasks, monkeypatch):
    from PySide6.QtGui import QDesktopServices, QGuiApplication

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    window.select_row(0)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=5000)
    window.open_original()
    msg = window.statusBar().currentMessage()
    assert "No web browser could be started" in msg and "Not a web address" not in msg
    assert QGuiApplication.clipboard().text() == window.detail.detail.url


def test_cli_wording_never_reaches_the_email_dialog():
    from app.export.smtp import SmtpConfigError
    from app.ui.dialogs.email_digest import error_sentence

    text = error_sentence(
        SmtpConfigError(
            "no SMTP server configured: set email.host in the config file or use --smtp-host"
        )
    )
    assert "Settings → E-mail" in text
    assert "--" not in text and "config file" not in text and "email.host" not in text


# -- times carry their zone; the Chinese UI names sources in Chinese ----------------------------


def test_fetch_times_are_local_with_their_zone(qtbot, monkeypatch):
    import datetime as dt
    import time

    from app.ui.fetch_status import FetchStatus

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        w = FetchStatus()
        qtbot.addWidget(w)
        last = dt.datetime(2025, 1, 15, 12, 0, tzinfo=dt.UTC)
        w.set_times(last, None)
        assert "2025-01-15 13:00 CET" in w.times.text()  # not 12:00, and says which zone
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_chinese_ui_names_sources_in_chinese(qtbot, seeded_db, config, tasks):
    from app.ui.main_window import MainWindow

    config.general.language = "zh_CN"
    w = MainWindow(seeded_db, config, tasks)
    qtbot.addWidget(w)
    wait_idle(qtbot, tasks)
    assert w.sidebar.source_names["cac"] == "国家互联网信息办公室"
    assert w.detail.source_names["cac"] == "国家互联网信息办公室"


# -- keeping one's place across reloads; jumping into unloaded rows ----------------------------


def test_a_reload_keeps_the_notice_being_read_even_beyond_the_first_page(
    qtbot, window, seeded_db, tasks
):
    from app.changes import Changes

    # Enough pages for the visible rows (two would be evicted while the table paints them).
    _small_pages(window, qtbot, tasks, max_pages=20)
    window.select_row(17)  # not on the first page
    qtbot.waitUntil(lambda: window.current_id() is not None, timeout=5000)
    wait_idle(qtbot, tasks)
    nid = window.current_id()
    qtbot.waitUntil(
        lambda: window.detail.detail is not None and window.detail.detail.id == nid, timeout=5000
    )
    window.apply_changes(Changes(added=True))  # what a background fetch does
    qtbot.waitUntil(lambda: window.current_id() == nid, timeout=5000)
    assert window.table.currentIndex().row() == 17
    window.move(1)  # J goes on from here, not from the top
    qtbot.waitUntil(lambda: window.table.currentIndex().row() == 18, timeout=5000)
    # a re-sort keeps the notice selected too
    window.select_row(17)
    wait_idle(qtbot, tasks)
    nid = window.current_id()
    window.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: window.current_id() == nid, timeout=5000)


def test_ctrl_end_into_unloaded_rows_shows_the_last_notice(qtbot, window, seeded_db, tasks):
    from storage.models import Notice

    _small_pages(window, qtbot, tasks)
    last = window.model.rowCount() - 1
    assert not window.model.is_loaded(last)
    with seeded_db.read() as s:
        oldest = (
            s.query(Notice)
            .order_by(Notice.sort_date.asc().nulls_first(), Notice.id.asc())
            .first()
            .id
        )
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: window.detail.detail is not None and window.detail.detail.id == oldest,
        timeout=5000,
    )
