"""Every text a widget tree shows the user, with the widget's path, and a check for English.

Used by the Chinese-UI test: it walks windows, dialogs, menus, item views and status bars and
reports each string that still carries English words once notice content (titles, bodies,
English translations, topic names and terms: the user's data) and the allowed proper nouns,
acronyms, addresses, paths and shortcuts are taken out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QSpinBox,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

# Proper nouns, acronyms, units and formats a Chinese UI shows as they are (case-insensitive).
ALLOWED_WORDS = {
    *"regwatch smtp starttls ssl tls deepl openai baidu youdao tencent niutrans volcengine".split(),
    *"ollama libretranslate argos llm api url urls http https id ids app html pdf docx xlsx".split(),
    *"md markdown csv json toml eml txt odt pptx ics ccs cac miit sac samr tc tc260 gov cn".split(),
    *"std org www ai utc gmt cet cest est pst bst ms kb mb gb ctrl shift alt esc enter".split(),
    *"english pgup pgdn del ok ipv imap pop e.g wxfb gb/t".split(),
    # the credential names each provider's own console shows (Baidu, Tencent, Youdao)
    *"appid secretid appkey".split(),
}
ALLOWED_PHRASES = ("中文 / English",)

_URL = re.compile(r"(?:https?|mailto|file|action):[^\s<>\"'）)]*", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PATH = re.compile(
    r"(?:[A-Za-z]:)?(?:[/\\][\w.+-]+){2,}[/\\]?|\*\.\w+|[\w-]+\.(?:toml|eml|html|md|docx|pdf|csv|json|sqlite3?)\b"
)
_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:cn|org|com|net|eu)\b", re.I)
# Technical detail kept as written: HTTP status phrases, exception class names.
_TECHNICAL = re.compile(r"HTTP \d{3}(?: [A-Z][a-z]+)*|\b[A-Z]\w*(?:Error|Exception|Timeout)\b")
_SHORTCUT = re.compile(r"\b(?:Ctrl|Shift|Alt|Meta)\+\S+|\(&\w\)|&(?=\w)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class Text:
    path: str
    text: str


def plain(html_or_text: str) -> str:
    if "<" in html_or_text and re.search(r"<[a-zA-Z/][^>]*>", html_or_text):
        doc = QTextDocument()
        doc.setHtml(html_or_text)
        return doc.toPlainText()
    return html_or_text


def english_words(text: str, content: Iterable[str] = ()) -> list[str]:
    """The Latin words of ``text`` that are neither content nor allowed."""
    for item in content:
        if item in text:  # as a whole word: "AI" (a topic term) is not the end of "OpenAI"
            text = re.sub(rf"(?<![A-Za-z]){re.escape(item)}(?![A-Za-z])", " ", text)
    for phrase in ALLOWED_PHRASES:
        text = text.replace(phrase, " ")
    for rx in (_URL, _EMAIL, _PATH, _DOMAIN, _TECHNICAL, _SHORTCUT):
        text = rx.sub(" ", text)
    words = []
    for w in _WORD.findall(text):
        w = w.strip("'’-")
        if len(w) <= 1 or w.casefold() in ALLOWED_WORDS:
            continue
        if w.isupper() and len(w) <= 5:  # an acronym (CCS, ICS, PDF…)
            continue
        words.append(w)
    return words


def widget_path(w: QWidget) -> str:
    parts = []
    while w is not None:
        name = type(w).__name__
        if w.objectName() and not w.objectName().startswith("qt_"):
            name += f"#{w.objectName()}"
        parts.append(name)
        w = w.parentWidget()
    return "/".join(reversed(parts))


def _menu_texts(menu: QMenu, path: str, out: list[Text]) -> None:
    out.append(Text(path + ".title", menu.title()))
    for act in menu.actions():
        _action_texts(act, path, out)


def _action_texts(act, path: str, out: list[Text]) -> None:
    if act.isSeparator():
        return
    p = f"{path}>{act.text()!r}"
    out.append(Text(p + ".text", act.text()))
    if act.toolTip() != act.text().replace("&", ""):
        out.append(Text(p + ".toolTip", act.toolTip()))
    out.append(Text(p + ".statusTip", act.statusTip()))
    if act.menu() is not None:
        _menu_texts(act.menu(), p, out)


def _tree_item(item: QTreeWidgetItem, path: str, out: list[Text]) -> None:
    for c in range(item.columnCount()):
        out.append(Text(f"{path}[{item.text(c)!r}]", item.text(c)))
        out.append(Text(f"{path}[{item.text(c)!r}].toolTip", item.toolTip(c)))
    for i in range(item.childCount()):
        _tree_item(item.child(i), path, out)


def _view_texts(view: QAbstractItemView, path: str, out: list[Text], max_rows: int) -> None:
    model = view.model()
    if model is None:
        return
    if isinstance(view, QTreeWidget):
        out.append(
            Text(
                path + ".header",
                " | ".join(view.headerItem().text(c) for c in range(view.columnCount())),
            )
            if not view.isHeaderHidden()
            else Text(path, "")
        )
        for i in range(view.topLevelItemCount()):
            _tree_item(view.topLevelItem(i), path, out)
        return
    header = getattr(view, "horizontalHeader", lambda: None)()
    if header is not None and not header.isHidden():
        for c in range(model.columnCount()):
            out.append(
                Text(
                    f"{path}.header[{c}]",
                    str(
                        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                        or ""
                    ),
                )
            )
            out.append(
                Text(
                    f"{path}.header[{c}].toolTip",
                    str(
                        model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
                        or ""
                    ),
                )
            )
    for r in range(min(model.rowCount(), max_rows)):
        for c in range(model.columnCount()):
            idx = model.index(r, c)
            for role, what in (
                (Qt.ItemDataRole.DisplayRole, ""),
                (Qt.ItemDataRole.ToolTipRole, ".toolTip"),
            ):
                value = model.data(idx, role)
                if isinstance(value, str):
                    out.append(Text(f"{path}[{r},{c}]{what}", value))


def collect(root: QWidget, *, max_rows: int = 60) -> list[Text]:
    """Every user-visible string of ``root`` and its child widgets, menus and actions."""
    out: list[Text] = []
    for w in [root, *root.findChildren(QWidget)]:
        path = widget_path(w)
        if w.isWindow():
            out.append(Text(path + ".windowTitle", w.windowTitle()))
        out.append(Text(path + ".toolTip", w.toolTip()))
        out.append(Text(path + ".statusTip", w.statusTip()))
        if isinstance(w, QLabel):
            out.append(Text(path + ".text", plain(w.text())))
        elif isinstance(w, QAbstractButton):
            out.append(Text(path + ".text", w.text()))
            if getattr(w, "defaultAction", lambda: None)() is None:
                if hasattr(w, "menu") and w.menu() is not None:
                    _menu_texts(w.menu(), path, out)
        elif isinstance(w, QGroupBox):
            out.append(Text(path + ".title", w.title()))
        elif isinstance(w, QLineEdit):
            out.append(Text(path + ".placeholder", w.placeholderText()))
            if w.isReadOnly():
                out.append(Text(path + ".text", w.text()))
        elif isinstance(w, QTextEdit | QPlainTextEdit):
            out.append(Text(path + ".placeholder", w.placeholderText()))
            if w.isReadOnly():
                out.append(Text(path + ".text", w.toPlainText()))
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                out.append(Text(f"{path}.item[{i}]", w.itemText(i)))
        elif isinstance(w, QSpinBox):
            for what in ("prefix", "suffix", "specialValueText"):
                out.append(Text(f"{path}.{what}", getattr(w, what)()))
        elif isinstance(w, QAbstractSpinBox) and not isinstance(w, QDateTimeEdit):
            out.append(Text(path + ".specialValueText", w.specialValueText()))
        elif isinstance(w, QTabWidget | QTabBar):
            for i in range(w.count()):
                out.append(Text(f"{path}.tab[{i}]", w.tabText(i)))
                out.append(Text(f"{path}.tab[{i}].toolTip", w.tabToolTip(i)))
        elif isinstance(w, QProgressBar):
            out.append(Text(path + ".format", w.text()))
        elif isinstance(w, QMenu):
            _menu_texts(w, path, out)
        if isinstance(w, QHeaderView):
            continue  # its texts are read with the view it belongs to
        if isinstance(w, QAbstractItemView) and not isinstance(w, QListWidget | QComboBox):
            _view_texts(w, path, out, max_rows)
        elif isinstance(w, QListWidget):
            for i in range(w.count()):
                out.append(Text(f"{path}.item[{i}]", w.item(i).text()))
                out.append(Text(f"{path}.item[{i}].toolTip", w.item(i).toolTip()))
        if isinstance(w, QMainWindow):
            for act in w.menuBar().actions():
                _action_texts(act, path + "/menuBar", out)
            out.append(Text(path + "/statusBar.message", w.statusBar().currentMessage()))
        if not isinstance(w, QMenu):
            for act in w.actions():
                _action_texts(act, path + ".actions", out)
    return [t for t in out if t.text and t.text.strip()]


def offenders(texts: Iterable[Text], content: Iterable[str]) -> list[str]:
    """ "path: 'text' → words" for each text that still shows English; one line each."""
    content = sorted({c for c in content if c and re.search("[A-Za-z]", c)}, key=len, reverse=True)
    seen: set[tuple[str, str]] = set()
    lines = []
    for t in texts:
        words = english_words(t.text, content)
        if words and (t.path, t.text) not in seen:
            seen.add((t.path, t.text))
            lines.append(f"{t.path}: {t.text[:300]!r} → {', '.join(dict.fromkeys(words))}")
    return lines
