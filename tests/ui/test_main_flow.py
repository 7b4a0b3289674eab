"""The main flow on a real window with the real pipeline, replay server and SMTP server:
fetch → rows with English titles and topics → select → flag → status → note → email preview →
send → rows show as emailed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from storage.models import Notice, UserState
from storage.queries import NoticeFilter, count_notices
from tests.export.smtp_server import make_cert, smtp_server
from tests.ui.conftest import wait_idle


@pytest.fixture
def smtp(tmp_path):
    with smtp_server(make_cert(tmp_path)) as server:
        yield server


def test_fetch_triage_and_email_flagged(qtbot, db, live_config, tasks, smtp, monkeypatch):
    from app.ui.fetch import FetchController
    from app.ui.main_window import MainWindow

    em = live_config.email
    em.host, em.port, em.security = smtp.host, smtp.port, "plain"
    em.sender, em.to, em.cc = "liaison@example.org", ["desk@example.org"], ["lead@example.org"]
    fetcher = FetchController(db, lambda: w.config, tasks)
    w = MainWindow(db, live_config, tasks, fetcher)
    w.mark_read_delay_ms = 0
    qtbot.addWidget(w)
    w.show()
    wait_idle(qtbot, tasks)
    assert w.model.rowCount() == 0

    with qtbot.waitSignal(fetcher.cycle_done, timeout=60000) as sig:
        w.act_fetch.trigger()
        qtbot.waitUntil(lambda: bool(w.fetch_status.bars), timeout=10000)  # progress shows
    outcome, _ = sig.args
    assert not outcome.error and outcome.new > 0
    with db.read() as s:
        inbox = count_notices(NoticeFilter.inbox(), s)
    assert 0 < inbox <= outcome.new
    qtbot.waitUntil(lambda: w.model.rowCount() == inbox, timeout=10000)  # matched, unread
    wait_idle(qtbot, tasks)
    assert not w.fetch_status.bars and "Last fetch" in w.fetch_status.times.text()
    rows = [w.model.row_at(r) for r in range(w.model.rowCount())]
    assert all(r.title_en for r in rows)
    assert all(r.topics for r in rows)
    row = 1
    assert w.model.index(row, 4).data()  # the Topics column is filled

    w.select_row(row)
    qtbot.waitUntil(lambda: w.detail.detail is not None, timeout=5000)
    nid = w.current_id()
    text = w.detail.browser.toPlainText()
    assert "matched because" in text and "[glossary" in text
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key.Key_F)
    qtbot.keyClick(w.table, Qt.Key.Key_2)
    qtbot.keyClick(w.table, Qt.Key.Key_N)  # the note editor under the notice takes the keys
    qtbot.keyClicks(w.detail.note.edit, "brief the lead")
    qtbot.waitUntil(lambda: w.detail.note.state == "saved", timeout=5000)
    wait_idle(qtbot, w.tasks)
    with db.read() as s:
        st = s.get(UserState, nid)
        assert st.flagged and st.status == "relevant"
        assert st.status_by == db.user
        assert [(n.user, n.text) for n in s.get(Notice, nid).notes] == [(db.user, "brief the lead")]
        title = s.get(Notice, nid).title

    dlg = w.email_dialog()
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.current is not None, timeout=5000)
    assert dlg.current.digest.notice_ids == [nid]
    assert dlg.to.text() == "desk@example.org" and dlg.cc.text() == "lead@example.org"
    assert dlg.subject.text() == dlg.current.subject and dlg.current.subject
    assert title[:12] in dlg.browser.toPlainText()
    assert dlg.send_btn.isEnabled()
    dlg.send()
    qtbot.waitUntil(lambda: dlg.last_sent is not None, timeout=20000)
    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert sorted(msg.rcpt_tos) == ["desk@example.org", "lead@example.org"]
    assert msg.message["Subject"] == dlg.last_sent.message["Subject"]
    # the row shows as emailed; the dialog now has nothing unsent left
    r = w.model.row_of(nid)
    qtbot.waitUntil(lambda: w.model.index(r, 6).data().endswith("✉"), timeout=5000)
    qtbot.waitUntil(lambda: dlg.current.digest.count == 0, timeout=5000)
    assert not dlg.send_btn.isEnabled()
    with db.read() as s:
        assert s.get(UserState, nid).exported_at is not None
    dlg.include_sent.setChecked(True)  # "send again" is an explicit choice
    qtbot.waitUntil(lambda: dlg.current.digest.count == 1, timeout=5000)
    wait_idle(qtbot, tasks)


def test_email_dialog_reports_a_failed_send_in_one_sentence(qtbot, seeded_db, config, tasks):
    from app.triage import set_state
    from app.ui.dialogs.email_digest import EmailDialog

    with seeded_db.write() as s:
        set_state(s, [1], flagged=True)
    config.email.host, config.email.port, config.email.security = "127.0.0.1", 9, "plain"
    config.email.sender, config.email.to = "a@example.org", ["b@example.org"]
    dlg = EmailDialog(seeded_db, config, tasks)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(lambda: dlg.send_btn.isEnabled(), timeout=5000)
    dlg.send()
    qtbot.waitUntil(lambda: "color:#b91c1c" in dlg.result.text(), timeout=20000)
    assert "127.0.0.1" in dlg.result.text() and dlg.last_sent is None
    with seeded_db.read() as s:
        assert s.get(UserState, 1).exported_at is None  # nothing marked
    dlg.save_eml(dlg_path := (config.path.parent / "digest.eml"))
    qtbot.waitUntil(lambda: dlg.last_file is not None, timeout=5000)
    assert dlg_path.read_bytes().count(b"X-Unsent: 1") == 1
    wait_idle(qtbot, tasks)
