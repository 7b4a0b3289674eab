"""Team mode in the desktop app: another user's flag, status and note appear without a restart,
attributed in the detail pane (the feed thread hands plain data to the GUI thread)."""

from __future__ import annotations

import re

from app.triage import set_state
from app.ui.team_feed import TeamFeed
from storage.db import Database
from tests.ui.conftest import wait_idle


def test_a_change_by_another_user_appears_in_the_list_and_detail(qtbot, window, tasks):
    feed = TeamFeed(window.db, tasks, poll_seconds=0.05)
    feed.changed.connect(window.apply_changes)
    feed.start()
    ben = Database.open(window.db.url, user="ben")
    try:
        window.select_row(0)
        qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=5000)
        wait_idle(qtbot, tasks)
        row = window.model.row_at(0)
        assert not row.flagged and "ben" not in window.detail.browser.toPlainText()
        with ben.write() as s:
            set_state(s, [row.id], flagged=True, status="escalated", note="ask TC260 first")
        qtbot.waitUntil(lambda: window.model.row_at(0).flagged, timeout=10000)
        qtbot.waitUntil(
            lambda: "ask TC260 first" in window.detail.browser.toPlainText(), timeout=10000
        )
        text = window.detail.browser.toPlainText()
        assert re.search(r"Flagged by\s+ben", text) and re.search(r"Status set by\s+ben", text)
        assert re.search(r"ben\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+ask TC260 first", text)  # author, time
        assert window.model.row_at(0).status == "escalated"
        assert window.model.row_at(0).id == row.id  # the list kept its place
    finally:
        feed.stop()
        ben.close()


def test_fetch_now_while_another_desktop_fetches_shows_whose_fetch_and_asks_nothing(
    qtbot, seeded_db, live_config, tasks, replay
):
    from app.ui.fetch import FetchController
    from app.ui.fetch_status import FetchStatus
    from storage.lease import Lease

    other = Database.open(seeded_db.url, user="anna")
    held = Lease(other, "anna", host="desk-7")
    assert held.acquire()
    held.refresh(progress="2/6 sources done")
    status = FetchStatus()
    qtbot.addWidget(status)
    fetcher = FetchController(seeded_db, lambda: live_config, tasks)
    fetcher.cycle_done.connect(lambda outcome, _changes: status.on_finished(outcome))
    try:
        with qtbot.waitSignal(fetcher.cycle_done, timeout=20000):
            assert fetcher.fetch(None)
        assert status.message.full_text == "anna@desk-7 is fetching; skipped (2/6 sources done)"
        assert replay.requests == []
    finally:
        wait_idle(qtbot, tasks)
        held.release()
        other.close()
