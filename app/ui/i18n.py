"""UI language: English source strings, Simplified Chinese from resources/i18n/zh_CN.json.

PySide6-Essentials ships no lupdate/lrelease, so instead of .ts → .qm a QTranslator subclass
answers ``translate()`` from a flat JSON table (source text → translation; the context is
ignored because the strings are the same everywhere). ``tr()`` calls go through it as usual.
A key "Context|text" wins for that context only: Qt's own "OK" button (context QPlatformTheme)
is 确定 while the health state "OK" is 正常.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}


class JsonTranslator(QTranslator):
    def __init__(self, table: dict[str, str], parent=None):
        super().__init__(parent)
        self.table = table
        self.qt_translator: QTranslator | None = None

    def translate(self, context, source_text, disambiguation=None, n=-1):
        return self.table.get(f"{context}|{source_text}") or self.table.get(source_text) or None

    def isEmpty(self) -> bool:
        return not self.table


def load_table(language: str) -> dict[str, str]:
    path = I18N_DIR / f"{language}.json"
    if language == "en" or not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def install_translator(app: QCoreApplication, language: str) -> JsonTranslator | None:
    """Install the UI language: Qt's own translation of its dialogs (file dialogs, context
    menus, standard buttons) first, then regwatch's table, which wins where both answer."""
    table = load_table(language)
    if not table:
        return None
    qt = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(language), "qtbase", "_", folder):
        app.installTranslator(qt)
    tr = JsonTranslator(table, app)
    tr.qt_translator = qt if not qt.isEmpty() else None
    app.installTranslator(tr)
    return tr


def remove_translator(app: QCoreApplication, tr: JsonTranslator | None) -> None:
    """Undo ``install_translator`` (the screenshot and the tests switch languages)."""
    if tr is None:
        return
    if tr.qt_translator is not None:
        app.removeTranslator(tr.qt_translator)
    app.removeTranslator(tr)
