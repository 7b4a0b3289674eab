"""Every subcommand's user mistakes: one sentence, the documented exit code, nothing damaged.

The rule from the issues: a user mistake (bad argument, unknown name, unreadable file, broken
config, unusable database) prints one line ``regwatch: error: …`` and exits with 2 (1 where a
command documents it: nothing to export, parser error), never a traceback, and leaves every
file as it was — no database created for a broken config, no --out file truncated.

Each case runs ``app.cli.main`` in-process over a seeded SQLite database in ``tmp_path`` and
compares a snapshot of ``tmp_path`` before and after. Signals, the missing display and the
Qt abort need a real process and are tested with subprocess at the end.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.cli import main
from storage.db import Database
from tests.seed import SAMPLE, seed

ROOT = Path(__file__).resolve().parents[1]
FLAGGED_URL = SAMPLE[0]["url"]


# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Placeholders for the argv templates: a seeded database, a valid config, sample files."""
    db_path = tmp_path / "regwatch.sqlite3"
    db = Database.open(f"sqlite:///{db_path}")
    seed(db)
    db.close()
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text('[email]\nsender = "me@example.org"\n', encoding="utf-8")
    (tmp_path / "binary.toml").write_bytes(b"\x00\xff\xfe garbage \x98\x99")
    (tmp_path / "bad.toml").write_text("not toml [[[", encoding="utf-8")
    (tmp_path / "notapack.toml").write_text('[[topics]]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "unknown_source.toml").write_text(
        'format = "regwatch-topics"\nversion = 1\n[[topics]]\nname = "zz"\nquery = "AI"\n'
        'sources = ["nope"]\n',
        encoding="utf-8",
    )
    (tmp_path / "page.html").write_text("<html><body>nothing</body></html>", encoding="utf-8")
    (tmp_path / "existing.md").write_text("keep me\n", encoding="utf-8")
    (tmp_path / "random.db").write_bytes(hashlib.sha256(b"x").digest() * 200)
    (tmp_path / "adir").mkdir()
    return {
        "db": f"sqlite:///{db_path}",
        "cfg": str(cfg),
        "tmp": str(tmp_path),
    }


def snapshot(root: Path) -> dict[str, str]:
    """Every file and directory under ``root`` with a hash of its content."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "<dir>"
    return out


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    """main(argv) → (exit code, stdout, stderr); argparse errors exit via SystemExit."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error(err: str, words: tuple[str, ...]) -> None:
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{err}"
    assert lines[0].startswith("regwatch: error: "), lines[0]
    for word in words:
        assert word.lower() in lines[0].lower(), f"{word!r} not in {lines[0]!r}"


def expand(argv: tuple[str, ...], env: dict[str, str]) -> list[str]:
    return [a.format(**env) for a in argv]


# ---------------------------------------------------------------------------------------------
# Command-line mistakes: (argv after --db/--config, exit code, words the sentence contains)

G = ("--db", "{db}", "--config", "{cfg}")

