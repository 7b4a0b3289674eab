"""Settings shows only the fields the chosen translation provider reads; tray options need a
tray."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from app.config import ProviderConfig, load_config
from app.translation.providers import provider_class, provider_names
from app.translation.providers.fields import provider_fields


def _dialog(qtbot, config, tasks):
    from app.ui.dialogs.settings import SettingsDialog

    dlg = SettingsDialog(config, tasks)
    qtbot.addWidget(dlg)
    return dlg


def _shown(dlg, provider: str) -> set[str]:
    dlg.provider.setCurrentIndex(dlg.provider.findData(provider))
    form = dlg.provider_form
    return {
        name
        for name in ("base_url", "model", "region", "app_id", "api_key")
        if form.isRowVisible(getattr(dlg, name)) and getattr(dlg, name).isEnabled()
    }


@pytest.mark.parametrize(
    "provider, shown",
    [
        ("offline", set()),
        ("deepl", {"base_url", "api_key"}),
        ("openai", {"base_url", "model", "api_key"}),
        ("microsoft", {"base_url", "region", "api_key"}),
        ("tencent", {"base_url", "region", "app_id", "api_key"}),
        ("baidu", {"base_url", "app_id", "api_key"}),
        ("libretranslate", {"base_url", "api_key"}),
    ],
)
def test_only_the_fields_a_provider_reads_are_shown(qtbot, config, tasks, provider, shown):
    dlg = _dialog(qtbot, config, tasks)
    assert _shown(dlg, provider) == shown


def test_every_provider_has_a_field_description(qtbot, config, tasks):
    dlg = _dialog(qtbot, config, tasks)
    for name in provider_names():
        fields = provider_fields(name)
        assert fields.app_id_label == provider_class(name).app_id_label
        assert ("api_key" in _shown(dlg, name)) == (fields.key != "none")


def test_app_id_is_labelled_with_the_vendors_name(qtbot, config, tasks):
    dlg = _dialog(qtbot, config, tasks)
    _shown(dlg, "youdao")
    assert dlg.provider_form.labelForField(dlg.app_id).text() == "App ID (appKey)"
    assert "optional" not in dlg.api_key.placeholderText()
    _shown(dlg, "openai")
    assert "optional" in dlg.api_key.placeholderText()
    assert dlg.base_url.placeholderText() == provider_class("openai").default_base


def test_saving_keeps_values_of_fields_the_provider_does_not_read(qtbot, config, tasks):
    config.translation.providers["deepl"] = ProviderConfig(model="left-over", app_id="x")
    dlg = _dialog(qtbot, config, tasks)
    _shown(dlg, "deepl")
    dlg.base_url.setText("https://api-free.deepl.com")
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted, dlg.error.text()
    saved = load_config(config.path, create=False).translation.providers["deepl"]
    assert saved.base_url == "https://api-free.deepl.com"
    assert (saved.model, saved.app_id) == ("left-over", "x")


def test_microsoft_region_is_editable_and_saved(qtbot, config, tasks):
    dlg = _dialog(qtbot, config, tasks)
    _shown(dlg, "microsoft")
    dlg.region.setText("westeurope")
    dlg.save()
    assert dlg.result() == dlg.DialogCode.Accepted, dlg.error.text()
    saved = load_config(config.path, create=False)
    assert saved.translation.providers["microsoft"].region == "westeurope"


@pytest.mark.parametrize("available", [False, True])
def test_tray_options_need_a_system_tray(qtbot, config, tasks, monkeypatch, available):
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: available))
    dlg = _dialog(qtbot, config, tasks)
    for box in (dlg.start_min, dlg.close_tray):
        assert box.isEnabled() == available
        assert ("no system tray" in box.toolTip()) == (not available)
    assert dlg.notify.isEnabled()  # notifications fall back to the status bar
