"""The office-hours window (Beijing time) that scheduled fetches keep to: parsed from
``fetch.office_hours`` / ``fetch.office_days``. Pure logic, so the config validator can use it
without loading the scheduler."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.errors import UserError
from scrapers.beijing import BEIJING

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class OfficeHours:
    """A weekly window in Beijing time; ``start == end`` (or 00:00-24:00) means all day."""

    start: dt.time
    end: dt.time | None  # None: until midnight (24:00)
    days: frozenset[int]  # 0 = Monday

    @classmethod
    def parse(cls, hours: str, days: str) -> OfficeHours:
        """From ``"08:00-18:00"`` and ``"mon-fri"`` / ``"mon,wed,fri"`` / ``"daily"``."""
        m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", hours or "")
        if not m:
            raise UserError(
                f"config key 'fetch.office_hours' must look like 08:00-18:00, not {hours!r}"
            )
        h1, m1, h2, m2 = map(int, m.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise UserError(f"config key 'fetch.office_hours' has an invalid time: {hours!r}")
        end = None if h2 == 24 else dt.time(h2, m2)
        return cls(dt.time(h1, m1), end, _parse_days(days))

    def is_open(self, when: dt.datetime) -> bool:
        local = when.astimezone(BEIJING)
        if local.weekday() not in self.days:
            return False
        t = local.time().replace(tzinfo=None)
        if self.end is None:
            return t >= self.start
        if self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end  # a window across midnight


def _parse_days(text: str) -> frozenset[int]:
    text = (text or "").strip().lower()
    if text in ("", "daily", "all", "*"):
        return frozenset(range(7))
    out: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        lo, _, hi = part.partition("-")
        if lo not in DAYS or (hi and hi not in DAYS):
            raise UserError(
                f"config key 'fetch.office_days' must be like mon-fri or mon,wed,fri, not {text!r}"
            )
        a, b = DAYS.index(lo), DAYS.index(hi or lo)
        out.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    return frozenset(out)
