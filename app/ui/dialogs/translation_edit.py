"""Edit a notice's English title; the result is labelled "human" and wins over machine output."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.notice_html import provenance_label, provenance_text


class TranslationEditDialog(QDialog):
    def __init__(
        self, title: str, title_en: str, provider: str | None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit translation"))
        lay = QVBoxLayout(self)
        zh = QLabel(title, self)
        zh.setWordWrap(True)
        lay.addWidget(zh)
        lay.addWidget(
            QLabel(
                self.tr("Current: ") + provenance_text(provenance_label(provider, True), self.tr),
                self,
            )
        )
        self.editor = QPlainTextEdit(title_en, self)
        lay.addWidget(self.editor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(560, 220)

    def text(self) -> str:
        return " ".join(self.editor.toPlainText().split())
