"""API keys: ``REGWATCH_<PROVIDER>_KEY`` when set, else the OS keyring (see app.secrets)."""

from __future__ import annotations

from app import secrets


def username(provider: str) -> str:
    return secrets.translation_user(provider)


def get_key(provider: str) -> str | None:
    return secrets.load(username(provider), secrets.translation_key_env(provider))


def set_key(provider: str, secret: str) -> None:
    """Store the key; InsecureKeyring (a UserError) when the keyring would not keep it safe."""
    secrets.store(
        username(provider),
        secret,
        what=f"the {provider} API key",
        env_var=secrets.translation_key_env(provider),
    )


def delete_key(provider: str) -> None:
    secrets.delete(username(provider))