CASES: list[tuple[str, tuple[str, ...], int, tuple[str, ...]]] = [
    # argument syntax (argparse, one line)
    ("items-bad-date", ("items", "--since", "2024-13-01"), 2, ("--since", "YYYY-MM-DD")),
    ("items-negative-limit", ("items", "--limit", "-1"), 2, ("--limit", "zero or more")),
    ("items-limit-word", ("items", "--limit", "abc"), 2, ("--limit", "whole number")),
    ("fetch-spacing-huge", ("fetch", "--spacing", "1e308"), 2, ("--spacing", "at most 3600")),
    (
        "items-limit-huge",
        ("items", "--limit", "99999999999999999999999"),
        2,
        ("--limit", "at most"),
    ),
    ("items-extra-argument", ("items", "extra"), 2, ("unrecognized arguments", "extra")),
    ("sources-extra-argument", ("sources", "--bogus"), 2, ("unrecognized", "--bogus")),
    ("flag-without-url", ("flag",), 2, ("required", "URL")),
    ("fetch-negative-spacing", ("fetch", "--spacing", "-3"), 2, ("--spacing", "zero or more")),
    ("fetch-nan-spacing", ("fetch", "--spacing", "nan"), 2, ("--spacing",)),
    ("fetch-max-details-word", ("fetch", "--max-details", "abc"), 2, ("--max-details",)),
    ("fetch-ftp-mirror", ("fetch", "--mirror", "ftp://x"), 2, ("--mirror", "http")),
    ("fetch-mirror-not-url", ("fetch", "--mirror", "notaurl"), 2, ("--mirror", "notaurl")),
    ("daemon-mirror-not-url", ("daemon", "--mirror", "notaurl"), 2, ("--mirror",)),
    ("parse-without-url", ("parse", "govcn", "{tmp}/page.html"), 2, ("--url",)),
    ("translate-without-text", ("translate",), 2, ("TEXT",)),
    (
        "export-unknown-format",
        ("export", "--flagged", "--format", "pdf", "--out", "{tmp}/x.pdf"),
        2,
        ("--format", "pdf"),
    ),
    (
        "export-two-selectors",
        ("export", "--flagged", "--topic", "x", "--format", "md", "--out", "{tmp}/x.md"),
        2,
        ("not allowed",),
    ),
    (
        "export-bad-since",
        ("export", "--since", "2024-13-01", "--format", "md", "--out", "{tmp}/x.md"),
        2,
        ("--since",),
    ),
    (
        "email-port-word",
        ("email", "--flagged", "--to", "a@example.org", "--smtp-port", "abc"),
        2,
        ("--smtp-port",),
    ),
    (
        "email-port-range",
        ("email", "--flagged", "--to", "a@example.org", "--smtp-port", "70000"),
        2,
        ("--smtp-port", "65535"),
    ),
    (
        "email-two-securities",
        ("email", "--flagged", "--to", "a@example.org", "--ssl", "--plain"),
        2,
        ("--plain", "not allowed"),
    ),
    ("topics-negative-sample", ("topics", "test", "x", "--sample", "-1"), 2, ("--sample",)),
    ("screenshot-bad-size", ("screenshot", "x.png", "--size", "10x10"), 2, ("--size",)),
    # unknown names
    ("items-unknown-source", ("items", "--source", "nope"), 2, ("unknown source", "nope")),
    ("items-unknown-topic", ("items", "--topic", "nope"), 2, ("no watch topic", "nope")),
    ("fetch-unknown-source", ("fetch", "--source", "nope"), 2, ("unknown source", "nope")),
    ("daemon-unknown-source", ("daemon", "--source", "nope"), 2, ("unknown source",)),
    (
        "parse-unknown-source",
        ("parse", "nope", "{tmp}/page.html", "--url", "https://x.example/"),
        2,
        ("unknown source",),
    ),
    (
        "translate-unknown-provider",
        ("translate", "--provider", "babelfish", "中国"),
        2,
        ("unknown translation provider", "babelfish"),
    ),
    (
        "export-unknown-topic",
        ("export", "--topic", "nope", "--format", "md", "--out", "{tmp}/existing.md"),
        2,
        ("no watch topic",),
    ),
    (
        "email-unknown-topic",
        ("email", "--topic", "nope", "--to", "a@example.org", "--dry-run"),
        2,
        ("no watch topic",),
    ),
    ("email-bad-address", ("email", "--flagged", "--to", "notanaddr"), 2, ("notanaddr",)),
    ("topics-remove-unknown", ("topics", "remove", "nope"), 2, ("no topic named",)),
    ("topics-edit-unknown", ("topics", "edit", "nope", "--query", "x"), 2, ("no topic",)),
    (
        "topics-add-unknown-source",
        ("topics", "add", "--name", "x", "--query", "x", "--sources", "nope"),
        2,
        ("unknown source", "nope"),
    ),
    ("flag-unknown-url", ("flag", "https://example.org/nope"), 2, ("no stored notice",)),
    # files
    (
        "parse-missing-file",
        ("parse", "govcn", "{tmp}/missing.html", "--url", "https://www.gov.cn/"),
        2,
        ("cannot read", "missing.html"),
    ),
    (
        "parse-directory",
        ("parse", "govcn", "{tmp}/adir", "--url", "https://www.gov.cn/"),
        2,
        ("cannot read", "directory"),
    ),
    (
        "parse-url-not-http",
        ("parse", "govcn", "{tmp}/page.html", "--url", "notaurl"),
        2,
        ("--url", "http"),
    ),
    ("topics-import-missing", ("topics", "import", "{tmp}/missing.toml"), 2, ("cannot read",)),
    ("topics-import-directory", ("topics", "import", "{tmp}/adir"), 2, ("directory",)),
    ("topics-import-binary", ("topics", "import", "{tmp}/binary.toml"), 2, ("not UTF-8",)),
    ("topics-import-bad-toml", ("topics", "import", "{tmp}/bad.toml"), 2, ("not valid TOML",)),
    ("topics-import-not-a-pack", ("topics", "import", "{tmp}/notapack.toml"), 2, ("topic pack",)),
    (
        "topics-import-unknown-source",
        ("topics", "import", "{tmp}/unknown_source.toml"),
        2,
        ("topic 'zz'", "unknown source 'nope'"),
    ),
    ("match-topics-missing", ("match", "--topics", "{tmp}/missing.toml"), 2, ("cannot read",)),
    ("match-topics-binary", ("match", "--topics", "{tmp}/binary.toml"), 2, ("not UTF-8",)),
    ("match-topics-bad-toml", ("match", "--topics", "{tmp}/bad.toml"), 2, ("not valid TOML",)),
    (
        "topics-export-missing-dir",
        ("topics", "export", "{tmp}/missing/x.toml"),
        2,
        ("cannot write", "does not exist"),
    ),
    ("topics-export-directory", ("topics", "export", "{tmp}/adir"), 2, ("directory",)),
    (
        "export-missing-dir",
        ("export", "--flagged", "--format", "md", "--out", "{tmp}/missing/x.md"),
        2,
        ("cannot write", "does not exist"),
    ),
    (
        "export-out-directory",
        ("export", "--flagged", "--format", "csv", "--out", "{tmp}/adir"),
        2,
        ("directory",),
    ),
    (
        "export-nothing-keeps-existing-file",
        ("export", "--since", "2100-01-01", "--format", "md", "--out", "{tmp}/existing.md"),
        1,
        ("nothing to export",),
    ),
    (
        "screenshot-missing-dir",
        ("screenshot", "{tmp}/missing/x.png"),
        2,
        ("cannot write", "does not exist"),
    ),
]


