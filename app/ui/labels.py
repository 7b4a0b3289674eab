"""Words the user reads for internal names: health states, fetch phases, source names.

Internal keys (``no_new``, ``govcn``, channel keys such as ``zcfg``) never reach the screen;
these functions turn them into translated phrases (``tr`` here goes through the installed
JSON translator like any widget's ``tr``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def tr(text: str) -> str:
    return QCoreApplication.translate("regwatch", text)


def health_label(state: str) -> str:
    """ "blocked" → "blocked (the site refused us)" style short words, translated."""
    labels = {
        "ok": tr("OK"),
        "no_new": tr("no new notices"),
        "never_run": tr("not fetched yet"),
        "running": tr("fetching"),
        "broken": tr("broken page"),
        "blocked": tr("blocked by the site"),
        "error": tr("error"),
        "degraded": tr("partly failing"),
        "interrupted": tr("interrupted"),
        "cancelled": tr("cancelled"),
    }
    return labels.get(state, state.replace("_", " "))


def phase_label(phase: str, done: int = 0, total: int = 0) -> str:
    """What a source is doing, for its progress bar and the status line."""
    if phase == "start":
        return tr("starting")
    if phase == "list":
        return tr("reading the lists ({n} pages)").replace("{n}", str(done))
    if phase == "details":
        if total:
            return (
                tr("reading notices {n}/{m}").replace("{n}", str(done)).replace("{m}", str(total))
            )
        return tr("reading notices")
    return tr("working")


def source_label(key: str, names: dict[str, str]) -> str:
    """The short display name of a source ("CAC"), never its key unless nothing else is known."""
    return names.get(key) or key
