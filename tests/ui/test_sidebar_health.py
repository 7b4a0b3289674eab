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
    assert item.text(0).endswith("— partly failing")  # the state in words, not its key
    assert item.foreground(0).color().name() == HEALTH_COLOURS["degraded"]
    assert not item.font(0).bold()  # worth a word, not an alarm
    tip = item.toolTip(0)
    assert cause in tip and "Policies and regulations (政策法规): partly failing" in tip
    assert "zcfg" not in tip  # the channel by its name, never its key
    bar._sync_sources((_row("ok", "1 new item."),))
    assert item.text(0) == "CAC"


def test_every_state_has_a_colour():
    states = {"never_run", "ok", "no_new", "degraded", "broken", "blocked", "error", "cancelled"}
    assert states <= set(HEALTH_COLOURS)
    assert "cancelled" in health_tooltip(_row("cancelled", "Stopped on request."))
