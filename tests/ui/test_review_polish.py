"""What a demanding user would notice: status-bar sentences, empty lists that say why, pane
widths that persist, labelled source fields, complete zh_CN strings."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

from app.ui.fetch_status import FetchStatus
from tests.ui.conftest import wait_idle

ROOT = Path(__file__).resolve().parents[2]


def test_status_bar_says_what_it_knows_about_fetch_times(qtbot):
    fs = FetchStatus()
    qtbot.addWidget(fs)
    fs.set_times(None, None)
    assert fs.times.text() == "Not fetched yet · no automatic fetch scheduled"
    assert "—" not in fs.times.text() and "Ctrl+R" in fs.times.toolTip()
    now = dt.datetime.now(dt.UTC)
    fs.set_times(now, now + dt.timedelta(hours=1))
    local = now.astimezone()
    assert fs.times.text().startswith(f"Last fetch {local:%H:%M %Z} · next ")  # with its zone
    old = now - dt.timedelta(days=3)
    fs.set_times(old, None)
    assert f"{old.astimezone():%Y-%m-%d %H:%M}" in fs.times.text()  # another day: with its date


def test_long_fetch_message_is_elided_with_the_whole_text_in_its_tooltip(qtbot):
    fs = FetchStatus()
    qtbot.addWidget(fs)
    fs.show()
    long = "27 new: " + ", ".join(f"Topic number {i} ({i})" for i in range(40))
    fs.message.setText(long)
    assert fs.message.sizeHint().width() <= fs.message.max_width
    assert fs.message.toolTip() == long and fs.message.full_text == long
    fs.message.resize(200, 20)
    assert fs.message.text() != long and fs.message.text().endswith("…")


def test_empty_lists_say_why_and_what_to_do(qtbot, window, tasks):
    window.sidebar.select_kind("flagged")
    qtbot.waitUntil(lambda: not window.model.loading, timeout=5000)
    wait_idle(qtbot, tasks)
    if window.model.rowCount() == 0:
        assert "Press F" in window.table.empty_text
    window.search.setText("zzzz-no-such-notice")
    window._apply_search()
    qtbot.waitUntil(lambda: window.model.rowCount() == 0 and not window.model.loading, timeout=5000)
    wait_idle(qtbot, tasks)
    assert "zzzz-no-such-notice" in window.table.empty_text
    window.search.setText("")
    window._apply_search()
    window.sidebar.select_kind("all")
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5000)
    assert window.table.empty_text == ""


def test_empty_database_points_at_fetch_now(qtbot, db, config, tasks):
    from app.ui.main_window import MainWindow

    w = MainWindow(db, config, tasks)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.sidebar.last_counts is not None, timeout=5000)
    wait_idle(qtbot, tasks)
    assert "Fetch now (Ctrl+R)" in w.table.empty_text


def test_pane_widths_are_remembered(qtbot, seeded_db, config, tasks):
    from app.ui.main_window import DEFAULT_SPLIT, SPLITTER_SETTING, MainWindow
    from storage.models import Setting

    w = MainWindow(seeded_db, config, tasks)
    qtbot.addWidget(w)
    w.show()
    assert w.splitter.sizes()[0] >= DEFAULT_SPLIT[0] - 30  # sidebar names get room
    w.splitter.setSizes([330, 640, 430])
    w.save_layout()
    wait_idle(qtbot, tasks)
    with seeded_db.read() as s:
        saved = s.get(Setting, SPLITTER_SETTING).value
    assert saved[0] > DEFAULT_SPLIT[0]
    w2 = MainWindow(seeded_db, config, tasks)
    qtbot.addWidget(w2)
    assert w2._stored_split() == saved


def _tr_literals() -> dict[str, str]:
    out = {}
    for path in sorted((ROOT / "app" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            arg = node.args[0]
            if (
                name in ("tr", "_action")
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
            ):
                out.setdefault(arg.value, str(path.relative_to(ROOT)))
    return out


def test_every_tr_string_has_a_zh_cn_translation():
    table = json.loads((ROOT / "resources" / "i18n" / "zh_CN.json").read_text(encoding="utf-8"))
    missing = {s: where for s, where in _tr_literals().items() if s not in table}
    assert not missing, f"untranslated in zh_CN.json: {missing}"
    for src, zh in table.items():  # placeholders survive translation
        for ph in ("{n}", "{view}", "{q}", "{path}", "{name}", "{last}", "{next}", "{m}"):
            assert (ph in src) == (ph in zh), (src, zh)


def test_source_fields_get_reader_labels_and_no_repeats():
    from app.ui.notice_detail import visible_extra

    shown = dict(
        visible_extra(
            {
                "ColumnName": "通知",
                "ColId": "1234",
                "发布机构": "科技司",
                "stage": "发布",
                "plan_code": "20242626-T-607",
                "ta_name": "全国玩具标准化技术委员会",
                "std_nature": "推荐性",
                "some_new_field": "x",
            }
        )
    )
    assert shown == {
        "Column (栏目)": "通知",
        "Issuing office (发布机构)": "科技司",
        "Technical committee": "全国玩具标准化技术委员会",
        "Nature of standard": "推荐性",
        "Some new field": "x",
    }


def test_comment_deadline_says_whether_there_is_still_time():
    from app.ui.notice_html import deadline_text

    today = dt.date(2025, 6, 1)
    assert deadline_text(None) == ""
    assert deadline_text(dt.date(2025, 5, 30), today=today) == "2025-05-30 (closed)"
    assert deadline_text(today, today=today) == "2025-06-01 (today)"
    assert deadline_text(dt.date(2025, 6, 13), today=today) == "2025-06-13 (in 12 days)"


def test_sources_dialog_names_channels_and_shows_the_selected_sources_health(
    qtbot, seeded_db, config, tasks
):
    from PySide6.QtCore import Qt

    from app.ui.dialogs.sources import SourcesDialog
    from storage.models import SourceRecord

    with seeded_db.write() as s:
        rec = s.get(SourceRecord, "cac") or SourceRecord(key="cac")
        rec.state, rec.message = "blocked", "HTTP 403 from www.cac.gov.cn"
        s.merge(rec)
    dlg = SourcesDialog(seeded_db, config, tasks)
    qtbot.addWidget(dlg)
    items = {
        dlg.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1)[0]: dlg.tree.topLevelItem(i)
        for i in range(dlg.tree.topLevelItemCount())
    }
    cac = items["cac"]
    child = cac.child(0)
    key = child.data(0, Qt.ItemDataRole.UserRole + 1)[1]
    assert child.text(0) != key and key not in child.toolTip(0)  # a name, never "zcfg"
    dlg.tree.setCurrentItem(cac)
    text = dlg.health_label.text()
    assert "blocked" in text and "HTTP 403" in text and "Last run" in text


def test_settings_offline_provider_greys_out_url_model_and_key(qtbot, config, tasks):
    from app.ui.dialogs.settings import SettingsDialog

    dlg = SettingsDialog(config, tasks)
    qtbot.addWidget(dlg)
    dlg.provider.setCurrentIndex(dlg.provider.findData("offline"))
    assert not dlg.base_url.isEnabled() and not dlg.api_key.isEnabled()
    other = next(i for i in range(dlg.provider.count()) if dlg.provider.itemData(i) != "offline")
    dlg.provider.setCurrentIndex(other)
    assert dlg.base_url.isEnabled() and dlg.api_key.isEnabled()


def test_topics_dialog_keeps_room_for_the_history_test(qtbot, seeded_db, tasks):
    from app.ui.dialogs.topics import TopicsDialog

    dlg = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.expanded_box.maximumHeight() <= 160  # long expansions scroll
    assert dlg.sample.minimumHeight() >= 100
    assert dlg.description.cursorPosition() == 0


def test_last_fetch_of_an_earlier_session_is_shown_at_start(qtbot, seeded_db, config, tasks):
    from app.ui.main_window import MainWindow
    from storage.models import FetchRun

    when = dt.datetime(2025, 3, 1, 8, 30)  # stored naive UTC
    with seeded_db.write() as s:
        s.add(FetchRun(source="cac", started_at=when, finished_at=when, outcome="ok"))
    w = MainWindow(seeded_db, config, tasks)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.stored_last_fetch is not None, timeout=5000)
    local = when.replace(tzinfo=dt.UTC).astimezone()
    assert f"Last fetch {local:%Y-%m-%d %H:%M}" in w.fetch_status.times.text()
