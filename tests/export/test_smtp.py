"""Sending through a real aiosmtpd server on 127.0.0.1: plain, STARTTLS, implicit TLS, AUTH."""

import socket

import pytest
from sqlalchemy import select

from app.export.digest import Selection
from app.export.service import load_digest, send_digest
from app.export.smtp import (
    AuthError,
    ConnectError,
    RecipientRefused,
    SendTimeout,
    SmtpConfigError,
    SmtpSettings,
    TlsError,
    send_test,
    smtp_password,
    store_smtp_password,
)
from storage.models import ExportRecord, UserState
from tests.export.smtp_server import ASCII_PASSWORD, PASSWORD, USER, free_port, smtp_server

TO = ["colleague@example.org"]
CC = ["boss@example.org"]


def _settings(server, **kw) -> SmtpSettings:
    base = dict(
        host=server.host,
        port=server.port,
        security="plain",
        sender="Liaison 联络 <liaison@example.org>",
        cafile=str(server.cafile),
        timeout=10,
    )
    base.update(kw)
    return SmtpSettings(**base)


def _sent_state(db):
    with db.read() as s:
        exported = {
            st.notice_id: (st.exported_at, st.exported_to) for st in s.scalars(select(UserState))
        }
        records = list(s.scalars(select(ExportRecord)))
    return exported, records


def _digest(seeded):
    return load_digest(seeded.db, Selection(flagged=True, include_sent=False))


def _assert_nothing_marked(seeded, before):
    after = _sent_state(seeded.db)
    assert after[0] == before[0]
    assert after[1] == [] == before[1]
    assert len(_digest(seeded).items) == 3


def test_plain_to_localhost_delivers_a_bilingual_message(seeded, cert_files):
    with smtp_server(cert_files) as server:
        digest = _digest(seeded)
        result = send_digest(
            seeded.db,
            _settings(server),
            digest,
            to=TO,
            cc=CC,
            subject_format="监管动态 {count} 条（{period}）",
            attach=["csv", "ics"],
        )
    assert result.recipients == TO + CC
    (got,) = server.messages
    assert got.rcpt_tos == TO + CC
    assert got.mail_from == "liaison@example.org"
    msg = got.message
    assert msg["Subject"] == f"监管动态 3 条（{digest.period}）"
    assert msg["To"] == TO[0] and msg["Cc"] == CC[0]
    assert msg["From"].addresses[0].display_name == "Liaison 联络"
    assert msg["Message-ID"] and msg["Date"]
    assert msg["Bcc"] is None and msg["X-Unsent"] is None
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for part in (text, html):
        assert "人工智能生成合成内容标识办法（征求意见稿）" in part
        assert "Measures for Labelling AI-Generated Synthetic Content" in part
    assert "Bcc: evil@example.com" in text  # the injected note is body text, nothing else
    kinds = sorted(p.get_content_type() for p in msg.iter_attachments())
    assert kinds == ["text/calendar", "text/csv"]


def test_successful_send_marks_items_and_next_flagged_digest_is_empty(seeded, cert_files):
    with smtp_server(cert_files) as server:
        digest = _digest(seeded)
        send_digest(seeded.db, _settings(server), digest, to=TO)
    exported, records = _sent_state(seeded.db)
    for nid in digest.notice_ids:
        assert exported[nid][0] is not None and exported[nid][1] == TO[0]
    assert sorted(r.notice_id for r in records) == sorted(digest.notice_ids)
    assert {r.channel for r in records} == {"email"}
    assert _digest(seeded).items == []
    resend = load_digest(seeded.db, Selection(flagged=True, include_sent=True))
    assert len(resend.items) == 4


def test_starttls_with_auth(seeded, cert_files):
    with smtp_server(cert_files, starttls=True, auth=True) as server:
        settings = _settings(server, security="starttls", username=USER, password=PASSWORD)
        send_digest(seeded.db, settings, _digest(seeded), to=TO)
    (got,) = server.messages
    assert got.authenticated
    assert "Measures for Labelling" in got.message.get_body(("plain",)).get_content()


def test_starttls_with_an_ascii_password(seeded, cert_files):
    with smtp_server(cert_files, starttls=True, auth=True) as server:
        settings = _settings(server, security="starttls", username=USER, password=ASCII_PASSWORD)
        send_digest(seeded.db, settings, _digest(seeded), to=TO)
    assert server.messages[0].authenticated


def test_implicit_tls_with_auth_password_from_keyring(seeded, cert_files):
    with smtp_server(cert_files, implicit_tls=True, auth=True) as server:
        store_smtp_password(USER, server.host, PASSWORD)
        assert smtp_password(USER, server.host) == PASSWORD
        settings = _settings(server, security="ssl", username=USER)
        send_digest(seeded.db, settings, _digest(seeded), to=TO)
    assert server.messages[0].authenticated