@pytest.mark.parametrize(
    ("argv", "code", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_command_line_mistakes(env, tmp_path, capsys, argv, code, words):
    before = snapshot(tmp_path)
    got, _, err = run(capsys, expand(G + argv, env))
    assert got == code, err
    assert_one_error(err, words)
    assert snapshot(tmp_path) == before


# ---------------------------------------------------------------------------------------------
# Config files: every section, wrong types, unknown keys, bad values


CONFIGS: list[tuple[str, str, tuple[str, ...]]] = [
    ("not-toml", "[fetch\nspacing = 2", ("not valid TOML",)),
    ("unknown-top-key", "bogus = 1\n", ("unknown config key 'bogus'",)),
    ("database-type", "database = 5\n", ("'database'", "string")),
    ("general-not-table", "general = 3\n", ("'general'", "table")),
    ("general-language", "[general]\nlanguage = 'fr'\n", ("general.language", "one of")),
    ("general-bool", "[general]\nstart_minimised = 'yes'\n", ("general.start_minimised",)),
    ("fetch-unknown", "[fetch]\nspeed = 3\n", ("fetch.speed",)),
    ("fetch-negative", "[fetch]\nspacing = -1\n", ("fetch.spacing", "negative")),
    ("fetch-nan", "[fetch]\nspacing = nan\n", ("fetch.spacing", "finite")),
    ("fetch-timeout-zero", "[fetch]\ntimeout = 0\n", ("fetch.timeout", "more than zero")),
    ("fetch-mirror-ftp", "[fetch]\nmirror = 'ftp://x'\n", ("fetch.mirror", "URL")),
    ("fetch-proxy", "[fetch]\nproxy = 'notaurl'\n", ("fetch.proxy",)),
    ("fetch-office-hours", "[fetch]\noffice_hours = '25:00-99'\n", ("fetch.office_hours",)),
    ("fetch-office-days", "[fetch]\noffice_days = 'someday'\n", ("fetch.office_days",)),
    ("fetch-hosts-type", '[fetch.hosts."www.cac.gov.cn"]\nspacing = "a"\n', ("spacing",)),
    ("sources-unknown", "[sources.nope]\nenabled = true\n", ("'nope'", "sources")),
    ("sources-unknown-key", "[sources.govcn]\nbogus = 1\n", ("sources.govcn.bogus",)),
    ("sources-interval", "[sources.govcn]\ninterval = 0\n", ("sources.govcn.interval",)),
    ("sources-channel", "[sources.govcn]\nchannels = { nope = true }\n", ("'nope'", "channels")),
    (
        "sources-channel-type",
        "[sources.govcn]\nchannels = { zuixin = 'yes' }\n",
        ("sources.govcn.channels.zuixin", "true or false"),
    ),
    ("translation-provider", "[translation]\nprovider = 'x'\n", ("translation.provider",)),
    ("translation-rate", "[translation]\nmax_per_minute = 1.5\n", ("max_per_minute",)),
    ("providers-unknown", "[translation.providers.nope]\nmodel = 'x'\n", ("'nope'",)),
    (
        "providers-base-url",
        "[translation.providers.openai]\nbase_url = 'localhost:11434'\n",
        ("translation.providers.openai.base_url",),
    ),
    ("email-port-type", "[email]\nport = 'x'\n", ("email.port", "integer")),
    ("email-port-range", "[email]\nport = 70000\n", ("email.port", "port number")),
    ("email-to-type", "[email]\nto = [1]\n", ("email.to[0]",)),
    ("email-attach", "[email]\nattach = ['pdf']\n", ("email.attach[0]",)),
    ("email-security", "[email]\nsecurity = 'tls'\n", ("email.security",)),
    ("schedule-time", "[email.schedule]\ntime = '99:99'\n", ("email.schedule.time",)),
    ("schedule-frequency", "[email.schedule]\nfrequency = 'hourly'\n", ("frequency",)),
    ("notifications-type", "[notifications]\nsound = 1\n", ("notifications.sound",)),
    # values of the right type that would break every fetch: each key states its range
    ("fetch-spacing-huge", "[fetch]\nspacing = 1e308\n", ("fetch.spacing", "0 to 3600")),
    ("fetch-jitter-huge", "[fetch]\njitter = 1e308\n", ("fetch.jitter", "0 to 3600")),
    ("fetch-timeout-huge", "[fetch]\ntimeout = 1e308\n", ("fetch.timeout", "at most 600")),
    (
        "fetch-retries-huge",
        "[fetch]\nretries = 9223372036854775807\n",
        ("fetch.retries", "0 to 10"),
    ),
    ("fetch-max-bytes-zero", "[fetch]\nmax_bytes = 0\n", ("fetch.max_bytes", "bytes")),
    ("fetch-recheck-days", "[fetch]\nrecheck_days = 99999999999\n", ("fetch.recheck_days", "days")),
    ("fetch-recheck-hours", "[fetch]\nrecheck_hours = 99999999999\n", ("recheck_hours", "hours")),
    ("fetch-max-details", "[fetch]\nmax_details = 99999999999\n", ("fetch.max_details", "0 to")),
    (
        "fetch-host-spacing",
        '[fetch.hosts."www.cac.gov.cn"]\nspacing = 1e308\n',
        ("spacing", "3600"),
    ),
    ("sources-interval-huge", "[sources.govcn]\ninterval = 99999999999\n", ("interval", "minutes")),
    (
        "provider-retries",
        "[translation.providers.deepl]\nretries = 99999\n",
        ("retries", "0 to 10"),
    ),
    ("provider-timeout", "[translation.providers.deepl]\ntimeout = 1e308\n", ("timeout", "600")),
    ("email-timeout-huge", "[email]\ntimeout = 1e308\n", ("email.timeout", "at most 600")),
    ("deeply-nested-array", "database = " + "[" * 5000 + "]" * 5000 + "\n", ("nests", "deeply")),
]


@pytest.mark.parametrize(
    ("content", "words"), [c[1:] for c in CONFIGS], ids=[c[0] for c in CONFIGS]
)
def test_bad_config_is_one_sentence_and_creates_no_database(tmp_path, capsys, content, words):
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text(content, encoding="utf-8")
    before = snapshot(tmp_path)
    new_db = tmp_path / "new.sqlite3"
    code, _, err = run(capsys, ["--db", f"sqlite:///{new_db}", "--config", str(cfg), "items"])
    assert code == 2
    assert_one_error(err, words)
    assert snapshot(tmp_path) == before and not new_db.exists()


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda p: p.write_bytes(b"\xff\xfe\x00garbage"), ("not UTF-8",)),
        (lambda p: p.mkdir(), ("directory",)),
    ],
    ids=["binary", "directory"],
)
def test_unreadable_config(tmp_path, capsys, make, words):
    cfg = tmp_path / "regwatch.toml"
    make(cfg)
    code, _, err = run(
        capsys, ["--db", f"sqlite:///{tmp_path / 'x.db'}", "--config", str(cfg), "items"]
    )
    assert code == 2
    assert_one_error(err, ("config file", *words))
    assert not (tmp_path / "x.db").exists()


