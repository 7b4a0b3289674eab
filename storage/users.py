"""Team members' names: the default user and what a valid name is.

A module of its own, free of the ORM, so that opening a database for a light command
(``regwatch sources``) does not import the models behind ``storage.team``."""

from __future__ import annotations

import getpass
import os

USER_MAX = 100  # users.name length


def login_name() -> str:
    """The OS login name (the default user), or "user" where the OS cannot say."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError, ImportError):  # no passwd entry (containers), no env
        name = ""
    return (name or os.environ.get("USERNAME", "") or "user").strip()[:USER_MAX] or "user"


def user_problem(name: str) -> str | None:
    """Why ``name`` cannot be a user name (one sentence), or None."""
    if not name.strip():
        return "the user name is empty (give --user NAME, REGWATCH_USER or general.user)"
    if len(name) > USER_MAX:
        return f"the user name is longer than {USER_MAX} characters"
    if "@" in name or any(c.isspace() for c in name.strip()):
        return f"the user name '{name}' may not contain spaces or '@' (try '{name.split()[0]}')"
    return None