def test_auth_over_plain_with_password_from_environment(seeded, cert_files, monkeypatch):
    monkeypatch.setenv("REGWATCH_SMTP_PASSWORD", PASSWORD)
    with smtp_server(cert_files, auth=True) as server:
        settings = _settings(server, username=USER)
        send_digest(seeded.db, settings, _digest(seeded), to=TO)
    assert server.messages[0].authenticated


def test_wrong_password_marks_nothing(seeded, cert_files):
    before = _sent_state(seeded.db)
    with smtp_server(cert_files, starttls=True, auth=True) as server:
        settings = _settings(server, security="starttls", username=USER, password="wrong")
        with pytest.raises(AuthError, match="refused the login"):
            send_digest(seeded.db, settings, _digest(seeded), to=TO)
    assert server.messages == []
    _assert_nothing_marked(seeded, before)


def test_refused_recipient_sends_to_nobody_and_marks_nothing(seeded, cert_files):
    before = _sent_state(seeded.db)
    with smtp_server(cert_files) as server:
        with pytest.raises(RecipientRefused, match="nobody@example.org") as info:
            send_digest(
                seeded.db, _settings(server), _digest(seeded), to=[*TO, "nobody@example.org"]
            )
    assert list(info.value.refused) == ["nobody@example.org"]
    assert server.messages == []
    _assert_nothing_marked(seeded, before)


def test_connection_refused_marks_nothing(seeded):
    before = _sent_state(seeded.db)
    settings = SmtpSettings(
        host="127.0.0.1", port=free_port(), security="plain", sender="a@example.org"
    )
    with pytest.raises(ConnectError, match="connection refused"):
        send_digest(seeded.db, settings, _digest(seeded), to=TO)
    _assert_nothing_marked(seeded, before)


def test_silent_server_times_out_and_marks_nothing(seeded):
    before = _sent_state(seeded.db)
    with socket.socket() as listener:  # accepts TCP connections, never greets
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        settings = SmtpSettings(
            host="127.0.0.1", port=port, security="plain", sender="a@example.org", timeout=0.5
        )
        with pytest.raises(SendTimeout, match="did not answer in time"):
            send_digest(seeded.db, settings, _digest(seeded), to=TO)
    _assert_nothing_marked(seeded, before)


def test_starttls_required_but_not_offered_marks_nothing(seeded, cert_files):
    before = _sent_state(seeded.db)
    with smtp_server(cert_files) as server:  # no TLS at all
        with pytest.raises(TlsError, match="does not offer STARTTLS"):
            send_digest(seeded.db, _settings(server, security="starttls"), _digest(seeded), to=TO)
    assert server.messages == []
    _assert_nothing_marked(seeded, before)


def test_untrusted_certificate_is_a_tls_error(seeded, cert_files):
    with smtp_server(cert_files, starttls=True) as server:
        with pytest.raises(TlsError, match="not trusted"):
            send_digest(
                seeded.db,
                _settings(server, security="starttls", cafile=""),
                _digest(seeded),
                to=TO,
            )
    assert server.messages == []


def test_server_requiring_starttls_refuses_plain_mail(seeded, cert_files):
    before = _sent_state(seeded.db)
    with smtp_server(cert_files, starttls=True) as server:
        with pytest.raises(Exception) as info:
            send_digest(seeded.db, _settings(server), _digest(seeded), to=TO)
    assert "nothing was sent" in str(info.value)
    _assert_nothing_marked(seeded, before)


def test_plain_to_a_remote_host_is_refused_before_connecting(seeded):
    settings = SmtpSettings(host="smtp.example.org", security="plain", sender="a@example.org")
    with pytest.raises(SmtpConfigError, match="only allowed to localhost"):
        send_digest(seeded.db, settings, _digest(seeded), to=TO)


def test_missing_password_is_a_config_error(seeded, cert_files):
    with smtp_server(cert_files, starttls=True, auth=True) as server:
        settings = _settings(server, security="starttls", username="someone-else@example.org")
        with pytest.raises(SmtpConfigError, match="no SMTP password"):
            send_digest(seeded.db, settings, _digest(seeded), to=TO)
    assert server.messages == []


def test_send_test_message(cert_files):
    with smtp_server(cert_files, starttls=True) as server:
        send_test(_settings(server, security="starttls"), TO)
    (got,) = server.messages
    assert got.message["Subject"] == "regwatch test message / 测试邮件"
    assert "这是一封测试邮件" in got.message.get_content()
