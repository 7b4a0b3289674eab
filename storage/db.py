"""The Database handle: engine with the right pragmas, migrations with backup, sessions.

SQLite (the default) gets WAL, foreign keys and a busy timeout on every connection, and writes
start with BEGIN IMMEDIATE so a reader never has to upgrade to a writer mid-transaction (the
classic cause of "database is locked"). Any other SQLAlchemy URL works; PostgreSQL is the
tested one for team mode.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
BUSY_TIMEOUT_MS = 30_000
# Seconds to wait for a PostgreSQL server to answer a new connection (libpq's connect_timeout);
# without it a server that accepts TCP but never answers holds a command for minutes. A
# ``connect_timeout=N`` in the URL's query overrides it.
PG_CONNECT_TIMEOUT = 10


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


# A bare value is a file path unless it looks like a mistyped URL ("postgres:/host/db",
# "::::"): a colon anywhere but after a Windows drive letter.
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot name a database (one sentence), or None when it can be tried.

    Without this check a typo became an SQLite file with a strange name in the current
    directory ("::::", "postgresql:/alice@host/db"), silently empty.
    """
    url = url.strip()
    example = "(e.g. sqlite:///PATH, a file path, or postgresql://USER@HOST/DB)"
    if "://" not in url:
        if not url or (":" in url and not _DRIVE.match(url)):
            return f"'{url}' is neither a database URL nor a file path {example}"
        name = url
    else:
        try:
            parsed = make_url(normalise_url(url))
        except ArgumentError:
            return f"'{url}' is not a database URL {example}"
        except ValueError:  # SQLAlchemy's int() of a port that is not a number
            shown = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)  # no password in messages
            return f"the port in the database URL '{shown}' is not a number {example}"
        if parsed.get_backend_name() != "sqlite" or _is_memory(parsed.database):
            return None
        name = str(parsed.database)
    stem = Path(name).name
    if not stem.strip(" .:"):
        return f"the database URL '{url}' names no file {example}"
    return None


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
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]?([\w]+)['\"]?", re.M)


def known_revisions() -> tuple[set[str], str | None]:
    """Our migration ids and the head, read from the version files without importing Alembic.

    Opening an up-to-date database is the common case; Alembic's import costs more than
    everything else a quick command does, so it is loaded only to migrate. A test checks
    this reading against Alembic's own ScriptDirectory.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
            if found.get("down_revision", "None") != "None":
                parents.add(found["down_revision"])
    heads = revisions - parents
    return revisions, (heads.pop() if len(heads) == 1 else None)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the migrations ship with the package
        raise RuntimeError("the database migrations have no single head revision")
    return head


def _sqlite_tables(path: Path) -> list[str] | None:
    """The table names of an existing SQLite file, read without writing; None if unreadable.

    Read through a read-only connection of the sqlite3 module, not the engine: the engine
    switches every file it opens to WAL, which is a change to another application's file.
    """
    if not path.is_file() or path.stat().st_size == 0:
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    except sqlite3.Error:
        return None  # not a database, locked, damaged: Database.open names it
    finally:
        conn.close()
    return sorted(r[0] for r in rows if not r[0].startswith("sqlite_"))


def foreign_sqlite_problem(path: Path) -> str | None:
    """One sentence when ``path`` is a non-empty SQLite database of another application.

    regwatch's own files have an ``alembic_version`` table and a ``notices`` table; a file
    with other tables belongs to someone else, and migrating it would add regwatch's tables
    to it. (Regwatch tables without a version are refused later, with their own sentence.)
    """
    tables = _sqlite_tables(path)
    if not tables or ({"alembic_version", "notices"} <= set(tables)):
        return None
    if {"notices", "sources"} & set(tables):
        return None
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    return (
        f"the file {path} is another application's SQLite database (tables: {shown}), "
        "not a regwatch database; nothing was changed — give regwatch a new file name"
    )


class Database:
    """One database: ``read()`` and ``write()`` sessions, migrated on open."""

    def __init__(self, url: str, engine: Engine, write_engine: Engine, user: str | None = None):
        from storage.users import login_name

        self.url = url
        self.engine = engine
        self.write_engine = write_engine
        # Who acts through this handle (team mode): every session carries it (storage/team.py).
        self.user = user or login_name()
        self._makers: dict[bool, sessionmaker[Session]] = {}

    def _sessions(self, write: bool) -> sessionmaker[Session]:
        """The ORM session factory, made on first use: a command that reads with Core alone
        (``regwatch sources``) never imports the ORM, a large share of its start-up cost."""
        if write not in self._makers:
            from sqlalchemy.orm import sessionmaker

            engine = self.write_engine if write else self.engine
            self._makers[write] = sessionmaker(
                engine, expire_on_commit=False, info={"user": self.user}
            )
        return self._makers[write]

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(
        cls, url: str, *, migrate: bool = True, backup: bool = True, user: str | None = None
    ) -> Database:
        """Connect, check the schema version and migrate to head (backing SQLite up first).

        ``user`` is who acts through this handle; a single-user database migrated to team
        mode becomes that user's state.
        """
        problem = url_problem(url)
        if problem:
            raise DatabaseError(problem)
        url = normalise_url(url)
        parsed = make_url(url)
        sqlite = parsed.get_backend_name() == "sqlite"
        if sqlite and not _is_memory(parsed.database):
            path = Path(str(parsed.database))
            if path.is_dir():
                raise DatabaseError(f"the database path {path} is a directory, not a file")
            foreign = foreign_sqlite_problem(path) if migrate else None
            if foreign:
                raise DatabaseError(foreign)
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
        db = cls(url, engine, write_engine, user)
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
            connect_args = {}
            if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
                connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT
            return create_engine(url, pool_pre_ping=True, future=True, connect_args=connect_args)
        extra = {"poolclass": StaticPool} if _is_memory(parsed.database) else {}
        engine = create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **extra,
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            if parsed.database not in (None, "", ":memory:"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    # -- schema --------------------------------------------------------------------------------

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def _stored_revision(self) -> str | None:
        """The alembic_version row, read with plain SQL (no Alembic import); None if absent."""
        with self.engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        return rows[0][0] if len(rows) == 1 else None

    def _foreign_problem(self, stored: str | None, revisions: set[str]) -> str | None:
        """One sentence when the database holds another application's tables, else None.

        The server-side twin of foreign_sqlite_problem (which must run before the engine
        touches a file): a PostgreSQL database with tables but no schema version of ours —
        none, or another Alembic user's — belongs to someone else, and migrating it would add
        regwatch's tables beside theirs. Read-only: table names from the catalogue.
        """
        if stored is not None and stored in revisions:
            return None
        with self.engine.connect() as conn:
            tables = sorted(set(inspect(conn).get_table_names()) - {"alembic_version"})
        if not tables or {"notices", "sources"} & set(tables):
            return None  # empty (ours to fill), or regwatch's own: refused below with its reason
        shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
        return (
            f"the database {self.display_url} belongs to another application (tables: {shown}), "
            "not regwatch; nothing was changed — give regwatch an empty database"
        )

    def migrate(self, *, backup: bool = True) -> None:
        """Bring the schema to head. Refuse (without writing) a database newer than this code."""
        revisions, head = known_revisions()
        stored = self._stored_revision()
        if head is not None and stored == head:
            return  # up to date: the usual case, decided without importing Alembic
        foreign = self._foreign_problem(stored, revisions)
        if foreign:
            raise DatabaseError(foreign)
        from alembic import command
        from alembic.script import ScriptDirectory

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
                cfg.attributes["user"] = self.user
                command.upgrade(cfg, "head")
        except SQLAlchemyError as exc:
            described = (
                describe_error(exc, display_name(self.url)) if isinstance(exc, DBAPIError) else None
            )
            if described:
                raise DatabaseError(described) from None
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
        # closing(): a sqlite3 connection's own "with" commits but leaves the file open.
        with closing(sqlite3.connect(src)) as s, closing(sqlite3.connect(dest)) as d:
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
        with self._sessions(False)() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @contextmanager
    def read_conn(self) -> Iterator[Connection]:
        """A Core connection in a transaction: for code that must not load the ORM (the
        bookkeeping of a fetch, ``storage.core_tables``). Commits on success."""
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def write_conn(self) -> Iterator[Connection]:
        """``read_conn`` that takes the write lock up front, like ``write()``."""
        with self.write_engine.begin() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session that takes the write lock up front (BEGIN IMMEDIATE on SQLite)."""
        with self._sessions(True)() as session:
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
