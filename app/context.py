"""What a command needs, opened lazily: the config, then the database."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import Config, data_dir, load_config

if TYPE_CHECKING:
    from storage.db import Database


class Context:
    def __init__(
        self, db_url: str | None = None, config_path: str | None = None, user: str | None = None
    ):
        self._db_url = db_url
        self._config_path = config_path
        self._user = user

    @cached_property
    def user(self) -> str:
        """Who acts (team mode): --user / REGWATCH_USER, else ``general.user``, else the login."""
        from app.errors import UserError
        from storage.users import login_name, user_problem

        name = (self._user or "").strip() or self.config.general.user.strip() or login_name()
        problem = user_problem(name)
        if problem:
            raise UserError(problem)
        return name

    @cached_property
    def config(self) -> Config:
        """--config / REGWATCH_CONFIG, else the default file (written with defaults if missing).

        A missing file at a path the user typed gets the defaults too, but only in an
        existing directory: a missing directory is almost always a typo, and creating it
        would hide the mistake behind a config that silently is not the one they edit.
        """
        from app.errors import UserError

        if self._config_path:
            p = Path(self._config_path)
            if not p.exists() and not p.parent.is_dir():
                raise UserError(
                    f"config file {p} does not exist, nor does its directory {p.parent} "
                    "(check the path)"
                )
        return load_config(self._config_path)

    @property
    def db_url(self) -> str:
        """--db / REGWATCH_DB, else the config's ``database``, else SQLite in the data dir."""
        if self._db_url:
            return self._db_url
        if self.config.database:
            return self.config.database
        return f"sqlite:///{data_dir() / 'regwatch.sqlite3'}"

    @property
    def opened_db_url(self) -> str | None:
        """The open database's path or URL (no password) for error messages; None if not open."""
        from storage.db import display_name

        db = self.__dict__.get("db")
        return display_name(db.url) if db is not None else None

    @cached_property
    def db(self) -> Database:
        """The database, migrated to the current schema (UserError if it cannot be opened)."""
        from app.errors import UserError
        from storage.db import Database, DatabaseError

        url = self.db_url
        self._check_explicit_sqlite_path(url)
        try:
            return Database.open(url, user=self.user)
        except DatabaseError as exc:
            raise UserError(str(exc)) from None

    def _check_explicit_sqlite_path(self, url: str) -> None:
        """Refuse a --db / config path whose directory does not exist.

        Database.open creates missing directories, which is right for the default data
        directory on a first run; for a path the user typed, a missing directory is almost
        always a typo, and creating it would scatter empty databases around the disk.
        """
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        from app.errors import UserError
        from storage.db import normalise_url, url_problem

        if not (self._db_url or self.config.database):
            return
        problem = url_problem(url)
        if problem:
            raise UserError(problem)
        try:
            parsed = make_url(normalise_url(url))
        except ArgumentError:
            return  # Database.open names the bad URL
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return
        parent = Path(parsed.database).parent
        if not parent.is_dir():
            raise UserError(
                f"the directory {parent} for the database file does not exist "
                "(create it first, or check the path)"
            )

    def close(self) -> None:
        if "db" in self.__dict__:
            self.__dict__["db"].close()
