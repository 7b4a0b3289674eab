"""Secrets (the SMTP password, translation API keys) in the OS keyring, and only in a safe one.

The one keyring wrapper: Settings, ``regwatch secrets`` and the code that sends mail or calls a
provider all come through here. Entries live under service "regwatch" with the user names
``smtp:USER@HOST`` and ``translation:PROVIDER``.

The ``keyring`` library picks the "best" backend it finds, and that can be one that protects
nothing: keyrings.alt's PlaintextKeyring (base64 in a file in the home directory), or the
fail/null backends of a machine with no keyring service, which lose the secret. regwatch
refuses to store a secret there, says where it would have gone and names the environment
variable that serves the same purpose (daemons and CI use it anyway). Reading is not refused:
a key stored by an older regwatch keeps working until the user moves it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from app.errors import UserError

SERVICE = "regwatch"
SMTP_PASSWORD_ENV = "REGWATCH_SMTP_PASSWORD"

# Backends that store in the clear or not at all: module prefix -> what happens to a secret.
_INSECURE_MODULES = {
    "keyring.backends.fail": "there is no usable keyring service on this machine",
    "keyring.backends.null": "the keyring backend discards every secret",
    "keyrings.alt.file": "the keyring backend keeps secrets unencrypted",
}


class InsecureKeyring(UserError):
    """The keyring backend would not keep a secret safe (or at all); nothing was stored."""


@dataclass(frozen=True)
class SecretName:
    """What a secret is for: ``smtp`` or ``translation:PROVIDER`` (the CLI's NAME)."""

    kind: str  # "smtp" | "translation"
    provider: str = ""

    @classmethod
    def parse(cls, text: str, providers: list[str]) -> SecretName:
        """The name as typed on the command line; UserError naming the accepted forms."""
        kind, _, provider = text.strip().partition(":")
        if kind == "smtp" and not provider:
            return cls("smtp")
        if kind == "translation" and provider in providers:
            return cls("translation", provider)
        raise UserError(
            f"'{text}' is not a secret name: use smtp or translation:PROVIDER "
            f"(PROVIDER one of {', '.join(providers)})"
        )

    def __str__(self) -> str:
        return "smtp" if self.kind == "smtp" else f"translation:{self.provider}"

    @property
    def env_var(self) -> str:
        """The environment variable read before the keyring (for daemons, CI, unsafe keyrings)."""
        if self.kind == "smtp":
            return SMTP_PASSWORD_ENV
        return translation_key_env(self.provider)

    @property
    def what(self) -> str:
        return "the SMTP password" if self.kind == "smtp" else f"the {self.provider} API key"


def translation_key_env(provider: str) -> str:
    """REGWATCH_DEEPL_KEY for deepl: the environment variable that holds a provider's key."""
    return f"REGWATCH_{re.sub(r'[^A-Z0-9]', '_', provider.upper())}_KEY"


def smtp_user(username: str, host: str) -> str:
    """The keyring user name of an SMTP password."""
    return f"smtp:{username}@{host}"


def translation_user(provider: str) -> str:
    """The keyring user name of a provider's API key."""
    return f"translation:{provider}"


# ---------------------------------------------------------------------------------------------
# The backend


def _backend() -> Any:
    import keyring

    return keyring.get_keyring()


def _effective(backend: Any) -> Any:
    """The backend a write goes to: a chainer writes to its first (highest-priority) member."""
    members = getattr(backend, "backends", None)
    if members is not None and type(backend).__module__ == "keyring.backends.chainer":
        return members[0] if members else None
    return backend


def backend_label(backend: Any | None = None) -> str:
    """The backend in words, e.g. "SecretService Keyring (keyring.backends.SecretService)"."""
    backend = _effective(backend if backend is not None else _backend())
    if backend is None:
        return "no keyring backend"
    cls = type(backend)
    name = getattr(cls, "name", "") or cls.__qualname__
    return f"{name} ({cls.__module__}.{cls.__qualname__})"


def insecure_reason(backend: Any | None = None) -> str | None:
    """Why ``backend`` must not get a secret (with where it would go), or None when it may."""
    effective = _effective(backend if backend is not None else _backend())
    if effective is None:
        return _INSECURE_MODULES["keyring.backends.fail"]
    module = type(effective).__module__
    for prefix, reason in _INSECURE_MODULES.items():
        if module == prefix or module.startswith(prefix + "."):
            if "Plaintext" not in type(effective).__qualname__ and prefix == "keyrings.alt.file":
                return None  # EncryptedKeyring: encrypted with the user's own password
            path = getattr(effective, "file_path", None)
            return f"{reason} ({path})" if path else reason
    if "plaintext" in type(effective).__qualname__.lower():
        return f"the keyring backend {backend_label(effective)} keeps secrets unencrypted"
    return None


# ---------------------------------------------------------------------------------------------
# Reading and writing


def load(user: str, env_var: str = "") -> str | None:
    """The secret from ``env_var`` when set, else from the keyring; None when neither has it."""
    if env_var and os.environ.get(env_var):
        return os.environ[env_var]
    try:
        return _backend().get_password(SERVICE, user)
    except Exception:  # no backend, locked, D-Bus gone: the same as "not stored"
        return None


def store(user: str, secret: str, *, what: str, env_var: str) -> str:
    """Keep ``secret`` in the keyring and return the backend's label; refuse an unsafe one."""
    backend = _backend()
    check_backend(what, env_var, backend)
    try:
        backend.set_password(SERVICE, user, secret)
    except Exception as exc:
        raise InsecureKeyring(
            f"{what} was not stored: the keyring refused it ({exc or type(exc).__name__}); "
            f"set the environment variable {env_var} instead"
        ) from None
    return backend_label(backend)


def delete(user: str) -> bool:
    """Remove the entry; True when there was one."""
    backend = _backend()
    try:
        if backend.get_password(SERVICE, user) is None:
            return False
        backend.delete_password(SERVICE, user)
    except Exception:
        return False
    return True


def check_backend(what: str, env_var: str, backend: Any | None = None) -> None:
    """InsecureKeyring when ``what`` could not be stored safely (checked before asking for it)."""
    reason = insecure_reason(backend)
    if reason:
        raise InsecureKeyring(
            f"{what} was not stored: {reason}; set the environment variable {env_var} instead"
        )
