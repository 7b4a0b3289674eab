"""First run: choose sources, default watch topics, translation and e-mail in one page."""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.config import _CHOICES, Config, SourceConfig
from app.config_write import save_config
from app.errors import UserError
from app.topics import default_topics
from app.topics.packs import optional_pack, optional_topics
from app.topics.store import DEFAULTS_SETTING, create_topic
from app.ui.dialogs.settings import TRANSLATION_SETUP
from app.ui.labels import chinese_ui, provider_label
from app.ui.ops import TaskManager
from storage.db import Database
from storage.models import Setting, Topic


def pack_label(pack) -> str:
    """An optional pack's name in the UI language."""
    return pack.name_zh if chinese_ui() and pack.name_zh else pack.name_en


def _checklist(items: list[tuple[str, str, bool]]) -> QListWidget:
    w = QListWidget()
    for key, label, on in items:
        it = QListWidgetItem(label)
        it.setData(Qt.ItemDataRole.UserRole, key)
        it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        it.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        w.addItem(it)
    return w


def _checked(w: QListWidget) -> list[str]:
    return [
        w.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(w.count())
        if w.item(i).checkState() == Qt.CheckState.Checked
    ]


class FirstRunDialog(QDialog):
    def __init__(
        self, db: Database, config: Config, tasks: TaskManager, parent: QWidget | None = None
    ):
        super().__init__(parent)
        from scrapers.base import get_source, source_keys

        self.setWindowTitle(self.tr("Welcome to regwatch"))
        self._db, self._config = db, config
        self.saved: Config | None = None
        self.chosen_topics: set[str] = set()
        intro = QLabel(
            self.tr(
                "regwatch watches Chinese regulators' and standards bodies' sites and tells you "
                "when something matches your topics. Choose where to start; everything can be "
                "changed later in Settings, Sources and Watch topics."
            )
        )
        intro.setWordWrap(True)
        srcs = []
        for key in source_keys():
            info = get_source(key).info
            label = info.name_zh if chinese_ui() else f"{info.name_en} — {info.name_zh}"
            srcs.append((key, label, config.source(key).enabled))
        self.sources = _checklist(srcs)
        with db.read() as s:
            existing = set(s.scalars(select(Topic.name)))
        # The defaults ticked, then the optional packs' topics (the audience's other subjects)
        # unticked, each labelled with its pack.
        optional = self.tr("optional pack")
        self.topics = _checklist(
            [(t.name, t.name, True) for t in default_topics() if t.name not in existing]
            + [
                (t.name, f"{t.name} — {optional}: {pack_label(optional_pack(key))}", False)
                for key, t in optional_topics()
                if t.name not in existing
            ]
        )
        self.provider = QComboBox()
        for p in sorted(_CHOICES["translation.provider"], key=lambda p: (p != "offline", p)):
            self.provider.addItem(provider_label(p), p)
        self.provider.setCurrentIndex(max(0, self.provider.findData(config.translation.provider)))
        self.email_to = QLineEdit(", ".join(config.email.to))
        self.email_to.setPlaceholderText("liaison@example.eu")
        self.error = QLabel()
        self.error.setStyleSheet("color: #b91c1c")
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        for title, w in (
            (self.tr("Sources"), self.sources),
            (self.tr("Watch topics"), self.topics),
        ):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(w)
            lay.addWidget(box)
        form = QFormLayout()
        form.addRow(self.tr("Translation"), self.provider)
        setup = QLabel(self.tr(TRANSLATION_SETUP))
        setup.setWordWrap(True)
        form.addRow("", setup)
        form.addRow(self.tr("Send digests to"), self.email_to)
        lay.addLayout(form)
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(760, 600)

    def save(self) -> None:
        cfg = copy.deepcopy(self._config)
        on = set(_checked(self.sources))
        for i in range(self.sources.count()):
            key = self.sources.item(i).data(Qt.ItemDataRole.UserRole)
            cfg.sources.setdefault(key, SourceConfig()).enabled = key in on
        cfg.translation.provider = self.provider.currentData()
        cfg.email.to = [a.strip() for a in self.email_to.text().split(",") if a.strip()]
        try:
            self.saved = save_config(cfg, self._config.path)
        except (UserError, OSError) as exc:
            self.error.setText(getattr(exc, "message", None) or str(exc))
            return
        self.chosen_topics = set(_checked(self.topics))
        self.accept()


def add_default_topics(session, names: set[str]) -> int:
    """Create the chosen shipped topics, defaults and optional packs' (run in the DB writer),
    and record that the defaults were offered, so the first fetch does not install the ones the
    user left out."""
    existing = {n.casefold() for n in session.scalars(select(Topic.name))}
    added = 0
    for spec in [*default_topics(), *(t for _, t in optional_topics())]:
        if spec.name in names and spec.name.casefold() not in existing:
            create_topic(session, spec)
            added += 1
    session.merge(Setting(key=DEFAULTS_SETTING, value=True))
    return added
