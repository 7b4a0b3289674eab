"""A paged list the test controls, served by the replay server's overrides (fault injection).

``publish()`` adds items at the top, ``serve()`` lays them out newest first in pages of
``page_size`` (``index.json``, ``index_1.json`` …) with a detail page each; faults are plain
``server.override`` calls made after ``serve()`` (the newest override wins).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from app.demo.replay import ReplayServer
from tests.pipeline_sources import PagedSource

HOST = PagedSource.HOST


@dataclass
class PagedSite:
    server: ReplayServer
    page_size: int = 5
    items: list[dict] = field(default_factory=list)  # newest first
    removed: set[str] = field(default_factory=set)  # detail pages answering 404
    _next: int = 1
    _day: dt.date = dt.date(2026, 1, 1)

    def publish(self, n: int = 1, *, title: str = "通知") -> list[str]:
        """Add ``n`` items at the top of the list (one new day each); returns their URLs."""
        urls = []
        for _ in range(n):
            num = self._next
            self._next += 1
            self._day += dt.timedelta(days=1)
            url = f"https://{HOST}/detail/{num}.htm"
            self.items.insert(
                0, {"url": url, "title": f"关于第{num}号{title}", "date": self._day.isoformat()}
            )
            urls.append(url)
        return urls

    def page_path(self, page: int) -> str:
        return "/list/index.json" if page == 1 else f"/list/index_{page - 1}.json"

    def serve(self) -> None:
        """(Re)install the overrides that serve the list and detail pages as they are now."""
        srv = self.server
        srv.clear_overrides()
        empty = json.dumps({"rows": []})
        srv.override(HOST, "*", body=empty, headers={"Content-Type": "application/json"})
        for item in self.items:
            path = item["url"].split(HOST, 1)[1]
            if item["url"] in self.removed:
                srv.override(HOST, path, status=404, body="<h1>404</h1>")
            else:
                page = f"<html><body><p>{item['title']}正文</p></body></html>"
                srv.override(HOST, path, body=page.encode("utf-8", "replace"))
        pages = [
            self.items[i : i + self.page_size] for i in range(0, len(self.items), self.page_size)
        ]
        for n, rows in enumerate(pages, start=1):
            srv.override(
                HOST,
                self.page_path(n),
                body=json.dumps({"rows": rows}),  # \u escapes: lone surrogates survive
                headers={"Content-Type": "application/json; charset=utf-8"},
            )

    def page_of(self, url: str) -> int:
        index = next(i for i, it in enumerate(self.items) if it["url"] == url)
        return index // self.page_size + 1
