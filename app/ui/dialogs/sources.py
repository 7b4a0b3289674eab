"""Sources: enable sources and channels, intervals, office hours, spacing, mirror, proxy,
and "Test now": what the parser extracts from the first list page, with the health state.
User-defined sources are added, edited, deleted, imported and exported (as TOML source packs)
here too; the shipped community pack is one click away."""

from __future__ import annotations

import copy
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.config import Config, SourceConfig
from app.config_write import save_config
from app.custom_sources import COMMUNITY_NOTE, community_definitions, dumps_pack, loads_pack
from app.errors import UserError
from app.scheduling import OfficeHours, source_interval
from app.services import SourceTest, test_source
from app.ui.dialogs.custom_source import CustomSourceDialog, show_test_rows
from app.ui.icons import health_icon
from app.ui.labels import channel_names, health_label, source_display_name, test_summary
from app.ui.messages import message_label
from app.ui.ops import Op, TaskManager
from app.ui.sidebar import health_tooltip
from app.ui.times import local_time
from scrapers.base import builtin_source_keys
from scrapers.custom import CustomDefinition, CustomSource
from storage.db import Database

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


def _channel_names(source: str) -> dict[str, str]:
    """Channel key → "English name (中文)", e.g. gwywj → "State Council documents (国务院文件)"
    (only the Chinese name in the Chinese UI)."""
    return channel_names(source)


