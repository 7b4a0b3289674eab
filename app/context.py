"""What a command needs, opened lazily: the config, then the database."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from app.config import Config, data_dir, load_config

if TYPE_CHECKING:
    from storage.db import Database


class Context:
    def __init__(self, db_url: str | None = None, config_path: str | None = None):
        self._db_url = db_url
        self._config_path = config_path

    @cached_property
    def config(self) -> Config:
        return load_config(self._config_path)

    @property
    def db_url(self) -> str:
        """--db / REGWATCH_DB, else the config's ``database``, else SQLite in the data dir."""
        if self._db_url:
            return self._db_url
        if self.config.database:
            return self.config.database
        return f"sqlite:///{data_dir() / 'regwatch.sqlite3'}"

    @cached_property
    def db(self) -> Database:
        """The database, migrated to the current schema (UserError if it cannot be opened)."""
        from app.errors import UserError
        from storage.db import Database, DatabaseError

        try:
            return Database.open(self.db_url)
        except DatabaseError as exc:
            raise UserError(str(exc)) from None

    def close(self) -> None:
        if "db" in self.__dict__:
            self.__dict__["db"].close()
