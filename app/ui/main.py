"""``run_app(ctx)``: the QApplication, main window, fetch controller, scheduler and tray."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from app.changes import Changes
from app.config import Config
from app.ui.fetch import CycleOutcome, FetchController
from app.ui.i18n import install_translator
from app.ui.icons import app_icon
from app.ui.main_window import MainWindow
from app.ui.messages import message_label
from app.ui.ops import TaskManager
from app.ui.scheduler import FetchScheduler
from app.ui.team_feed import TeamFeed
from app.ui.tray import Tray
from storage.models import Setting

log = logging.getLogger(__name__)

FIRST_RUN_KEY = "first_run_done"


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("regwatch")
    app.setWindowIcon(app_icon())
    return app  # type: ignore[return-value]


@dataclass
class Desktop:
    """Everything ``run_app`` wires together (kept for tests and the demo)."""

    app: QApplication
    tasks: TaskManager
    window: MainWindow
    fetcher: FetchController
    scheduler: FetchScheduler
    tray: Tray
    feed: TeamFeed | None = None  # other desktops' changes (team mode)

    def show_window(self) -> None:
        """Bring the main window to the front (tray click, or a second start)."""
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def quit(self) -> None:
        """Quit for real (File → Quit, Ctrl+Q, the tray's Quit): stop scheduling and fetching
        now, then end the event loop even though a tray icon keeps the app alive on close."""
        self.scheduler.shutdown()
        self.fetcher.cancel()
        if self.feed is not None:
            self.feed.stop()
        self.tray.hide()
        self.app.quit()

    def shutdown(self) -> None:
        self.scheduler.shutdown()
        self.fetcher.cancel()
        if self.feed is not None:
            self.feed.stop()
        self.tray.hide()
        self.tasks.shutdown(wait=False)


def build_desktop(ctx, *, schedule: bool = True, first_run: bool = True) -> Desktop:
    app = application()
    config: Config = ctx.config
    install_translator(app, config.general.language)
    db = ctx.db
    tasks = TaskManager(app)
    holder: dict[str, MainWindow] = {}
    fetcher = FetchController(db, lambda: holder["w"].config, tasks, parent=app)
    window = MainWindow(db, config, tasks, fetcher)
    holder["w"] = window
    scheduler = FetchScheduler(db, app)
    queued = Qt.ConnectionType.QueuedConnection  # scheduler signals come from its threads
    scheduler.due.connect(lambda key: fetcher.fetch([key]), queued)
    scheduler.digest_sent.connect(lambda result: _on_digest(window, result), queued)
    scheduler.titles_improved.connect(lambda report: _on_improved(window, report), queued)
    scheduler.job_failed.connect(
        lambda job, msg: window.statusBar().showMessage(
            f"{job_label(job)}: {message_label(msg)}", 15000
        ),
        queued,
    )
    window.next_fetch = scheduler.next_run
    window.config_changed.connect(scheduler.apply)
    # Nothing runs before the welcome dialog is done: no scheduled fetch, no topic install.
    setup_pending = first_run and first_run_pending(db)

    def start_schedule() -> None:
        if schedule:
            scheduler.apply(window.config)
            scheduler.start()

    if not setup_pending:
        start_schedule()
    tray = Tray(app)
    window.close_to_tray = lambda: tray.available and window.config.general.close_to_tray
    app.setQuitOnLastWindowClosed(not tray.available)
    window.sidebar.counts_changed.connect(lambda c: tray.set_unread(c.inbox))

    def open_inbox() -> None:
        desktop.show_window()
        window.sidebar.select_kind("inbox")

    def on_cycle(outcome: CycleOutcome, _changes) -> None:
        # Without a tray the notification stays readable in the status bar's fetch message
        # (FetchStatus.on_finished); a temporary message on top would only hide the count.
        if outcome.notification and window.config.notifications.enabled:
            tray.notify(outcome.notification, sound=window.config.notifications.sound)

    desktop = Desktop(app, tasks, window, fetcher, scheduler, tray)
    tray.show_window.connect(desktop.show_window)
    tray.open_inbox.connect(open_inbox)
    tray.quit_requested.connect(window.quit_app)
    window.quit_requested.connect(desktop.quit)
    fetcher.cycle_done.connect(on_cycle)
    if schedule:  # team mode: other desktops' notices, flags, statuses and notes appear here
        desktop.feed = TeamFeed(db, tasks, parent=app)
        desktop.feed.changed.connect(window.apply_changes)
        desktop.feed.start()
    if setup_pending:
        run_first_run(ctx, window, then=start_schedule)
    return desktop


def job_label(job: str) -> str:
    """A scheduled job by what it does for the user, never its id."""
    from app.ui.labels import source_display_name, tr
    from app.ui.scheduler import DIGEST_JOB, IMPROVE_JOB

    if job == DIGEST_JOB:
        return tr("Scheduled digest")
    if job == IMPROVE_JOB:
        return tr("Improving English titles")
    return source_display_name(job)


def _on_digest(window: MainWindow, result) -> None:
    if result is None:
        return
    window.apply_changes(Changes(notices=frozenset(result.digest.notice_ids)))
    window.statusBar().showMessage(
        window.tr("Scheduled digest sent: {n} items to {to}")
        .replace("{n}", str(result.digest.count))
        .replace("{to}", ", ".join(result.recipients)),
        15000,
    )


def _on_improved(window: MainWindow, report) -> None:
    if report is not None and report.improved:
        window.apply_changes(Changes(added=True))
        window.statusBar().showMessage(
            window.tr("{n} English titles improved").replace("{n}", str(report.improved)), 8000
        )


def first_run_pending(db) -> bool:
    """True until the welcome dialog has been answered once (OK or Cancel)."""
    with db.read() as s:
        return s.get(Setting, FIRST_RUN_KEY) is None


def run_first_run(ctx, window: MainWindow, then: Callable[[], None] = lambda: None) -> None:
    """Show the welcome dialog; store exactly what the user chose, then call ``then``.

    OK installs only the checked default topics and saves the chosen settings; Cancel keeps
    the config as it is and installs no topics. Either way the defaults count as offered, so
    the first fetch does not install them behind the user's back. ``then`` (starting the
    scheduler) runs only after that is written."""
    from app.changes import Changes
    from app.ui.dialogs.first_run import FirstRunDialog, add_default_topics

    dlg = FirstRunDialog(ctx.db, window.config, window.tasks, window)
    accepted = bool(dlg.exec())
    chosen = set(dlg.chosen_topics) if accepted else set()
    if accepted and dlg.saved is not None:
        window.set_config(dlg.saved)

    def record(s) -> Changes:
        add_default_topics(s, chosen)
        s.merge(Setting(key=FIRST_RUN_KEY, value=True))
        return Changes(topics=bool(chosen))

    window.write(record, done=lambda _changes: then())


def run_app(ctx, *, first_fetch: bool = False, first_run: bool = True, demo=None) -> int:
    """Open the desktop app; returns the exit code. ``demo``: a running ReplayServer whose
    snapshot the Demo menu can switch (``regwatch demo``)."""
    from app.ui.single_instance import SingleInstance

    instance = SingleInstance(ctx.db_url, application())
    if not instance.claim():
        print("regwatch is already running on this database; its window was brought to the front.")
        return 0
    desktop = build_desktop(ctx, first_run=first_run, schedule=demo is None)
    instance.activated.connect(desktop.show_window)
    w = desktop.window
    if demo is not None:
        from app.ui.demo import install_demo

        install_demo(desktop, demo)
    if not (w.config.general.start_minimised and desktop.tray.available):
        w.show()
    if first_fetch:  # once the window has painted: the progress bars show the cycle
        QTimer.singleShot(0, lambda: desktop.fetcher.fetch(None))
    try:
        return desktop.app.exec()
    finally:
        instance.release()
        desktop.shutdown()
