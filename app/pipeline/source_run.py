"""One run of one source: read its lists, store what is new, fetch details, record health.

The new / known / not-modified / failed decision for a list is in ``read_channel``; the choice
of detail pages in ``details.plan_details``. Every write is a short ``db.write()`` transaction
made right after the data arrived, so a crash or kill loses at most the page in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from app.pipeline.budget import BudgetedFetcher, ParseBudget
from app.pipeline.details import DetailPlan, fetch_details, plan_details
from app.pipeline.hooks import PipelineHooks
from app.pipeline.report import (
    ChannelReport,
    ProgressEvent,
    SourceReport,
    combine_states,
    short_error,
)
from app.pipeline.run_view import CycleSettings
from app.pipeline.walk import Frontier, Unconditional, WalkState
from scrapers.base import (
    Channel,
    HealthState,
    LayoutError,
    ListPage,
    ScrapeError,
    Source,
    as_scrape_error,
)
from scrapers.text import extract_doc_number
from storage.clean import RowRejected
from storage.core_tables import notices as NOTICES
from storage.db import Database
from storage.fetch_state import (
    BufferedValidators,
    finish_run,
    load_walk,
    save_walk,
    source_failures,
    start_run,
    update_channel,
    update_source,
)
from storage.isotime import utcnow

log = logging.getLogger(__name__)

# A cycle that finds nothing new never loads the ORM (its import, model declarations and mapper
# set-up cost more than the rest of such a cycle): bookkeeping goes through Core
# (storage.fetch_state), and the steps that store or change notices import their ORM-based
# helpers (storage.notice_store, storage.team, app.pipeline.removals) when they have work.

OK, NO_NEW = HealthState.OK.value, HealthState.NO_NEW.value
DEGRADED, CANCELLED = HealthState.DEGRADED.value, HealthState.CANCELLED.value


def body_doc_number(body: str | None) -> str | None:
    """The 文号 near the top of a body, for linking duplicate copies across sources."""
    return extract_doc_number(body, head_chars=300)


def _items(n: int) -> str:
    return f"{n} new item{'s' if n != 1 else ''}"


class Cancelled(Exception):
    """The user (or shutdown) asked the cycle to stop; raised between requests."""


class SourceRun:
    """Everything one source does in one cycle; ``run()`` never raises (but for Cancelled)."""

    def __init__(
        self,
        db: Database,
        source: Source,
        channels: list[Channel],
        client,
        validators: BufferedValidators,
        settings: CycleSettings,
        hooks: PipelineHooks,
        *,
        progress: Callable[[ProgressEvent], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ):
        self.db = db
        self.source = source
        self.info = source.info
        self.key = source.info.key
        self.channels = channels
        self.client = client
        self.budget = ParseBudget(settings.parse_budget)
        self.fetcher = BudgetedFetcher(client, self.budget)  # what sources are handed
        self.validators = validators
        self.settings = settings
        self.hooks = hooks
        self._progress = progress
        self._cancelled = cancelled
        self.report = SourceReport(key=self.key)
        # channel -> (URLs, oldest date) of lists read completely, for removal detection
        self.coverage: dict[str, tuple[set[str], dt.date]] = {}
        self.listed: set[str] = set()  # every URL seen in any list of this source this run
        # channel -> oldest list date a walk of a paged list read (its window), for removal probes
        self.windows: dict[str, dt.date] = {}

    # -- helpers -----------------------------------------------------------------------------

    def check_cancel(self) -> None:
        if self._cancelled():
            raise Cancelled()

    def progress(self, phase: str, **kw) -> None:
        if self._progress is None:
            return
        try:
            self._progress(ProgressEvent(source=self.key, phase=phase, **kw))
        except Exception:
            log.exception("progress callback failed")

    def label(self, channel: Channel | None = None) -> str:
        if channel is None:
            return self.info.name_en
        return f"{self.info.name_en} – {channel.name_en}"

    # -- the run -----------------------------------------------------------------------------

    def run(self) -> SourceReport:
        rep = self.report
        with self.db.write_conn() as conn:
            rep.run_id = start_run(conn, self.key)
            first_run = not conn.scalar(select(exists().where(NOTICES.c.source == self.key)))
        self.progress("start", message=self.label())
        detail_failure: ScrapeError | None = None
        try:
            for channel in self.channels:
                self.check_cancel()
                self.read_channel(channel)
            self.mark_removals()
            if self.windows:
                from app.pipeline.removals import probe_missing

                probe_missing(self, self.windows)
            plan: DetailPlan = plan_details(
                self.db, self.key, rep.new_ids, self.settings, first_run
            )
            detail_failure = fetch_details(self, plan)
        except Cancelled:
            rep.cancelled = True
        except Exception as exc:  # a bug in a parser or here: report it, keep what is stored
            log.exception("internal error while fetching %s", self.key)
            rep.state = HealthState.ERROR.value
            rep.message = (
                f"regwatch hit an internal error while fetching {self.label()} "
                f"({short_error(exc)}); stored items are safe — please report this."
            )
            self.finish(internal_error=True)
            return rep
        self.finish(detail_failure=detail_failure)
        return rep

    # -- lists -------------------------------------------------------------------------------

    def read_channel(self, channel: Channel) -> ChannelReport:
        """Walk the channel's pages newest first until a page holds nothing new."""
        ch = ChannelReport(channel.key)
        self.report.channels[channel.key] = ch  # partial counts survive a cancel
        with self.db.read_conn() as conn:
            walk = WalkState(Frontier.from_json(load_walk(conn, self.key, channel.key)))
        if channel.date_kind != "publish" and walk.frontier is not None:
            # Only publication dates order a list: other dates cannot say "past the frontier".
            walk = WalkState(Frontier(walk.frontier.url, None))
        ch.resumed = walk.frontier is not None
        fetcher = self.fetcher if walk.frontier is None else Unconditional(self.fetcher)
        pages = self.source.list_pages(channel, fetcher)
        listed: set[str] = set()
        dates: list[dt.date] = []
        complete, exhausted = True, False
        try:
            for page in self._budgeted(pages):
                ch.pages += 1
                if page.not_modified:  # 304: nothing changed since the last run
                    ch.not_modified = True
                    break
                if not page.items and ch.pages == 1:
                    raise LayoutError(
                        "the first list page answered but listed no items; the site layout may "
                        "have changed (the source needs an update)."
                    )
                may_stop, frontier = walk.after_page(page.items)
                keep = None if page.complete else frontier
                skipped_before = len(ch.skipped)
                new = self.store_page(channel, page, ch, walk=keep)
                if len(ch.skipped) == skipped_before:
                    self.validators.flush()  # only now: the page's items are safely stored
                else:  # a row could not be stored: read the page again next time, name it again
                    self.validators.discard()
                listed.update(i.url for i in page.items)
                self.listed.update(listed)
                dates.extend(i.date for i in page.items if i.date is not None)
                complete = complete and page.complete
                self.progress("list", channel=channel.key, done=ch.pages)
                self.check_cancel()
                if not new and not page.complete and may_stop:
                    break  # everything on this page is known: older pages are too
            else:
                exhausted = True
            # An unchanged first page stored nothing, and a walk that did not resume left no
            # frontier: there is nothing to clear (and no write transaction to pay for).
            if ch.resumed or not (ch.not_modified and ch.pages == 1):
                self._close_walk(channel)  # reached a page with nothing new, or the end
        except ScrapeError as exc:
            self.validators.discard()
            if self._cancelled():  # the request was cut short by the stop request itself
                ch.state, ch.message = CANCELLED, "Stopped on request while reading this list."
                raise Cancelled() from None
            ch.state = exc.state.value
            ch.message = f"{self.label(channel)}: {exc.message}"
            return ch
        except Cancelled:
            self.validators.discard()
            ch.state = CANCELLED
            ch.message = "Stopped on request while reading this list."
            raise
        except Exception as exc:  # a parser bug: this channel fails, the others still run
            self.validators.discard()
            typed = as_scrape_error(exc)
            if typed is not None:  # deep nesting, a bogus charset: the page's fault
                ch.state = typed.state.value
                ch.message = f"{self.label(channel)}: {typed.message}"
                return ch
            log.exception("reading %s/%s failed", self.key, channel.key)
            ch.state = HealthState.ERROR.value
            ch.message = (
                f"{self.label(channel)}: regwatch could not read the list "
                f"({short_error(exc)}); stored items are safe — please report this."
            )
            return ch
        finally:
            close = getattr(pages, "close", None)
            if close is not None:
                close()
        if complete and exhausted and ch.pages and listed and dates:
            self.coverage[channel.key] = (listed, min(dates))
        elif not complete and dates and not ch.not_modified:
            self.windows[channel.key] = min(dates)
        ch.state = OK if ch.new else NO_NEW
        if ch.new:
            ch.message = f"{ch.new} new item{'s' if ch.new != 1 else ''}."
        elif ch.not_modified:
            ch.message = "Not modified since the last check."
        else:
            ch.message = "No new items."
        return ch

    def mark_removals(self) -> None:
        """Flag notices gone from a complete list (and from every list read this run)."""
        if not self.coverage:
            return
        from storage.notice_store import mark_missing_removed

        with self.db.write() as session:
            for key, (listed, oldest) in self.coverage.items():
                removed = mark_missing_removed(
                    session,
                    self.key,
                    key,
                    listed | self.listed,
                    oldest,
                    read_channels=set(self.coverage),
                )
                self.report.channels[key].removed = len(removed)
                self.report.removed += len(removed)

    def _budgeted(self, pages: Iterator[ListPage]) -> Iterator[ListPage]:
        """The source's pages, each produced within the parse budget."""
        it = iter(pages)
        while True:
            with self.budget.running():
                try:
                    page = next(it)
                except StopIteration:
                    return
            yield page

    def _close_walk(self, channel: Channel) -> None:
        with self.db.write_conn() as conn:
            save_walk(conn, self.key, channel.key, None)

    def store_page(
        self,
        channel: Channel,
        page: ListPage,
        ch: ChannelReport,
        *,
        walk: Frontier | None = None,
    ) -> int:
        """Store a page's new rows at once (with English titles); update known ones.

        ``walk`` is the frontier to persist in the same transaction, so a kill between pages
        leaves the frontier and the stored rows in step.
        """
        from storage.notice_store import ListRow, known_urls

        rows: dict[str, ListRow] = {}
        for item in page.items:
            rows.setdefault(
                item.url, ListRow(item.url, item.title, item.date, item.extra, item.link_text)
            )
        with self.db.read() as session:
            known = known_urls(session, rows)
        titles = {url: self.hooks.translate(r.title) for url, r in rows.items() if url not in known}
        for attempt in (1, 2):
            try:
                return self._write_page(channel, rows, titles, ch, walk)
            except IntegrityError:  # another process stored one of these URLs meanwhile
                if attempt == 2:
                    raise
        return 0  # pragma: no cover

    def _write_page(self, channel, rows, titles, ch: ChannelReport, walk) -> int:
        """One transaction per page, one savepoint per row: a row that cannot be stored is
        skipped and named in the report, the rest of the page is stored."""
        from storage.notice_store import add_list_row, notices_by_url, see_known_row
        from storage.team import record_change, session_user

        now = utcnow()
        changed_ids: list[int] = []
        restored = 0
        skipped: list[tuple[str, str]] = []
        with self.db.write() as session:
            existing = notices_by_url(session, rows)
            added: list[Any] = []  # storage.models.Notice
            for url, row in rows.items():
                notice = existing.get(url)
                try:
                    with session.begin_nested():
                        if notice is None:
                            new = add_list_row(
                                session, self.key, channel.key, row, title_en=titles.get(url)
                            )
                            session.flush()
                            added.append(new)
                            continue
                        if notice.source != self.key:
                            notice.last_seen = now
                            continue
                        was_removed = notice.removed
                        if see_known_row(notice, channel.key, row, now=now) in ("stage", "title"):
                            changed_ids.append(notice.id)
                        session.flush()
                        restored += int(was_removed and not notice.removed)
                except IntegrityError:
                    raise  # another process stored this URL meanwhile: store_page retries
                except (RowRejected, SQLAlchemyError, ValueError, TypeError) as exc:
                    log.warning("skipped list row %s: %s", url, exc)
                    skipped.append((url, short_error(exc)))
            new_ids = [n.id for n in added]
            save_walk(session, self.key, channel.key, walk.to_json() if walk else None)
            self.hooks.matched(session, new_ids + changed_ids)
            if new_ids or changed_ids:  # other desktops refresh their lists (team mode)
                record_change(session, "notices", new_ids + changed_ids, session_user(session))
        ch.new += len(new_ids)
        ch.updated += len(changed_ids)
        ch.restored += restored
        ch.skipped.extend(skipped)
        self.report.new_ids.extend(new_ids)
        self.report.changed_ids.extend(changed_ids)
        return len(new_ids)

    # -- the end -----------------------------------------------------------------------------

    def _outcome(
        self, chans: list[ChannelReport], detail_failure: ScrapeError | None
    ) -> tuple[str, str]:
        """The source's state and its one- or two-sentence message."""
        rep = self.report
        if rep.cancelled:
            return CANCELLED, (
                f"Stopped on request; {_items(rep.new)} stored before stopping "
                f"({rep.details} detail page{'s' if rep.details != 1 else ''})."
            )
        if detail_failure is not None and detail_failure.state == HealthState.BLOCKED:
            return (
                HealthState.BLOCKED.value,
                f"{self.label()} (detail pages): {detail_failure.message}",
            )
        failing = combine_states(chans)
        if failing is not None:
            message = failing.message
            others = sum(1 for c in chans if c is not failing and c.state == failing.state)
            if others:
                message += f" ({others} more channel{'s' if others > 1 else ''} too.)"
            return failing.state, message
        state = OK if rep.new else NO_NEW
        message = f"{_items(rep.new)}." if rep.new else "No new items."
        skipped = [pair for c in chans for pair in c.skipped]
        if rep.details_failed:
            state = DEGRADED
            n = rep.details_failed
            message += (
                f" {n} detail page{'s' if n > 1 else ''} could not be read and will be retried "
                f"(first: {rep.first_detail_error})"
            ).rstrip(".") + "."
        if skipped:
            state = DEGRADED
            url, why = skipped[0]
            n = len(skipped)
            message += (
                f" {n} list row{'s' if n > 1 else ''} could not be stored (first: {url}: {why})"
            )
            message = message.rstrip(".") + "."
        return state, message

    def finish(
        self, *, detail_failure: ScrapeError | None = None, internal_error: bool = False
    ) -> None:
        """Link duplicates, match topics, and record health and the FetchRun."""
        self.budget.close()
        rep = self.report
        rep.new = len(rep.new_ids)
        rep.updated = len(set(rep.changed_ids))
        rep.requests = self.client.stats.requests
        chans = list(rep.channels.values())
        if not internal_error:
            rep.state, rep.message = self._outcome(chans, detail_failure)
        now = utcnow()
        touched = list(dict.fromkeys(rep.new_ids + rep.changed_ids + rep.detailed_ids))
        rematch = list(dict.fromkeys(rep.detailed_ids + rep.changed_ids))
        with self._bookkeeping(orm=bool(touched)) as bind:
            if touched:
                from storage.notice_store import link_duplicates

                link_duplicates(bind, touched, body_doc_number=body_doc_number)
                self.hooks.matched(bind, rematch)
            for ch in chans:
                health: dict[str, Any] = {
                    "state": ch.state,
                    "message": ch.message,
                    "last_run": now,
                    "new_items": ch.new,
                }
                if ch.state in (OK, NO_NEW, DEGRADED):
                    health["last_ok"] = now
                update_channel(bind, self.key, ch.key, **health)
            run: dict[str, Any] = {
                "finished_at": now,
                "new_items": rep.new,
                "updated_items": rep.updated,
                "details_fetched": rep.details,
                "requests": rep.requests,
                "channels": {k: c.to_json() for k, c in rep.channels.items()},
            }
            if rep.cancelled and not chans:  # stopped before it began: the last state stands
                error = "Stopped on request before the run began."
                finish_run(bind, rep.run_id, outcome=CANCELLED, error=error, **run)
                return
            src: dict[str, Any] = {
                "state": rep.state,
                "message": rep.message,
                "last_run": now,
                "new_items": rep.new,
            }
            if rep.cancelled:  # neither a success nor a failure of the site
                update_source(bind, self.key, **src)
                error = "Stopped on request before the run finished."
                finish_run(bind, rep.run_id, outcome=CANCELLED, error=error, **run)
                return
            if rep.failed:
                src["consecutive_failures"] = source_failures(bind, self.key) + 1
                run["error"] = rep.message
            else:
                src["consecutive_failures"] = 0
                src["last_ok"] = now
            update_source(bind, self.key, **src)
            finish_run(bind, rep.run_id, outcome=rep.state, **run)

    @contextmanager
    def _bookkeeping(self, *, orm: bool) -> Iterator[Any]:
        """One write transaction for the end of the run: an ORM session when notices changed
        (duplicates and topics are ORM code), else a Core connection."""
        if orm:
            with self.db.write() as session:
                yield session
        else:
            with self.db.write_conn() as conn:
                yield conn
