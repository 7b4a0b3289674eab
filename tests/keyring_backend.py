"""A throw-away keyring for the test run only (conftest selects it with PYTHON_KEYRING_BACKEND).

It keeps secrets in this process's memory, so tests never write to the developer's real
keyring and never need keyrings.alt's plaintext file backend — which must stay out of the
environment regwatch runs in (see app/secrets.py).
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class ThrowawayKeyring(KeyringBackend):
    """Secrets in a dict for the length of the test session."""

    priority = 1  # only ever selected explicitly
    name = "test-only in-memory keyring"

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(f"no password for {username}")
