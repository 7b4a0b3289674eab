"""The light Core clauses of the fetch bookkeeping (storage/core_tables.py) match the schema.

They exist so a no-change fetch never loads the ORM; a column named or typed differently from
``storage.models`` would write rows the rest of the app reads differently, or fail only on
the path that finds nothing new.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, String, select

from storage import core_tables
from storage.models import Base, Notice, Setting


@pytest.mark.parametrize("light", core_tables.ALL, ids=lambda t: t.name)
def test_each_light_column_is_a_schema_column_of_the_same_type(light):
    table = Base.metadata.tables[light.name]
    for col in light.columns:
        assert col.name in table.c, f"{light.name}.{col.name} is not in storage.models"
        real = table.c[col.name].type
        for kind in (JSON, DateTime, Date, Boolean, Integer, String):
            if isinstance(real, kind):
                assert isinstance(col.type, kind), f"{light.name}.{col.name}: {real!r}"
                break
        if isinstance(real, DateTime):
            assert col.type.timezone == real.timezone, f"{light.name}.{col.name}"


def test_the_setting_key_has_one_home():
    from app.topics.store import DEFAULTS_SETTING
    from storage import models

    assert models.DEFAULT_TOPICS_INSTALLED is core_tables.DEFAULT_TOPICS_INSTALLED
    assert DEFAULTS_SETTING == core_tables.DEFAULT_TOPICS_INSTALLED


def test_values_written_through_core_read_back_the_same_through_the_orm(db):
    """JSON and aware times stored by the light clauses are what the ORM models read."""
    from storage.fetch_state import record_detail_failure, start_run

    with db.write() as s:
        n = Notice(source="cac", channel="c", url="https://example.org/a", title="标题")
        n.extra = {"kept": 1}
        s.add(n)
        s.add(Setting(key="x", value={"a": [1, 2]}))
        s.flush()
        nid = n.id
    when = dt.datetime(2026, 12, 3, 8, 30, tzinfo=dt.UTC)
    with db.write_conn() as conn:
        run_id = start_run(conn, "cac", now=when)
        assert record_detail_failure(conn, nid, "HTTP 404\x00 from host", now=when)
        assert conn.scalar(select(core_tables.settings.c.value)) == {"a": [1, 2]}
    from storage.models import FetchRun

    with db.read() as s:
        n = s.get(Notice, nid)
        assert n.detail_state == "failed" and n.extra == {"kept": 1, "_detail_attempts": 1}
        assert n.detail_error == "HTTP 404 from host"  # cleaned like any stored text
        assert n.detail_checked_at.replace(tzinfo=dt.UTC) == when
        run = s.get(FetchRun, run_id)
        assert run.outcome == "running" and run.channels["_owner"]["pid"] > 0
        assert run.started_at.replace(tzinfo=dt.UTC) == when
