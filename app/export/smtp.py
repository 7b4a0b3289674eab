"""Sending a message over SMTP: STARTTLS, implicit TLS, or plain only to this machine.

All-or-nothing: every recipient is checked with RCPT before DATA, and if any is refused the
transaction is reset, so a caller can mark items as sent exactly when ``deliver`` returns.
Every failure becomes a ``SendError`` with one clear sentence.
"""

from __future__ import annotations

import base64
import smtplib
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, replace
from email.message import EmailMessage

from app import secrets
from app.config import EmailConfig
from app.errors import UserError
from app.export.eml import addr_spec, check_address, message_bytes, test_message

KEYRING_SERVICE = secrets.SERVICE
PASSWORD_ENV = secrets.SMTP_PASSWORD_ENV
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
SECURITIES = ("starttls", "ssl", "plain")


class SmtpConfigError(UserError):
    """The SMTP settings cannot work as written (exit status 2, nothing sent)."""


class SendError(Exception):
    """Sending failed; nothing was delivered and nothing is marked as sent (exit status 1)."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConnectError(SendError):
    """The server could not be reached (refused, unknown host, network down)."""


class SendTimeout(SendError):
    """The server did not answer in time."""


class TlsError(SendError):
    """TLS could not be set up: not offered, or the certificate was not trusted."""


class AuthError(SendError):
    """The server refused the user name or password, or offers no login."""


class SenderRefused(SendError):
    """The server refused the From address."""


class RecipientRefused(SendError):
    """The server refused at least one recipient, so the message went to nobody."""

    def __init__(self, message: str, refused: dict[str, str]):
        super().__init__(message)
        self.refused = refused


class ServerError(SendError):
    """The server answered with an error or hung up."""


def password_username(username: str, host: str) -> str:
    """The keyring entry name of an SMTP password (service "regwatch")."""
    return secrets.smtp_user(username, host)


def smtp_password(username: str, host: str) -> str | None:
    """The password from ``REGWATCH_SMTP_PASSWORD`` (for daemons and CI), else the keyring."""
    return secrets.load(password_username(username, host), PASSWORD_ENV)


def store_smtp_password(username: str, host: str, password: str) -> None:
    """Keep the password in the OS keyring; InsecureKeyring when it would not be safe there."""
    secrets.store(
        password_username(username, host),
        password,
        what="the SMTP password",
        env_var=PASSWORD_ENV,
    )


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: str = "starttls"  # starttls | ssl | plain
    username: str = ""
    sender: str = ""
    cafile: str = ""  # extra CA certificate(s) to trust (a company relay's own CA)
    timeout: float = 30.0
    password: str | None = None  # None: keyring / REGWATCH_SMTP_PASSWORD at send time

    @classmethod
    def from_config(cls, email: EmailConfig, **overrides: object) -> SmtpSettings:
        """The stored ``[email]`` settings with non-None ``overrides`` (CLI options) applied."""
        settings = cls(
            host=email.host.strip(),
            port=email.port,
            security=email.security,
            username=email.username.strip(),
            sender=email.sender.strip(),
            cafile=getattr(email, "cafile", ""),
            timeout=float(getattr(email, "timeout", 30.0)),
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        return replace(settings, **given) if given else settings

    @property
    def from_address(self) -> str:
        """The From address: ``sender``, else the user name when it is an address."""
        if self.sender:
            return self.sender
        if "@" in self.username:
            return self.username
        raise SmtpConfigError(
            "no sender address: set email.sender in the config file (e.g. you@example.org)"
        )

    def check(self) -> None:
        """Refuse settings that cannot work or would send a password in clear over a network."""
        if not self.host:
            raise SmtpConfigError(
                "no SMTP server configured: set email.host in the config file or use --smtp-host"
            )
        if self.security not in SECURITIES:
            raise SmtpConfigError(
                f"unknown SMTP security '{self.security}' (use starttls, ssl or plain)"
            )
        if self.security == "plain" and self.host.lower() not in LOCAL_HOSTS:
            raise SmtpConfigError(
                f"refusing to send unencrypted mail to {self.host}: plain SMTP is only allowed to "
                "localhost; use STARTTLS (--starttls) or TLS (--ssl)"
            )
        if not 0 < self.port < 65536:
            raise SmtpConfigError(f"SMTP port {self.port} is not a port number")
        check_address(self.from_address)

    def resolved_password(self) -> str | None:
        """The password to log in with, or None if no user name is set."""
        if not self.username:
            return None
        pw = self.password if self.password is not None else smtp_password(self.username, self.host)
        if not pw:
            raise SmtpConfigError(
                f"no SMTP password for {self.username} on {self.host}: store it in the settings "
                f"(OS keyring) or set the environment variable {PASSWORD_ENV}"
            )
        return pw

    def tls_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context()
        if self.cafile:
            try:
                ctx.load_verify_locations(cafile=self.cafile)
            except (OSError, ssl.SSLError) as exc:
                raise SmtpConfigError(
                    f"cannot load the CA file {self.cafile} (email.cafile): {exc}"
                ) from None
        return ctx


def _describe(settings: SmtpSettings) -> str:
    return f"{settings.host}:{settings.port}"


def _reply(resp: bytes | str) -> str:
    text = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return " ".join(text.split())


def _login(server: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; UTF-8 credentials over PLAIN / LOGIN, since smtplib only encodes ASCII."""
    if (user + password).isascii():
        server.login(user, password)
        return
    mechanisms = server.esmtp_features.get("auth", "").upper().split()

    def b64(text: str) -> str:
        return base64.b64encode(text.encode("utf-8")).decode("ascii")

    if "PLAIN" in mechanisms:
        code, resp = server.docmd("AUTH", "PLAIN " + b64(f"\0{user}\0{password}"))
    elif "LOGIN" in mechanisms:
        code, resp = server.docmd("AUTH", "LOGIN " + b64(user))
        if code == 334:
            code, resp = server.docmd(b64(password))
    else:
        raise smtplib.SMTPAuthenticationError(
            504, b"the server offers no login method for a non-ASCII password"
        )
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, resp)


