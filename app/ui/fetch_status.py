"""The status-bar fetch widget: a progress bar per running source, Cancel, last/next fetch.

The fetch message (e.g. the grouped "27 new: …" notification) can be far longer than the bar:
it is elided to a bounded width with the whole text in its tooltip, so it never pushes the
permanent widget over the view count on the left.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from app.ui.labels import health_label, source_label, tr
from app.ui.messages import message_label
from app.ui.times import local_time


def failure_summary(report, names: dict[str, str]) -> str:
    """ "2 of 6 sources failed — CAC: blocked by the site (HTTP 403); MIIT: error (timed out)",
    or "" when every source answered."""
    if report is None:
        return ""
    sources = [s for s in report.sources if not getattr(s, "skipped", False)]
    failed = [s for s in sources if s.failed]
    if not failed:
        return ""
    head = (
        tr("{n} of {m} sources failed")
        .replace("{n}", str(len(failed)))
        .replace("{m}", str(len(sources)))
    )
    parts = []
    for s in failed:
        why = health_label(s.state)
        if s.message:
            why += f" ({message_label(s.message)})"
        parts.append(f"{source_label(s.key, names)}: {why}")
    return f"{head} — " + "; ".join(parts)


def busy_text(busy, tr=lambda s: s) -> str:
    """ "anna@desk-3 is fetching; skipped (3/7 sources done)": another desktop's fetch
    (team mode: one fetcher per database) and how far it got."""
    text = tr("{holder} is fetching; skipped").replace("{holder}", busy.holder)
    return f"{text} ({busy.progress})" if busy.progress else text


class ElidedLabel(QLabel):
    """A one-line label showing as much of its text as fits ("…" at the end); the whole text is
    its tooltip. It asks for at most ``max_width`` pixels."""

    def __init__(self, parent: QWidget | None = None, max_width: int = 520):
        super().__init__(parent)
        self.full_text = ""
        self.max_width = max_width
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setTextFormat(Qt.TextFormat.PlainText)

    def setText(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text if text else "")
        self._elide()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(min(fm.horizontalAdvance(self.full_text) + 4, self.max_width), fm.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(min(self.sizeHint().width(), 60), self.fontMetrics().height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(
            self.full_text, Qt.TextElideMode.ElideRight, max(self.width(), 10)
        )
        super().setText(shown)


class FetchStatus(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self._bars_layout = QHBoxLayout()
        lay.addLayout(self._bars_layout)
        self.bars: dict[str, QProgressBar] = {}
        self.cancel = QToolButton(self)
        self.cancel.setText(self.tr("Cancel"))
        self.cancel.clicked.connect(self.cancel_requested)
        self.cancel.hide()
        lay.addWidget(self.cancel)
        self.message = ElidedLabel(self)
        lay.addWidget(self.message, 1)
        self.source_names: dict[str, str] = {}  # key → short display name ("CAC")
        self.failed_sources: list[str] = []  # keys of the sources the last cycle failed on
        self.times = QLabel(self)
        lay.addWidget(self.times)
        self.set_times(None, None)

    def on_started(self, sources) -> None:
        self.clear_bars()
        self.cancel.show()
        self.message.setText(self.tr("Fetching…"))

    def bar(self, source: str) -> QProgressBar:
        b = self.bars.get(source)
        if b is None:
            b = QProgressBar(self)
            b.setMaximumWidth(140)
            b.setFormat(f"{source_label(source, self.source_names)} %v/%m")
            b.setRange(0, 0)  # busy until a total is known
            self._bars_layout.addWidget(b)
            self.bars[source] = b
        return b

    def on_progress(self, source: str, done: int, total: int, message: str) -> None:
        b = self.bar(source or "fetch")
        if total > 0:
            b.setRange(0, total)
            b.setValue(min(done, total))
        if message:
            b.setToolTip(message)
            name = source_label(source, self.source_names) if source else ""
            self.message.setText(f"{name}: {message}" if name else message)

    def on_finished(self, outcome) -> None:
        self.clear_bars()
        self.cancel.hide()
        self.failed_sources = []
        self.message.setStyleSheet("")
        if outcome.error:
            self.message.setText(self.tr("Fetch failed: ") + outcome.error)
            self.message.setStyleSheet("color: #b91c1c")
        elif outcome.cancelled:
            self.message.setText(self.tr("Fetch cancelled."))
        elif outcome.report is not None and outcome.report.busy is not None:
            self.message.setText(busy_text(outcome.report.busy, self.tr))
        else:
            done = self.tr("Fetch finished: {n} new.").replace("{n}", str(outcome.new))
            text = outcome.notification or done
            failed = failure_summary(outcome.report, self.source_names)
            if failed:
                self.failed_sources = [s.key for s in outcome.report.sources if s.failed]
                text = f"{failed} · {text}"
                self.message.setStyleSheet("color: #b91c1c")
            self.message.setText(text)

    def clear_bars(self) -> None:
        for b in self.bars.values():
            b.deleteLater()
        self.bars.clear()

    def set_times(self, last: dt.datetime | None, nxt: dt.datetime | None) -> None:
        """ "Last fetch 14:05 · next 15:05"; before any fetch, or with nothing scheduled (no
        enabled source, or the demo), a sentence instead of a bare "—"."""
        done = (
            self.tr("Last fetch {last}").replace("{last}", local_time(last, short=True))
            if last
            else self.tr("Not fetched yet")
        )
        due = (
            self.tr("next {next}").replace("{next}", local_time(nxt, short=True))
            if nxt
            else self.tr("no automatic fetch scheduled")
        )
        self.times.setText(f"{done} · {due}")
        self.times.setToolTip(
            self.tr(
                "Each enabled source is fetched on its own interval (Sources…); "
                "Fetch now (Ctrl+R) fetches every source at once."
            )
        )
