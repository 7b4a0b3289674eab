"""Which detail pages a run fetches, and fetching them without ever losing a list item.

Order within the per-source budget (``max_details``): this cycle's new items, then older items
still pending or failed (up to ``max_detail_attempts``), then re-checks of recent items for edits,
then a few older notices on a rolling schedule (``recheck_per_run``, oldest-checked first).
On a source's first run only recent items (``first_run_days``) or the newest ``first_run_max``
get details now; the rest stay pending and are filled in later cycles.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError

from app.pipeline.report import short_error
from app.pipeline.run_view import CycleSettings, RunView
from scrapers.base import BlockedError, ListItem, ScrapeError, as_scrape_error
from storage.core_tables import notices as N
from storage.fetch_state import detail_attempts, record_detail_failure

log = logging.getLogger(__name__)


@dataclass
class DetailPlan:
    ids: list[int] = field(default_factory=list)
    rechecks: set[int] = field(default_factory=set)


# Planning reads ids, dates and attempt counts only, with Core: a cycle that finds nothing new
# plans (and records failed pages) without loading the ORM; storing a page's text does load it.
_PLANNING = select(N.c.id, N.c.list_date, N.c.extra)


def _newest_first(notices: list[Any]) -> list[Any]:
    return sorted(notices, key=lambda n: (n.list_date or dt.date.min, -n.id), reverse=True)


def plan_details(
    db, source: str, new_ids: list[int], settings: CycleSettings, first_run: bool
) -> DetailPlan:
    """The notices whose detail pages this run fetches, in order, within the budget."""
    budget = max(0, settings.max_details)
    plan = DetailPlan()
    if budget == 0:
        return plan
    started = settings.started_at
    with db.read_conn() as conn:
        new = _newest_first(
            list(conn.execute(_PLANNING.where(N.c.id.in_(new_ids)))) if new_ids else []
        )
        if first_run:
            recent = settings.today - dt.timedelta(days=settings.first_run_days)
            new = [
                n
                for rank, n in enumerate(new)
                if rank < settings.first_run_max or (n.list_date and n.list_date >= recent)
            ]
        plan.ids = [n.id for n in new][:budget]
        if first_run or len(plan.ids) >= budget:
            return plan
        chosen = set(new_ids)
        backlog_q = _PLANNING.where(
            N.c.source == source,
            N.c.detail_state.in_(("pending", "failed")),
            or_(N.c.detail_checked_at.is_(None), N.c.detail_checked_at < started),
        ).order_by(N.c.sort_date.desc().nulls_last(), N.c.id.desc())
        for n in conn.execute(backlog_q):
            if len(plan.ids) >= budget:
                return plan
            if n.id in chosen or detail_attempts(n.extra) >= settings.max_detail_attempts:
                continue
            plan.ids.append(n.id)
            chosen.add(n.id)
        since = settings.today - dt.timedelta(days=settings.recheck_days)
        checked_before = (started or dt.datetime.now(dt.UTC)) - dt.timedelta(
            hours=settings.recheck_hours
        )
        recheck_q = (
            _PLANNING.where(
                N.c.source == source,
                N.c.detail_state == "ok",
                N.c.sort_date >= since,
                or_(N.c.detail_checked_at.is_(None), N.c.detail_checked_at <= checked_before),
            )
            .order_by(N.c.detail_checked_at.asc().nulls_first(), N.c.id)
            .limit(budget - len(plan.ids))
        )
        for n in conn.execute(recheck_q):
            if n.id not in chosen:
                plan.ids.append(n.id)
                plan.rechecks.add(n.id)
                chosen.add(n.id)
        _plan_rolling(conn, source, settings, plan, chosen, budget)
    return plan


def _plan_rolling(conn, source, settings, plan, chosen, budget) -> None:
    """Older notices, a few per run, oldest-checked first: an edit to any stored notice is
    seen within ``recheck_period_days``, not only for recent publications.

    A notice becomes a candidate half-way through its period, so the load is spread over
    runs instead of arriving all at once when the period ends.
    """
    room = min(settings.recheck_per_run, budget - len(plan.ids))
    if room <= 0 or settings.recheck_period_days <= 0:
        return
    now = settings.started_at or dt.datetime.now(dt.UTC)
    half = now - dt.timedelta(days=settings.recheck_period_days / 2)
    rolling_q = (
        _PLANNING.where(
            N.c.source == source,
            N.c.detail_state == "ok",
            N.c.removed.is_(False),
            or_(N.c.detail_checked_at.is_(None), N.c.detail_checked_at <= half),
        )
        .order_by(N.c.detail_checked_at.asc().nulls_first(), N.c.id)
        .limit(room + len(chosen))
    )
    for n in conn.execute(rolling_q):
        if room <= 0:
            break
        if n.id not in chosen:
            plan.ids.append(n.id)
            plan.rechecks.add(n.id)
            chosen.add(n.id)
            room -= 1


_LIST_ITEM = select(N.c.url, N.c.title, N.c.list_date, N.c.channel, N.c.extra, N.c.title_en_human)


def _list_item(n: Any) -> ListItem:
    extra = {k: v for k, v in (n.extra or {}).items() if not k.startswith("_")}
    return ListItem(url=n.url, title=n.title, date=n.list_date, channel=n.channel, extra=extra)


def fetch_details(run: RunView, plan: DetailPlan) -> ScrapeError | None:
    """Fetch the planned detail pages; returns the BlockedError that stopped them, if any.

    A failing page keeps its list item (``detail_state="failed"``); a failing re-check keeps the
    stored body. A block stops this source's detail fetches: more requests would only prolong it.
    """
    rep = run.report
    total = len(plan.ids)
    for done, nid in enumerate(plan.ids):
        run.check_cancel()
        with run.db.read_conn() as conn:
            row = conn.execute(_LIST_ITEM.where(N.c.id == nid)).first()
        if row is None:
            continue
        item = _list_item(row)
        human = row.title_en_human
        try:
            with run.budget.running():
                detail = run.source.fetch_detail(item, run.fetcher)
        except ScrapeError as exc:
            run.check_cancel()  # a request cut short by the stop request is no page failure
            _record_failure(run, nid, exc.message, recheck=nid in plan.rechecks)
            if isinstance(exc, BlockedError):
                return exc
            continue
        except Exception as exc:  # a parser bug on one page must not stop the others
            typed = as_scrape_error(exc, item.url)
            if typed is not None:  # deep nesting, a bogus charset: the page's fault
                _record_failure(run, nid, typed.message, recheck=nid in plan.rechecks)
                continue
            log.exception("parsing the detail page %s failed", item.url)
            _record_failure(run, nid, f"the page could not be parsed ({short_error(exc)}).")
            continue
        title_en = None
        if detail.title and detail.title != item.title and not human:
            title_en = run.hooks.translate(detail.title)
        from storage.models import Notice  # storing a page's text: the ORM's work
        from storage.notice_store import apply_detail

        try:
            with run.db.write() as session:
                notice = session.get(Notice, nid)
                outcome = apply_detail(notice, detail)
                if title_en is not None and not notice.title_en_human:
                    notice.title_en, notice.title_en_complete, notice.title_en_provider = title_en
        except (SQLAlchemyError, ValueError, TypeError) as exc:  # the list entry stays as it was
            log.warning("storing the detail page %s failed: %s", item.url, exc)
            _record_failure(run, nid, f"the page could not be stored ({short_error(exc)}).")
            continue
        rep.details += 1
        if outcome.changed:
            rep.changed_ids.append(nid)
        if outcome.first or outcome.changed:
            rep.detailed_ids.append(nid)
        run.progress("details", done=done + 1, total=total)
    return None


def _record_failure(run: RunView, nid: int, message: str, *, recheck: bool = False) -> None:
    """Keep the list entry (and a re-checked notice's stored text); count the failure.

    A failed re-check loses nothing (the stored body stays), so it does not degrade the
    source's health; a notice still without its text does.
    """
    with run.db.write_conn() as conn:
        record_detail_failure(conn, nid, message)
    if recheck:
        run.report.rechecks_failed += 1
        return
    run.report.details_failed += 1
    if run.report.first_detail_error is None:
        run.report.first_detail_error = message
