"""The Database handle: engine with the right pragmas, migrations with backup, sessions.

SQLite (the default) gets WAL, foreign keys and a busy timeout on every connection, and writes
start with BEGIN IMMEDIATE so a reader never has to upgrade to a writer mid-transaction (the
classic cause of "database is locked"). Any other SQLAlchemy URL works; PostgreSQL is the
tested one for team mode.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000


class DatabaseError(Exception):
    """The database cannot be used; the message says why in one sentence."""


def normalise_url(url: str) -> str:
    """Accept the URLs users write: bare paths, postgres://, postgresql:// without a driver."""
    url = url.strip()
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgres", "postgresql"):
        return f"postgresql+psycopg://{rest}"
    return url


def _alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


class Database:
    """One database: ``read()`` and ``write()`` sessions, migrated on open."""

    def __init__(self, url: str, engine: Engine, write_engine: Engine):
        self.url = url
        self.engine = engine
        self.write_engine = write_engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(write_engine, expire_on_commit=False)

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, backup: bool = True) -> Database:
        """Connect, check the schema version and migrate to head (backing SQLite up first)."""
        url = normalise_url(url)
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise DatabaseError(
                f"'{url}' is not a database URL (e.g. sqlite:///path or postgresql://user@host/db)"
            ) from None
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(parsed.database)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"cannot create the data directory {path.parent}: {exc.strerror}"
                ) from None
        try:
            engine = cls._create_engine(url, immediate=False)
            write_engine = (
                cls._create_engine(url, immediate=True)
                if parsed.get_backend_name() == "sqlite"
                else engine
            )
        except NoSuchModuleError:
            raise DatabaseError(
                f"unknown database URL scheme '{parsed.drivername}' (use sqlite:///PATH or postgresql://USER@HOST/DB)"
            ) from None
        except ModuleNotFoundError as exc:
            raise DatabaseError(
                f"the database driver for '{parsed.drivername}' is not installed ({exc.name})"
            ) from None
        db = cls(url, engine, write_engine)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except OperationalError as exc:
            db.close()
            where = parsed.render_as_string(hide_password=True)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseError(f"cannot connect to the database {where}: {reason}") from None
        if migrate:
            try:
                db.migrate(backup=backup)
            except DatabaseError:
                db.close()
                raise
        return db

    @staticmethod
    def _create_engine(url: str, *, immediate: bool) -> Engine:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True, future=True)
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            if parsed.database not in (None, "", ":memory:"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    # -- schema --------------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def migrate(self, *, backup: bool = True) -> None:
        """Bring the schema to head. Refuse (without writing) a database newer than this code."""
        from alembic import command

        script = ScriptDirectory.from_config(_alembic_config())
        head = script.get_current_head()
        current = self.current_revision()
        if current == head:
            return
        known = {rev.revision for rev in script.walk_revisions()}
        if current is not None and current not in known:
            raise DatabaseError(
                f"the database {self.display_url} was written by a newer version of regwatch "
                f"(schema {current}); upgrade regwatch to open it — nothing was changed"
            )
        if current is None:
            with self.engine.connect() as conn:
                tables = set(inspect(conn).get_table_names()) - {"alembic_version"}
            if tables & {"notices", "sources"}:
                raise DatabaseError(
                    f"the database {self.display_url} has regwatch tables but no schema version; "
                    "it was not created by regwatch's migrations — nothing was changed"
                )
        elif backup:
            self.backup()
        cfg = _alembic_config()
        try:
            with self.write_engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except SQLAlchemyError as exc:
            raise DatabaseError(f"migrating the database {self.display_url} failed: {exc}") from exc

    def backup(self) -> Path | None:
        """Copy an SQLite database file to a timestamped backup beside it; None for other DBs."""
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return None
        src = Path(parsed.database)
        if not src.exists():
            return None
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        dest = src.with_name(f"{src.stem}.backup-{stamp}{src.suffix or '.sqlite3'}")
        n = 1
        while dest.exists():
            dest = src.with_name(f"{src.stem}.backup-{stamp}-{n}{src.suffix or '.sqlite3'}")
            n += 1
        with sqlite3.connect(src) as s, sqlite3.connect(dest) as d:
            s.backup(d)
        log.info("backed up %s to %s before migrating", src, dest)
        return dest

    # -- sessions ------------------------------------------------------------------------------

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading (and small writes); commits on success, rolls back on error."""
        with self._read() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session that takes the write lock up front (BEGIN IMMEDIATE on SQLite)."""
        with self._write() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def close(self) -> None:
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()
