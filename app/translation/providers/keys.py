"""API keys live in the OS keyring (service "regwatch", user "translation:<provider>")."""

from __future__ import annotations

import keyring
from keyring.errors import KeyringError

SERVICE = "regwatch"


def username(provider: str) -> str:
    return f"translation:{provider}"


def get_key(provider: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, username(provider))
    except KeyringError:
        return None


def set_key(provider: str, secret: str) -> None:
    keyring.set_password(SERVICE, username(provider), secret)


def delete_key(provider: str) -> None:
    try:
        keyring.delete_password(SERVICE, username(provider))
    except KeyringError:
        pass
