"""The Demo menu of ``regwatch demo``: switch the replay server to its later snapshot and fetch,
so the second cycle shows exactly what is new (and changed) in t2."""

from __future__ import annotations

from PySide6.QtGui import QAction


def install_demo(desktop, server) -> QAction:
    window, fetcher = desktop.window, desktop.fetcher
    window.setWindowTitle("regwatch — demo (offline corpus)")
    later = next((s for s in server.snapshots if s != server.snapshot), None)
    action = QAction(window.tr("Switch demo to later snapshot"), window)
    action.setEnabled(later is not None)

    def switch() -> None:
        if later is None:
            return
        server.snapshot = later
        action.setEnabled(False)
        window.statusBar().showMessage(
            window.tr("Demo: the sites now show snapshot {s}; fetching…").replace("{s}", later),
            8000,
        )
        fetcher.fetch(None)

    action.triggered.connect(lambda _checked=False: switch())
    menu = window.menuBar().addMenu(window.tr("&Demo"))
    menu.addAction(action)
    window.demo_action = action
    return action
