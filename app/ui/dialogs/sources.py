"""Sources: enable sources and channels, intervals, office hours, spacing, mirror, proxy,
and "Test now": what the parser extracts from the first list page, with the health state."""

from __future__ import annotations

import copy
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.config import Config, SourceConfig
from app.config_write import save_config
from app.errors import UserError
from app.scheduling import OfficeHours, source_interval
from app.services import SourceTest, test_source
from app.ui.icons import health_icon
from app.ui.ops import Op, TaskManager
from app.ui.sidebar import health_tooltip
from storage.db import Database

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def _channel_names(source: str) -> dict[str, str]:
    """Channel key → "English name (中文)", e.g. gwywj → "State Council documents (国务院文件)"."""
    from scrapers.base import get_source

    try:
        info = get_source(source).info
    except KeyError:
        return {}
    return {
        c.key: f"{c.name_en} ({c.name_zh})" if c.name_zh and c.name_zh != c.name_en else c.name_en
        for c in info.channels
    }


class SourcesDialog(QDialog):
    def __init__(
        self, db: Database, config: Config, tasks: TaskManager, parent: QWidget | None = None
    ):
        super().__init__(parent)
        from app.commands.sources import source_health

        self.setWindowTitle(self.tr("Sources"))
        self.resize(1100, 640)
        self._config, self._tasks = config, tasks
        self.saved: Config | None = None
        self.last_test: SourceTest | None = None
        self._intervals: dict[str, int] = {}
        with db.read() as s:
            self.health = source_health(s, config)

        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("Source / channel"), self.tr("State")])
        self.tree.setColumnWidth(0, 330)
        for h in self.health:
            item = QTreeWidgetItem([h["name"], h["state"].replace("_", " ")])
            item.setToolTip(0, h["name"])
            item.setData(0, KEY_ROLE, (h["key"], None))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Checked if h["enabled"] else Qt.CheckState.Unchecked
            )
            item.setIcon(1, health_icon(h["state"]))
            item.setToolTip(1, health_tooltip(h))
            names = _channel_names(h["key"])
            for c in h["channels"]:
                label = names.get(c["key"]) or c["key"]
                ch = QTreeWidgetItem([label, c["state"].replace("_", " ")])
                ch.setToolTip(0, f"{label} [{c['key']}]")
                ch.setData(0, KEY_ROLE, (h["key"], c["key"]))
                ch.setFlags(ch.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                ch.setCheckState(
                    0, Qt.CheckState.Checked if c["enabled"] else Qt.CheckState.Unchecked
                )
                ch.setIcon(1, health_icon(c["state"]))
                ch.setToolTip(1, c["message"] or c["state"])
                item.addChild(ch)
            self._intervals[h["key"]] = source_interval(config, h["key"])
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        self.tree.currentItemChanged.connect(self._on_pick)

        self.interval = QSpinBox(self)
        self.interval.setRange(5, 24 * 60)
        self.interval.setSuffix(self.tr(" min"))
        self.interval.valueChanged.connect(self._interval_changed)
        self.test_btn = QPushButton(self.tr("Test now"), self)
        self.test_btn.clicked.connect(self.test_now)
        self.test_state = QLabel(self)
        self.test_state.setWordWrap(True)
        self.health_label = QLabel(self)
        self.health_label.setWordWrap(True)
        self.health_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rows = QTableWidget(0, 3, self)
        self.rows.setHorizontalHeaderLabels([self.tr("Date"), self.tr("Title"), "URL"])
        self.rows.horizontalHeader().setStretchLastSection(True)
        self.rows.verticalHeader().hide()
        self.rows.setWordWrap(False)
        self.rows.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.rows.setColumnWidth(0, 90)
        self.rows.setColumnWidth(1, 330)

        fetch = config.fetch
        self.office_hours = QLineEdit(fetch.office_hours, self)
        self.office_days = QLineEdit(fetch.office_days, self)
        self.spacing = QDoubleSpinBox(self)
        self.spacing.setRange(0, 120)
        self.spacing.setDecimals(1)
        self.spacing.setSuffix(" s")
        self.spacing.setValue(fetch.spacing)
        self.mirror = QLineEdit(fetch.mirror, self)
        self.mirror.setPlaceholderText("http://127.0.0.1:8765")
        self.proxy = QLineEdit(fetch.proxy, self)
        self.proxy.setPlaceholderText("http://proxy.example:3128")
        glob = QGroupBox(self.tr("All sources"), self)
        gf = QFormLayout(glob)
        gf.addRow(self.tr("Office hours (Beijing time)"), self.office_hours)
        gf.addRow(self.tr("Office days"), self.office_days)
        gf.addRow(self.tr("Spacing between requests to a site"), self.spacing)
        gf.addRow(self.tr("Mirror"), self.mirror)
        gf.addRow(self.tr("Proxy"), self.proxy)

        right = QVBoxLayout()
        rf = QFormLayout()
        rf.addRow(self.tr("Interval"), self.interval)
        right.addWidget(self.health_label)
        right.addLayout(rf)
        row = QHBoxLayout()
        row.addWidget(self.test_btn)
        row.addWidget(self.test_state, 1)
        right.addLayout(row)
        right.addWidget(self.rows, 1)
        right.addWidget(glob)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b91c1c")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.tree, 2)
        top.addLayout(right, 3)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _selected(self) -> tuple[str, str | None] | None:
        item = self.tree.currentItem()
        return item.data(0, KEY_ROLE) if item is not None else None

    def _on_pick(self, item, _prev) -> None:
        sel = self._selected()
        self.health_label.setText(self.health_text(sel) if sel else "")
        if sel:
            self.interval.blockSignals(True)
            self.interval.setValue(self._intervals.get(sel[0], 60))
            self.interval.blockSignals(False)

    def health_text(self, sel: tuple[str, str | None]) -> str:
        """The selected source's (or channel's) state, message and last runs, in words."""
        key, channel = sel
        h = next((x for x in self.health if x["key"] == key), None)
        if h is None:
            return ""
        if channel is not None:
            h = next((c for c in h["channels"] if c["key"] == channel), h)
        state = h["state"].replace("_", " ")
        lines = [f"<b>{escape(state)}</b>" + (f" — {escape(h['message'])}" if h["message"] else "")]
        last = (h.get("last_run") or "")[:16].replace("T", " ") or self.tr("never")
        ok = (h.get("last_ok") or "")[:16].replace("T", " ") or self.tr("never")
        lines.append(
            self.tr("Last run {run} · last successful run {ok}")
            .replace("{run}", last)
            .replace("{ok}", ok)
        )
        return "<br>".join(lines)

    def _interval_changed(self, value: int) -> None:
        sel = self._selected()
        if sel:
            self._intervals[sel[0]] = value

    def build_config(self) -> Config:
        cfg = copy.deepcopy(self._config)
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            key, _ = item.data(0, KEY_ROLE)
            sc = cfg.sources.get(key) or SourceConfig()
            sc.enabled = item.checkState(0) == Qt.CheckState.Checked
            if self._intervals.get(key) != source_interval(self._config, key):
                sc.interval = self._intervals[key]
            for j in range(item.childCount()):
                ch = item.child(j)
                sc.channels[ch.data(0, KEY_ROLE)[1]] = ch.checkState(0) == Qt.CheckState.Checked
            cfg.sources[key] = sc
        f = cfg.fetch
        f.office_hours, f.office_days = (
            self.office_hours.text().strip(),
            self.office_days.text().strip(),
        )
        f.spacing = self.spacing.value()
        f.mirror, f.proxy = self.mirror.text().strip(), self.proxy.text().strip()
        return cfg

    def save(self) -> None:
        try:
            cfg = self.build_config()
        except (UserError, OSError) as exc:
            self.error.setText(getattr(exc, "message", None) or str(exc))
            return
        try:
            OfficeHours.parse(cfg.fetch.office_hours, cfg.fetch.office_days)
        except UserError as exc:
            self.error.setText(self.tr("Office hours: ") + exc.message)
            return
        try:
            self.saved = save_config(cfg, self._config.path)
        except (UserError, OSError) as exc:
            self.error.setText(getattr(exc, "message", None) or str(exc))
            return
        self.accept()

    def test_now(self) -> None:
        sel = self._selected()
        if not sel:
            return
        key, channel = sel
        cfg = self.build_config()
        self.test_state.setText(self.tr("Fetching the first list page…"))
        self.test_btn.setEnabled(False)
        self.rows.setRowCount(0)

        def done(result: SourceTest) -> None:
            self.test_btn.setEnabled(True)
            self.last_test = result
            where = f" [{result.channel}]" if result.channel else ""
            self.test_state.setText(f"{result.state}{where}: {result.message}")
            self.rows.setRowCount(len(result.rows))
            for r, values in enumerate(result.rows):
                for c, v in enumerate(values):
                    cell = QTableWidgetItem(v)
                    cell.setToolTip(v)
                    self.rows.setItem(r, c, cell)

        def failed(exc: BaseException) -> None:
            self.test_btn.setEnabled(True)
            msg = str(exc).capitalize() if isinstance(exc, KeyError) else repr(exc)
            self.test_state.setText(msg)

        Op(self._tasks, lambda: test_source(cfg, key, channel), kind="net").success(done).failure(
            failed
        ).run_in_background()
