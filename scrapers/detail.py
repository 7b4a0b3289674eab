"""Fetching a detail page so that a refusal is an error, never a page to parse."""

from __future__ import annotations

from collections.abc import Mapping

from scrapers.base import Fetcher, FetchError, Response


def fetch_page(fetcher: Fetcher, url: str, *, headers: Mapping[str, str] | None = None) -> Response:
    """GET ``url``; FetchError when the answer is an HTTP error (404 on a removed page …).

    The polite client already raises for most failures; this guards fetchers that hand back
    4xx/5xx answers, so an error page is never parsed as a (broken) document.
    """
    resp = fetcher.get(url, headers=headers)
    if resp.status >= 400:
        raise FetchError(
            f"{url} answered HTTP {resp.status}; the page may have been removed or moved.",
            url=url,
            status=resp.status,
        )
    return resp
