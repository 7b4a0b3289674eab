"""Add or edit one user-defined source ([custom_sources.KEY]) with a live "Test".

The test fetches the first list page through the polite client off the GUI thread and shows
the rows the source would store, or the reason there are none (the item selector matched
nothing, the elements hold no link, the JSON path leads nowhere). OK checks the definition
with the same rules as the config file, so what the dialog accepts the file accepts.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.config import Config
from app.custom_sources import parse_definition
from app.errors import UserError
from app.services import SourceTest, test_source
from app.ui.labels import test_summary
from app.ui.ops import Op, TaskManager
from scrapers.custom import CustomDefinition, CustomSource

# (field, label, placeholder, formats it applies to)
_FIELDS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("name", "Name", "科学技术部 通知通告", ("html", "json")),
    ("list_url", "List page URL", "https://www.most.gov.cn/tztg/", ("html", "json")),
    ("item", "Item (CSS)", "ul.list > li", ("html",)),
    ("items", "Items path (JSON)", "data.list", ("json",)),
    ("title", "Title", "a", ("html", "json")),
    ("link", "Link (CSS)", "default: the title's link", ("html",)),
    ("url", "URL field (JSON)", "url, or page.html?id={id}", ("json",)),
    ("date", "Date", "span.date", ("html", "json")),
    ("next_page", "Next page link (CSS)", "a.next", ("html",)),
    (
        "detail_body",
        "Body on detail pages (CSS)",
        "default: the largest text block",
        ("html", "json"),
    ),
)


def show_test_rows(table: QTableWidget, rows: tuple[tuple[str, str, str], ...]) -> None:
    """Fill a Test table with the rows a source would store (full text in each tooltip)."""
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            cell = QTableWidgetItem(v)
            cell.setToolTip(v)
            table.setItem(r, c, cell)


class CustomSourceDialog(QDialog):
    """Edits one definition; ``result_definition`` holds it after OK."""

    def __init__(
        self,
        config: Config,
        tasks: TaskManager,
        definition: CustomDefinition | None = None,
        taken: set[str] | frozenset[str] = frozenset(),
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Custom source"))
        self.resize(900, 620)
        self._config, self._tasks, self._taken = config, tasks, set(taken)
        self.result_definition: CustomDefinition | None = None
        self.last_test: SourceTest | None = None
        d = definition

        self.key = QLineEdit(d.key if d else "", self)
        self.key.setPlaceholderText("most_tztg")
        self.key.setReadOnly(d is not None)  # the key names stored notices: fixed once used
        self.format = QComboBox(self)
        self.format.addItems(["html", "json"])
        self.format.setCurrentText(d.format if d else "html")
        self.format.currentTextChanged.connect(self._show_fields)
        self.interval = QSpinBox(self)
        self.interval.setRange(0, 7 * 24 * 60)
        self.interval.setSpecialValueText(self.tr("default (60 min)"))
        self.interval.setSuffix(self.tr(" min"))
        self.interval.setValue((d.interval or 0) if d else 0)
        self.edits: dict[str, QLineEdit] = {}
        self.form = QFormLayout()
        self.form.addRow(self.tr("Key"), self.key)
        self.form.addRow(self.tr("Format"), self.format)
        for name, label, hint, _ in _FIELDS:
            edit = QLineEdit(str(getattr(d, name)) if d else "", self)
            edit.setPlaceholderText(self.tr(hint))  # examples stay as they are
            self.edits[name] = edit
            self.form.addRow(self.tr(label), edit)
        self.form.addRow(self.tr("Interval"), self.interval)

        self.test_btn = QPushButton(self.tr("Test"), self)
        self.test_btn.clicked.connect(self.test)
        self.test_state = QLabel(self)
        self.test_state.setWordWrap(True)
        self.test_state.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rows = QTableWidget(0, 3, self)
        self.rows.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Title"), "URL"])
        self.rows.horizontalHeader().setStretchLastSection(True)
        self.rows.verticalHeader().hide()
        self.rows.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rows.setColumnWidth(0, 90)
        self.rows.setColumnWidth(1, 380)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b91c1c")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept_definition)
        buttons.rejected.connect(self.reject)

        test_row = QHBoxLayout()
        test_row.addWidget(self.test_btn)
        test_row.addWidget(self.test_state, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addLayout(test_row)
        lay.addWidget(self.rows, 1)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self._show_fields(self.format.currentText())

    def _show_fields(self, fmt: str) -> None:
        for name, _, _, formats in _FIELDS:
            self.form.setRowVisible(self.edits[name], fmt in formats)
        self.edits["title"].setPlaceholderText("a" if fmt == "html" else "title")

    def definition(self) -> CustomDefinition:
        """The definition as typed, checked like the config file (UserError says what is wrong)."""
        fmt = self.format.currentText()
        table: dict[str, object] = {"format": fmt} if fmt != "html" else {}
        for name, _, _, formats in _FIELDS:
            value = self.edits[name].text().strip()
            if value and fmt in formats:
                table[name] = value
        if self.interval.value():
            table["interval"] = self.interval.value()
        key = self.key.text().strip()
        if not key:
            raise UserError(self.tr("A custom source needs a key (lower-case letters, digits, _)."))
        if not self.key.isReadOnly() and key in self._taken:
            raise UserError(
                self.tr("There is already a source with the key {key}.").replace("{key}", key)
            )
        return parse_definition(key, table)

    def accept_definition(self) -> None:
        try:
            self.result_definition = self.definition()
        except UserError as exc:
            self.error.setText(exc.message)
            return
        self.accept()

    def test(self) -> None:
        try:
            defn = self.definition()
        except UserError as exc:
            self.test_state.setText(exc.message)
            return
        self.error.clear()
        self.test_state.setText(self.tr("Fetching the first list page…"))
        self.test_btn.setEnabled(False)
        self.rows.setRowCount(0)
        config = self._config

        def done(result: SourceTest) -> None:
            self.test_btn.setEnabled(True)
            self.last_test = result
            # one list per custom source: its channel needs no name
            self.test_state.setText(test_summary(replace(result, channel=""), defn.key))
            show_test_rows(self.rows, result.rows)

        def failed(exc: BaseException) -> None:
            self.test_btn.setEnabled(True)
            self.test_state.setText(repr(exc))

        Op(
            self._tasks,
            lambda: test_source(config, defn.key, source=CustomSource(defn)),
            kind="net",
        ).success(done).failure(failed).run_in_background()
