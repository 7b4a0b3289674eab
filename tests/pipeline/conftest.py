"""Fixtures for pipeline tests: a database (SQLite, and PostgreSQL when TEST_PG_URL is set),
the replay server, a test config and a ``fetch`` helper running one real cycle against it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.config import parse_config
from app.demo.replay import ReplayServer, default_corpus_dir
from app.pipeline import PipelineHooks, run_cycle
from storage.db import Database, normalise_url
from tests.pipeline_sources import register_test_sources, unregister_test_sources

EXPECTED = json.loads(
    (default_corpus_dir() / "expected" / "expected.json").read_text(encoding="utf-8")
)

TEST_CONFIG = """
[fetch]
retries = 1
timeout = 3.0
first_run_max = 1000
first_run_days = 36500
max_details = 1000
recheck_days = 36500
recheck_hours = 24
"""


def _reset_pg(url: str) -> None:
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "pg"])
def db_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'regwatch.sqlite3'}"
    url = os.environ.get("TEST_PG_URL")
    if not url:
        pytest.skip("TEST_PG_URL is not set")
    _reset_pg(url)
    return url


@pytest.fixture()
def db(db_url: str):
    database = Database.open(db_url)
    yield database
    database.close()


@pytest.fixture()
def sqlite_db(tmp_path: Path):
    database = Database.open(f"sqlite:///{tmp_path / 'regwatch.sqlite3'}")
    yield database
    database.close()


@pytest.fixture()
def server():
    with ReplayServer(snapshot="t1") as srv:
        yield srv


@pytest.fixture(autouse=True)
def stand_in_sources():
    register_test_sources()
    yield
    unregister_test_sources()


@pytest.fixture()
def config():
    return parse_config(TEST_CONFIG)


@pytest.fixture()
def fetch(server, config):
    """Run one real cycle against the replay server (spacing 0, fast retries)."""

    def go(db, sources, **kw):
        kw.setdefault("hooks", PipelineHooks())
        return run_cycle(
            db,
            kw.pop("config", config),
            sources=sources,
            mirror=server.url,
            spacing=0,
            client_options={"backoff": 0.01, "max_backoff": 0.05},
            **kw,
        )

    return go
