"""A Settings save edits the user's config file in place: every comment survives."""

from __future__ import annotations

from app.config import load_config
from tests.test_config_schema import USER_FILE, _comments


def test_settings_dialog_save_keeps_the_users_comments(qtbot, tasks, tmp_path):
    from app.ui.dialogs.settings import SettingsDialog

    path = tmp_path / "regwatch.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    config = load_config(path)
    dlg = SettingsDialog(config, tasks)
    qtbot.addWidget(dlg)
    dlg.smtp_port.setValue(2525)
    dlg.language.setCurrentIndex(dlg.language.findData("zh_CN"))
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted, dlg.error.text()
    text = path.read_text(encoding="utf-8")
    for comment in _comments(USER_FILE):
        assert comment in text, comment
    saved = load_config(path, create=False)
    assert saved.email.port == 2525 and saved.general.language == "zh_CN"
    assert saved.fetch.office_hours == "07:00-19:00" and saved.sources["govcn"].interval == 120
