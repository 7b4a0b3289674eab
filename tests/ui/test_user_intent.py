"""The desktop app does what the user asked: bulk actions on a whole view, first run, quit,
failed fetches, the topics editor, keeping one's place."""

from __future__ import annotations

from PySide6.QtCore import Qt

from storage.models import Notice, UserState
from storage.queries import NoticeFilter, count_notices
from tests.ui.conftest import wait_idle


def _small_pages(window, qtbot, tasks, kind: str = "all") -> None:
    """A view much larger than the rows the list holds in memory (as 100k notices are)."""
    window.model.PAGE, window.model.MAX_PAGES = 4, 2
    window.sidebar.select_kind(kind)
    qtbot.waitUntil(
        lambda: not window.model.counting and window.model.rowCount() > 20, timeout=5000
    )
    wait_idle(qtbot, tasks)


def _unread(db, f: NoticeFilter) -> int:
    with db.read() as s:
        return count_notices(f, s)


def test_select_all_then_m_marks_every_row_of_the_view_read(qtbot, window, seeded_db, tasks):
    from app.triage import set_state

    with seeded_db.write() as s:
        set_state(s, [1, 2, 3], read=True)
    _small_pages(window, qtbot, tasks)
    total = window.model.rowCount()
    loaded = sum(window.model.is_loaded(r) for r in range(total))
    assert loaded < total  # most rows of the view are not in memory
    before = _unread(seeded_db, NoticeFilter(unread=True))
    assert before > loaded
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: _unread(seeded_db, NoticeFilter(unread=True)) == 0, timeout=5000)
    wait_idle(qtbot, tasks)
    msg = window.statusBar().currentMessage()
    assert f"{before} notices marked read" in msg
    assert f"({total - before} already were.)" in msg


def test_select_all_then_f_and_status_act_on_the_whole_view(qtbot, window, seeded_db, tasks):
    _small_pages(window, qtbot, tasks)
    total = window.model.rowCount()
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.table, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: _unread(seeded_db, NoticeFilter(flagged=True)) == total, timeout=5000)
    wait_idle(qtbot, tasks)
    assert f"{total} notices flagged" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_3)  # escalated
    qtbot.waitUntil(
        lambda: _unread(seeded_db, NoticeFilter(status="escalated")) == total, timeout=5000
    )
    wait_idle(qtbot, tasks)
    assert f"{total} notices set to Escalated" in window.statusBar().currentMessage()
    qtbot.keyClick(window.table, Qt.Key.Key_F)  # all flagged: F unflags all
    qtbot.waitUntil(lambda: _unread(seeded_db, NoticeFilter(flagged=True)) == 0, timeout=5000)


def test_a_shift_range_into_unloaded_rows_changes_exactly_that_range(
    qtbot, window, seeded_db, tasks
):
    _small_pages(window, qtbot, tasks)
    window.select_row(0)
    wait_idle(qtbot, tasks)
    first = window.current_id()
    sm = window.table.selectionModel()
    from PySide6.QtCore import QItemSelection, QItemSelectionModel

    sel = QItemSelection(window.model.index(2, 0), window.model.index(14, 0))
    sm.select(
        sel,
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    window.toggle_flag()
    qtbot.waitUntil(lambda: _unread(seeded_db, NoticeFilter(flagged=True)) == 13, timeout=5000)
    wait_idle(qtbot, tasks)
    with seeded_db.read() as s:
        flagged = set(
            s.scalars(
                UserState.__table__.select()
                .with_only_columns(UserState.notice_id)
                .where(UserState.flagged.is_(True))
            )
        )
        order = [
            n.id
            for n in s.query(Notice).order_by(
                Notice.sort_date.desc().nulls_last(), Notice.id.desc()
            )
        ]
    assert flagged == set(order[2:15])
    assert first not in flagged