def test_config_with_a_utf8_bom_is_read(tmp_path, capsys):
    """Windows Notepad saves UTF-8 with a byte-order mark; the file is still the user's config."""
    cfg = tmp_path / "regwatch.toml"
    cfg.write_bytes(b"\xef\xbb\xbf" + b'[email]\nsender = "me@example.org"\n')
    code, out, err = run(
        capsys, ["--db", f"sqlite:///{tmp_path / 'x.db'}", "--config", str(cfg), "items"]
    )
    assert code == 0 and err == "" and "no notices match" in out
    from app.config import load_config

    assert load_config(cfg, create=False).email.sender == "me@example.org"


def test_config_in_a_missing_directory_is_not_created(tmp_path, capsys):
    cfg = tmp_path / "typo" / "regwatch.toml"
    code, _, err = run(
        capsys, ["--db", f"sqlite:///{tmp_path / 'x.db'}", "--config", str(cfg), "items"]
    )
    assert code == 2
    assert_one_error(err, ("does not exist", "typo"))
    assert not (tmp_path / "typo").exists()


def test_parse_works_while_the_config_is_broken(tmp_path, capsys):
    """Debugging a parser must not depend on the config (or the database)."""
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text("not toml [[[", encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<html></html>", encoding="utf-8")
    url = "https://www.gov.cn/zhengce/content/2025-01/01/content_1.htm"
    code, out, err = run(capsys, ["--config", str(cfg), "parse", "govcn", str(page), "--url", url])
    assert code == 1 and '"error"' in out and "Traceback" not in err  # a parser error, not 2


# ---------------------------------------------------------------------------------------------
# Databases


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("sqlite:///{tmp}/random.db", ("not an SQLite database", "random.db")),
        ("sqlite:///{tmp}/adir", ("is a directory",)),
        ("sqlite:///{tmp}/missing/x.db", ("does not exist", "missing")),
        ("foo://x", ("unknown database URL scheme", "foo")),
        ("postgresql://u:secret@127.0.0.1:1/nodb", ("cannot connect", "127.0.0.1:1")),
        ("postgresql://u:secret@h:notaport/db", ("port", "not a number")),
        ("::::", ("neither a database URL nor a file path",)),
        ("postgres:/u@h/db", ("neither a database URL nor a file path",)),
        ("sqlite:///{tmp}/::::", ("names no file",)),
    ],
    ids=[
        "not-a-database",
        "directory",
        "missing-directory",
        "unknown-scheme",
        "pg-refused",
        "pg-port-not-a-number",
        "colons",
        "mistyped-url",
        "sqlite-url-without-a-file",
    ],
)
def test_unusable_database(env, tmp_path, capsys, url, words):
    before = snapshot(tmp_path)
    code, _, err = run(capsys, ["--db", url.format(**env), "--config", env["cfg"], "items"])
    assert code == 2
    assert_one_error(err, words)
    assert "secret" not in err
    assert snapshot(tmp_path) == before


