"""The timeline of release dates: instruments per month (quarter, year) and section.

One bucketing for every format: the pptx draws it as a native stacked column chart (editable
in PowerPoint), the docx embeds a PNG drawn here with Pillow, Markdown gets a text table.
Buckets run without gaps from the first to the last release, so quiet months show as quiet.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from app.report.model import Report

SECTION_COLOURS = {  # deck palette: laws dark blue, policies teal, standards amber
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


def timeline_png(tl: Timeline, *, width: int = 1200, height: int = 560) -> bytes:
    """A stacked column chart of ``tl`` as PNG bytes (Pillow, its built-in font)."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=26)
    small = ImageFont.load_default(size=22)
    left, right, top, bottom = 80, 40, 70, 120
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(c[n] for _, _, c in tl.series) for n in range(len(tl.labels))]
    peak = max(totals, default=0) or 1
    # legend
    x = left
    for key, title, _ in tl.series:
        draw.rectangle([x, 24, x + 22, 46], fill=SECTION_COLOURS.get(key, (120, 120, 120)))
        draw.text((x + 30, 22), title, fill="black", font=font)
        x += 60 + int(draw.textlength(title, font=font))
    # axes and grid
    draw.line([left, top, left, top + plot_h], fill=(90, 90, 90), width=2)
    draw.line([left, top + plot_h, left + plot_w, top + plot_h], fill=(90, 90, 90), width=2)
    step = max(1, peak // 5 + (1 if peak % 5 else 0))
    for v in range(0, peak + 1, step):
        y = top + plot_h - v * plot_h / peak
        draw.line([left, y, left + plot_w, y], fill=(225, 225, 225))
        draw.text((left - 12, y), str(v), fill="black", font=small, anchor="rm")
    n = max(len(tl.labels), 1)
    slot = plot_w / n
    bar = max(4.0, slot * 0.7)
    label_every = max(1, int(n / (plot_w / 90)) + 1) if n * 90 > plot_w else 1
    for i, label in enumerate(tl.labels):
        x0 = left + i * slot + (slot - bar) / 2
        y = top + plot_h
        for key, _title, counts in tl.series:
            if counts[i]:
                h = counts[i] * plot_h / peak
                draw.rectangle(
                    [x0, y - h, x0 + bar, y], fill=SECTION_COLOURS.get(key, (120, 120, 120))
                )
                y -= h
        if i % label_every == 0:
            draw.text(
                (left + i * slot + slot / 2, top + plot_h + 10),
                label,
                fill="black",
                font=small,
                anchor="mt",
            )
    caption = f"Instruments per {tl.unit} by release date"
    if tl.undated:
        caption += f" ({tl.undated} without a release date not shown)"
    draw.text((left, height - 40), caption, fill=(70, 70, 70), font=small)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()
