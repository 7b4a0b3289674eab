"""The note editor in the detail pane: saved as you type, undoable, never lost on a switch."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from app.ui.notice_model import HAS_NOTE_ROLE, ID_ROLE
from storage.models import Notice
from storage.team import own_note
from tests.ui.conftest import wait_idle


def _note(db, nid) -> str:
    with db.read() as s:
        return own_note(s.get(Notice, nid), db.user)


def _open(qtbot, window, row):
    window.select_row(row)
    nid = window.current_id()
    qtbot.waitUntil(
        lambda: window.detail.detail is not None and window.detail.detail.id == nid, timeout=10000
    )
    qtbot.waitUntil(lambda: window.detail.note.notice_id == nid, timeout=10000)
    return nid


def test_typed_note_is_saved_after_a_pause_and_marked_in_the_list(qtbot, window, seeded_db):
    nid = _open(qtbot, window, 0)
    editor = window.detail.note
    assert editor.edit.isEnabled() and editor.text == ""
    window.edit_note()  # N: into the editor
    qtbot.keyClicks(editor.edit, "Brief the TC260 lead")
    qtbot.keyClick(editor.edit, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.edit, "on Friday")
    # Nothing is written while the user is still typing: the save waits for a pause.
    assert editor.dirty and editor.state == "editing"
    assert _note(seeded_db, nid) == ""
    qtbot.waitUntil(lambda: editor.state == "saved", timeout=10000)
    assert _note(seeded_db, nid) == "Brief the TC260 lead\non Friday"
    with seeded_db.read() as s:  # F and 2 typed into the note neither flag nor set a status
        st = s.get(Notice, nid).state
        assert st is None or (not st.flagged and st.status == "new")
    assert "Saved" in editor.status.text()
    row = window.model.row_of(nid)
    qtbot.waitUntil(lambda: window.model.index(row, 0).data(HAS_NOTE_ROLE) is True, timeout=10000)
    assert window.model.index(row + 1, 0).data(HAS_NOTE_ROLE) is False


def test_note_survives_switching_notices_before_the_write_lands(qtbot, window, seeded_db, tasks):
    a = _open(qtbot, window, 0)
    editor = window.detail.note
    # The database writer is busy (a fetch storing notices, say) while the reader moves on.
    gate = threading.Event()
    tasks.submit("write", lambda: gate.wait(10), lambda _job: None)
    qtbot.keyClicks(editor.edit, "ask CEN JTC 21")
    b = _open(qtbot, window, 1)  # at once, no pause: the switch saves
    assert editor.text == "" and a in editor.pending
    assert _note(seeded_db, a) == ""  # still queued behind the busy writer
    qtbot.keyClicks(editor.edit, "second note")
    _open(qtbot, window, 0)  # back before either write landed: what was typed is shown
    assert editor.text == "ask CEN JTC 21"
    gate.set()
    wait_idle(qtbot, tasks)
    assert _note(seeded_db, a) == "ask CEN JTC 21"
    assert _note(seeded_db, b) == "second note"
    assert editor.text == "ask CEN JTC 21" and editor.state == "saved"


def test_undo_in_the_editor_and_the_stored_note_follows(qtbot, window, seeded_db, tasks):
    nid = _open(qtbot, window, 0)
    editor = window.detail.note
    qtbot.keyClicks(editor.edit, "keep this")
    qtbot.waitUntil(lambda: _note(seeded_db, nid) == "keep this", timeout=10000)
    wait_idle(qtbot, tasks)
    editor.edit.selectAll()
    qtbot.keyClick(editor.edit, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: _note(seeded_db, nid) == "" and editor.state == "saved", timeout=10000)
    wait_idle(qtbot, tasks)  # the reload after the save keeps the editor's undo history
    qtbot.keyClick(editor.edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert editor.text == "keep this"
    qtbot.waitUntil(lambda: _note(seeded_db, nid) == "keep this", timeout=10000)
    qtbot.waitUntil(lambda: editor.state == "saved", timeout=10000)


def test_closing_the_window_saves_what_was_typed(qtbot, window, seeded_db, tasks):
    nid = _open(qtbot, window, 2)
    qtbot.keyClicks(window.detail.note.edit, "typed just before closing")
    window.close()
    qtbot.waitUntil(lambda: _note(seeded_db, nid) == "typed just before closing", timeout=10000)


def test_a_note_changed_elsewhere_replaces_an_idle_editor(qtbot, window, seeded_db, tasks):
    from app.changes import Changes
    from app.triage import save_note

    nid = _open(qtbot, window, 0)
    with seeded_db.write() as s:
        save_note(s, nid, "written by the CLI")
    window.apply_changes(Changes(notices=frozenset({nid})))
    qtbot.waitUntil(lambda: window.detail.note.text == "written by the CLI", timeout=10000)
    assert not window.detail.note.dirty


def test_no_note_to_edit_without_a_notice(qtbot, window):
    editor = window.detail.note
    window.detail.show_notice(None)
    assert not editor.edit.isEnabled() and editor.notice_id is None
    qtbot.keyClicks(editor.edit, "nowhere")  # a disabled editor takes no text
    assert editor.text == "" and not editor.dirty


def test_a_reload_while_another_notice_loads_keeps_the_new_one(qtbot, window, tasks):
    """A change to the notice shown (its mark-read landing) while the next one loads must not
    bring the old notice back into the pane (and its note into the editor)."""
    a = _open(qtbot, window, 0)
    b = window.model.data(window.model.index(1, 0), ID_ROLE)
    window.detail.show_notice(b)
    assert window.detail.detail.id == a  # still loading b
    window.detail.reload()
    wait_idle(qtbot, tasks)
    assert window.detail.detail.id == b and window.detail.note.notice_id == b
