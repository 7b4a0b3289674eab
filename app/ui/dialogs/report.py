""" "Report…": choose the notices (as for the digest), check the outline, correct a notice's
section, and save the review as pptx, docx or Markdown.

The report is read in the read pool, section corrections and files are written in the DB writer
(each save is recorded); the dialog only shows plain data handed back by those workers.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.changes import Changes
from app.config import Config
from app.report import FORMATS
from app.report.model import Report, ReportSelection, slash_date
from app.report.sections import SECTION_ORDER, section_title
from app.report.service import load_report, set_report_section, write_report
from app.ui.ops import Op, TaskManager
from storage.db import Database
from storage.models import TRIAGE_STATUSES, Topic

ID_ROLE = Qt.ItemDataRole.UserRole
AUTOMATIC = ""


def error_sentence(exc: BaseException) -> str:
    return getattr(exc, "message", None) or str(exc) or type(exc).__name__


class ReportDialog(QDialog):
    exported = Signal(object)  # Changes: the notices whose section the user changed

    def __init__(
        self, db: Database, config: Config, tasks: TaskManager, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Review report"))
        self._db, self._config, self._tasks = db, config, tasks
        self._gen = 0
        self.current: Report | None = None
        self.last_file: Path | None = None

        self.kind = QComboBox(self)
        self.kind.addItem(self.tr("Flagged items"), "flagged")
        self.kind.addItem(self.tr("Watch topic"), "topic")
        self.kind.addItem(self.tr("Triage status"), "status")
        self.topic = QComboBox(self)
        self.status = QComboBox(self)
        for s in TRIAGE_STATUSES:
            self.status.addItem(self.tr(s.replace("_", " ").capitalize()), s)
        self.use_since = QCheckBox(self.tr("On or after"), self)
        self.use_until = QCheckBox(self.tr("On or before"), self)
        self.since, self.until = QDateEdit(self), QDateEdit(self)
        for edit, date in (
            (self.since, QDate.currentDate().addYears(-1)),
            (self.until, QDate.currentDate()),
        ):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(date)
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(self.tr("Review of AI in China 2026"))
        self.format = QComboBox(self)
        for fmt in FORMATS:
            self.format.addItem(fmt, fmt)

        self.outline = QTreeWidget(self)
        self.outline.setHeaderLabels(
            [self.tr("Instrument"), self.tr("Releasing date"), self.tr("Issuing authorities")]
        )
        self.outline.setColumnWidth(0, 480)
        self.outline.setColumnWidth(1, 100)
        self.outline.currentItemChanged.connect(lambda *_: self._sync_section())
        self.count = QLabel(self)
        self.count.setWordWrap(True)
        self.section = QComboBox(self)
        self.section.addItem(self.tr("Automatic"), AUTOMATIC)
        for key in SECTION_ORDER:
            self.section.addItem(self.tr(section_title(key)), key)
        self.section.activated.connect(lambda _i: self._apply_section())
        self.result = QLabel(self)
        self.result.setWordWrap(True)

        self.save_btn = QPushButton(self.tr("Save…"), self)
        self.save_btn.setDefault(True)
        self.save_btn.clicked.connect(self._ask_save)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)

        which = QHBoxLayout()
        for w in (self.kind, self.topic, self.status):
            which.addWidget(w)
        which.addStretch(1)
        dates = QHBoxLayout()
        for w in (self.use_since, self.since, self.use_until, self.until):
            dates.addWidget(w)
        dates.addStretch(1)
        form = QFormLayout()
        form.addRow(self.tr("Items"), which)
        form.addRow(self.tr("Released"), dates)
        form.addRow(self.tr("Title"), self.title)
        form.addRow(self.tr("Format"), self.format)
        correct = QHBoxLayout()
        correct.addWidget(QLabel(self.tr("Section of the selected instrument:"), self))
        correct.addWidget(self.section)
        correct.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_btn)
        buttons.addStretch(1)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.count)
        lay.addWidget(self.outline, 1)
        lay.addLayout(correct)
        lay.addWidget(self.result)
        lay.addLayout(buttons)
        self.resize(900, 680)

        for signal in (
            self.kind.currentIndexChanged,
            self.topic.currentIndexChanged,
            self.status.currentIndexChanged,
            self.use_since.toggled,
            self.use_until.toggled,
            self.since.dateChanged,
            self.until.dateChanged,
        ):
            signal.connect(lambda *_: self.load())
        self.title.editingFinished.connect(self.load)
        self._sync_kind()
        self._load_topics()
        self.load()

    # -- choosing -------------------------------------------------------------------------------

    def _sync_kind(self) -> None:
        kind = self.kind.currentData()
        self.topic.setVisible(kind == "topic")
        self.status.setVisible(kind == "status")

    def _load_topics(self) -> None:
        db = self._db

        def work() -> list[str]:
            with db.read() as s:
                return list(s.scalars(select(Topic.name).order_by(Topic.position, Topic.name)))

        def done(names: list[str]) -> None:
            self.topic.blockSignals(True)
            self.topic.clear()
            self.topic.addItems(names)
            self.topic.blockSignals(False)
            if self.kind.currentData() == "topic":
                self.load()

        Op(self._tasks, work, kind="read").success(done).run_in_background()

    def selection(self) -> ReportSelection:
        kind = self.kind.currentData()
        return ReportSelection(
            flagged=kind == "flagged",
            topic=self.topic.currentText() if kind == "topic" else None,
            status=self.status.currentData() if kind == "status" else None,
            since=self.since.date().toPython() if self.use_since.isChecked() else None,
            until=self.until.date().toPython() if self.use_until.isChecked() else None,
        )

    # -- preview --------------------------------------------------------------------------------

    def load(self) -> None:
        self._sync_kind()
        self._gen += 1
        gen, db, selection = self._gen, self._db, self.selection()
        title = self.title.text().strip()
        self.save_btn.setEnabled(False)
        if self.kind.currentData() == "topic" and not selection.topic:
            self.current = None
            self.outline.clear()
            self.count.setText(self.tr("There are no watch topics yet (File → Watch topics…)."))
            return
        self.count.setText(self.tr("Loading…"))

        def work() -> Report:
            return load_report(db, selection, title=title)

        def done(report: Report) -> None:
            if gen != self._gen:
                return
            self.current = report
            self._show(report)

        def failed(exc: BaseException) -> None:
            if gen == self._gen:
                self.count.setText(error_sentence(exc))

        Op(self._tasks, work, kind="read").success(done).failure(failed).run_in_background()

    def _show(self, report: Report) -> None:
        keep = self._current_id()
        self.outline.clear()
        chosen = None
        for section in report.sections:
            head = QTreeWidgetItem([f"{self.tr(section.title)} ({len(section.items)})"])
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.outline.addTopLevelItem(head)
            for item in section.items:
                row = QTreeWidgetItem(
                    [item.title, slash_date(item.release_date), item.authorities_line]
                )
                row.setToolTip(0, item.title_zh)
                row.setData(0, ID_ROLE, (item.notice_id, item.section, item.auto_section))
                head.addChild(row)
                if item.notice_id == keep:
                    chosen = row
            if section.standards:
                table = QTreeWidgetItem(
                    [
                        self.tr("Table of {n} standards and plans").replace(
                            "{n}", str(len(section.standards))
                        )
                    ]
                )
                table.setFlags(Qt.ItemFlag.ItemIsEnabled)
                head.addChild(table)
        self.outline.expandAll()
        if chosen is not None:
            self.outline.setCurrentItem(chosen)
        n = report.count
        if n:
            counts = self.tr(", ").join(f"{self.tr(t)}: {c}" for t, c in report.counts_by_section())
            self.count.setText(
                self.tr("{n} instruments released {period} ({counts}).")
                .replace("{n}", str(n))
                .replace("{period}", report.period)
                .replace("{counts}", counts)
            )
        else:
            self.count.setText(
                self.tr("Nothing to report: there are no ") + report.selection.describe() + "."
            )
        self.save_btn.setEnabled(n > 0)
        self._sync_section()

    # -- correcting a section -------------------------------------------------------------------

    def _current_id(self) -> int | None:
        row = self.outline.currentItem()
        data = row.data(0, ID_ROLE) if row is not None else None
        return data[0] if data else None

    def _sync_section(self) -> None:
        row = self.outline.currentItem()
        data = row.data(0, ID_ROLE) if row is not None else None
        self.section.setEnabled(bool(data))
        if data:
            _nid, section, auto = data
            self.section.setCurrentIndex(
                self.section.findData(AUTOMATIC if section == auto else section)
            )

    def _apply_section(self) -> None:
        nid = self._current_id()
        if nid is None:
            return
        value = self.section.currentData() or None
        db = self._db

        def work() -> int:
            return set_report_section(db, [nid], value)

        def done(_n: int) -> None:
            self.exported.emit(Changes(notices=frozenset({nid})))
            self.load()

        Op(self._tasks, work).success(done).failure(self._fail).run_in_background()

    # -- saving -----------------------------------------------------------------------------------

    def _fail(self, exc: BaseException) -> None:
        self.result.setText(f'<span style="color:#b91c1c">{error_sentence(exc)}</span>')

    def _ask_save(self) -> None:
        fmt = self.format.currentData()
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save report as"), f"regwatch-review.{fmt}", f"{fmt} (*.{fmt})"
        )
        if path:
            self.save(Path(path), fmt)

    def save(self, path: Path, fmt: str) -> None:
        report = self.current
        if report is None or not report.count:
            return
        db = self._db
        self.result.setText(self.tr("Writing…"))

        def work() -> Path:
            return write_report(db, report, fmt, path)

        def done(out: Path) -> None:
            self.last_file = out
            self.result.setText(self.tr("Saved {path}.").replace("{path}", str(out)))

        Op(self._tasks, work).success(done).failure(self._fail).run_in_background()
