"""Rules that used to exist in several disagreeing copies: each is pinned here, once."""

from __future__ import annotations

import pytest

from app.config import Config
from app.pipeline.cycle import effective_mirror
from scrapers.http import PoliteClient, resolve_mirror

# -- mirror precedence: explicit, then env REGWATCH_MIRROR, then config fetch.mirror ------------


def test_mirror_precedence_is_explicit_then_env_then_config(monkeypatch):
    monkeypatch.delenv("REGWATCH_MIRROR", raising=False)
    assert resolve_mirror(None, "") == ""
    assert resolve_mirror(None, "http://cfg:1") == "http://cfg:1"
    monkeypatch.setenv("REGWATCH_MIRROR", "http://env:2")
    assert resolve_mirror(None, "http://cfg:1") == "http://env:2"
    assert resolve_mirror("http://cli:3", "http://cfg:1") == "http://cli:3"
    assert resolve_mirror("", "http://cfg:1") == ""  # --mirror "" forces the live sites


def test_pipeline_and_client_from_config_pick_the_same_mirror(monkeypatch):
    cfg = Config()
    cfg.fetch.mirror = "http://127.0.0.1:9001"
    monkeypatch.setenv("REGWATCH_MIRROR", "http://127.0.0.1:9002")
    with PoliteClient.from_config(cfg.fetch) as client:  # what "Test now" uses
        assert client.mirror == effective_mirror(cfg, None) == "http://127.0.0.1:9002"
    monkeypatch.delenv("REGWATCH_MIRROR")
    with PoliteClient.from_config(cfg.fetch) as client:
        assert client.mirror == effective_mirror(cfg, None) == "http://127.0.0.1:9001"
    with PoliteClient.from_config(cfg.fetch, mirror="") as client:
        assert client.mirror == effective_mirror(cfg, "") == ""


# -- one retry loop: the fetcher and the translation providers ------------------------------


def test_retry_policy_backoff_jitter_and_caps():
    import random

    from scrapers.retry import RetryPolicy

    policy = RetryPolicy(backoff=1.0, max_backoff=5.0, jitter=0.25, rng=random.Random(1))
    waits = [policy.delay(n) for n in range(5)]
    for n, wait in enumerate(waits[:3]):
        assert 2**n <= wait <= 2**n * 1.25  # exponential, with up to 25 % jitter
    assert waits[3:] == [5.0, 5.0]  # our own waits are capped
    assert policy.delay(0, retry_after=300.0) == 300.0  # the server's request is not


def test_run_with_retries_gives_up_on_a_retry_after_beyond_the_cap():
    from scrapers.retry import Retry, RetryPolicy, run_with_retries

    calls, pauses = [], []

    def attempt():
        calls.append(1)
        raise Retry(ValueError("slow down"), wait=3600.0)

    with pytest.raises(ValueError, match="slow down"):
        run_with_retries(attempt, RetryPolicy(retries=3, max_retry_after=60), pause=pauses.append)
    assert calls == [1] and pauses == []


def test_provider_honours_a_retry_after_date_through_the_shared_loop():
    import email.utils
    import time

    from app.translation.providers import provider_class
    from app.translation.providers.base import MAX_BACKOFF, ProviderSettings
    from tests.translation_fake import FakeServer, Reply

    soon = email.utils.formatdate(time.time() + 20, usegmt=True)
    replies = iter(
        [
            Reply(429, {"message": "busy"}, headers={"Retry-After": soon}),
            Reply(body={"translations": [{"text": "Measures"}]}),
        ]
    )
    with FakeServer(lambda r: next(replies)) as srv:
        settings = ProviderSettings(base_url=srv.url, timeout=2.0, retries=2, backoff=0.01)
        p = provider_class("deepl")(settings, "k-1")
        pauses: list[float] = []
        p.sleep = pauses.append
        assert p.translate(["办法"]) == ["Measures"]
    assert len(pauses) == 1 and 15 <= pauses[0] <= 20  # an HTTP-date, not only digits
    assert p.retry.max_backoff == MAX_BACKOFF and p.retry.jitter > 0


# -- one provenance mapping -----------------------------------------------------------------


def test_every_provenance_label_comes_from_one_mapping():
    from app.export.digest import translation_label
    from app.translation.result import Translation, provenance_label
    from app.ui.notice_html import provenance_label as detail_label

    assert detail_label is provenance_label
    assert provenance_label(None) == "untranslated" == provenance_label("")
    assert provenance_label("glossary") == provenance_label("offline") == "glossary"
    assert provenance_label("deepl", False) == "machine (deepl), partial"
    assert provenance_label("human", False) == "human"
    assert Translation("办法", "Measures", True).label == "glossary"
    assert translation_label("offline", False, False) == "partial glossary translation"
    assert translation_label(None, False) == translation_label("human", False, False) == ""
    assert translation_label("dictionary", False) == "dictionary translation"
    assert translation_label("deepl", False) == "machine translation"
    assert translation_label("deepl", True) == ""  # a human edit wins


# -- Beijing time ---------------------------------------------------------------------------