def test_config_database_that_is_no_path_creates_nothing(env, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = tmp_path / "colons.toml"
    cfg.write_text('database = "::::"\n', encoding="utf-8")
    before = snapshot(tmp_path)
    code, _, err = run(capsys, ["--config", str(cfg), "items"])
    assert code == 2
    assert_one_error(err, ("'::::'", "neither a database URL nor a file path"))
    assert snapshot(tmp_path) == before and not (tmp_path / "::::").exists()


def test_another_applications_sqlite_file_is_refused_untouched(tmp_path, capsys):
    """A --db typo that points at, say, a browser's history must not gain 19 tables and WAL."""
    other = tmp_path / "places.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.org/')")
    conn.close()
    before = snapshot(tmp_path)
    code, _, err = run(capsys, ["--db", str(other), "items"])
    assert code == 2
    assert_one_error(err, ("another application's SQLite database", "moz_places", "nothing"))
    assert snapshot(tmp_path) == before  # same bytes, no -wal/-shm files, no backup
    with sqlite3.connect(other) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def _pg_contents(url: str) -> dict[str, list]:
    """Every table of the public schema with its rows (what "untouched" means on a server)."""
    from sqlalchemy import create_engine, inspect

    from storage.db import normalise_url

    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            names = sorted(inspect(conn).get_table_names())
            return {n: sorted(conn.exec_driver_sql(f'SELECT * FROM "{n}"').all()) for n in names}
    finally:
        engine.dispose()


