"""Fixtures of the export tests: a seeded SQLite database and a self-signed certificate."""

from __future__ import annotations

import pytest

from app.export.digest import beijing_today
from tests.export.seed import Seeded, seed
from tests.export.smtp_server import make_cert


@pytest.fixture(scope="session")
def cert_files(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("cert"))


@pytest.fixture
def seeded(tmp_path) -> Seeded:
    s = seed(f"sqlite:///{tmp_path / 'regwatch.sqlite3'}", beijing_today())
    yield s
    s.db.close()
