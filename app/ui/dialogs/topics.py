"""Watch topics: a list and an editor with a live syntax check and "test against history".

The check and the history test run in the read pool 400 ms after the last keystroke; a
generation number drops answers to older text. Saving writes through the DB writer.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.services import ServiceUnavailable, topics_module
from app.ui.ops import Op, TaskManager
from app.ui.topic_check import HistoryTest, QueryCheck, check_query, test_history
from storage.db import Database
from storage.models import Topic


class TopicsDialog(QDialog):
    def __init__(self, db: Database, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Watch topics"))
        self.resize(900, 560)
        self._db, self._tasks = db, tasks
        self.changed = False
        self._gen = 0
        self._current_id: int | None = None
        self.last_check: QueryCheck | None = None
        self.last_test: HistoryTest | None = None

        self.list = QListWidget(self)
        self.list.currentItemChanged.connect(self._on_pick)
        add = QPushButton(self.tr("Add"), self)
        add.clicked.connect(self._add)
        self.delete = QPushButton(self.tr("Delete"), self)
        self.delete.clicked.connect(self._delete)
        self.import_btn = QPushButton(self.tr("Import pack…"), self)
        self.export_btn = QPushButton(self.tr("Export pack…"), self)
        self.import_btn.clicked.connect(self._import)
        self.export_btn.clicked.connect(self._export)
        try:
            tm = topics_module()
            packs = hasattr(tm, "import_pack") and hasattr(tm, "export_pack")
        except ServiceUnavailable:
            packs = False
        for b in (self.import_btn, self.export_btn):
            b.setEnabled(packs)
            if not packs:
                b.setToolTip(self.tr("Topic packs need the topic language, not in this build"))
        left = QVBoxLayout()
        left.addWidget(self.list)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(self.delete)
        left.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.import_btn)
        row.addWidget(self.export_btn)
        left.addLayout(row)

        self.name = QLineEdit(self)
        self.query = QPlainTextEdit(self)
        self.query.setPlaceholderText('生成式人工智能 OR 大模型 OR "generative AI"')
        self.query.setMaximumHeight(110)
        self.enabled = QCheckBox(self.tr("Enabled"), self)
        self.notify = QCheckBox(self.tr("Desktop notification for new matches"), self)
        self.colour = QLineEdit(self)
        self.syntax = QLabel(self)
        self.syntax.setWordWrap(True)
        self.expanded = QLabel(self)
        self.expanded.setWordWrap(True)
        self.hits = QLabel(self)
        self.sample = QListWidget(self)
        self.save_btn = QPushButton(self.tr("Save topic"), self)
        self.save_btn.clicked.connect(self.save)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Query"), self.query)
        form.addRow("", self.syntax)
        form.addRow(self.tr("Expands to"), self.expanded)
        form.addRow("", self.enabled)
        form.addRow("", self.notify)
        form.addRow(self.tr("Colour"), self.colour)
        form.addRow(self.tr("History"), self.hits)
        form.addRow("", self.sample)
        form.addRow("", self.save_btn)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        form.addRow("", close)

        lay = QHBoxLayout(self)
        lay.addLayout(left, 1)
        lay.addLayout(form, 2)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(400)
        self._timer.timeout.connect(self._check_now)
        self.query.textChanged.connect(self._timer.start)
        self._load_list()

    # -- list ---------------------------------------------------------------------------------

    def _load_list(self, select_id: int | None = None) -> None:
        with self._db.read() as s:  # a few rows: small enough for the GUI thread
            topics = [
                (t.id, t.name, t.query, t.enabled, t.notify, t.colour)
                for t in s.scalars(select(Topic).order_by(Topic.position, Topic.name))
            ]
        self.list.clear()
        for t in topics:
            item = QListWidgetItem(t[1])
            item.setData(256, t)
            self.list.addItem(item)
            if t[0] == select_id:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)

    def _on_pick(self, item: QListWidgetItem | None, _prev) -> None:
        if item is None:
            self._current_id = None
            return
        tid, name, query, enabled, notify, colour = item.data(256)
        self._current_id = tid
        self.name.setText(name)
        self.query.setPlainText(query)
        self.enabled.setChecked(enabled)
        self.notify.setChecked(notify)
        self.colour.setText(colour)

    def _add(self) -> None:
        self.list.clearSelection()
        self.list.setCurrentItem(None)
        self._current_id = None
        self.name.setText(self.tr("New topic"))
        self.query.setPlainText("")
        self.enabled.setChecked(True)
        self.notify.setChecked(True)
        self.colour.setText("#3b82f6")
        self.name.setFocus()
        self.name.selectAll()

    def _delete(self) -> None:
        tid = self._current_id
        if tid is None:
            return

        def work() -> None:
            with self._db.write() as s:
                t = s.get(Topic, tid)
                if t is not None:
                    s.delete(t)

        def done(_r) -> None:
            self.changed = True
            self._load_list()

        Op(self._tasks, work).success(done).run_in_background()

    # -- live check ---------------------------------------------------------------------------

    def _check_now(self) -> None:
        self._gen += 1
        gen, text, db = self._gen, self.query.toPlainText(), self._db

        def work() -> tuple[QueryCheck, HistoryTest | None]:
            check = check_query(text)
            if not check.ok:
                return check, None
            with db.read() as s:
                return check, test_history(s, text)

        def done(result: tuple[QueryCheck, HistoryTest | None]) -> None:
            if gen == self._gen:
                self._show(*result)

        Op(self._tasks, work, kind="read").success(done).run_in_background()

    def _show(self, check: QueryCheck, test: HistoryTest | None) -> None:
        self.last_check, self.last_test = check, test
        where = f" (at character {check.position + 1})" if check.position is not None else ""
        colour = "#166534" if check.ok else "#b91c1c"
        self.syntax.setText(f'<span style="color:{colour}">{check.message}{where}</span>')
        self._mark_error(check.position if not check.ok else None)
        self.expanded.setText(check.expanded or "—")
        self.sample.clear()
        if test is None:
            self.hits.setText("—")
            return
        note = "" if test.full_language else self.tr(" (plain search of the words)")
        self.hits.setText(self.tr("{n} stored notices match").replace("{n}", str(test.hits)) + note)
        for date, title in test.sample:
            self.sample.addItem(f"{date}  {title}")

    def _mark_error(self, position: int | None) -> None:
        sels = []
        if position is not None:
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
            fmt.setUnderlineColor("red")
            fmt.setBackground(self.palette().highlight().color().lighter(170))
            sel.format = fmt
            cur = self.query.textCursor()
            cur.setPosition(min(position, len(self.query.toPlainText())))
            cur.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            sels.append(sel)
        self.query.setExtraSelections(sels)

    # -- saving -------------------------------------------------------------------------------

    def save(self) -> None:
        name, query = self.name.text().strip(), self.query.toPlainText().strip()
        check = check_query(query)
        if not name or not check.ok:
            self._show(check, None)
            return
        tid, enabled, notify, colour = (
            self._current_id,
            self.enabled.isChecked(),
            self.notify.isChecked(),
            self.colour.text().strip() or "#3b82f6",
        )

        def work() -> int:
            with self._db.write() as s:
                t = s.get(Topic, tid) if tid is not None else None
                if t is None:
                    t = Topic(name=name, query=query, position=999)
                    s.add(t)
                t.name, t.query, t.enabled, t.notify, t.colour = (
                    name,
                    query,
                    enabled,
                    notify,
                    colour,
                )
                s.flush()
                _reapply(s)
                return t.id

        def done(new_id: int) -> None:
            self.changed = True
            self._load_list(new_id)

        Op(self._tasks, work).success(done).failure(
            lambda e: self.syntax.setText(f'<span style="color:#b91c1c">{e}</span>')
        ).run_in_background()

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import topic pack"), "", "*.toml *.json"
        )
        if not path:
            return
        tm = topics_module()

        def work() -> None:
            with self._db.write() as s:
                tm.import_pack(s, Path(path))
                _reapply(s)

        Op(self._tasks, work).success(
            lambda _r: (setattr(self, "changed", True), self._load_list())
        ).run_in_background()

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export topic pack"), "topics.toml")
        if not path:
            return
        tm = topics_module()

        def work() -> None:
            with self._db.read() as s:
                tm.export_pack(s, Path(path))

        Op(self._tasks, work, kind="read").run_in_background()


def _reapply(session) -> None:
    """Re-match stored notices after a topic change (needs the topic language)."""
    try:
        tm = topics_module()
    except ServiceUnavailable:
        return
    if hasattr(tm, "apply_topics"):
        tm.apply_topics(session)
