"""The fetch pipeline: one cycle over the enabled sources (``run_cycle``), with health states.

Public API for the CLI, the daemon, the GUI and scheduled jobs::

    report = run_cycle(db, config, sources=["cac"], progress=cb, cancel=event)
    report.sources[0].state   # ok | no_new | degraded | broken | blocked | error | cancelled
    report.new_ids            # notices stored for the first time in this cycle
"""

from app.pipeline.cycle import UnknownSourceError, enabled_channels, resolve_sources, run_cycle
from app.pipeline.hooks import PipelineHooks, TitleEn, default_hooks
from app.pipeline.report import ChannelReport, CycleReport, ProgressEvent, SourceReport

__all__ = [
    "ChannelReport",
    "CycleReport",
    "PipelineHooks",
    "ProgressEvent",
    "SourceReport",
    "TitleEn",
    "UnknownSourceError",
    "default_hooks",
    "enabled_channels",
    "resolve_sources",
    "run_cycle",
]
