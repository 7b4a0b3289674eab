"""Every dialog on real widgets: topics live check, sources, settings, first run, translation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.config import load_config
from storage.models import Notice, Topic, TopicMatch
from tests.ui.conftest import wait_idle


def test_topics_dialog_checks_syntax_and_tests_history_as_you_type(qtbot, seeded_db, tasks):
    from app.ui.dialogs.topics import TopicsDialog

    dlg = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(dlg)
    assert dlg.list.count() == 4
    dlg.query.setPlainText('数据安全 "unclosed')
    qtbot.waitUntil(lambda: dlg.last_check is not None and not dlg.last_check.ok, timeout=5000)
    assert dlg.last_check.position == 5
    assert "character 6" in dlg.syntax.text() and "never closed" in dlg.syntax.text()
    # the caret sits under the quote (CJK characters are two columns wide)
    assert not dlg.caret.isHidden() and dlg.caret.text().splitlines()[1] == " " * 9 + "^"
    assert dlg.query.extraSelections()  # the fault is underlined in the editor
    dlg.query.setPlainText("数据 OR AI")
    qtbot.waitUntil(lambda: dlg.last_check.ok and dlg.last_test is not None, timeout=5000)
    assert dlg.last_test.hits > 0 and dlg.sample.count() > 0
    assert "AI →" in dlg.expanded.text()  # the alias expansion is shown
    assert dlg.hits.text().startswith(f"{dlg.last_test.hits:,} of ")
    dlg.query.setPlainText("数据 AND (")  # broken again: the stale history is cleared
    assert not dlg.last_check.ok and dlg.last_test is None
    wait_idle(qtbot, tasks)


def test_topics_dialog_adds_and_deletes_a_topic(qtbot, seeded_db, tasks):
    from app.ui.dialogs.topics import TopicsDialog

    dlg = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(dlg)
    dlg._add()
    dlg.name.setText("Export control")
    dlg.query.setPlainText("出口管制")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.list.count() == 5, timeout=5000)
    assert dlg.changed
    with seeded_db.read() as s:
        assert s.scalar(select(Topic).where(Topic.name == "Export control")).query == "出口管制"
    from tests.ui.test_user_intent import _answer_box

    _answer_box(qtbot, "Yes", [])  # Delete asks first
    dlg._delete()
    qtbot.waitUntil(lambda: dlg.list.count() == 4, timeout=5000)


def test_topics_dialog_save_reapplies_to_history(qtbot, seeded_db, tasks):
    from app.ui.dialogs.topics import TopicsDialog

    with seeded_db.read() as s:
        before = s.query(TopicMatch).count()
    dlg = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(dlg)
    dlg._add()
    dlg.name.setText("Standards")
    dlg.query.setPlainText("标准")
    qtbot.waitUntil(lambda: dlg.last_test is not None, timeout=5000)
    expected = dlg.last_test.hits
    assert expected > 0
    dlg.save()
    qtbot.waitUntil(lambda: dlg.last_saved is not None, timeout=5000)
    tid, added = dlg.last_saved
    assert added == expected and f"{added} stored notices newly matched" in dlg.status.text()
    with seeded_db.read() as s:
        assert s.query(TopicMatch).filter_by(topic_id=tid).count() == added
        assert s.query(TopicMatch).count() == before + added
    # editing the query re-applies: matches that no longer hold go away
    dlg.query.setPlainText("不存在的词语")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.last_saved == (tid, 0), timeout=5000)
    with seeded_db.read() as s:
        assert s.query(TopicMatch).filter_by(topic_id=tid).count() == 0
    wait_idle(qtbot, tasks)


def test_topics_dialog_imports_and_exports_packs(qtbot, seeded_db, tasks, tmp_path):
    from app.ui.dialogs.topics import TopicsDialog

    dlg = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(dlg)
    out = tmp_path / "pack.toml"
    dlg.export_pack(out)
    qtbot.waitUntil(lambda: out.exists() and "Exported 4 topics" in dlg.status.text(), timeout=5000)
    text = out.read_text(encoding="utf-8")
    assert "Generative AI" in text
    # re-import the pack with one topic changed and one new: the user is asked about conflicts
    text = text.replace('name = "Cybersecurity"', 'name = "Cyber (imported)"')
    out.write_text(text, encoding="utf-8")
    asked = []
    dlg.ask_conflict = lambda names: asked.append(names) or "skip"
    dlg.import_pack(out)
    qtbot.waitUntil(lambda: dlg.last_import is not None, timeout=5000)
    assert sorted(asked[0]) == ["AI standards", "Data security", "Generative AI"]
    assert dlg.last_import.added == ["Cyber (imported)"] and len(dlg.last_import.skipped) == 3
    assert dlg.list.count() == 5 and "newly matched" in dlg.status.text()
    dlg.last_import = None
    dlg.ask_conflict = lambda names: "replace"
    dlg.import_pack(out)
    qtbot.waitUntil(lambda: dlg.last_import is not None, timeout=5000)
    assert len(dlg.last_import.replaced) == 4
    wait_idle(qtbot, tasks)


def test_topics_dialog_adds_an_optional_pack(qtbot, seeded_db, tasks):
    from app.ui.dialogs.topics import TopicsDialog

    dlg = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(dlg)
    actions = dlg.packs_btn.menu().actions()
    assert [a.data() for a in actions] == [
        "iot",
        "telecom",
        "vehicles",
        "medical_devices",
        "green_tech",
        "standardisation",
    ]
    assert actions[1].text() == "5G && telecommunications — 5G与电信"  # shows a literal "&"
    before = dlg.list.count()
    actions[1].trigger()
    qtbot.waitUntil(lambda: dlg.last_import is not None, timeout=5000)
    assert dlg.last_import.added == ["5G & telecommunications"]
    assert dlg.list.count() == before + 1 and "newly matched" in dlg.status.text()
    wait_idle(qtbot, tasks)


def test_settings_dialog_writes_valid_toml_and_keyring(qtbot, config, tasks, tmp_path):
    import keyring

    from app.ui.dialogs.settings import SettingsDialog

    dlg = SettingsDialog(config, tasks)
    qtbot.addWidget(dlg)
    dlg.smtp_host.setText("smtp.example.eu")
    dlg.smtp_port.setValue(465)
    dlg.security.setCurrentIndex(dlg.security.findData("ssl"))
    dlg.smtp_user.setText("liaison@example.eu")
    dlg.smtp_password.setText("s3cret")
    dlg.to.setText("a@example.eu; b@example.eu")
    dlg.language.setCurrentIndex(dlg.language.findData("zh_CN"))
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted, dlg.error.text()
    saved = load_config(config.path, create=False)
    assert saved.email.host == "smtp.example.eu" and saved.email.port == 465
    assert saved.email.to == ["a@example.eu", "b@example.eu"]
    assert saved.general.language == "zh_CN"
    assert "s3cret" not in config.path.read_text()
    assert keyring.get_password("regwatch", "smtp:liaison@example.eu@smtp.example.eu") == "s3cret"


def test_settings_dialog_refuses_a_plaintext_keyring(qtbot, config, tasks, tmp_path):
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    from app.ui.dialogs.settings import SettingsDialog

    plaintext = PlaintextKeyring()
    plaintext.file_path = str(tmp_path / "keyring_pass.cfg")
    before_backend = keyring.get_keyring()
    keyring.set_keyring(plaintext)
    try:
        dlg = SettingsDialog(config, tasks)
        qtbot.addWidget(dlg)
        dlg.smtp_host.setText("smtp.example.eu")
        dlg.smtp_user.setText("liaison@example.eu")
        dlg.smtp_password.setText("s3cret")
        before = config.path.read_text() if config.path.exists() else None
        dlg.save()
    finally:
        keyring.set_keyring(before_backend)
    assert dlg.result() != dlg.DialogCode.Accepted
    assert "REGWATCH_SMTP_PASSWORD" in dlg.error.text()
    assert "keyring_pass.cfg" in dlg.error.text()
    assert not (tmp_path / "keyring_pass.cfg").exists()
    assert (config.path.read_text() if config.path.exists() else None) == before


def test_settings_smtp_test_reports_failure_off_thread(qtbot, config, tasks):
    from app.ui.dialogs.settings import SettingsDialog

    dlg = SettingsDialog(config, tasks)
    qtbot.addWidget(dlg)
    dlg.smtp_host.setText("127.0.0.1")
    dlg.smtp_port.setValue(9)  # discard port: nothing listens
    dlg.security.setCurrentIndex(dlg.security.findData("plain"))
    dlg.test_smtp()
    qtbot.waitUntil(lambda: dlg.smtp_result.text().startswith("Failed"), timeout=20000)


def test_sources_dialog_lists_health_and_saves_choices(qtbot, seeded_db, config, tasks):
    from app.ui.dialogs.sources import SourcesDialog

    dlg = SourcesDialog(seeded_db, config, tasks)
    qtbot.addWidget(dlg)
    keys = [
        dlg.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1)[0]
        for i in range(dlg.tree.topLevelItemCount())
    ]
    assert "cac" in keys
    item = dlg.tree.topLevelItem(keys.index("cac"))
    item.setCheckState(0, Qt.CheckState.Unchecked)
    dlg.tree.setCurrentItem(item)
    dlg.interval.setValue(120)
    dlg.office_hours.setText("09:00-17:30")
    dlg.mirror.setText("http://127.0.0.1:8765")
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted, dlg.error.text()
    saved = load_config(config.path, create=False)
    assert saved.sources["cac"].enabled is False and saved.sources["cac"].interval == 120
    assert (
        saved.fetch.office_hours == "09:00-17:30" and saved.fetch.mirror == "http://127.0.0.1:8765"
    )


def test_sources_dialog_rejects_bad_office_hours(qtbot, seeded_db, config, tasks):
    from app.ui.dialogs.sources import SourcesDialog

    dlg = SourcesDialog(seeded_db, config, tasks)
    qtbot.addWidget(dlg)
    dlg.office_days.setText("monday-friday")
    dlg.save()
    assert dlg.saved is None and "Office hours" in dlg.error.text()


def test_sources_test_now_shows_parsed_rows_from_the_replay_server(qtbot, seeded_db, config, tasks):
    from app.demo.replay import ReplayServer
    from app.ui.dialogs.sources import SourcesDialog

    with ReplayServer(snapshot="t1") as server:
        config.fetch.mirror, config.fetch.spacing, config.fetch.jitter = server.url, 0.0, 0.0
        dlg = SourcesDialog(seeded_db, config, tasks)
        qtbot.addWidget(dlg)
        keys = [
            dlg.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1)[0]
            for i in range(dlg.tree.topLevelItemCount())
        ]
        dlg.tree.setCurrentItem(dlg.tree.topLevelItem(keys.index("cac")))
        dlg.test_now()
        qtbot.waitUntil(lambda: dlg.test_btn.isEnabled(), timeout=30000)
    assert dlg.last_test is not None, dlg.test_state.text()
    assert dlg.last_test.state == "ok", dlg.test_state.text()
    assert dlg.rows.rowCount() > 0 and dlg.rows.item(0, 2).text().startswith(
        "https://www.cac.gov.cn/"
    )


def test_first_run_dialog_saves_choices(qtbot, db, config, tasks):
    from app.ui.dialogs.first_run import FirstRunDialog, add_default_topics

    dlg = FirstRunDialog(db, config, tasks)
    qtbot.addWidget(dlg)
    from app.topics import default_topics
    from app.topics.packs import optional_topics

    shipped, optional = default_topics(), [t for _, t in optional_topics()]
    assert dlg.topics.count() == len(shipped) + len(optional) and len(shipped) > 4
    states = [dlg.topics.item(i).checkState() for i in range(dlg.topics.count())]
    assert states == [Qt.CheckState.Checked] * len(shipped) + [Qt.CheckState.Unchecked] * len(
        optional
    )  # the optional packs are offered, not chosen
    assert "optional pack: Internet of Things" in dlg.topics.item(len(shipped)).text()
    dlg.topics.item(3).setCheckState(Qt.CheckState.Unchecked)
    dlg.topics.item(len(shipped)).setCheckState(Qt.CheckState.Checked)
    dlg.email_to.setText("liaison@example.eu")
    dlg.save()
    assert dlg.saved is not None and dlg.saved.email.to == ["liaison@example.eu"]
    with db.write() as s:
        add_default_topics(s, dlg.chosen_topics)
    with db.read() as s:
        names = set(s.scalars(select(Topic.name)))
    assert names == {t.name for t in shipped} - {shipped[3].name} | {optional[0].name}
    with db.write() as s:  # the first fetch does not add the one left out
        from app.topics.store import install_default_topics

        assert install_default_topics(s) == 0


def test_edit_translation_marks_title_human(qtbot, window, seeded_db, monkeypatch):
    from app.ui.dialogs import translation_edit

    window.select_row(0)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=5000)
    nid = window.detail.detail.id
    monkeypatch.setattr(translation_edit.TranslationEditDialog, "exec", lambda self: 1)
    monkeypatch.setattr(
        translation_edit.TranslationEditDialog, "text", lambda self: "Measures for AI labelling"
    )
    window.edit_translation()
    qtbot.waitUntil(lambda: "[human]" in window.detail.browser.toPlainText(), timeout=5000)
    with seeded_db.read() as s:
        n = s.get(Notice, nid)
        assert (n.title_en, n.title_en_provider) == ("Measures for AI labelling", "human")


@pytest.mark.parametrize("lang,expect", [("zh_CN", "收件箱"), ("en", "Inbox")])
def test_ui_language(qtbot, seeded_db, config, tasks, qapp, lang, expect):
    from app.ui.i18n import install_translator, remove_translator
    from app.ui.main_window import MainWindow

    tr = install_translator(qapp, lang)
    try:
        w = MainWindow(seeded_db, config, tasks)
        qtbot.addWidget(w)
        assert w.sidebar.topLevelItem(0).text(0).startswith(expect)
        wait_idle(qtbot, tasks)
    finally:
        remove_translator(qapp, tr)  # Qt's own translation too: later tests click "No"


def test_opening_the_topics_dialog_warms_the_history_cache(qtbot, seeded_db, tasks):
    from app.topics import corpus_cache
    from app.ui.dialogs.topics import TopicsDialog

    corpus_cache.clear()
    key = seeded_db.url
    dlg = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(dlg)
    qtbot.waitUntil(
        lambda: (e := corpus_cache._entries.get(key)) is not None and e.corpus is not None,
        timeout=5000,
    )
    wait_idle(qtbot, tasks)
