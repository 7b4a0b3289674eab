"""Small painted icons (no image files): health dots and the tray badge."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPen, QPixmap

HEALTH_COLOURS = {
    "ok": "#16a34a",
    "no_new": "#65a30d",
    "never_run": "#9ca3af",
    "error": "#dc2626",
    "broken": "#dc2626",
    "blocked": "#ea580c",
    "degraded": "#ca8a04",
    "cancelled": "#6b7280",
    "running": "#2563eb",
}
ALARMING = {"broken", "blocked", "error"}
# Worth a word next to the name, not an alarm: the lists were read, some detail pages were not.
NOTABLE = {"degraded"}


def dot(colour: str, size: int = 14, *, ring: bool = False) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QBrush(QColor(colour)))
    p.setPen(QPen(QColor("#111827"), 1.5) if ring else Qt.PenStyle.NoPen)
    p.drawEllipse(QRectF(2, 2, size - 4, size - 4))
    if ring:
        p.setPen(QPen(QColor("white"), 2))
        p.drawLine(size // 2, 4, size // 2, size - 7)
        p.drawPoint(size // 2, size - 4)
    p.end()
    return QIcon(pm)


def health_icon(state: str) -> QIcon:
    return dot(HEALTH_COLOURS.get(state, "#9ca3af"), ring=state in ALARMING)


def app_icon(unread: int = 0, size: int = 64) -> QIcon:
    """The app icon (an eye-like mark) with an unread badge."""
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setBrush(QColor("#1e3a8a"))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawRoundedRect(QRectF(2, 2, size - 4, size - 4), 12, 12)
    p.setBrush(QColor("#dc2626"))
    p.drawEllipse(QRectF(size * 0.3, size * 0.3, size * 0.4, size * 0.4))
    if unread:
        text = str(unread) if unread < 100 else "99+"
        r = QRectF(size * 0.45, 0, size * 0.55, size * 0.45)
        p.setBrush(QColor("#f59e0b"))
        p.drawEllipse(r)
        p.setPen(QColor("black"))
        f = QFont()
        f.setBold(True)
        f.setPixelSize(int(size * 0.26))
        p.setFont(f)
        p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)
    p.end()
    return QIcon(pm)
