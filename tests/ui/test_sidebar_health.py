"""The sidebar names a degraded source next to its name, in its colour, with the cause."""

from __future__ import annotations

from app.ui.icons import HEALTH_COLOURS
from app.ui.sidebar import Sidebar, health_tooltip


def _row(state: str, message: str = "") -> dict:
    return {
        "key": "cac",
        "name": "CAC",
        "state": state,
        "message": message,
        "unread": 0,
        "enabled": True,
        "channels": [{"key": "zcfg", "state": state, "message": message}],
        "last_run": "2026-12-03T10:00:00",
        "last_ok": "2026-12-03T10:00:00",
    }


def test_degraded_source_shows_its_state_colour_and_first_cause(qtbot, db, tasks):
    bar = Sidebar(db, tasks, None)
    qtbot.addWidget(bar)
    cause = "3 new items. 2 detail pages could not be read and will be retried (first: HTTP 404)."
    bar._sync_sources((_row("degraded", cause),))
    item = bar.source_item("cac")
    assert item.text(0).endswith("— partly failing")  # the state in words
    assert item.foreground(0).color().name() == HEALTH_COLOURS["degraded"]
    assert not item.font(0).bold()  # worth a word, not an alarm
    tip = item.toolTip(0)
    assert cause in tip and "Policies and regulations: partly failing" in tip and "zcfg" not in tip
    bar._sync_sources((_row("ok", "1 new item."),))
    assert item.text(0) == "CAC"


def test_every_state_has_a_colour():
    states = {"never_run", "ok", "no_new", "degraded", "broken", "blocked", "error", "cancelled"}
    assert states <= set(HEALTH_COLOURS)
    assert "cancelled" in health_tooltip(_row("cancelled", "Stopped on request."))


def test_a_late_answer_to_an_older_refresh_does_not_replace_a_newer_one(
    qtbot, db, tasks, monkeypatch
):
    """Two reads run at once: counts asked for first but answered last are dropped."""
    import dataclasses
    import threading

    from app.ui import sidebar as sidebar_module
    from tests.ui.conftest import wait_idle

    real = sidebar_module.read_counts
    first_may_answer = threading.Event()
    calls: list[str] = []

    def read_counts(db, config, today=None):
        counts = real(db, config, today)
        if not calls:  # the older refresh: answers only after the newer one has
            calls.append("older")
            assert first_may_answer.wait(10)
            return dataclasses.replace(counts, inbox=-1)
        calls.append("newer")
        return counts

    monkeypatch.setattr(sidebar_module, "read_counts", read_counts)
    bar = Sidebar(db, tasks, None)
    qtbot.addWidget(bar)
    bar.refresh()
    qtbot.waitUntil(lambda: calls == ["older"], timeout=5000)
    bar.refresh()
    qtbot.waitUntil(lambda: bar.last_counts is not None, timeout=5000)
    first_may_answer.set()
    wait_idle(qtbot, tasks)
    assert calls == ["older", "newer"]
    assert bar.last_counts.inbox != -1  # the newer answer stands
