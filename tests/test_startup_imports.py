"""Each command loads what it uses and nothing else (start-up cost: benchmarks/startup.py).

Importing is most of what a quick command costs: Alembic, bs4, Qt, Jinja2, openpyxl,
icalendar, the translation engine's data and the topic automata each take tens to hundreds of
milliseconds. These tests run a command in a fresh interpreter and check *which* modules it
imported — behaviour, never time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import Database
from tests.seed import seed

ROOT = Path(__file__).resolve().parents[1]

GUI_AND_RENDERING = {"PySide6", "jinja2", "openpyxl", "icalendar", "apscheduler"}
TRANSLATION_AND_TOPICS = {"app.translation", "app.topics", "ahocorasick_rs"}
PARSING_AND_MIGRATING = {"alembic", "bs4", "soupsieve", "httpx"}

_PROBE = """
import json, sys
from app.cli import main
try:
    code = main(json.loads(sys.argv[1]))
except SystemExit as exc:
    code = exc.code
json.dump({"code": code, "modules": sorted(sys.modules)}, open(sys.argv[2], "w"))
"""


def imported(tmp_path: Path, argv: list[str]) -> set[str]:
    """The modules (and their packages) a fresh ``regwatch ARGV`` imported."""
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(argv), str(out)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["code"] in (0, None), done.stderr
    names = set(result["modules"])
    return names | {".".join(n.split(".")[:2]) for n in names} | {n.split(".")[0] for n in names}


@pytest.fixture
def seeded(tmp_path: Path) -> list[str]:
    """--db/--config of an up-to-date, seeded SQLite database (the migration is behind us)."""
    url = f"sqlite:///{tmp_path / 'regwatch.sqlite3'}"
    db = Database.open(url)
    seed(db)
    db.close()
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text("[fetch]\nretries = 0\nrecheck_hours = 8760\n", encoding="utf-8")
    return ["--db", url, "--config", str(cfg)]


@pytest.mark.parametrize(
    "command", [["sources", "--json"], ["items", "--json"], ["items", "--flagged"]]
)
def test_listing_commands_load_no_parser_migrations_gui_or_topics(tmp_path, seeded, command):
    modules = imported(tmp_path, [*seeded, *command])
    unexpected = (GUI_AND_RENDERING | TRANSLATION_AND_TOPICS | PARSING_AND_MIGRATING) & modules
    assert not unexpected, f"regwatch {' '.join(command)} imported {sorted(unexpected)}"
    assert "sqlalchemy.orm" in modules  # the probe did run the command


def test_version_loads_no_database_code(tmp_path):
    modules = imported(tmp_path, ["--version"])
    assert not {"sqlalchemy", "PySide6", "httpx", "bs4"} & modules


def test_markdown_export_loads_neither_spreadsheet_nor_calendar(tmp_path, seeded):
    out = tmp_path / "digest.md"
    modules = imported(
        tmp_path, [*seeded, "export", "--flagged", "--format", "md", "--out", str(out)]
    )
    assert out.read_text(encoding="utf-8").startswith("#")
    assert "jinja2" in modules  # the template engine it does need
    assert not {"openpyxl", "icalendar", "PySide6", "alembic"} & modules


def test_a_no_change_fetch_loads_no_translation_topics_gui_or_migrations(tmp_path, seeded):
    from app.demo.replay import ReplayServer

    with ReplayServer(snapshot="t1") as srv:
        fetch = [*seeded, "fetch", "--mirror", srv.url, "--spacing", "0", "--source", "tc260"]
        first = imported(tmp_path, fetch)  # stores the list: translation and topics are used
        assert {"app.translation", "app.topics"} <= first
        modules = imported(tmp_path, fetch)
    unexpected = (GUI_AND_RENDERING | TRANSLATION_AND_TOPICS | {"alembic"}) & modules
    assert not unexpected, f"a no-change fetch imported {sorted(unexpected)}"
    assert {"httpx", "bs4"} <= modules  # what a fetch needs
