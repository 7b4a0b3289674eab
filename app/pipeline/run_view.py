"""What the detail and removal steps need of a source run, without importing it.

``CycleSettings`` (one cycle's limits) lives here, and ``RunView`` is the Protocol that
``source_run.SourceRun`` satisfies, so ``details`` and ``removals``, which ``source_run``
imports, never import ``source_run`` back (not even for type hints).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from scrapers.beijing import beijing_date
from storage.isotime import utcnow


@dataclass
class CycleSettings:
    max_details: int = 50
    first_run_days: int = 30
    first_run_max: int = 50
    recheck_days: int = 30
    recheck_hours: int = 24
    max_detail_attempts: int = 3
    parse_budget: float = 30.0  # seconds a source may spend on one page between requests
    recheck_period_days: int = 30  # every stored notice's page is re-checked this often...
    recheck_per_run: int = 3  # ...a few per run, oldest-checked first
    probe_per_run: int = 5  # detail pages probed per run for items gone from a paged list
    started_at: dt.datetime | None = None  # cycle start (UTC): "not yet tried in this cycle"

    @property
    def today(self) -> dt.date:
        # Beijing calendar date: list dates are Beijing dates.
        start = self.started_at or utcnow()
        return beijing_date(start)


class RunView(Protocol):
    """The parts of a ``SourceRun`` the detail and removal steps use."""

    key: str
    db: Any  # storage.db.Database
    source: Any  # scrapers.base.Source
    fetcher: Any  # the budgeted fetcher of this run
    settings: CycleSettings
    report: Any  # app.pipeline.report.SourceReport
    hooks: Any  # app.pipeline.hooks.PipelineHooks
    budget: Any  # app.pipeline.budget.ParseBudget
    listed: Any
    progress: Any

    def check_cancel(self) -> None: ...
