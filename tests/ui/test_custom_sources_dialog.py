"""The Sources dialog with user-defined sources: add with a live Test, edit, delete, packs."""

from __future__ import annotations

from pathlib import Path

from app.config import load_config
from app.custom_sources import COMMUNITY_NOTE, community_definitions, loads_pack
from app.demo.replay import ReplayServer
from scrapers.custom import CustomDefinition

SITE = Path(__file__).resolve().parents[1] / "fixtures" / "custom_site"
LIST = "https://kjt.example.gov.cn/tzgg/index.html"


def editor(qtbot, config, tasks, **fields):
    from app.ui.dialogs.custom_source import CustomSourceDialog

    dlg = CustomSourceDialog(config, tasks)
    qtbot.addWidget(dlg)
    dlg.key.setText(fields.pop("key", "kjt"))
    for name, value in fields.items():
        dlg.edits[name].setText(value)
    return dlg


def test_the_live_test_shows_the_rows_a_new_definition_would_store(qtbot, config, tasks):
    with ReplayServer(SITE, snapshot="t1") as site:
        config.fetch.mirror, config.fetch.spacing, config.fetch.jitter = site.url, 0.0, 0.0
        dlg = editor(qtbot, config, tasks, name="科技厅", list_url=LIST, item="ul.news-list li")
        dlg.test()
        qtbot.waitUntil(lambda: dlg.test_btn.isEnabled(), timeout=30000)
        assert dlg.last_test is not None and dlg.last_test.state == "ok", dlg.test_state.text()
        assert dlg.rows.rowCount() == 3
        assert dlg.rows.item(0, 0).text() == "2024-01-05"  # date found in the row's own text
        assert dlg.rows.item(0, 2).text().startswith("https://kjt.example.gov.cn/tzgg/202401/")

        dlg.edits["item"].setText("div.list li")  # a selector that matches nothing
        dlg.test()
        qtbot.waitUntil(lambda: dlg.test_btn.isEnabled(), timeout=30000)
    assert dlg.last_test.state == "broken"
    assert "no element matches item = 'div.list li'" in dlg.test_state.text()
    assert dlg.rows.rowCount() == 0


def test_the_editor_refuses_what_the_config_file_would_refuse(qtbot, config, tasks):
    dlg = editor(qtbot, config, tasks, key="govcn", name="x", list_url=LIST, item="li")
    dlg.accept_definition()
    assert dlg.result_definition is None and "built-in source" in dlg.error.text()
    dlg = editor(qtbot, config, tasks, name="x", list_url=LIST, item="li[")
    dlg.accept_definition()
    assert "custom_sources.kjt.item" in dlg.error.text() and "CSS selector" in dlg.error.text()
    dlg = editor(qtbot, config, tasks, name="x", list_url=LIST, item="li", date="span.d")
    dlg.accept_definition()
    assert dlg.result_definition == CustomDefinition(
        key="kjt", name="x", list_url=LIST, item="li", date="span.d"
    )


def test_added_edited_and_deleted_sources_are_saved_to_the_config(qtbot, seeded_db, config, tasks):
    from app.ui.dialogs.sources import SourcesDialog

    dlg = SourcesDialog(seeded_db, config, tasks)
    qtbot.addWidget(dlg)
    dlg.add_definition(CustomDefinition(key="kjt", name="科技厅", list_url=LIST, item="li"))
    dlg.add_definition(CustomDefinition(key="other", name="其他", list_url=LIST, item="tr"))
    assert dlg.edit_btn.isEnabled()  # the new source is selected
    dlg.delete_definition("other")
    dlg.save()
    assert dlg.saved is not None, dlg.error.text()
    reloaded = load_config(config.path)
    assert list(reloaded.custom_sources) == ["kjt"]
    assert reloaded.custom_sources["kjt"].item == "li"
    assert reloaded.source("kjt").enabled

    dlg = SourcesDialog(seeded_db, reloaded, tasks)  # deleting a saved one drops its settings
    qtbot.addWidget(dlg)
    dlg.delete_definition("kjt")
    dlg.save()
    assert dlg.saved is not None, dlg.error.text()
    again = load_config(config.path)
    assert again.custom_sources == {} and "kjt" not in again.sources


def test_packs_round_trip_and_the_community_pack_is_one_click(
    qtbot, seeded_db, config, tasks, tmp_path
):
    from app.ui.dialogs.sources import SourcesDialog

    dlg = SourcesDialog(seeded_db, config, tasks)
    qtbot.addWidget(dlg)
    added = dlg.add_community()
    shipped = community_definitions()
    assert added == len(shipped) >= 3 and COMMUNITY_NOTE in dlg.custom_note.text()
    assert dlg.add_community() == 0  # already there
    out = tmp_path / "sources.toml"
    dlg.export_pack(out)
    assert loads_pack(out.read_text(encoding="utf-8")) == shipped

    other = SourcesDialog(seeded_db, config, tasks)
    qtbot.addWidget(other)
    assert other.import_pack(out) == len(shipped)
    assert other.custom == shipped
    bad = tmp_path / "bad.toml"
    bad.write_text('format = "regwatch-topics"\nversion = 1\n', encoding="utf-8")
    assert other.import_pack(bad) == 0 and "not a regwatch source pack" in other.error.text()
