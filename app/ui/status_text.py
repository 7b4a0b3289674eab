"""What the status bar and the empty list say: counts, bulk results, why a view is empty."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.bulk_triage import BulkResult
from app.services.notice_list import SidebarCounts
from app.ui.filter_bar import ListFilters
from app.ui.notice_model import STATUS_LABELS
from app.ui.sidebar import View


def bulk_message(ctx: QWidget, result: BulkResult) -> str:
    """ "2,503 notices marked read (124 already were)." for the status bar."""
    if result.field == "status":
        what = ctx.tr("set to {status}").replace(
            "{status}", ctx.tr(STATUS_LABELS.get(str(result.value), str(result.value)))
        )
    else:
        what = {
            ("read", True): ctx.tr("marked read"),
            ("read", False): ctx.tr("marked unread"),
            ("flagged", True): ctx.tr("flagged"),
            ("flagged", False): ctx.tr("unflagged"),
        }[(result.field, bool(result.value))]
    text = ctx.tr("{n} notices {what}.").replace("{n}", f"{result.changed:,}")
    text = text.replace("{what}", what)
    unchanged = result.selected - result.changed
    if unchanged > 0:
        text += " " + ctx.tr("({n} already were.)").replace("{n}", f"{unchanged:,}")
    return text


def count_text(ctx: QWidget, view: View | None, total: int, counting: bool) -> str:
    n = f"{total:,}+" if counting else f"{total:,}"
    label = view.label if view else ""
    return ctx.tr("{view}: {n} notices").replace("{view}", label).replace("{n}", n)


def empty_text(
    ctx: QWidget, filters: ListFilters, view: View | None, counts: SidebarCounts | None
) -> str:
    """Why the list is empty and what to do, for the view and filters shown."""
    if counts is not None and counts.all == 0 and not filters.query:
        return ctx.tr(
            "No notices yet — press Fetch now (Ctrl+R) to check the sources, "
            "or wait for the next scheduled fetch."
        )
    if filters.query:
        return ctx.tr(
            "No notices match “{q}” here. Clear the search, pick All notices, "
            "or widen the date range."
        ).replace("{q}", filters.query)
    if filters.since or filters.until:
        return ctx.tr("No notices in this date range. Choose “Any time” to see all.")
    if filters.narrowing:
        return ctx.tr("No notices here match the filters above the list. Clear filters to see all.")
    kind = view.kind if view else ""
    if kind == "inbox":
        return ctx.tr(
            "Inbox is clear: every notice matching your watch topics has been read. "
            "New matches appear here after the next fetch."
        )
    if kind == "flagged":
        return ctx.tr("No flagged notices. Press F on a notice to flag it for follow-up.")
    if kind == "comment":
        return ctx.tr(
            "No notice is open for comment: no stored comment deadline is today or later."
        )
    if kind == "topic":
        return ctx.tr(
            "No stored notice matches this topic yet. Edit its query in Watch topics… "
            "to test it against the stored notices."
        )
    if kind == "source":
        return ctx.tr("No notices from this source yet. Its health is in Sources….")
    return ctx.tr("No notices.")
