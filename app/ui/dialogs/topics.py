"""Watch topics: a list and an editor with a live syntax check, the alias expansion and
"test against history"; import and export of topic packs.

The syntax check (a parse, well under a millisecond) runs on every keystroke and shows the
error with a caret under it. The expansion and the history test (count + newest matches) run in
the read pool 300 ms after the last keystroke; a generation number drops answers to older text.
Saving validates through ``app.topics.store`` in the DB writer and re-applies the topic to the
stored notices (``apply_topics(topics=[id])``), reporting how many newly matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase, QTextCharFormat, QTextCursor
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
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.topics import TopicSpec, loads_pack
from app.topics.packs import OPTIONAL_PACKS, optional_pack
from app.topics.store import (
    apply_topics,
    create_topic,
    delete_topic,
    export_topics,
    import_topics,
    list_topics,
    update_topic,
)
from app.ui.labels import chinese_ui
from app.ui.messages import message_label
from app.ui.notice_html import because_text
from app.ui.ops import Op, TaskManager
from app.ui.topic_check import (
    HistoryTest,
    QueryCheck,
    check_query,
    expansion_lines,
    test_history,
)
from storage.db import Database

ROLE = Qt.ItemDataRole.UserRole + 1
DEFAULT_COLOUR = "#3b82f6"


@dataclass(frozen=True)
class TopicRow:
    id: int
    spec: TopicSpec


def _message(exc: BaseException) -> str:
    return getattr(exc, "message", None) or str(exc) or type(exc).__name__


def _give_memory_back(_had: bool = True) -> None:
    """Trim the heap again from the GUI thread a moment after the release, once the window's
    own refresh after the editor closed has finished (measured on 100k notices: the worker's
    trim alone left ~320 MB of 392; this brings the process back to ~165 MB)."""
    from app.topics import corpus_cache

    QTimer.singleShot(2000, corpus_cache.trim_heap)


class TopicsDialog(QDialog):
    def __init__(self, db: Database, tasks: TaskManager, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Watch topics"))
        self.resize(1040, 720)
        self._db, self._tasks = db, tasks
        self.changed = False
        self._gen = 0
        self._current: TopicRow | None = None
        self.last_check: QueryCheck | None = None
        self.last_test: HistoryTest | None = None
        self.last_saved: tuple[int, int] | None = None  # (topic id, newly matched)
        self.last_import = None

        self.list = QListWidget(self)
        self.list.currentItemChanged.connect(self._on_pick)
        add = QPushButton(self.tr("Add"), self)
        add.clicked.connect(self._add_asking)
        self.delete = QPushButton(self.tr("Delete"), self)
        self.delete.clicked.connect(self._delete)
        self.import_btn = QPushButton(self.tr("Import pack…"), self)
        self.export_btn = QPushButton(self.tr("Export pack…"), self)
        self.import_btn.clicked.connect(self._import)
        self.export_btn.clicked.connect(self._export)
        # The shipped optional packs (IoT, 5G, vehicles …): not installed by default.
        self.packs_btn = QPushButton(self.tr("Add optional pack"), self)
        packs_menu = QMenu(self.packs_btn)
        for pack in OPTIONAL_PACKS:
            # "&" marks a shortcut in an action's text: write it twice to show it.
            label = pack.name_zh if chinese_ui() else f"{pack.name_en} — {pack.name_zh}"
            act = packs_menu.addAction(label.replace("&", "&&"))  # "&" marks a shortcut
            act.setData(pack.key)
            act.triggered.connect(lambda _=False, key=pack.key: self.add_optional_pack(key))
        self.packs_btn.setMenu(packs_menu)
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
        left.addWidget(self.packs_btn)

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.name = QLineEdit(self)
        self.query = QPlainTextEdit(self)
        self.query.setPlaceholderText('生成式人工智能 OR 大模型 OR "generative AI"')
        self.query.setMinimumHeight(90)
        self.query.setMaximumHeight(160)
        self.description = QLineEdit(self)
        self.enabled = QCheckBox(self.tr("Enabled"), self)
        self.notify = QCheckBox(self.tr("Desktop notification for new matches"), self)
        self.colour = QLineEdit(self)
        self.syntax = QLabel(self)
        self.syntax.setWordWrap(True)
        self.caret = QLabel(self)
        self.caret.setFont(mono)
        self.caret.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.caret.hide()
        self.expanded = QLabel(self)
        self.expanded.setWordWrap(True)
        self.expanded.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.expanded.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # A broad topic expands to dozens of lines: scroll them in a bounded box so the
        # history test below keeps its room.
        self.expanded_box = QScrollArea(self)
        self.expanded_box.setWidget(self.expanded)
        self.expanded_box.setWidgetResizable(True)
        self.expanded_box.setFrameShape(QScrollArea.Shape.NoFrame)
        self.expanded_box.setMaximumHeight(130)
        self.expanded_box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hits = QLabel(self)
        self.sample = QListWidget(self)
        self.sample.setMinimumHeight(140)
        self.save_btn = QPushButton(self.tr("Save topic"), self)
        self.save_btn.clicked.connect(lambda: self.save())
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Query"), self.query)
        form.addRow("", self.syntax)
        form.addRow("", self.caret)
        form.addRow(self.tr("Expands to"), self.expanded_box)
        form.addRow(self.tr("Description"), self.description)
        form.addRow("", self.enabled)
        form.addRow("", self.notify)
        form.addRow(self.tr("Colour"), self.colour)
        form.addRow(self.tr("History"), self.hits)
        form.addRow("", self.sample)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_btn)
        buttons.addWidget(self.status, 1)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        form.addRow("", buttons)
        # Enter anywhere in the form saves (never Add, which would clear the form).
        for b in (add, self.delete, self.import_btn, self.export_btn, self.packs_btn, close):
            b.setAutoDefault(False)
            b.setDefault(False)
        self.save_btn.setAutoDefault(True)
        self.save_btn.setDefault(True)
        self._clean: TopicSpec | None = None  # the form as last loaded or saved
        self._after_save = None  # what to do once a save asked for by a question succeeds

        lay = QHBoxLayout(self)
        lay.addLayout(left, 1)
        lay.addLayout(form, 2)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(300)
        self._timer.timeout.connect(self._test_now)
        self.query.textChanged.connect(self._on_text)
        self._load_list()
        # Load the history's normalised text now, so the first "test against history" while
        # typing answers from memory (a cold load of 100k notices takes most of a second).
        from app.topics import corpus_cache

        Op(self._tasks, lambda: corpus_cache.warm(self._db), kind="read").failure(
            lambda _exc: None  # a failed warm-up only means the first test reads the database
        ).run_in_background()
        self.finished.connect(self._release_history)

    def _release_history(self, _result: int = 0) -> None:
        """The history's normalised text is only for this editor: give its memory back when
        the editor closes (in the read pool, after a warm-up or test still running)."""
        from app.topics import corpus_cache

        db = self._db
        Op(self._tasks, lambda: corpus_cache.release(db), kind="read").success(
            _give_memory_back
        ).failure(
            lambda _exc: None  # keeping the memory is harmless
        ).run_in_background()

    # -- list ---------------------------------------------------------------------------------

    def _load_list(self, select_id: int | None = None) -> None:
        with self._db.read() as s:  # a few dozen rows: small enough for the GUI thread
            rows = [TopicRow(t.id, TopicSpec.of(t)) for t in list_topics(s)]
        self.list.blockSignals(True)
        self.list.clear()
        chosen = None
        for r in rows:
            item = QListWidgetItem(r.spec.name if r.spec.enabled else f"{r.spec.name} (off)")
            item.setData(ROLE, r)
            item.setToolTip(r.spec.query)
            self.list.addItem(item)
            if r.id == select_id:
                chosen = item
        self.list.blockSignals(False)
        if chosen is not None:
            self.list.setCurrentItem(chosen)
        elif self.list.count():
            self.list.setCurrentRow(0)
        else:
            self._add()

    # -- unsaved edits ------------------------------------------------------------------------

    def dirty(self) -> bool:
        """True when the form differs from the topic as loaded or last saved."""
        return self._clean is not None and self.spec() != self._clean

    def ask_unsaved(self) -> str:
        """ "save", "discard" or "cancel" for edits that would be lost."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(self.tr("Unsaved changes"))
        name = self.name.text().strip() or self.tr("New topic")
        box.setText(self.tr("Save your changes to “{name}”?").replace("{name}", name))
        save = box.addButton(self.tr("Save"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("Discard"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.exec()
        clicked = box.clickedButton()
        return "save" if clicked is save else "discard" if clicked is discard else "cancel"

    def _settle(self, then) -> bool:
        """Before leaving the form: True to go on now; False when the user cancelled or a
        save runs first (``then`` runs after it succeeds)."""
        if not self.dirty():
            return True
        answer = self.ask_unsaved()
        if answer == "discard":
            return True
        if answer == "save":
            self.save(then=then)
        return False

    def _add_asking(self) -> None:
        if self._settle(self._add):
            self._add()

    def done(self, result: int) -> None:  # Close, Esc, the window's ×
        if self._settle(lambda: QDialog.done(self, result)):
            super().done(result)

    def _select_id(self, topic_id: int | None) -> None:
        self.list.blockSignals(True)
        for i in range(self.list.count()):
            row = self.list.item(i).data(ROLE)
            if row.id == topic_id:
                self.list.setCurrentRow(i)
                break
        else:
            self.list.setCurrentItem(None)
            self.list.clearSelection()
        self.list.blockSignals(False)

    def _on_pick(self, item: QListWidgetItem | None, prev) -> None:
        if self.dirty():
            target = item.data(ROLE).id if item is not None else None
            here = self._current.id if self._current else None
            self._select_id(here)  # stay until the user has answered
            if not self._settle(lambda: self._pick_id(target)):
                return
            self._pick_id(target)
            return
        self._show_item(item)

    def _pick_id(self, topic_id: int | None) -> None:
        self._clean = None
        for i in range(self.list.count()):
            if self.list.item(i).data(ROLE).id == topic_id:
                self.list.setCurrentRow(i)  # through _on_pick, now clean
                self._show_item(self.list.item(i))
                return

    def _show_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            self._current = None
            return
        row: TopicRow = item.data(ROLE)
        self._current = row
        spec = row.spec
        self.name.setText(spec.name)
        self.query.setPlainText(spec.query)
        self.description.setText(spec.description)
        self.description.setCursorPosition(0)  # show its start, not its end
        self.enabled.setChecked(spec.enabled)
        self.notify.setChecked(spec.notify)
        self.colour.setText(spec.colour)
        self.status.clear()
        self._clean = self.spec()

    def _add(self) -> None:
        self.list.clearSelection()
        self.list.setCurrentItem(None)
        self._current = None
        self.name.setText(self.tr("New topic"))
        self.query.setPlainText("")
        self.description.clear()
        self.enabled.setChecked(True)
        self.notify.setChecked(True)
        self.colour.setText(DEFAULT_COLOUR)
        self.status.clear()
        self._clean = self.spec()
        self.name.setFocus()
        self.name.selectAll()

    def confirm_delete(self, name: str) -> bool:
        answer = QMessageBox.question(
            self,
            self.tr("Delete topic"),
            self.tr(
                "Delete the topic “{name}”? Its matches go too; this cannot be undone."
            ).replace("{name}", name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _delete(self) -> None:
        row = self._current
        if row is None:
            return
        name = row.spec.name
        if not self.confirm_delete(name):
            return
        self._clean = None  # nothing left to save

        def work() -> None:
            with self._db.write() as s:
                delete_topic(s, name)

        def done(_r) -> None:
            self.changed = True
            self._load_list()  # shows another topic (which clears the status line)
            self.status.setText(self.tr("Deleted “{name}”.").replace("{name}", name))

        Op(self._tasks, work).success(done).failure(self._fail).run_in_background()

    # -- live check ---------------------------------------------------------------------------

    def _on_text(self) -> None:
        text = self.query.toPlainText()
        check = check_query(text)
        self._show_check(check)
        self._gen += 1  # answers for older text are dropped
        if check.ok:
            self._timer.start()
        else:
            self._timer.stop()
            self.expanded.setText("—")
            self.hits.setText("—")
            self.sample.clear()
            self.last_test = None

    def _test_now(self) -> None:
        gen, text, db = self._gen, self.query.toPlainText(), self._db
        sources = self._current.spec.sources if self._current else None
        aliases = self._current.spec.aliases if self._current else []
        self.hits.setText(self.tr("testing against the stored notices…"))

        def work() -> tuple[list[str], HistoryTest]:
            lines = expansion_lines(text)
            with db.read() as s:
                return lines, test_history(s, text, aliases=aliases, sources=sources)

        def done(result: tuple[list[str], HistoryTest]) -> None:
            if gen == self._gen:
                self._show_test(*result)

        def failed(exc: BaseException) -> None:
            if gen == self._gen:
                self.hits.setText(_message(exc))

        Op(self._tasks, work, kind="read").success(done).failure(failed).run_in_background()

    def _show_check(self, check: QueryCheck) -> None:
        self.last_check = check
        if check.ok:
            self.syntax.setText(f'<span style="color:#166534">✓ {self.tr("valid query")}</span>')
            self.caret.hide()
        else:
            where = ""
            if check.position is not None:
                where = self.tr(" (at character {n})").replace("{n}", str(check.position + 1))
            message = escape(message_label(check.message))
            self.syntax.setText(f'<span style="color:#b91c1c">{message}{where}</span>')
            self.caret.setText(check.caret)
            self.caret.setVisible(bool(check.caret))
        self._mark_error(None if check.ok else check.position)

    def _show_test(self, lines: list[str], test: HistoryTest) -> None:
        self.last_test = test
        self.expanded.setText("\n".join(lines) if lines else self.tr("(no aliases apply)"))
        self.hits.setText(
            self.tr("{n} of {m} stored notices match ({ms} ms)")
            .replace("{n}", f"{test.hits:,}")
            .replace("{m}", f"{test.scanned:,}")
            .replace("{ms}", str(round(test.seconds * 1000)))
        )
        self.sample.clear()
        for date, title, hits in test.sample:
            item = QListWidgetItem(f"{date}  {title}")
            because = because_text(hits, tr=self.tr) or self.tr("none of the excluded terms appear")
            item.setToolTip(self.tr("matched because: {terms}").replace("{terms}", because))
            self.sample.addItem(item)

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
            text_len = len(self.query.toPlainText())
            cur.setPosition(min(position, text_len))
            if position < text_len:
                cur.movePosition(QTextCursor.MoveOperation.Right, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cur
            sels.append(sel)
        self.query.setExtraSelections(sels)

    # -- saving -------------------------------------------------------------------------------

    def spec(self) -> TopicSpec:
        current = self._current.spec if self._current else None
        return TopicSpec(
            name=self.name.text().strip(),
            query=self.query.toPlainText().strip(),
            enabled=self.enabled.isChecked(),
            notify=self.notify.isChecked(),
            colour=self.colour.text().strip() or DEFAULT_COLOUR,
            sources=current.sources if current else None,
            description=self.description.text().strip(),
            aliases=current.aliases if current else [],
        )

    def save(self, then=None) -> None:
        """Validate and store the topic; ``then`` runs after a successful save."""
        check = check_query(self.query.toPlainText())
        if not check.ok:
            self._show_check(check)
            return
        spec, old = self.spec(), self._current.spec.name if self._current else None
        self.save_btn.setEnabled(False)
        self.status.setText(self.tr("Saving and matching the stored notices…"))

        def work() -> tuple[int, int]:
            with self._db.write() as s:
                if old is None:
                    topic = create_topic(s, spec)
                else:
                    topic = update_topic(s, old, **vars(spec))
                result = apply_topics(s, topics=[topic.id])
                return topic.id, result.added

        def done(result: tuple[int, int]) -> None:
            self.save_btn.setEnabled(True)
            self.changed = True
            self.last_saved = result
            self._clean = None
            self._load_list(result[0])
            self.status.setText(
                self.tr("Saved: {n} stored notices newly matched.").replace("{n}", str(result[1]))
            )
            if then is not None:
                then()

        def failed(exc: BaseException) -> None:
            self.save_btn.setEnabled(True)
            self._fail(exc)

        Op(self._tasks, work).success(done).failure(failed).run_in_background()

    def _fail(self, exc: BaseException) -> None:
        self.status.setText(f'<span style="color:#b91c1c">{_message(exc)}</span>')

    # -- packs --------------------------------------------------------------------------------

    def ask_conflict(self, names: list[str]) -> str | None:
        """ "skip" or "replace" for topics of a pack that exist already; None: cancel."""
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("Import topic pack"))
        box.setText(
            self.tr("These topics exist already: {names}").replace("{names}", ", ".join(names))
        )
        box.setInformativeText(self.tr("Replace them with the pack's version, or keep yours?"))
        replace = box.addButton(self.tr("Replace"), QMessageBox.ButtonRole.AcceptRole)
        skip = box.addButton(self.tr("Keep mine (skip)"), QMessageBox.ButtonRole.RejectRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return "replace" if clicked is replace else "skip" if clicked is skip else None

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import topic pack"), "", self.tr("Topic packs (*.toml)")
        )
        if path:
            self.import_pack(Path(path))

    def import_pack(self, path: Path) -> None:
        self._import_specs(lambda: loads_pack(path.read_text(encoding="utf-8"), where=path.name))

    def add_optional_pack(self, key: str) -> None:
        """Import one of the shipped optional packs, as if from its file."""
        self._import_specs(optional_pack(key).topics)

    def _import_specs(self, load) -> None:
        def read() -> tuple[list[TopicSpec], list[str]]:
            specs = load()
            with self._db.read() as s:
                have = {t.name.casefold(): t.name for t in list_topics(s)}
            return specs, [have[x.name.casefold()] for x in specs if x.name.casefold() in have]

        def write(specs: list[TopicSpec], choice: str):
            with self._db.write() as s:
                report = import_topics(s, specs, choice)
                names = report.added + report.replaced
                ids = [t.id for t in list_topics(s) if t.name in names]
                applied = apply_topics(s, topics=ids) if ids else None
                return report, applied.added if applied else 0

        def done(result) -> None:
            report, added = result
            self.last_import = report
            self.changed = True
            self._load_list()
            self.status.setText(
                f"{report}. "
                + self.tr("{n} stored notices newly matched.").replace("{n}", str(added))
            )

        def parsed(result: tuple[list[TopicSpec], list[str]]) -> None:
            specs, conflicts = result
            choice = "skip"
            if conflicts:
                picked = self.ask_conflict(conflicts)
                if picked is None:
                    self.status.setText(self.tr("Import cancelled."))
                    return
                choice = picked
            Op(self._tasks, lambda: write(specs, choice)).success(done).failure(
                self._fail
            ).run_in_background()

        Op(self._tasks, read, kind="read").success(parsed).failure(self._fail).run_in_background()

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export topic pack"), "topics.toml", self.tr("Topic packs (*.toml)")
        )
        if path:
            self.export_pack(Path(path))

    def export_pack(self, path: Path) -> None:
        def work() -> int:
            with self._db.read() as s:
                text = export_topics(s)
                n = len(list_topics(s))
            path.write_text(text, encoding="utf-8")
            return n

        def done(n: int) -> None:
            self.status.setText(
                self.tr("Exported {n} topics to {path}.")
                .replace("{n}", str(n))
                .replace("{path}", str(path))
            )

        Op(self._tasks, work, kind="read").success(done).failure(self._fail).run_in_background()