class SourcesDialog(QDialog):
    def __init__(
        self, db: Database, config: Config, tasks: TaskManager, parent: QWidget | None = None
    ):
        super().__init__(parent)
        from app.source_health import source_health

        self.setWindowTitle(self.tr("Sources"))
        self.resize(1100, 640)
        self._config, self._tasks = config, tasks
        self.saved: Config | None = None
        self.last_test: SourceTest | None = None
        self._intervals: dict[str, int] = {}
        self.custom: dict[str, CustomDefinition] = dict(config.custom_sources)
        with db.read() as s:
            self.health = [h.as_json() for h in source_health(s, config)]

        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("Source / channel"), self.tr("State")])
        self.tree.setColumnWidth(0, 330)
        for h in self.health:
            if h["key"] not in builtin_source_keys() and h["key"] not in self.custom:
                continue  # a deleted custom source: its notices stay, it is no longer fetched
            item = self._source_item(h)
            names = _channel_names(h["key"])
            for c in h["channels"]:
                label = names.get(c["key"]) or c["key"]
                ch = QTreeWidgetItem([label, health_label(c["state"])])
                ch.setToolTip(0, label)
                ch.setData(0, KEY_ROLE, (h["key"], c["key"]))
                ch.setFlags(ch.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                ch.setCheckState(
                    0, Qt.CheckState.Checked if c["enabled"] else Qt.CheckState.Unchecked
                )
                ch.setIcon(1, health_icon(c["state"]))
                ch.setToolTip(1, message_label(c["message"]) or health_label(c["state"]))
                item.addChild(ch)
            self._intervals[h["key"]] = source_interval(config, h["key"])
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        self.tree.currentItemChanged.connect(self._on_pick)

        self.add_btn = QPushButton(self.tr("Add source…"), self)
        self.edit_btn = QPushButton(self.tr("Edit…"), self)
        self.delete_btn = QPushButton(self.tr("Delete"), self)
        self.import_btn = QPushButton(self.tr("Import pack…"), self)
        self.export_btn = QPushButton(self.tr("Export pack…"), self)
        self.community_btn = QPushButton(self.tr("Add community sources"), self)
        self.community_btn.setToolTip(self.tr(COMMUNITY_NOTE))
        self.add_btn.clicked.connect(self._add)
        self.edit_btn.clicked.connect(self._edit)
        self.delete_btn.clicked.connect(self._delete)
        self.import_btn.clicked.connect(self._import)
        self.export_btn.clicked.connect(self._export)
        self.community_btn.clicked.connect(self.add_community)
        self.custom_note = QLabel(self)
        self.custom_note.setWordWrap(True)

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
        left = QVBoxLayout()
        left.addWidget(self.tree, 1)
        for buttons_row in (
            (self.add_btn, self.edit_btn, self.delete_btn),
            (self.import_btn, self.export_btn, self.community_btn),
        ):
            line = QHBoxLayout()
            for b in buttons_row:
                line.addWidget(b)
            left.addLayout(line)
        left.addWidget(self.custom_note)
        top = QHBoxLayout()
        top.addLayout(left, 2)
        top.addLayout(right, 3)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        if self.tree.topLevelItemCount():
            self.tree.setCurrentItem(self.tree.topLevelItem(0))

    def _source_item(self, h: dict) -> QTreeWidgetItem:
        name = source_display_name(h["key"]) if h["key"] not in self.custom else h["name"]
        if h["key"] in self.custom:
            name = f"{self.custom[h['key']].name} [{h['key']}]"
        item = QTreeWidgetItem([name, health_label(h["state"])])
        item.setToolTip(0, name)
        item.setData(0, KEY_ROLE, (h["key"], None))
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(0, Qt.CheckState.Checked if h["enabled"] else Qt.CheckState.Unchecked)
        item.setIcon(1, health_icon(h["state"]))
        item.setToolTip(1, health_tooltip({**h, "name": name}))
        return item

    def _top_item(self, key: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, KEY_ROLE)[0] == key:
                return item
        return None

    # -- custom sources -----------------------------------------------------------------------

    def add_definition(self, defn: CustomDefinition) -> None:
        """Add or replace a user-defined source in the list (saved with Save)."""
        self.custom[defn.key] = defn
        item = self._top_item(defn.key)
        if item is not None:
            item.setText(0, f"{defn.name} [{defn.key}]")
            return
        h = {
            "key": defn.key,
            "name": defn.name,
            "state": "never_run",
            "enabled": True,
            "message": "",
            "last_run": None,
            "last_ok": None,
            "channels": [],
        }
        self.health.append(h)
        self._intervals[defn.key] = defn.interval or 60
        item = self._source_item(h)
        self.tree.addTopLevelItem(item)
        self.tree.setCurrentItem(item)

    def delete_definition(self, key: str) -> None:
        """Remove a user-defined source (its stored notices stay in the database)."""
        self.custom.pop(key, None)
        item = self._top_item(key)
        if item is not None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))

    def _editor(self, defn: CustomDefinition | None) -> CustomDefinition | None:
        taken = set(builtin_source_keys()) | set(self.custom)
        dlg = CustomSourceDialog(self.build_config(), self._tasks, defn, taken, self)
        if dlg.exec() == QDialog.DialogCode.Accepted:
            return dlg.result_definition
        return None

    def _add(self) -> None:
        if defn := self._editor(None):
            self.add_definition(defn)

    def _edit(self) -> None:
        sel = self._selected()
        if sel and sel[0] in self.custom and (defn := self._editor(self.custom[sel[0]])):
            self.add_definition(defn)

    def _delete(self) -> None:
        sel = self._selected()
        if not sel or sel[0] not in self.custom:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete source"),
            self.tr("Delete the source {name}? Its stored notices are kept.").replace(
                "{name}", self.custom[sel[0]].name
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_definition(sel[0])

    def import_pack(self, path: Path) -> int:
        """Add every definition of a source pack; returns how many (errors shown in the dialog)."""
        try:
            defs = loads_pack(path.read_text(encoding="utf-8"), path.name)
        except (UserError, OSError, UnicodeDecodeError) as exc:
            self.error.setText(getattr(exc, "message", None) or str(exc))
            return 0
        for defn in defs.values():
            self.add_definition(defn)
        self.custom_note.setText(
            self.tr("Added {n} sources from {file}: press Test now on each, then Save.")
            .replace("{n}", str(len(defs)))
            .replace("{file}", path.name)
        )
        return len(defs)

    def export_pack(self, path: Path) -> None:
        """Write the user-defined sources as a source pack (TOML)."""
        try:
            path.write_text(dumps_pack(self.custom.values()), encoding="utf-8")
        except OSError as exc:
            self.error.setText(str(exc))
            return
        self.custom_note.setText(
            self.tr("Exported {n} sources to {file}.")
            .replace("{n}", str(len(self.custom)))
            .replace("{file}", path.name)
        )

    def add_community(self) -> int:
        """Add the shipped community definitions not defined yet."""
        added = [d for k, d in community_definitions().items() if k not in self.custom]
        for defn in added:
            self.add_definition(defn)
        self.custom_note.setText(
            self.tr("Added {n} community sources ({note}): press Test now on each.")
            .replace("{n}", str(len(added)))
            .replace("{note}", self.tr(COMMUNITY_NOTE))
        )
        return len(added)

    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import source pack"), "", self.tr("Source packs (*.toml)")
        )
        if path:
            self.import_pack(Path(path))

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export source pack"), "sources.toml", self.tr("Source packs (*.toml)")
        )
        if path:
            self.export_pack(Path(path))

    def _selected(self) -> tuple[str, str | None] | None:
        item = self.tree.currentItem()
        return item.data(0, KEY_ROLE) if item is not None else None

    def _on_pick(self, item, _prev) -> None:
        sel = self._selected()
        self.health_label.setText(self.health_text(sel) if sel else "")
        is_custom = bool(sel) and sel[0] in self.custom
        self.edit_btn.setEnabled(is_custom)
        self.delete_btn.setEnabled(is_custom)
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
        state, message = health_label(h["state"]), message_label(h["message"])
        lines = [f"<b>{escape(state)}</b>" + (f" — {escape(message)}" if message else "")]
        last = local_time(h.get("last_run"), never=self.tr("never"))
        ok = local_time(h.get("last_ok"), never=self.tr("never"))
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

    def _saved_interval(self, key: str) -> int:
        if key in self.custom and key not in self._config.custom_sources:  # added just now
            return self.custom[key].interval or 60
        return source_interval(self._config, key)

    def build_config(self) -> Config:
        cfg = copy.deepcopy(self._config)
        cfg.custom_sources = dict(self.custom)
        known = set(builtin_source_keys()) | set(self.custom)
        cfg.sources = {k: v for k, v in cfg.sources.items() if k in known}
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            key, _ = item.data(0, KEY_ROLE)
            sc = cfg.sources.get(key) or SourceConfig()
            sc.enabled = item.checkState(0) == Qt.CheckState.Checked
            if self._intervals.get(key) != self._saved_interval(key):
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
            self.test_state.setText(test_summary(result, key))
            show_test_rows(self.rows, result.rows)

        def failed(exc: BaseException) -> None:
            self.test_btn.setEnabled(True)
            msg = str(exc).capitalize() if isinstance(exc, KeyError) else repr(exc)
            self.test_state.setText(msg)

        source = CustomSource(self.custom[key]) if key in self.custom else None
        Op(self._tasks, lambda: test_source(cfg, key, channel, source=source), kind="net").success(
            done
        ).failure(failed).run_in_background()