def test_beijing_dates_from_one_offset():
    import datetime as dt

    from app.pipeline.source_run import CycleSettings
    from scrapers.beijing import beijing_date
    from scrapers.text import parse_date

    late_utc = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 on 2 March in Beijing
    assert beijing_date(late_utc) == dt.date(2026, 3, 2)
    assert beijing_date(late_utc.replace(tzinfo=None)) == dt.date(2026, 3, 2)  # naive = UTC
    assert CycleSettings(started_at=late_utc).today == dt.date(2026, 3, 2)
    assert parse_date(int(late_utc.timestamp() * 1000)) == dt.date(2026, 3, 2)


# -- triage status labels -------------------------------------------------------------------


def test_status_labels_are_defined_once_for_every_status():
    from app.export import digest
    from app.triage import STATUS_LABELS
    from app.ui import notice_model
    from storage.models import TRIAGE_STATUSES

    assert tuple(STATUS_LABELS) == TRIAGE_STATUSES
    assert digest.STATUS_LABELS is STATUS_LABELS is notice_model.STATUS_LABELS


# -- one "decode a JSON body" ---------------------------------------------------------------


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b"[" * 100_000 + b"]" * 100_000])
def test_every_json_reader_fails_the_same_way(body):
    from scrapers.base import FetchError, Response
    from scrapers.charset import load_json
    from scrapers.miit import parse_search_response
    from scrapers.std_samr import parse_plans

    url = "https://www.example.gov.cn/api"
    readers = [
        lambda: load_json(body, url),
        lambda: Response(url, 200, {}, body, body.decode()).json(),
        lambda: parse_search_response(body, url),
        lambda: parse_plans(body, url),
    ]
    for read in readers:
        with pytest.raises(FetchError, match="did not return valid JSON|nested too deeply") as err:
            read()
        assert url in err.value.message


# -- ProviderSettings: the config's fields, declared once ---------------------------------


def test_provider_settings_carry_every_provider_config_field():
    import dataclasses

    from app.config import Config, ProviderConfig
    from app.translation.providers.base import ProviderSettings
    from app.translation.service import settings_for

    names = {f.name for f in dataclasses.fields(ProviderConfig)}
    assert names <= {f.name for f in dataclasses.fields(ProviderSettings)}
    cfg = Config()
    values = dict(base_url="http://h", model="m", region="r", app_id="a", timeout=3.0,
                  proxy="http://p:1", retries=5)  # fmt: skip
    assert set(values) == names  # a new ProviderConfig field must be added here and flows through
    cfg.translation.providers["deepl"] = ProviderConfig(**values)
    settings = settings_for(cfg.translation, "deepl")
    assert {n: getattr(settings, n) for n in names} == values
    assert settings_for(cfg.translation, "openai") == ProviderSettings()


# -- text normalisation: no identity replacements, one NFKC+whitespace helper in storage -----


def test_translation_fold_has_no_identity_replacements():
    from app.translation.text import _FOLD, normalise

    assert all(chr(k) != v for k, v in _FOLD.items())
    title = "关于《网络安全标准实践指南——人工智能》（征求意见稿）：ＡＩ，数据"
    assert normalise(normalise(title)) == normalise(title)
    assert "——" in normalise(title) and "：" in normalise(title) and "AI" in normalise(title)


def test_storage_title_and_body_normalisation_share_one_rule():
    from storage.notice_store import normalise_body, normalise_title

    raw = "\ufeff关于\u3000印发 《办法》\u00a0的通知（２０２４）\u200b"
    assert normalise_title(raw) == "关于印发《办法》的通知(2024)"
    assert normalise_body(raw) == "关于 印发 《办法》 的通知(2024)"


# -- dead code stays dead; the SQLite backup closes its files ------------------------------


def test_sqlite_backup_leaves_no_file_open(tmp_path):
    import os
    from pathlib import Path

    from storage.db import Database

    db = Database.open(f"sqlite:///{tmp_path / 'regwatch.sqlite3'}")
    db.engine.dispose()
    dest = db.backup()
    assert dest is not None and dest.exists()
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.exists():
        pytest.skip("needs /proc to list open files")
    open_files = set()
    for fd in os.listdir(fd_dir):
        try:
            open_files.add(os.readlink(fd_dir / fd))
        except OSError:
            continue
    assert str(dest) not in open_files


def test_removed_dead_code_is_gone():
    import scrapers.base
    from app import triage
    from app.translation.engine import OfflineEngine

    assert not hasattr(scrapers.base, "ParseError")
    assert not hasattr(triage, "set_human_title")  # human titles go through translation.memory
    assert not hasattr(OfflineEngine, "version")


# -- one keyring wrapper --------------------------------------------------------------------


def test_only_app_secrets_talks_to_the_keyring():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    users = sorted(
        str(p.relative_to(root))
        for pkg in ("app", "scrapers", "storage")
        for p in (root / pkg).rglob("*.py")
        if re.search(r"^\s*(import keyring|from keyring)", p.read_text(encoding="utf-8"), re.M)
    )
    assert users == ["app/secrets.py"]