@pytest.mark.pg
@pytest.mark.parametrize(
    "statements",
    [
        ["CREATE TABLE invoices (id INTEGER PRIMARY KEY, total NUMERIC)",
         "INSERT INTO invoices VALUES (1, 9.5)"],
        ["CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)",
         "INSERT INTO alembic_version VALUES ('1f2e3d4c5b6a')",
         "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total NUMERIC)"],
    ],
    ids=["no-alembic-version", "another-apps-alembic-version"],
)  # fmt: skip
def test_another_applications_postgresql_database_is_refused_untouched(
    tmp_path, capsys, statements
):
    """A --db that names a shared server's other database must not gain regwatch's tables."""
    from sqlalchemy import create_engine

    from storage.db import normalise_url
    from tests.conftest import PG_URL, _reset_pg

    if not PG_URL:
        pytest.skip("no PostgreSQL server (TEST_PG_URL unset)")
    _reset_pg(PG_URL)
    engine = create_engine(normalise_url(PG_URL))
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)
    engine.dispose()
    before = _pg_contents(PG_URL)
    code, _, err = run(capsys, ["--db", PG_URL, "items"])
    assert code == 2
    assert_one_error(err, ("another application", "invoices", "nothing was changed"))
    assert _pg_contents(PG_URL) == before


@pytest.mark.pg
def test_an_empty_postgresql_database_becomes_a_regwatch_database(tmp_path, capsys):
    from tests.conftest import PG_URL, _reset_pg

    if not PG_URL:
        pytest.skip("no PostgreSQL server (TEST_PG_URL unset)")
    _reset_pg(PG_URL)
    code, out, err = run(capsys, ["--db", PG_URL, "items"])
    assert code == 0 and err == "" and "no notices match" in out
    assert {"alembic_version", "notices"} <= set(_pg_contents(PG_URL))


def test_an_empty_sqlite_file_becomes_a_regwatch_database(tmp_path, capsys):
    empty = tmp_path / "new.sqlite3"
    sqlite3.connect(empty).close()
    code, out, err = run(capsys, ["--db", str(empty), "items"])
    assert code == 0 and err == "" and "no notices match" in out


@pytest.mark.parametrize("configured", [True, False], ids=["url-connect-timeout", "default"])
def test_postgresql_that_never_answers_times_out_in_one_sentence(
    tmp_path, capsys, monkeypatch, configured
):
    """A server that accepts TCP but never speaks: the connect timeout, not minutes of silence.

    The timeout is libpq's connect_timeout: from the URL when given, else PG_CONNECT_TIMEOUT
    (10 s; lowered here so the test stays short — libpq's minimum is 2 s).
    """
    import socket

    import storage.db

    monkeypatch.setattr(storage.db, "PG_CONNECT_TIMEOUT", 2)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    query = "?connect_timeout=2" if configured else ""
    try:
        url = f"postgresql://u:secret@127.0.0.1:{port}/db{query}"
        code, _, err = run(capsys, ["--db", url, "items"])
    finally:
        listener.close()
    assert code == 2
    assert_one_error(err, ("cannot connect", f"127.0.0.1:{port}", "timeout"))
    assert "secret" not in err


def test_in_memory_database_works(env, capsys):
    code, out, err = run(capsys, ["--db", "sqlite://", "--config", env["cfg"], "items"])
    assert code == 0 and "no notices match" in out and err == ""
    code, out, _ = run(capsys, ["--db", "sqlite://", "--config", env["cfg"], "topics", "list"])
    assert code == 0 and "matches" in out


