"""The status-bar fetch widget: a progress bar per running source, Cancel, last/next fetch."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget


def _local(t: dt.datetime | None) -> str:
    return t.astimezone().strftime("%H:%M") if t else "—"


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
        self.message = QLabel(self)
        lay.addWidget(self.message)
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
            b.setFormat(f"{source} %v/%m")
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
            self.message.setText(f"{source}: {message}" if source else message)

    def on_finished(self, outcome) -> None:
        self.clear_bars()
        self.cancel.hide()
        if outcome.error:
            self.message.setText(self.tr("Fetch failed: ") + outcome.error)
        elif outcome.cancelled:
            self.message.setText(self.tr("Fetch cancelled."))
        else:
            done = self.tr("Fetch finished: {n} new.").replace("{n}", str(outcome.new))
            self.message.setText(outcome.notification or done)

    def clear_bars(self) -> None:
        for b in self.bars.values():
            b.deleteLater()
        self.bars.clear()

    def set_times(self, last: dt.datetime | None, nxt: dt.datetime | None) -> None:
        self.times.setText(
            self.tr("Last fetch {last} · next {next}")
            .replace("{last}", _local(last))
            .replace("{next}", _local(nxt))
        )
