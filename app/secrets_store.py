"""Secrets in the OS keyring (never in the config file): SMTP password, translation API keys.

Keys: service ``regwatch``, user ``smtp`` and ``translation.<provider>``. A machine without a
keyring (headless Linux) raises ``SecretUnavailable`` with a sentence the dialog can show.
"""

from __future__ import annotations

SERVICE = "regwatch"


class SecretUnavailable(Exception):
    pass


def get_secret(name: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, name)
    except KeyringError as exc:
        raise SecretUnavailable(f"no usable keyring on this system ({exc})") from None


def set_secret(name: str, value: str) -> None:
    import keyring
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        if value:
            keyring.set_password(SERVICE, name, value)
        else:
            try:
                keyring.delete_password(SERVICE, name)
            except PasswordDeleteError:
                pass
    except KeyringError as exc:
        raise SecretUnavailable(f"no usable keyring on this system ({exc})") from None


def smtp_check(host: str, port: int, security: str, username: str, password: str | None) -> str:
    """Connect, secure and log in to an SMTP server without sending; a sentence on success."""
    import smtplib
    import ssl

    if not host:
        raise ValueError("no SMTP server is set")
    ctx = ssl.create_default_context()
    if security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=15, context=ctx)
    else:
        conn = smtplib.SMTP(host, port, timeout=15)
    try:
        conn.ehlo()
        if security == "starttls":
            conn.starttls(context=ctx)
            conn.ehlo()
        if username:
            conn.login(username, password or "")
        conn.noop()
    finally:
        try:
            conn.quit()
        except smtplib.SMTPException:
            conn.close()
    return f"connected to {host}:{port}" + (f" and logged in as {username}" if username else "")
