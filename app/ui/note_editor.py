"""The note under a notice: a multi-line editor that saves as you type.

Typing restarts a short timer (``SAVE_DELAY_MS``, on the GUI thread); when it fires the text goes
to the database writer through an op, so a slow disk never stalls typing. Undo is the editor's
own (Ctrl+Z); an undo is an edit like any other, so the stored note follows it.

No text is lost when the reader moves on quickly: switching notices, hiding the window or
quitting saves at once (``flush``), and a note still on its way to the database is kept in
``pending`` so that coming back to the notice before the write lands shows what was typed, not
the older stored text.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future

import shiboken6
from PySide6.QtCore import QCoreApplication, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from app.changes import Changes
from app.triage import save_note
from app.ui.ops import Op, TaskManager
from storage.db import Database

SAVE_DELAY_MS = 700  # a pause in typing this long saves

NoteWriter = Callable[[Database, int, str], Changes]


def write_note(db: Database, notice_id: int, text: str) -> Changes:
    """The one place the editor's text reaches storage (runs in the database writer)."""
    with db.write() as s:
        return save_note(s, notice_id, text)


class NoteEditor(QWidget):
    """Edits the note of one notice at a time; ``changed`` carries what a save changed."""

    changed = Signal(object)  # Changes, after a save landed
    state_changed = Signal(str)  # "saved" | "editing" | "saving" | "failed" | "none"

    def __init__(
        self,
        db: Database,
        tasks: TaskManager,
        parent: QWidget | None = None,
        writer: NoteWriter = write_note,
    ):
        super().__init__(parent)
        self._db, self._tasks, self._writer = db, tasks, writer
        self.notice_id: int | None = None
        self.saved_text = ""  # what the database holds for notice_id, as far as we know
        self.pending: dict[int, str] = {}  # notice id -> text sent to the writer, not yet landed
        self.state = "none"
        self._loading = False
        self._unsaved = False  # typed (or a save failed) and not yet sent to the writer
        self._last_future: Future[None] | None = None

        self.title = QLabel(self.tr("Note"), self)
        self.status = QLabel(self)
        self.status.setObjectName("note-status")
        self.edit = QPlainTextEdit(self)
        self.edit.setObjectName("note-editor")
        self.edit.setTabChangesFocus(True)
        self.edit.setPlaceholderText(
            self.tr("Your note on this notice: why it matters, who to tell. Saved as you type.")
        )
        self.edit.textChanged.connect(self._on_text_changed)
        self.edit.setEnabled(False)  # until a notice is shown
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.status)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 4)
        lay.setSpacing(2)
        lay.addLayout(head)
        lay.addWidget(self.edit)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._flush_before_quit)
        self._set_state("none")

    # -- which notice ------------------------------------------------------------------------

    def set_notice(self, notice_id: int | None, stored_text: str = "") -> None:
        """Show the note of ``notice_id`` (``stored_text``: what was read from the database).

        The same notice again (a reload after any change) keeps what is being typed; only a
        note changed elsewhere (another window, the CLI) replaces an editor with no unsaved
        edits."""
        if notice_id is not None and notice_id == self.notice_id:
            if self.dirty or notice_id in self.pending or stored_text == self.saved_text:
                return
            self.saved_text = stored_text
            self._show_text(stored_text)
            return
        self.flush()
        self.notice_id = notice_id
        text = self.pending.get(notice_id, stored_text) if notice_id is not None else ""
        self.saved_text = stored_text if notice_id is not None else ""
        self._show_text(text)
        self.edit.setEnabled(notice_id is not None)
        if notice_id is None:
            self._set_state("none")
        else:
            self._set_state("saving" if notice_id in self.pending else "saved")

    def _show_text(self, text: str) -> None:
        self._loading = True
        try:
            self.edit.setPlainText(text)  # also clears undo: undo never reaches another notice
        finally:
            self._loading = False

    @property
    def text(self) -> str:
        return self.edit.toPlainText()

    @property
    def dirty(self) -> bool:
        """Typed but not yet sent to the database."""
        return self._unsaved

    # -- saving ------------------------------------------------------------------------------

    def _on_text_changed(self) -> None:
        if self._loading or self.notice_id is None:
            return
        self._unsaved = True
        self._timer.start()
        self._set_state("editing")

    def flush(self) -> Future[None] | None:
        """Send unsaved text to the database writer now; the future of that write, if any."""
        was_dirty, self._unsaved = self._unsaved, False
        self._timer.stop()
        nid = self.notice_id
        if nid is None or not was_dirty:
            return None
        text = self.text
        if text == self.pending.get(nid, self.saved_text):
            self._set_state("saving" if nid in self.pending else "saved")
            return None
        self.pending[nid] = text
        self._set_state("saving")
        db, writer = self._db, self._writer

        def work() -> Changes:
            return writer(db, nid, text)

        def done(changes: Changes) -> None:
            if not shiboken6.isValid(self):
                return  # the window closed meanwhile; the note is stored all the same
            if self.pending.get(nid) == text:
                del self.pending[nid]
            if nid == self.notice_id:
                self.saved_text = text
                if not self.dirty and nid not in self.pending:
                    self._set_state("saved")
            self.changed.emit(changes)

        def failed(exc: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            if self.pending.get(nid) == text:
                del self.pending[nid]
            if nid == self.notice_id:
                # The text is still in the editor: the next edit, switch or close tries again.
                self._unsaved = True
                self._set_state("failed", getattr(exc, "message", None) or str(exc))
            else:
                self._tasks.error.emit(
                    self.tr("The note could not be saved: ") + (str(exc) or type(exc).__name__)
                )

        future = Op(self._tasks, work, kind="write").success(done).failure(failed)
        self._last_future = future.run_in_background()
        return self._last_future

    def _flush_before_quit(self) -> None:
        """At quit the task pools are shut down right after: wait for the last note write."""
        self.flush()
        future = self._last_future
        if future is not None and not future.done():
            try:
                future.result(timeout=5)
            except Exception:  # cancelled or failed: nothing more can be done at quit
                pass

    # -- the indicator -----------------------------------------------------------------------

    def _set_state(self, state: str, detail: str = "") -> None:
        self.state = state
        text = {
            "none": "",
            "saved": self.tr("Saved") if self.text or self.saved_text else "",
            "editing": self.tr("Editing…"),
            "saving": self.tr("Saving…"),
            "failed": self.tr("Not saved: ") + detail,
        }[state]
        colour = {"failed": "#b91c1c", "saved": "#15803d"}.get(state, "#6b7280")
        self.status.setText(("✓ " if state == "saved" and text else "") + text)
        self.status.setStyleSheet(f"color: {colour}")
        self.state_changed.emit(state)
