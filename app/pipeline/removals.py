"""Removals on paged lists: an item gone from the window of the list it should be in is probed.

A complete feed proves a removal by omission (``mark_missing_removed``). A paged list does not:
a walk reads only its newest pages, and rows move between pages as new ones arrive. But within
the dates a walk did read (strictly newer than the oldest row it saw), every stored row of the
channel should have been listed again. One that was not is probed: its detail page answering
404/410, or a page that says it was taken down, marks it removed; anything else (a moved row, a
page that still answers) leaves it alone. A small budget per run keeps the probing polite.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from app.pipeline.run_view import RunView
from scrapers.base import BlockedError, FetchError, fetch_page
from storage.models import Notice, utcnow

# What a CMS prints instead of a withdrawn page (with HTTP 200): a short page saying so.
_GONE_TEXT = re.compile(
    r"页面不存在|页面已删除|信息已删除|文章已删除|该信息已撤销|已被删除|已撤稿|已下线|"
    r"内容不存在|您访问的页面不存在|page not found|has been removed",
    re.I,
)
_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)


def looks_removed(text: str) -> bool:
    """A short page whose visible text says the document is gone."""
    visible = re.sub(r"\s+", " ", _TAG.sub(" ", _SCRIPT.sub(" ", text[:50_000]))).strip()
    return len(visible) < 600 and bool(_GONE_TEXT.search(visible))


def is_gone(exc: FetchError) -> bool:
    return exc.status in (404, 410)


def window_candidates(
    session, source: str, channel: str, oldest: dt.date, listed: set[str]
) -> list[Notice]:
    """Stored rows of ``channel`` dated inside the window a walk read, but not listed in it.

    A walk starts at the top of the list, so the window is open upwards: a row newer than
    everything listed can only have been taken down.
    """
    stmt = (
        select(Notice)
        .options(lazyload("*"))  # ids and URLs only: no team/user state rows for each candidate
        .where(
            Notice.source == source,
            Notice.removed.is_(False),
            Notice.list_date > oldest,
        )
        .order_by(Notice.list_date.desc(), Notice.id)
    )
    return [
        n for n in session.scalars(stmt) if channel in (n.channels or []) and n.url not in listed
    ]


def probe_missing(run: RunView, windows: dict[str, dt.date]) -> int:
    """Probe rows missing from the windows read this run; returns how many were removed."""
    budget = run.settings.probe_per_run
    removed = 0
    for channel, oldest in windows.items():
        with run.db.read() as session:
            todo = [
                (n.id, n.url)
                for n in window_candidates(session, run.key, channel, oldest, run.listed)
            ]
        for nid, url in todo:
            if budget <= 0:
                return removed
            budget -= 1
            run.check_cancel()
            try:
                resp = fetch_page(run.fetcher, url)
                gone = looks_removed(resp.text)
            except BlockedError:
                return removed  # more requests would only prolong the block
            except FetchError as exc:
                run.check_cancel()
                gone = is_gone(exc)
            if gone and mark_removed(run, nid):
                removed += 1
                run.report.channels[channel].removed += 1
                run.report.removed += 1
    return removed


def mark_removed(run: RunView, nid: int) -> bool:
    with run.db.write() as session:
        notice = session.get(Notice, nid)
        if notice is None or notice.removed:
            return False
        notice.removed = True
        notice.removed_at = utcnow()
        return True
