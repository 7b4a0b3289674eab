"""MIME messages: the digest as text + HTML alternatives (plus optional attachments), saved
as .eml or handed to the OS mail client.

Headers are only ever set through ``EmailMessage`` with single-line values: subjects come
from a template with line breaks removed and addresses are validated, so a scraped title or a
note containing "\\r\\nBcc: …" stays body text. Non-ASCII subjects are RFC 2047-encoded.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Sequence
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path

from app.errors import UserError
from app.export.digest import Digest
from app.export.registry import RenderOptions, get_format, register
from app.export.text import environment, render_html, render_subject, render_text

# 7-bit clean bodies (quoted-printable / base64): no relay needs 8BITMIME; CRLF line ends.
POLICY = policy.SMTP.clone(cte_type="7bit")
_LINEBREAK = re.compile(r"[\r\n\x00\u2028\u2029\u0085]")


class AddressError(UserError):
    """An email address that cannot be used in a header."""


def check_address(value: str) -> str:
    """``value`` as a header-safe address (``Name <user@host>`` or ``user@host``)."""
    if _LINEBREAK.search(value):
        raise AddressError("an email address must not contain a line break")
    name, spec = parseaddr(value.strip())
    if not spec or "@" not in spec or spec.startswith("@") or spec.endswith("@"):
        raise AddressError(f"'{value.strip()}' is not an email address")
    local, _, domain = spec.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise AddressError(f"'{value.strip()}' has an invalid domain") from None
    if not local.isascii():
        raise AddressError(f"'{value.strip()}': non-ASCII user names are not supported")
    try:
        return str(Address(display_name=name, username=local, domain=domain))
    except (ValueError, IndexError) as exc:
        raise AddressError(f"'{value.strip()}' is not an email address ({exc})") from None


def addr_spec(value: str) -> str:
    """The bare ``user@host`` of a checked address (for the SMTP envelope)."""
    return parseaddr(check_address(value))[1]


def _msgid_domain(sender: str) -> str:
    spec = parseaddr(sender)[1]
    return spec.rpartition("@")[2] or "regwatch.invalid"


def new_message(
    *, subject: str, sender: str = "", to: Sequence[str] = (), cc: Sequence[str] = ()
) -> EmailMessage:
    """An empty message with the standard headers set (Date, Message-ID, From, To, Cc)."""
    import datetime as dt

    msg = EmailMessage(policy=POLICY)
    if sender:
        msg["From"] = check_address(sender)
    if to:
        msg["To"] = ", ".join(check_address(a) for a in to)
    if cc:
        msg["Cc"] = ", ".join(check_address(a) for a in cc)
    msg["Subject"] = " ".join(_LINEBREAK.sub(" ", subject).split())
    msg["Date"] = format_datetime(dt.datetime.now().astimezone())
    msg["Message-ID"] = make_msgid(domain=_msgid_domain(sender))
    msg["X-Mailer"] = "regwatch"
    return msg


def attachment_filename(digest: Digest, fmt: str) -> str:
    return f"regwatch-digest-{digest.today.isoformat()}{get_format(fmt).extension}"


def digest_message(digest: Digest, options: RenderOptions) -> EmailMessage:
    """The digest email: text/plain and text/html alternatives, then any attachments."""
    msg = new_message(
        subject=render_subject(digest, options.subject_format),
        sender=options.sender,
        to=options.to,
        cc=options.cc,
    )
    if options.unsent:
        msg["X-Unsent"] = "1"  # Outlook opens the file as a draft ready to send
    msg.set_content(render_text(digest), subtype="plain", charset="utf-8")
    msg.add_alternative(render_html(digest, email=True), subtype="html", charset="utf-8")
    for name in dict.fromkeys(options.attach):
        if name == "eml":
            raise UserError("a digest cannot be attached to itself as .eml")
        fmt = get_format(name)
        maintype, subtype = fmt.mime.split("/", 1)
        data = fmt.render(digest, options)
        msg.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=attachment_filename(digest, name)
        )
    return msg


def test_message(sender: str, to: Sequence[str], cc: Sequence[str] = ()) -> EmailMessage:
    """A short message that proves the SMTP settings work (Chinese included, to check encoding)."""
    body = environment().get_template("test_message.txt.j2").render()
    subject = body.splitlines()[0] if body.strip() else "regwatch test message"
    msg = new_message(subject=subject, sender=sender, to=to, cc=cc)
    msg.set_content("\n".join(body.splitlines()[1:]).lstrip("\n"), charset="utf-8")
    return msg


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as RFC 5322 bytes (CRLF line ends, headers ASCII)."""
    return msg.as_bytes(policy=POLICY)


@register("eml", extension=".eml", mime="message/rfc822", description="email message (.eml)")
def render_eml(digest: Digest, options: RenderOptions) -> bytes:
    return message_bytes(digest_message(digest, options))


def save_eml(msg: EmailMessage, path: str | os.PathLike) -> Path:
    """Write the message to ``path``; Outlook and Thunderbird open it as a ready message."""
    path = Path(path)
    path.write_bytes(message_bytes(msg))
    return path


def write_temp_eml(msg: EmailMessage) -> Path:
    """The message in a new temporary .eml file (for "open in mail client")."""
    fd, name = tempfile.mkstemp(prefix="regwatch-digest-", suffix=".eml")
    with os.fdopen(fd, "wb") as fh:
        fh.write(message_bytes(msg))
    return Path(name)


def open_in_mail_client(msg: EmailMessage, opener: Callable[[Path], object]) -> Path:
    """Write a temporary .eml and hand it to ``opener`` (the GUI passes QDesktopServices)."""
    path = write_temp_eml(msg)
    opener(path)
    return path