def _connect(settings: SmtpSettings, password: str | None) -> smtplib.SMTP:
    where = _describe(settings)
    ctx = settings.tls_context() if settings.security != "plain" else None
    local = socket.gethostname() or "localhost"  # getfqdn() can stall on a DNS lookup
    if settings.security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ctx,
            local_hostname=local,
        )
    else:
        server = smtplib.SMTP(
            settings.host, settings.port, timeout=settings.timeout, local_hostname=local
        )
    try:
        server.ehlo()
        if settings.security == "starttls":
            if not server.has_extn("starttls"):
                raise TlsError(f"the SMTP server {where} does not offer STARTTLS; nothing was sent")
            server.starttls(context=ctx)
            server.ehlo()
        if settings.username:
            if not server.has_extn("auth"):
                raise AuthError(
                    f"the SMTP server {where} does not offer login (AUTH) on this connection; "
                    "nothing was sent"
                )
            _login(server, settings.username, password or "")
    except BaseException:
        server.close()
        raise
    return server


def _caused_by_timeout(exc: BaseException | None) -> bool:
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, TimeoutError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def _translate(exc: BaseException, settings: SmtpSettings) -> SendError:
    where = _describe(settings)
    tail = "; nothing was sent"
    if _caused_by_timeout(exc):  # smtplib reports a read timeout as "disconnected"
        return SendTimeout(f"the SMTP server {where} did not answer in time{tail}")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return AuthError(
            f"the SMTP server {where} refused the login for {settings.username} "
            f"({exc.smtp_code} {_reply(exc.smtp_error)}){tail}"
        )
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return ServerError(f"the SMTP server {where} does not support a needed command{tail}")
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return SenderRefused(
            f"the SMTP server {where} refused the sender {exc.sender} "
            f"({exc.smtp_code} {_reply(exc.smtp_error)}){tail}"
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return ServerError(f"the SMTP server {where} closed the connection ({exc}){tail}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return ServerError(
            f"the SMTP server {where} answered {exc.smtp_code} {_reply(exc.smtp_error)}{tail}"
        )
    if isinstance(exc, smtplib.SMTPException):
        return ServerError(f"sending through {where} failed: {exc}{tail}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return TlsError(
            f"the TLS certificate of {where} is not trusted ({exc.verify_message}); "
            f"set email.cafile to its CA certificate{tail}"
        )
    if isinstance(exc, ssl.SSLError):
        return TlsError(f"TLS with {where} failed ({exc.reason or exc}){tail}")
    if isinstance(exc, TimeoutError):
        return SendTimeout(f"the SMTP server {where} did not answer in time{tail}")
    if isinstance(exc, ConnectionRefusedError):
        return ConnectError(
            f"could not connect to the SMTP server {where}: connection refused{tail}"
        )
    if isinstance(exc, socket.gaierror):
        return ConnectError(f"the SMTP server name {settings.host} cannot be resolved{tail}")
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc)
        return ConnectError(f"could not connect to the SMTP server {where}: {reason}{tail}")
    return SendError(f"sending through {where} failed: {exc}{tail}")


def envelope_recipients(msg: EmailMessage) -> list[str]:
    """Bare addresses of To and Cc (the message carries no Bcc header)."""
    from email.utils import getaddresses

    values = [str(v) for key in ("To", "Cc") for v in msg.get_all(key, [])]
    return list(dict.fromkeys(spec for _, spec in getaddresses(values) if spec))


def deliver(settings: SmtpSettings, msg: EmailMessage) -> list[str]:
    """Send ``msg`` to its To and Cc; return the recipients. Raises SendError/SmtpConfigError."""
    settings.check()
    password = settings.resolved_password()
    recipients = envelope_recipients(msg)
    if not recipients:
        raise SmtpConfigError("the message has no recipient: give at least one --to address")
    sender = addr_spec(settings.from_address)
    data = message_bytes(msg)
    try:
        server = _connect(settings, password)
        try:
            code, resp = server.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, resp, sender)
            refused = {}
            for rcpt in recipients:
                code, resp = server.rcpt(rcpt)
                if code not in (250, 251):
                    refused[rcpt] = f"{code} {_reply(resp)}"
            if refused:
                server.rset()
                first, why = next(iter(refused.items()))
                raise RecipientRefused(
                    f"the SMTP server {_describe(settings)} refused the recipient {first} ({why}); "
                    "nothing was sent",
                    refused,
                )
            code, resp = server.data(data)
            if code != 250:
                raise smtplib.SMTPDataError(code, resp)
        finally:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                server.close()
    except SendError:
        raise
    except (smtplib.SMTPException, OSError) as exc:
        raise _translate(exc, settings) from exc
    return recipients


def send_test(settings: SmtpSettings, to: Sequence[str]) -> list[str]:
    """Send a short test message ("Send test" in the settings); returns the recipients."""
    settings.check()
    return deliver(settings, test_message(settings.from_address, to))
