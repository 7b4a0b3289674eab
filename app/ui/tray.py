"""The system tray icon: unread badge, tooltip, one grouped notification per fetch cycle.

Offscreen, under bare Xvfb and on desktops without a tray host there is no tray: ``available``
is False, the main window then quits on close and notifications go to the status bar.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app.ui.icons import app_icon


class Tray(QObject):
    open_inbox = Signal()
    show_window = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self.unread = 0
        self.tooltip = "regwatch"
        self.last_message = ""
        self._icon: QSystemTrayIcon | None = None
        if self.available:
            self._icon = QSystemTrayIcon(app_icon(0), self)
            menu = QMenu()
            menu.addAction(self.tr("Open inbox"), self.open_inbox.emit)
            menu.addAction(self.tr("Show window"), self.show_window.emit)
            menu.addSeparator()
            menu.addAction(self.tr("Quit"), self.quit_requested.emit)
            self._menu = menu
            self._icon.setContextMenu(menu)
            self._icon.activated.connect(self._activated)
            self._icon.messageClicked.connect(self.open_inbox.emit)
            self._icon.show()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_window.emit()

    def set_unread(self, count: int) -> None:
        self.unread = count
        self.tooltip = (
            self.tr("regwatch — {n} unread matches").replace("{n}", str(count))
            if count
            else self.tr("regwatch — inbox empty")
        )
        if self._icon is not None:
            self._icon.setIcon(app_icon(count))
            self._icon.setToolTip(self.tooltip)

    def notify(self, text: str, *, sound: bool = False) -> bool:
        """Show one desktop notification; False when there is no tray to show it."""
        self.last_message = text
        if self._icon is None or not text:
            return False
        self._icon.showMessage("regwatch", text, QSystemTrayIcon.MessageIcon.Information, 10000)
        return True

    def hide(self) -> None:
        if self._icon is not None:
            self._icon.hide()
