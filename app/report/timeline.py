"""The timeline of release dates: instruments per month (quarter, year) and section.

One bucketing for every format: the pptx draws it as a native stacked column chart (editable
in PowerPoint), the docx as a table of coloured bars (editable, no image library), Markdown as
a text table.
Buckets run without gaps from the first to the last release, so quiet months show as quiet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.report.model import Report

SECTION_COLOURS = {  # laws dark blue, policies teal, standards amber
    "laws": (31, 78, 121),
    "policies": (46, 139, 122),
    "standards": (214, 137, 16),
}


@dataclass
class Timeline:
    unit: str  # "month" | "quarter" | "year"
    labels: list[str]
    series: list[tuple[str, str, list[int]]]  # (section key, section title, counts per bucket)
    undated: int

    @property
    def total(self) -> int:
        return sum(sum(c) for _, _, c in self.series)


def _bucket(d: dt.date, unit: str) -> tuple[int, int]:
    if unit == "month":
        return d.year, d.month
    if unit == "quarter":
        return d.year, (d.month - 1) // 3 + 1
    return d.year, 0


def _label(key: tuple[int, int], unit: str) -> str:
    year, part = key
    if unit == "month":
        return f"{year}-{part:02d}"
    if unit == "quarter":
        return f"{year} Q{part}"
    return str(year)


def _next(key: tuple[int, int], unit: str) -> tuple[int, int]:
    year, part = key
    size = {"month": 12, "quarter": 4}.get(unit)
    if size is None:
        return year + 1, 0
    return (year + 1, 1) if part == size else (year, part + 1)


def build_timeline(report: Report) -> Timeline:
    """Counts per bucket and section; months up to two years, quarters up to ten, else years."""
    dated = [i for i in report.items if i.release_date]
    if not dated:
        return Timeline("month", [], [], len(report.items))
    first = min(i.release_date for i in dated)
    last = max(i.release_date for i in dated)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    unit = "month" if months <= 24 else "quarter" if months <= 120 else "year"
    keys = [_bucket(first, unit)]
    while keys[-1] != _bucket(last, unit):
        keys.append(_next(keys[-1], unit))
    index = {k: n for n, k in enumerate(keys)}
    series = []
    for section in report.sections:
        counts = [0] * len(keys)
        for item in section.items:
            if item.release_date:
                counts[index[_bucket(item.release_date, unit)]] += 1
        series.append((section.key, section.title, counts))
    undated = len(report.items) - len(dated)
    return Timeline(unit, [_label(k, unit) for k in keys], series, undated)