def test_database_locked_by_another_writer(env, tmp_path, capsys, monkeypatch):
    import storage.db

    monkeypatch.setattr(storage.db, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(tmp_path / "regwatch.sqlite3", isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        code, _, err = run(capsys, [*expand(G, env), "flag", FLAGGED_URL])
    finally:
        other.rollback()
        other.close()
    assert code == 2
    assert_one_error(err, ("locked", "regwatch.sqlite3", "nothing was changed"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_unwritable_output_and_database_directory(env, tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "keep.md").write_text("keep\n", encoding="utf-8")
    ro.chmod(0o555)
    try:
        out = str(ro / "keep.md")
        code, _, err = run(
            capsys, [*expand(G, env), "export", "--flagged", "--format", "md", "--out", out]
        )
        assert code == 2
        assert_one_error(err, ("cannot write", "permission denied"))
        assert (ro / "keep.md").read_text(encoding="utf-8") == "keep\n"
        code, _, err = run(capsys, ["--db", f"sqlite:///{ro / 'new.db'}", "items"])
        assert code == 2
        assert_one_error(err, ("database",))
    finally:
        ro.chmod(0o755)


def _export(capsys, env, out: str, fmt: str = "md") -> tuple[int, str, str]:
    return run(capsys, [*expand(G, env), "export", "--flagged", "--format", fmt, "--out", out])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_export_to_a_fifo_writes_through_and_keeps_the_fifo(env, tmp_path, capsys):
    import stat
    import threading

    fifo = tmp_path / "digest.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, out, err = _export(capsys, env, str(fifo))
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(fifo.stat().st_mode), "the FIFO was replaced by a regular file"
    assert received and b"#" in received[0]  # the Markdown digest came through the pipe
    assert [p.name for p in tmp_path.glob(".digest.fifo.*")] == []  # no temporary left over


def test_export_to_a_symlink_updates_its_target_and_keeps_the_link(env, tmp_path, capsys):
    target = tmp_path / "shared" / "digest.md"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "latest.md"
    link.symlink_to(target)
    code, _, err = _export(capsys, env, str(link))
    assert code == 0, err
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text(encoding="utf-8").startswith("#")


@pytest.mark.skipif(os.name != "posix", reason="needs Unix sockets")
def test_export_refuses_a_socket_in_one_sentence(env, tmp_path, capsys, monkeypatch):
    import socket

    monkeypatch.chdir(tmp_path)  # AF_UNIX paths are short; a relative one fits
    sock = socket.socket(socket.AF_UNIX)
    sock.bind("out.sock")
    try:
        before = snapshot_names(tmp_path)
        code, _, err = _export(capsys, env, "out.sock")
        assert code == 2
        assert_one_error(err, ("cannot write out.sock", "socket", "not a regular file"))
        assert snapshot_names(tmp_path) == before
    finally:
        sock.close()


def snapshot_names(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


# ---------------------------------------------------------------------------------------------
# Real processes: no display, Ctrl-C


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(extra)
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland only")
@pytest.mark.parametrize(
    ("argv", "display", "words"),
    [
        ((), {}, ("no graphical display",)),
        (("gui",), {}, ("no graphical display",)),
        (("demo",), {}, ("no graphical display",)),
        ((), {"DISPLAY": ":97"}, ("X display :97",)),
        ((), {"WAYLAND_DISPLAY": "wayland-97"}, ("Wayland display wayland-97",)),
    ],
    ids=["default", "gui", "demo", "dead-x11", "dead-wayland"],
)
def test_gui_without_a_display_is_one_sentence_not_a_qt_abort(tmp_path, argv, display, words):
    db = tmp_path / "gui.sqlite3"
    proc = subprocess.run(
        [sys.executable, "-m", "app", "--db", f"sqlite:///{db}", *argv],
        capture_output=True,
        text=True,
        env=_env(tmp_path, **display),
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr
    assert_one_error(proc.stderr, (*words, "headless"))
    assert not db.exists()


def test_ctrl_c_stops_a_fetch_quickly_and_keeps_the_database(env, tmp_path):
    from app.demo.replay import ReplayServer

    cfg = tmp_path / "slow.toml"
    cfg.write_text("[fetch]\nspacing = 1.0\njitter = 0.0\nmax_details = 20\n", encoding="utf-8")
    with ReplayServer() as server:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "app",
                "--db",
                env["db"],
                "--config",
                str(cfg),
                "fetch",
                "--mirror",
                server.url,
            ],  # fmt: skip
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        # Interrupt once the cycle is under way (its handler is installed and it has stored
        # something), however slow the machine is: wait on the server, not on the clock.
        deadline = time.monotonic() + 120
        while len(server.requests) < 3 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert proc.poll() is None, "the cycle ended before Ctrl-C; make it slower"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted" in err and "stored" in err
    db = Database.open(env["db"])
    try:
        with db.read() as s:
            from storage.models import Notice

            assert s.query(Notice).count() > len(SAMPLE)  # what was fetched was kept
    finally:
        db.close()
