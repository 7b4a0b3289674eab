"""Render the main window offscreen to a PNG (``regwatch screenshot``), read-only.

The first notice is selected so the detail pane is filled; marking it read is disabled so a
screenshot never changes the database.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from app.ui.i18n import install_translator, remove_translator
from app.ui.main import application
from app.ui.main_window import DEFAULT_SPLIT, MainWindow
from app.ui.ops import TaskManager


def _settle(app: QApplication, tasks: TaskManager, until, timeout: float = 15.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if not tasks.busy and until():
            return True
        time.sleep(0.01)
    return False


def render_screenshot(ctx, out: Path, size: tuple[int, int] = (1400, 860)) -> Path:
    app = application()
    translator = install_translator(app, ctx.config.general.language)  # as the app shows it
    tasks = TaskManager(app)
    window = MainWindow(ctx.db, ctx.config, tasks)
    window.mark_read_delay_ms = 10**9
    window.remember_layout = False
    window.splitter.setSizes(DEFAULT_SPLIT)  # the default layout, not the user's pane widths
    window.resize(*size)
    window.show()
    try:
        _settle(app, tasks, lambda: window.sidebar.last_counts is not None)
        if window.model.rowCount() == 0:
            window.sidebar.select_kind("all")
            _settle(app, tasks, lambda: not window.model.loading)
        if window.model.rowCount():
            window.select_row(0)
            _settle(app, tasks, lambda: window.detail.detail is not None)
        for _ in range(5):
            app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(out), "PNG"):
            raise OSError(f"could not write {out}")
        return out
    finally:
        window.close()
        tasks.shutdown(wait=True)
        remove_translator(app, translator)
