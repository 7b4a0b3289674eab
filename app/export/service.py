"""What the GUI's "Email flagged…" dialog, the CLI and the scheduler call.

    digest = load_digest(db, Selection(flagged=True, include_sent=False))
    p = preview(digest, subject_format=cfg.email.subject)        # subject, text, html
    send_digest(db, SmtpSettings.from_config(cfg.email), digest, to=[...], cc=[...])
    save_eml(db, digest, path, sender=..., to=[...])             # a ready draft, not "sent"
    open_in_mail_client(db, digest, opener=lambda p: QDesktopServices.openUrl(...))

Only a successful SMTP delivery sets UserState.exported_at / exported_to; every export
(email or file) adds one ExportRecord per item with its channel, so history stays complete.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import select

from app.errors import UserError
from app.export import eml
from app.export.digest import Digest, Selection, build_digest
from app.export.registry import RenderOptions, get_format
from app.export.smtp import SmtpSettings, deliver
from app.export.text import render_html, render_subject, render_text
from app.files import write_file
from storage.db import Database
from storage.models import ExportRecord, Notice, UserState, utcnow


class EmptyDigest(UserError):
    """Nothing matches the selection: exit status 1, no file written, nothing sent."""

    exit_code = 1


@dataclass
class Preview:
    digest: Digest
    subject: str
    text: str
    html: str


@dataclass
class SendResult:
    digest: Digest
    recipients: list[str]
    message: EmailMessage
    sent_at: dt.datetime


def load_digest(
    db: Database, selection: Selection, *, today: dt.date | None = None, title: str | None = None
) -> Digest:
    """Read the selected notices into a Digest (the database is released on return)."""
    with db.read() as session:
        if title:
            return build_digest(session, selection, today=today, title=title)
        return build_digest(session, selection, today=today)


def require_items(digest: Digest) -> Digest:
    if not digest.items:
        hint = ""
        if digest.selection.flagged and not digest.selection.include_sent:
            hint = " (items already emailed are left out: use --resend to include them)"
        raise EmptyDigest(f"nothing to export: there are no {digest.selection.describe()}{hint}")
    return digest


def preview(digest: Digest, *, subject_format: str = "") -> Preview:
    """Subject, plain text and HTML exactly as the email will carry them."""
    return Preview(
        digest=digest,
        subject=render_subject(digest, subject_format),
        text=render_text(digest),
        html=render_html(digest, email=True),
    )


def digest_email(
    digest: Digest,
    *,
    sender: str = "",
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    subject_format: str = "",
    attach: Sequence[str] = (),
    unsent: bool = False,
) -> EmailMessage:
    """The digest as a MIME message (``unsent=True`` adds Outlook's draft marker)."""
    for name in attach:
        get_format(name)  # unknown names fail before anything is built
    options = RenderOptions(
        sender=sender, to=to, cc=cc, subject_format=subject_format, attach=attach, unsent=unsent
    )
    return eml.digest_message(digest, options)


def record_export(
    db: Database,
    notice_ids: Sequence[int],
    channel: str,
    recipients: Sequence[str] = (),
    *,
    sent: bool = False,
    now: dt.datetime | None = None,
) -> int:
    """One ExportRecord per notice; ``sent`` (email delivered) also stamps UserState."""
    now = now or utcnow()
    to = ", ".join(recipients)
    with db.write() as session:
        ids = list(session.scalars(select(Notice.id).where(Notice.id.in_(list(notice_ids)))))
        for nid in ids:
            session.add(
                ExportRecord(notice_id=nid, exported_at=now, channel=channel, recipients=to)
            )
            if sent:
                state = session.get(UserState, nid)
                if state is None:
                    state = UserState(notice_id=nid)
                    session.add(state)
                state.exported_at = now
                state.exported_to = to
    return len(ids)


def send_digest(
    db: Database,
    settings: SmtpSettings,
    digest: Digest,
    *,
    to: Sequence[str],
    cc: Sequence[str] = (),
    subject_format: str = "",
    attach: Sequence[str] = (),
) -> SendResult:
    """Email the digest; mark its items as sent only once the server accepted the message.

    Raises EmptyDigest, SmtpConfigError (settings), or SendError (delivery) — in each case
    nothing is marked."""
    require_items(digest)
    settings.check()
    msg = digest_email(
        digest,
        sender=settings.from_address,
        to=to,
        cc=cc,
        subject_format=subject_format,
        attach=attach,
    )
    recipients = deliver(settings, msg)
    sent_at = utcnow()
    record_export(db, digest.notice_ids, "email", recipients, sent=True, now=sent_at)
    return SendResult(digest, recipients, msg, sent_at)


def export_file(
    db: Database,
    digest: Digest,
    fmt: str,
    path: str | os.PathLike,
    options: RenderOptions | None = None,
) -> Path:
    """Render the digest in ``fmt`` to ``path`` and record an ExportRecord per item (not "sent")."""
    require_items(digest)
    if fmt == "ics" and not digest.deadlines:
        raise EmptyDigest(
            f"nothing to export: none of the {digest.count} {digest.selection.describe()} "
            "has a comment deadline"
        )
    data = get_format(fmt).render(digest, options or RenderOptions())
    out = write_file(path, data)
    ids = [i.notice_id for i in digest.deadlines] if fmt == "ics" else digest.notice_ids
    record_export(db, ids, fmt, options.to if options else ())
    return out


def save_eml(
    db: Database,
    digest: Digest,
    path: str | os.PathLike,
    *,
    sender: str = "",
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    subject_format: str = "",
    attach: Sequence[str] = (),
) -> Path:
    """Save the digest as an .eml draft (X-Unsent: 1) for Outlook / Thunderbird."""
    options = RenderOptions(
        sender=sender, to=to, cc=cc, subject_format=subject_format, attach=attach, unsent=True
    )
    return export_file(db, digest, "eml", path, options)


def open_in_mail_client(
    db: Database,
    digest: Digest,
    opener: Callable[[Path], object],
    *,
    sender: str = "",
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    subject_format: str = "",
    attach: Sequence[str] = (),
) -> Path:
    """Write the digest to a temporary .eml and pass its path to ``opener`` (the OS handler)."""
    require_items(digest)
    msg = digest_email(
        digest,
        sender=sender,
        to=to,
        cc=cc,
        subject_format=subject_format,
        attach=attach,
        unsent=True,
    )
    path = eml.open_in_mail_client(msg, opener)
    record_export(db, digest.notice_ids, "eml", to)
    return path
