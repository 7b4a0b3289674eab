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
# httpx's command-line client: imported by ``import httpx`` whenever these are installed
HTTPX_CLI = {"httpx._main", "rich", "click", "pygments"}

_PROBE = """
import json, sys
from app.cli import main
try:
    code = main(json.loads(sys.argv[1]))
except SystemExit as exc:
    code = exc.code
loaded = sorted(n for n, m in sys.modules.items() if m is not None)  # None: import blocked
json.dump({"code": code, "modules": loaded}, open(sys.argv[2], "w"))
"""


# The same probe, and a marker "module" when soupsieve compiled any CSS selector.
_SELECTOR_PROBE = (
    """
import sys
import soupsieve.css_parser as p
_compile = p._cached_css_compile
def _marked(*a, **k):
    sys.modules["compiled-css-selector"] = p
    return _compile(*a, **k)
p._cached_css_compile = _marked
"""
    + _PROBE
)


def imported(tmp_path: Path, argv: list[str], probe: str = _PROBE) -> set[str]:
    """The modules (and their packages) a fresh ``regwatch ARGV`` imported."""
    out = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", probe, json.dumps(argv), str(out)],
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
    assert "sqlalchemy" in modules  # the probe did run the command


def test_httpx_command_line_client_is_never_loaded():
    """rich, click and pygments come with the test tools; httpx's CLI would import them all."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, scrapers, httpx; print(json.dumps([n for n, m in sys.modules.items() if m]))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    names = json.loads(done.stdout)
    modules = set(names) | {n.split(".")[0] for n in names}
    assert "httpx" in modules and not HTTPX_CLI & modules


def test_sources_reads_health_without_the_orm(tmp_path, seeded):
    """The health listing reads with Core: mapping the ORM classes cost more than the rest."""
    modules = imported(tmp_path, [*seeded, "sources", "--json"])
    assert "sqlalchemy" in modules  # the probe did open the database
    assert not {"sqlalchemy.orm", "storage.models", "storage.queries"} & modules


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
    unexpected = (GUI_AND_RENDERING | TRANSLATION_AND_TOPICS | {"alembic"} | HTTPX_CLI) & modules
    assert not unexpected, f"a no-change fetch imported {sorted(unexpected)}"
    assert "httpx" in modules  # the probe did fetch
    assert not {"bs4", "soupsieve"} & modules  # the unchanged list page was not parsed again


def test_a_no_change_fetch_of_every_source_loads_neither_orm_nor_parser(tmp_path, seeded):
    """Bookkeeping (lease, runs, validators, walks, detail plans, failed pages, health) goes
    through Core: the ORM's import, models and mappers cost more CPU than the rest of a
    cycle that finds nothing new. Every list answers "not modified" (304 or the same body)."""
    from app.demo.replay import ReplayServer

    with ReplayServer(snapshot="t1") as srv:
        fetch = [*seeded, "fetch", "--mirror", srv.url, "--spacing", "0"]
        first = imported(tmp_path, fetch)
        assert {"sqlalchemy.orm", "storage.models", "bs4"} <= first  # it stored notices
        modules = imported(tmp_path, fetch)
    assert "httpx" in modules and "app.pipeline.source_run" in modules  # the probe did fetch
    assert not {"sqlalchemy.orm", "storage.models", "storage.notice_store"} & modules
    assert not {"bs4", "soupsieve", "lxml"} & modules


def test_a_command_builds_its_own_parser_only(tmp_path, seeded):
    modules = imported(tmp_path, [*seeded, "sources", "--json"])
    assert "app.commands.sources" in modules
    assert not {"app.commands.export", "app.commands.topics", "app.commands.secrets"} & modules


def test_a_no_change_jpaas_fetch_compiles_no_css_selector(tmp_path, seeded):
    """MIIT's rows are read with find(), not select(): the first selector a process compiles
    costs soupsieve's whole pattern set, more than the rest of a no-change MIIT cycle."""
    from app.demo.replay import ReplayServer

    with ReplayServer(snapshot="t1") as srv:
        fetch = [*seeded, "fetch", "--mirror", srv.url, "--spacing", "0", "--source", "miit"]
        imported(tmp_path, fetch)
        modules = imported(tmp_path, fetch, probe=_SELECTOR_PROBE)
    assert "bs4" in modules  # the rows were parsed
    assert "compiled-css-selector" not in modules


UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"


def test_an_unchanged_jpaas_list_without_validators_is_not_parsed_again(tmp_path, seeded):
    """MIIT/SAC list APIs send no ETag: a first page equal to the stored one is not modified,
    and nothing is parsed (no bs4); a changed first page is parsed and stored."""
    from app.demo.replay import ReplayServer

    with ReplayServer(snapshot="t1") as srv:
        unit = srv.root / "hosts" / "www.sac.gov.cn" / "api-gateway" / "build_unit"
        srv.override("www.sac.gov.cn", UNIT, body=(unit / "tzgg_p1@t1.json").read_bytes())
        fetch = [*seeded, "fetch", "--mirror", srv.url, "--spacing", "0", "--source", "sac"]
        first = imported(tmp_path, fetch)
        assert "bs4" in first  # rows and detail pages parsed
        srv.clear_requests()
        unchanged = imported(tmp_path, fetch)
        assert not {"bs4", "lxml", "soupsieve"} & unchanged
        asked = [r.path for r in srv.requests]
        assert asked.count(UNIT) == 1  # the first page was asked for, and was the same
        assert all("If-None-Match" not in r.headers for r in srv.requests if r.path == UNIT)

        srv.clear_overrides()
        srv.snapshot = "t2"
        srv.override("www.sac.gov.cn", UNIT, body=(unit / "tzgg_p1@t2.json").read_bytes())
        done = subprocess.run(
            [sys.executable, "-m", "app", *fetch, "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    channel = json.loads(done.stdout)["channels"]["tzgg"]
    assert channel["new"] == 2 and channel["pages"] >= 1  # the changed page was parsed
    assert channel["message"] != "Not modified since the last check."
