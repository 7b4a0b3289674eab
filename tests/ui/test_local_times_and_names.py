"""Times read in the user's zone (with the zone written out), the digest at local time, the
topic editor's memory given back, and no internal names (provider, security, channel or source
keys) on screen."""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest

from tests.ui.conftest import wait_idle

UTC = dt.UTC
NOON_UTC = dt.datetime(2026, 1, 15, 12, 0)  # naive, as the database stores it: 13:00 CET


@pytest.fixture
def berlin(monkeypatch):
    """The process runs in Europe/Berlin (CET in winter, CEST in summer)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# -- 1. times ------------------------------------------------------------------------------------


def test_one_helper_shows_stored_utc_as_local_time_with_its_zone(berlin):
    from app.ui.times import local_date, local_time

    assert local_time(NOON_UTC) == "2026-01-15 13:00 CET"
    assert local_time("2026-07-15T12:00:00+00:00") == "2026-07-15 14:00 CEST"
    assert local_time(NOON_UTC, short=True, today=dt.date(2026, 1, 15)) == "13:00 CET"
    assert local_time(NOON_UTC, short=True, today=dt.date(2026, 1, 16)) == "2026-01-15 13:00 CET"
    assert local_time(None, never="never") == "never"
    # 23:30 UTC is already the next day in Berlin
    assert local_date(dt.datetime(2026, 1, 15, 23, 30)) == "2026-01-16"
    # a zone without letters of its own gets its offset
    assert local_time(NOON_UTC, tz=ZoneInfo("America/Sao_Paulo")) == "2026-01-15 09:00 UTC-03:00"
    assert local_time(NOON_UTC, tz=ZoneInfo("Asia/Kolkata")) == "2026-01-15 17:30 IST"


def test_sidebar_tooltip_and_status_bar_show_local_time(berlin, qtbot):
    from app.ui.fetch_status import FetchStatus
    from app.ui.sidebar import health_tooltip

    tip = health_tooltip(
        {
            "key": "cac",
            "name": "CAC",
            "state": "ok",
            "message": "",
            "last_run": "2026-01-15T12:00:00+00:00",
            "last_ok": None,
            "channels": [],
        }
    )
    assert "2026-01-15 13:00 CET" in tip and "12:00" not in tip
    assert "never" in tip

    bar = FetchStatus()
    qtbot.addWidget(bar)
    bar.set_times(NOON_UTC.replace(tzinfo=UTC), None)
    assert "13:00 CET" in bar.times.text() and "12:00" not in bar.times.text()


def test_sources_dialog_shows_last_runs_in_local_time(berlin, qtbot, seeded_db, config, tasks):
    from app.ui.dialogs.sources import SourcesDialog
    from storage.models import SourceRecord

    with seeded_db.write() as s:
        s.merge(SourceRecord(key="cac", state="ok", last_run=NOON_UTC, last_ok=NOON_UTC))
    dlg = SourcesDialog(seeded_db, config, tasks)
    qtbot.addWidget(dlg)
    text = dlg.health_text(("cac", None))
    assert "2026-01-15 13:00 CET" in text and "12:00" not in text
    tip = next(
        dlg.tree.topLevelItem(i).toolTip(1)
        for i in range(dlg.tree.topLevelItemCount())
        if dlg.tree.topLevelItem(i).data(0, 257)[0] == "cac"
    )
    assert "13:00 CET" in tip


def test_detail_pane_times_are_local(berlin):
    from app.ui.notice_html import _emailed

    class D:
        exported_at = NOON_UTC
        exported_to = "a@example.eu"

    assert _emailed(D, lambda s: s) == "2026-01-15 13:00 CET to a@example.eu"


def test_digest_time_is_local_wall_clock_time(berlin):
    from apscheduler.schedulers.background import BackgroundScheduler

    from app.config import DEFAULT_CONFIG_TEXT, EmailConfig, EmailScheduleConfig
    from app.export.schedule import add_digest_job, digest_trigger

    now = dt.datetime(2026, 1, 15, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    trig = digest_trigger(EmailScheduleConfig(time="08:30"))
    assert trig.get_next_fire_time(None, now) == dt.datetime(2026, 1, 15, 7, 30, tzinfo=UTC)
    summer = dt.datetime(2026, 7, 15, 5, 0, tzinfo=UTC)  # 07:00 CEST
    assert trig.get_next_fire_time(None, summer) == dt.datetime(2026, 7, 15, 6, 30, tzinfo=UTC)

    # the GUI's and the daemon's schedulers keep UTC; the digest still fires at 08:30 local
    scheduler = BackgroundScheduler(timezone=UTC)
    email = EmailConfig(to=["a@example.eu"])
    email.schedule = EmailScheduleConfig(enabled=True, time="08:30")
    job = add_digest_job(scheduler, db=None, config=email)
    assert job.trigger.get_next_fire_time(None, now) == dt.datetime(2026, 1, 15, 7, 30, tzinfo=UTC)

    schedule_part = DEFAULT_CONFIG_TEXT.split("[email.schedule]", 1)[1].split("[", 1)[0]
    assert "local time" in schedule_part


# -- 2. memory -----------------------------------------------------------------------------------


def test_topics_dialog_gives_the_history_cache_back_when_it_closes(qtbot, seeded_db, tasks):
    from app.topics import corpus_cache
    from app.ui.dialogs.topics import TopicsDialog

    corpus_cache.clear()
    dlg = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: corpus_cache.cached(seeded_db) is not None, timeout=10000)
    wait_idle(qtbot, tasks)
    assert len(corpus_cache.cached(seeded_db)) > 0
    dlg.done(0)
    qtbot.waitUntil(lambda: corpus_cache.cached(seeded_db) is None, timeout=10000)
    wait_idle(qtbot, tasks)
    assert corpus_cache.cached(seeded_db) is None
    # opening it again loads it again
    again = TopicsDialog(seeded_db, tasks)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: corpus_cache.cached(seeded_db) is not None, timeout=10000)
    again.done(0)
    wait_idle(qtbot, tasks)


# -- 3. internal names ---------------------------------------------------------------------------

PROVIDER_KEYS = {"offline", "deepl", "openai", "google", "microsoft", "baidu", "youdao", "tencent"}


def _combo_texts(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_settings_show_provider_and_security_names_not_keys(qtbot, config, tasks):
    from app.ui.dialogs.settings import SettingsDialog

    dlg = SettingsDialog(config, tasks)
    qtbot.addWidget(dlg)
    providers = _combo_texts(dlg.provider)
    assert "DeepL" in providers and not PROVIDER_KEYS & set(providers)
    assert dlg.provider.currentData() == "offline"  # the stored value is still the key
    security = _combo_texts(dlg.security)
    assert not {"starttls", "ssl", "plain"} & set(security)
    assert any("STARTTLS" in s for s in security)


def test_first_run_shows_provider_names_not_keys(qtbot, config, seeded_db, tasks):
    from app.ui.dialogs.first_run import FirstRunDialog

    dlg = FirstRunDialog(seeded_db, config, tasks)
    qtbot.addWidget(dlg)
    assert not PROVIDER_KEYS & set(_combo_texts(dlg.provider))


def test_a_machine_title_names_the_provider_product(qtbot):
    from app.ui.notice_html import provenance_text

    assert provenance_text("machine (deepl)") == "machine (DeepL)"
    assert provenance_text("machine (baidu), partial") == "machine (Baidu Translate), partial"
    assert provenance_text("glossary") == "glossary"


def test_sources_dialog_names_channels_and_states_in_words(qtbot, seeded_db, config, tasks):
    from app.services import SourceTest
    from app.ui.dialogs.sources import KEY_ROLE, SourcesDialog
    from app.ui.labels import test_summary

    dlg = SourcesDialog(seeded_db, config, tasks)
    qtbot.addWidget(dlg)
    texts = []
    for i in range(dlg.tree.topLevelItemCount()):
        item = dlg.tree.topLevelItem(i)
        texts += [item.text(1), item.toolTip(0)]
        for j in range(item.childCount()):
            ch = item.child(j)
            texts += [ch.text(0), ch.text(1), ch.toolTip(0)]
    shown = " | ".join(texts)
    for key in ("zcfg", "wxfb", "never_run", "never run", "tzgg"):
        assert key not in shown, key
    assert dlg.tree.topLevelItem(0).data(0, KEY_ROLE)  # keys stay behind the scenes

    ok = SourceTest("ok", "20 rows on page 1", "wxfb", (), 20)
    text = test_summary(ok, "cac")
    assert text == "OK — CAC releases: 20 rows on the first list page"
    assert "wxfb" not in text and "ok [" not in text
    broken = test_summary(SourceTest("blocked", "The site refused the request.", "zcfg"), "cac")
    assert broken.startswith("blocked by the site — Policies and regulations")


def test_fetch_progress_names_sources_even_without_a_name_table(qtbot):
    from app.ui.fetch_status import FetchStatus

    bar = FetchStatus()  # no source_names given
    qtbot.addWidget(bar)
    bar.on_progress("sac", 1, 1, "reading notices 1/1")
    assert bar.bars["sac"].format().startswith("SAC ")
    assert bar.message.full_text == "SAC: reading notices 1/1"
    bar.on_progress("govcn", 0, 0, "starting")
    assert bar.message.full_text.startswith("gov.cn: ")


def test_sidebar_tooltip_names_failing_channels_not_keys():
    from app.ui.sidebar import health_tooltip

    tip = health_tooltip(
        {
            "key": "cac",
            "name": "CAC",
            "state": "degraded",
            "message": "",
            "last_run": None,
            "last_ok": None,
            "channels": [
                {"key": "zcfg", "state": "broken", "message": "No rows found."},
            ],
        }
    )
    assert "zcfg" not in tip and "Policies and regulations: broken page" in tip
    assert "partly failing" in tip and "degraded" not in tip


def test_std_samr_fields_appear_once():
    from app.ui.notice_detail import visible_extra

    shown = visible_extra({"std_form": "制定", "制修订": "制定", "std_nature": "推荐性"})
    assert shown == (("New or revision (制修订)", "制定"), ("Nature of standard", "推荐性"))


def test_document_number_label_is_not_doubled_in_chinese():
    from app.ui.notice_html import _doc_number_label

    assert _doc_number_label(lambda s: s) == "Document number (文号)"
    assert _doc_number_label(lambda s: {"Document number": "文号"}.get(s, s)) == "文号"


def test_also_published_on_names_the_source_not_its_key(qtbot, seeded_db):
    from dataclasses import replace

    from sqlalchemy import select

    from app.ui.notice_detail import load_detail
    from app.ui.notice_html import render
    from storage.models import Notice

    with seeded_db.read() as s:
        nid = s.scalars(select(Notice.id).limit(1)).one()
        d = load_detail(s, nid)
    d = replace(d, duplicates=(("govcn", "关于…的通知", "https://www.gov.cn/x.htm"),))
    html = render(d)
    assert "gov.cn: 关于…的通知" in html and "govcn:" not in html
