"""Storage: migrations, backups, version guard, concurrency, search — on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from storage.db import Database, DatabaseError, head_revision
from storage.models import Notice, UserState
from storage.search import search
from tests.seed import seed


def test_migrations_bring_an_empty_database_to_head(db):
    assert db.current_revision() == head_revision()
    with db.read() as s:
        assert s.scalar(select(func.count(Notice.id))) == 0


def test_reopening_a_current_database_is_a_no_op(db_url):
    Database.open(db_url).close()
    again = Database.open(db_url)
    assert again.current_revision() == head_revision()
    again.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_database_newer_than_the_code_is_refused_without_writes(tmp_path):
    path = tmp_path / "rw.sqlite3"
    db = Database.open(f"sqlite:///{path}")
    with db.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = 'ffffffffffff'"))
    db.close()
    for p in tmp_path.glob("rw.sqlite3-*"):  # fold the WAL into the main file first
        p.unlink(missing_ok=True) if p.stat().st_size == 0 else None
    before = _sha(path)
    with pytest.raises(DatabaseError, match="newer version of regwatch"):
        Database.open(f"sqlite:///{path}")
    assert _sha(path) == before
    assert not list(tmp_path.glob("*.backup-*"))


def test_existing_sqlite_file_is_backed_up_before_a_migration(tmp_path):
    path = tmp_path / "rw.sqlite3"
    db = Database.open(f"sqlite:///{path}")
    seed(db)
    # Pretend the file was written by an older regwatch: step the schema back one revision.
    from alembic import command
    from alembic.script import ScriptDirectory

    from storage.db import _alembic_config

    cfg = _alembic_config()
    revs = list(ScriptDirectory.from_config(cfg).walk_revisions())
    if len(revs) < 2:
        # Only the initial schema exists: an older file is then one with no schema at all
        # but data we must not lose — the guard refuses it instead of migrating.
        with db.write() as s:
            s.execute(text("DELETE FROM alembic_version"))
        db.close()
        with pytest.raises(DatabaseError, match="no schema version"):
            Database.open(f"sqlite:///{path}")
        return
    with db.write_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revs[1].revision)
    db.close()
    reopened = Database.open(f"sqlite:///{path}")
    backups = list(tmp_path.glob("rw.backup-*.sqlite3"))
    assert len(backups) == 1
    assert reopened.current_revision() == head_revision()
    with reopened.read() as s:
        assert s.scalar(select(func.count(Notice.id))) == 3
    reopened.close()


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_concurrent_writers_and_reader_never_hit_database_is_locked(tmp_path):
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    dbs = [Database.open(url) for _ in range(3)]  # as if three processes shared the file
    errors: list[BaseException] = []
    stop = time.monotonic() + 2.0

    def writer(db: Database, tag: str) -> None:
        i = 0
        try:
            while time.monotonic() < stop:
                with db.write() as s:
                    n = s.scalar(select(func.count(Notice.id)))
                    s.add(
                        Notice(
                            source=tag, url=f"https://x/{tag}/{i}", title=f"标题{n}", body="正文"
                        )
                    )
                i += 1
        except BaseException as exc:
            errors.append(exc)

    def reader(db: Database) -> None:
        try:
            while time.monotonic() < stop:
                with db.read() as s:
                    s.scalar(select(func.count(Notice.id)))
                    search(s, "标题")
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=writer, args=(dbs[0], "a")),
        threading.Thread(target=writer, args=(dbs[1], "b")),
        threading.Thread(target=reader, args=(dbs[2],)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with dbs[2].read() as s:
        assert s.scalar(select(func.count(Notice.id))) > 10
    for d in dbs:
        d.close()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("生成式人工智能", {"cac", "tc260"}),  # Chinese, >= 3 characters (trigram index)
        ("节假日", {"govcn"}),
        ("智能", {"cac", "tc260"}),  # 2 characters: LIKE fallback
        ("规", {"tc260"}),  # 1 character
        ("generative", {"cac"}),  # English title
        ("GENERATIVE", {"cac"}),  # case-insensitive
        ("人工智能 规范", {"tc260"}),  # every term must match
        ("不存在的词", set()),
        ("", {"cac", "govcn", "tc260"}),
    ],
)
def test_search_finds_chinese_and_english_of_any_length(db, query, expected):
    seed(db)
    with db.read() as s:
        found = {n.source for n in search(s, query)}
    assert found == expected


def test_search_index_follows_updates(db):
    ids = seed(db)
    with db.write() as s:
        n = s.get(Notice, ids["https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm"])
        n.title_en = "Notice of the General Office of the State Council on Holiday Arrangements"
    with db.read() as s:
        assert [x.source for x in search(s, "holiday arrangements")] == ["govcn"]


def test_deleting_a_notice_cascades_to_its_user_state(db):
    ids = seed(db)
    url = next(iter(ids))
    with db.write() as s:
        s.delete(s.get(Notice, ids[url]))
    with db.read() as s:
        assert s.get(UserState, ids[url]) is None


def test_migrations_and_models_describe_the_same_schema(db):
    """A model change without a migration (or the reverse) fails here, on both databases."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from storage.models import Base

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = [
            d
            for d in compare_metadata(ctx, Base.metadata)
            # the dialect-specific search index lives outside the models (storage.search)
            if not ("notices_fts" in str(d) or "ix_notices_trgm_" in str(d))
        ]
    assert diffs == []


def test_head_read_without_alembic_is_alembics_head():
    """Database.open decides "up to date" from the version files; Alembic must agree."""
    from storage.db import head_revision, known_revisions

    revisions, head = known_revisions()
    assert head == head_revision()
    from alembic.script import ScriptDirectory

    from storage.db import _alembic_config

    assert revisions == {
        r.revision for r in ScriptDirectory.from_config(_alembic_config()).walk_revisions()
    }
