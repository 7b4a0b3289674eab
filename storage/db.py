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
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000


class DatabaseError(Exception):
    """The database cannot be used; the message says why in one sentence."""


# What SQLite and PostgreSQL say when the problem is the user's file, disk, lock or server
# rather than regwatch's code: (substring of the driver's message, sentence for the user).
# ``{db}`` becomes " <display URL>" when the database is known, else "".
_KNOWN_ERRORS: tuple[tuple[str, str], ...] = (
    (
        "file is not a database",
        "the file{db} is not an SQLite database (another kind of file, or damaged); "
        "nothing was changed",
    ),
    ("file is encrypted", "the file{db} is not an SQLite database; nothing was changed"),
    (
        "database disk image is malformed",
        "the database{db} is damaged; restore it from one of the regwatch.backup-*.sqlite3 "
        "copies beside it",
    ),
    (
        "database is locked",
        f"the database{{db}} stayed locked by another program (another regwatch, a sync or "
        f"backup tool) for {BUSY_TIMEOUT_MS // 1000} seconds; nothing was changed, try again "
        "when it has finished",
    ),
    (
        "database table is locked",
        "the database{db} is locked by another program; nothing was changed, try again later",
    ),
    (
        "readonly database",
        "the database{db} is read-only: regwatch needs write access to the file and its directory",
    ),
    (
        "unable to open database file",
        "cannot open the database file{db}: check that the path is a file in an existing, "
        "writable directory",
    ),
    ("database or disk is full", "the disk holding the database{db} is full"),
    ("disk i/o error", "a disk error occurred while using the database{db}"),
    (
        "server closed the connection",
        "lost the connection to the database server{db}; nothing more was changed, try again",
    ),
    (
        "terminating connection",
        "the database server{db} closed the connection; nothing more was changed, try again",
    ),
    ("permission denied", "the database user may not do this in the database{db}: {reason}"),
)


def describe_error(exc: DBAPIError, display_url: str | None = None) -> str | None:
    """One sentence for a driver error the user can act on, or None when it looks like a bug.

    Used by Database.open (with the URL) and by the CLI's central error translation, so a
    locked or foreign file gives a sentence in every command instead of a traceback.
    """
    reason = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
    lowered = reason.lower()
    db = f" {display_url}" if display_url else ""
    for needle, sentence in _KNOWN_ERRORS:
        if needle in lowered:
            return sentence.format(db=db, reason=reason)
    if exc.connection_invalidated:
        return f"lost the connection to the database{db}: {reason}"
    return None


def _is_memory(database: str | None) -> bool:
    return database in (None, "", ":memory:")


def display_name(url: str) -> str:
    """How to name a database in a message: an SQLite file by its path, others by URL.

    The password is never shown.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not _is_memory(parsed.database):
        return str(parsed.database)
    return parsed.render_as_string(hide_password=True)


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
        sqlite = parsed.get_backend_name() == "sqlite"
        if sqlite and not _is_memory(parsed.database):
            path = Path(parsed.database)
            if path.is_dir():
                raise DatabaseError(f"the database path {path} is a directory, not a file")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise DatabaseError(
                    f"cannot create the data directory {path.parent}: {exc.strerror}"
                ) from None
        try:
            engine = cls._create_engine(url, immediate=False)
            # An in-memory SQLite database lives in one connection: reads and writes must
            # share it, or the writer migrates a database the reader never sees.
            write_engine = (
                cls._create_engine(url, immediate=True)
                if sqlite and not _is_memory(parsed.database)
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
        where = display_name(url)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
                if sqlite:
                    # SELECT 1 never reads the file; this does, so a file that is not a
                    # database is reported here, before anything tries to migrate it.
                    conn.exec_driver_sql("PRAGMA schema_version")
        except DBAPIError as exc:
            db.close()
            known = describe_error(exc, where)
            if known:
                raise DatabaseError(known) from None
            if not isinstance(exc, OperationalError):
                raise
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseError(f"cannot connect to the database {where}: {reason}") from None
        if migrate:
            try:
                db.migrate(backup=backup)
            except DatabaseError:
                db.close()
                raise
            except DBAPIError as exc:
                db.close()
                known = describe_error(exc, where)
                if known is None:
                    raise
                raise DatabaseError(known) from None
        return db

    @staticmethod
    def _create_engine(url: str, *, immediate: bool) -> Engine:
        parsed = make_url(url)
        if parsed.get_backend_name() != "sqlite":
            return create_engine(url, pool_pre_ping=True, future=True)
        extra = {"poolclass": StaticPool} if _is_memory(parsed.database) else {}
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **extra,
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
            known = (
                describe_error(exc, display_name(self.url)) if isinstance(exc, DBAPIError) else None
            )
            if known:
                raise DatabaseError(known) from None
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
