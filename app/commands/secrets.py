"""``regwatch secrets set|list|delete``: the Settings dialog's password and key fields, headless.

NAME is ``smtp`` (the password of the ``[email]`` account, stored per user and host) or
``translation:PROVIDER``. ``set`` reads the secret from standard input when it is not a
terminal (``pass show smtp | regwatch secrets set smtp``), else prompts without echo, so a
secret never appears in the shell history or the process list. ``list`` shows names,
where each comes from and the keyring backend — never a value. A keyring that would not keep
a secret safe is refused (exit 2) before the secret is asked for.
"""

from __future__ import annotations

import argparse
import sys


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "secrets",
        help="store, list or delete the SMTP password and translation API keys (OS keyring)",
        description="Manage the secrets Settings keeps in the OS keyring. NAME is smtp or "
        "translation:PROVIDER. A plaintext or missing keyring is refused; use the environment "
        "variable the error names instead.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    s = actions.add_parser("set", help="store a secret read from stdin or a no-echo prompt")
    s.add_argument("name", metavar="NAME", help="smtp or translation:PROVIDER")
    s.set_defaults(func=run_set)
    ls = actions.add_parser("list", help="names, their source and the keyring backend (no values)")
    ls.set_defaults(func=run_list)
    d = actions.add_parser("delete", help="remove a secret from the keyring")
    d.add_argument("name", metavar="NAME", help="smtp or translation:PROVIDER")
    d.set_defaults(func=run_delete)


def _providers() -> list[str]:
    from app.config import _CHOICES

    return sorted(_CHOICES["translation.provider"] - {"offline"})


def _entry(name_text: str, ctx) -> tuple[object, str, str]:
    """(SecretName, keyring user, description) for NAME; UserError when it cannot be used."""
    from app.errors import UserError
    from app.secrets import SecretName, smtp_user, translation_user

    name = SecretName.parse(name_text, _providers())
    if name.kind == "translation":
        return name, translation_user(name.provider), name.what
    email = ctx.config.email
    if not (email.username and email.host):
        raise UserError(
            "the SMTP password belongs to an account: set email.host and email.username in "
            "the config (or in Settings) first"
        )
    return (
        name,
        smtp_user(email.username, email.host),
        (f"the SMTP password of {email.username} on {email.host}"),
    )


def _read_secret(what: str) -> str:
    from app.errors import UserError

    if sys.stdin is None:
        raise UserError(f"no secret given: pipe {what} to standard input")
    if sys.stdin.isatty():
        import getpass

        secret = getpass.getpass(f"{what[0].upper()}{what[1:]} (not shown): ")
    else:
        secret = sys.stdin.read()
        secret = secret[:-1] if secret.endswith("\n") else secret
        secret = secret[:-1] if secret.endswith("\r") else secret
    if not secret:
        raise UserError(f"no secret given: {what} was empty, nothing was stored")
    return secret


def run_set(args: argparse.Namespace, ctx) -> int:
    from app import secrets

    name, user, what = _entry(args.name, ctx)
    secrets.check_backend(what, name.env_var)
    label = secrets.store(user, _read_secret(what), what=what, env_var=name.env_var)
    sys.stdout.write(f"stored {what} in the keyring ({label})\n")
    return 0


def run_list(args: argparse.Namespace, ctx) -> int:
    import os

    from app import secrets

    rows: list[tuple[str, str]] = []
    email = ctx.config.email
    names = [secrets.SecretName("smtp")] + [
        secrets.SecretName("translation", p) for p in _providers()
    ]
    for name in names:
        if name.kind == "smtp":
            user = secrets.smtp_user(email.username, email.host) if email.host else ""
        else:
            user = secrets.translation_user(name.provider)
        where = []
        if os.environ.get(name.env_var):
            where.append(f"environment {name.env_var}")
        if user and secrets.load(user) is not None:
            where.append(
                "keyring" + (f" ({email.username}@{email.host})" if name.kind == "smtp" else "")
            )
        if where:
            rows.append((str(name), ", ".join(where)))
    sys.stdout.write(f"keyring backend: {secrets.backend_label()}\n")
    reason = secrets.insecure_reason()
    if reason:
        sys.stdout.write(f"  not used for storing: {reason}\n")
    if not rows:
        sys.stdout.write("no secrets stored\n")
    for shown, where in rows:
        sys.stdout.write(f"{shown:28} {where}\n")
    return 0


def run_delete(args: argparse.Namespace, ctx) -> int:
    from app import secrets

    _, user, what = _entry(args.name, ctx)
    if secrets.delete(user):
        sys.stdout.write(f"deleted {what} from the keyring\n")
    else:
        sys.stdout.write(f"nothing to delete: {what} is not in the keyring\n")
    return 0
