""" "Email flagged…": preview the digest of flagged items, then send it, save it as an .eml
draft or open it in the mail client.

The digest is read in the read pool, sending runs in the network pool and the .eml files are
written in the DB writer (each export is recorded). The HTML preview is the email's own HTML in
a SafeTextBrowser: no remote (or local) resources are loaded. Only a delivered email marks the
items as sent; ``exported`` then carries the Changes so the list refreshes those rows.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.changes import Changes
from app.config import Config
from app.export.digest import Selection
from app.export.service import (
    Preview,
    SendResult,
    load_digest,
    open_in_mail_client,
    preview,
    save_eml,
    send_digest,
)
from app.export.smtp import SmtpSettings
from app.ui.ops import Op, TaskManager
from app.ui.safe_browser import SafeTextBrowser
from storage.db import Database


def _split(text: str) -> list[str]:
    return [a.strip() for a in text.replace(";", ",").split(",") if a.strip()]


EMAIL_FIELDS = {
    "host": "the SMTP server",
    "port": "the port",
    "sender": "the sender address",
    "username": "the user name",
    "security": "the security setting",
    "to": "the recipients",
}


def gui_wording(text: str) -> str:
    """The export layer words its errors for the command line ("set email.host in the config
    file or use --smtp-host"); in the app they point to Settings → E-mail instead."""
    text = re.sub(r",?\s+or use --[\w-]+", "", text)
    text = re.sub(r"\s*\(use starttls, ssl or plain\)", "", text)
    return re.sub(
        r"set email\.(\w+) in the config file",
        lambda m: f"fill in {EMAIL_FIELDS.get(m[1], m[1])} in Settings → E-mail",
        text,
    )


def error_sentence(exc: BaseException) -> str:
    """The one sentence the export layer puts on its errors (SendError, SmtpConfigError, …),
    in the app's words."""
    return gui_wording(getattr(exc, "message", None) or str(exc) or type(exc).__name__)


class EmailDialog(QDialog):
    exported = Signal(object)  # Changes: the rows just marked as sent

    def __init__(
        self, db: Database, config: Config, tasks: TaskManager, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Email flagged items"))
        self._db, self._config, self._tasks = db, config, tasks
        self._gen = 0
        self.current: Preview | None = None
        self.last_sent: SendResult | None = None
        self.last_file: Path | None = None

        em = config.email
        self.include_sent = QCheckBox(self.tr("Include items already emailed"), self)
        self.include_sent.toggled.connect(lambda _on: self.load())
        self.to = QLineEdit(", ".join(em.to), self)
        self.cc = QLineEdit(", ".join(em.cc), self)
        self.to.setPlaceholderText("liaison@example.eu, colleague@example.eu")
        self.subject = QLabel(self)
        self.subject.setWordWrap(True)
        self.count = QLabel(self)
        self.browser = SafeTextBrowser(self)
        self.browser.setMinimumHeight(320)
        self.result = QLabel(self)
        self.result.setWordWrap(True)

        self.send_btn = QPushButton(self.tr("Send"), self)
        self.send_btn.setDefault(True)
        self.send_btn.clicked.connect(self.send)
        self.eml_btn = QPushButton(self.tr("Save as .eml…"), self)
        self.eml_btn.clicked.connect(self._ask_eml)
        self.client_btn = QPushButton(self.tr("Open in mail client"), self)
        self.client_btn.clicked.connect(self.open_in_client)
        close = QPushButton(self.tr("Close"), self)
        close.clicked.connect(self.accept)

        form = QFormLayout()
        form.addRow(self.tr("To"), self.to)
        form.addRow(self.tr("Cc"), self.cc)
        form.addRow(self.tr("Subject"), self.subject)
        form.addRow("", self.include_sent)
        buttons = QHBoxLayout()
        for b in (self.send_btn, self.eml_btn, self.client_btn):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.count)
        lay.addWidget(self.browser, 1)
        lay.addWidget(self.result)
        lay.addLayout(buttons)
        self.resize(820, 680)
        self._set_actions(False)
        self.load()

    # -- preview ------------------------------------------------------------------------------

    def _set_actions(self, enabled: bool) -> None:
        for b in (self.send_btn, self.eml_btn, self.client_btn):
            b.setEnabled(enabled)

    def load(self) -> None:
        self._gen += 1
        gen, db = self._gen, self._db
        selection = Selection(flagged=True, include_sent=self.include_sent.isChecked())
        subject_format = self._config.email.subject
        self._set_actions(False)
        self.count.setText(self.tr("Loading the flagged items…"))

        def work() -> Preview:
            return preview(load_digest(db, selection), subject_format=subject_format)

        def done(p: Preview) -> None:
            if gen != self._gen:
                return
            self.current = p
            self.subject.setText(p.subject)
            self.browser.setHtml(p.html)
            n = p.digest.count
            if n:
                self.count.setText(self.tr("{n} items in this digest.").replace("{n}", str(n)))
            else:
                self.count.setText(
                    self.tr("There are no flagged items to send")
                    + (
                        ""
                        if self.include_sent.isChecked()
                        else self.tr(" that were not sent before")
                    )
                    + "."
                )
            self._set_actions(n > 0)

        def failed(exc: BaseException) -> None:
            if gen == self._gen:
                self.count.setText(error_sentence(exc))

        Op(self._tasks, work, kind="read").success(done).failure(failed).run_in_background()

    # -- sending and saving ---------------------------------------------------------------------

    def _fail(self, exc: BaseException) -> None:
        self._set_actions(self.current is not None and self.current.digest.count > 0)
        self.result.setText(f'<span style="color:#b91c1c">{error_sentence(exc)}</span>')

    def send(self) -> None:
        p = self.current
        if p is None or not p.digest.count:
            return
        to, cc = _split(self.to.text()), _split(self.cc.text())
        if not to:
            self.result.setText(
                f'<span style="color:#b91c1c">{self.tr("Add at least one recipient.")}</span>'
            )
            return
        em, db = self._config.email, self._db
        settings = SmtpSettings.from_config(em)
        self._set_actions(False)
        self.result.setText(self.tr("Sending…"))

        def work() -> SendResult:
            return send_digest(
                db,
                settings,
                p.digest,
                to=to,
                cc=cc,
                subject_format=em.subject,
                attach=em.attach,
            )

        def done(r: SendResult) -> None:
            self.last_sent = r
            self.result.setText(
                self.tr("Sent {n} items to {to}.")
                .replace("{n}", str(r.digest.count))
                .replace("{to}", ", ".join(r.recipients))
            )
            self.exported.emit(Changes(notices=frozenset(r.digest.notice_ids)))
            self.load()

        Op(self._tasks, work, kind="net").success(done).failure(self._fail).run_in_background()

    def _sender(self) -> str:
        em = self._config.email
        return em.sender or (em.username if "@" in em.username else "")

    def _ask_eml(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save digest as"), "regwatch-digest.eml", self.tr("Email (*.eml)")
        )
        if path:
            self.save_eml(Path(path))

    def _draft_fields(self) -> dict:
        """The message fields a saved or opened draft takes, read from the form (GUI thread)."""
        em = self._config.email
        return {
            "sender": self._sender(),
            "to": _split(self.to.text()),
            "cc": _split(self.cc.text()),
            "subject_format": em.subject,
            "attach": em.attach,
        }

    def save_eml(self, path: Path) -> None:
        p = self.current
        if p is None:
            return
        db, fields = self._db, self._draft_fields()

        def work() -> Path:
            return save_eml(db, p.digest, path, **fields)

        def done(out: Path) -> None:
            self.last_file = out
            self.result.setText(self.tr("Saved {path}.").replace("{path}", str(out)))

        Op(self._tasks, work).success(done).failure(self._fail).run_in_background()

    def open_in_client(self) -> None:
        p = self.current
        if p is None:
            return
        db, fields = self._db, self._draft_fields()

        def work() -> Path:  # writes the draft; opening it is GUI work, done below
            return open_in_mail_client(db, p.digest, lambda _path: None, **fields)

        def done(out: Path) -> None:
            self.last_file = out
            if QDesktopServices.openUrl(QUrl.fromLocalFile(str(out))):
                text = self.tr("Opened the draft in your mail client ({path}).")
            else:
                text = self.tr(
                    "No mail client could open the draft; it was saved as {path}. "
                    "Open that file yourself, or send from here (Settings → E-mail)."
                )
            self.result.setText(text.replace("{path}", str(out)))

        Op(self._tasks, work).success(done).failure(self._fail).run_in_background()
