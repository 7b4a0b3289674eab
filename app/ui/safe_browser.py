"""A QTextBrowser for untrusted content: no resource loading, no navigation, links vetted."""

from __future__ import annotations

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QTextBrowser, QWidget


def is_web_url(url: str) -> bool:
    q = QUrl(url)
    return q.scheme() in ("http", "https") and bool(q.host())


def open_web_url(url: str) -> bool:
    """Open an http(s) URL in the system browser; anything else is refused (returns False).
    False also when no browser could be started (``is_web_url`` tells the two apart)."""
    if not is_web_url(url):
        return False
    return QDesktopServices.openUrl(QUrl(url))


class SafeTextBrowser(QTextBrowser):
    """Shows our escaped HTML. Never fetches images or stylesheets (local or remote), never
    follows a link itself: http(s) links go to the system browser, ``action:`` links are
    emitted as ``action`` for the owner to handle, everything else is ignored."""

    action = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor)
        self.refused: list[str] = []  # resources the content asked for (diagnostics, tests)

    def loadResource(self, type_: int, name: QUrl):
        self.refused.append(name.toString())
        return None

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == "action":
            self.action.emit(url.path())
        elif url.scheme() in ("http", "https"):
            open_web_url(url.toString())
