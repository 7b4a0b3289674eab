"""Test-wide environment: offscreen Qt, a throw-away keyring and user dirs, no real network."""

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# A test-only keyring (tests/keyring_backend.py), never keyrings.alt in the user's venv.
os.environ["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backend.ThrowawayKeyring"
os.environ.setdefault("REGWATCH_THREAD_CHECKS", "1")  # app/ui/ops.py: Qt only on the GUI thread
_tmp_home = tempfile.mkdtemp(prefix="regwatch-test-home-")
for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[var] = os.path.join(_tmp_home, var.lower())
for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
    os.environ.pop(var, None)
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
for var in (
    "REGWATCH_DB",
    "REGWATCH_CONFIG",
    "REGWATCH_MIRROR",
    "REGWATCH_SMTP_PASSWORD",
    "REGWATCH_USER",
):
    os.environ.pop(var, None)


# ---------------------------------------------------------------------------------------------
# Databases: every storage/pipeline test that takes ``db`` runs on SQLite and, when CI has
# started a throw-away PostgreSQL server (TEST_PG_URL), on PostgreSQL too.

import pytest  # noqa: E402
from hypothesis import settings as _hyp_settings  # noqa: E402

# Property tests assert behaviour, not speed: a loaded CI machine must not fail them on
# Hypothesis' per-example deadline.
_hyp_settings.register_profile("regwatch", deadline=None)
_hyp_settings.load_profile("regwatch")

PG_URL = os.environ.get("TEST_PG_URL")


def _reset_pg(url: str) -> None:
    from sqlalchemy import create_engine

    from storage.db import normalise_url

    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def db_url(request, tmp_path):
    """A fresh, empty database URL: SQLite file, or the CI PostgreSQL with a clean schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'regwatch.sqlite3'}"
    if not PG_URL:
        pytest.skip("no PostgreSQL server (TEST_PG_URL unset)")
    _reset_pg(PG_URL)
    return PG_URL


@pytest.fixture
def db(db_url):
    """An open, migrated Database on ``db_url``; disposed after the test."""
    from storage.db import Database

    database = Database.open(db_url)
    yield database
    database.close()


@pytest.fixture
def sqlite_db(tmp_path):
    """An open, migrated SQLite Database (for tests that are SQLite-specific)."""
    from storage.db import Database

    database = Database.open(f"sqlite:///{tmp_path / 'regwatch.sqlite3'}")
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _no_custom_sources_left_over():
    """Loading a config installs its [custom_sources]; a test's sources never leak into the next."""
    yield
    from scrapers.base import set_custom_sources

    set_custom_sources({})
