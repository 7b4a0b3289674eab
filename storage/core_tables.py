"""The fetch bookkeeping tables as light Core clauses, for code that must not load the ORM.

A fetch that finds nothing new still takes the lease, opens and closes a run, reads
validators and walk frontiers and records health. Importing ``sqlalchemy.orm``, declaring the
models and configuring their mappers cost more CPU than all of that work together, so this
path reads and writes through these ``table()`` clauses instead. They name only the columns
the path uses, with the column types of ``storage.models`` (the one schema: migrations and
every other module use it); ``tests/test_core_tables.py`` checks each column against it.
Inserts here get no ORM defaults: callers give every value.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, Text
from sqlalchemy.sql import column, table
from sqlalchemy.sql.expression import ColumnClause

_TIME = DateTime(timezone=True)

fetch_lease = table(
    "fetch_lease",
    column("name", String),
    column("holder", String),
    column("pid", Integer),
    column("token", String),
    column("acquired_at", _TIME),
    column("expires_at", _TIME),
    column("progress", Text),
)

fetch_runs = table(
    "fetch_runs",
    column("id", Integer),
    column("source", String),
    column("started_at", _TIME),
    column("finished_at", _TIME),
    column("outcome", String),
    column("new_items", Integer),
    column("updated_items", Integer),
    column("details_fetched", Integer),
    column("requests", Integer),
    column("error", Text),
    column("channels", JSON),
)


def _health() -> list[ColumnClause[Any]]:
    """The health columns a source and a channel record share (new objects per table)."""
    return [
        column("state", String),
        column("message", Text),
        column("last_run", _TIME),
        column("last_ok", _TIME),
        column("new_items", Integer),
    ]


sources = table(
    "sources", column("key", String), *_health(), column("consecutive_failures", Integer)
)

channels = table(
    "channels",
    column("source_key", String),
    column("key", String),
    *_health(),
    column("walk", JSON),
)

http_validators = table(
    "http_validators",
    column("url", String),
    column("etag", String),
    column("last_modified", String),
    column("updated_at", _TIME),
)

# Setting keys read by more than one layer (one home, so the spelling cannot drift).
DEFAULT_TOPICS_INSTALLED = "topics.defaults_installed"

settings = table(
    "settings",
    column("key", String),
    column("value", JSON),
    column("updated_at", _TIME),
)

notices = table(
    "notices",
    column("id", Integer),
    column("source", String),
    column("channel", String),
    column("url", String),
    column("title", Text),
    column("title_en_human", Boolean),
    column("list_date", Date),
    column("sort_date", Date),
    column("extra", JSON),
    column("detail_state", String),
    column("detail_error", Text),
    column("detail_checked_at", _TIME),
    column("first_seen", _TIME),
    column("updated_at", _TIME),
    column("removed", Boolean),
)

ALL = (fetch_lease, fetch_runs, sources, channels, http_validators, settings, notices)
