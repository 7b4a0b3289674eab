"""Translator + memory on a real SQLite database and a local fake LLM server: caching,
human corrections, improving partial titles, bodies, and the translate command."""

from __future__ import annotations

import json

import pytest

from app.cli import main
from app.translation import memory
from app.translation.providers import ProviderSettings, provider_class
from app.translation.service import RateLimiter, Translator, split_sentences
from storage.db import Database
from storage.models import Notice, TranslationEntry
from tests.translation_fake import FakeServer, Reply

PARTIAL = "工业和信息化部关于印发《量子霍尔效应器件管理办法》的通知"
DOC = "量子霍尔效应器件管理办法"
DOC_EN = "Measures for the Administration of Quantum Hall Effect Devices"
KNOWN = "工业和信息化部关于印发《人形机器人创新发展指导意见》的通知"


class FakeLLM:
    """Answers chat completions from a table; counts what it was asked."""

    def __init__(self, table):
        self.table = table
        self.asked: list[str] = []

    def __call__(self, req):
        if req.path.endswith("/models"):
            return Reply(body={"data": [{"id": "m"}]})
        text = req.json()["messages"][1]["content"]
        self.asked.append(text)
        return Reply(body={"choices": [{"message": {"content": self.table.get(text, "")}}]})


@pytest.fixture
def db(tmp_path):
    d = Database.open(f"sqlite:///{tmp_path / 'rw.sqlite3'}")
    yield d
    d.close()


def add_notice(db, title, url):
    with db.write() as s:
        n = Notice(source="miit", url=url, title=title)
        Translator().fill_notice(n)
        s.add(n)
        s.flush()
        return n.id


def translator_for(server, **kw):
    prov = provider_class("openai")(
        ProviderSettings(base_url=server.url, model="m", timeout=5), None
    )
    return Translator(provider=prov, limiter=RateLimiter(0), **kw)


def test_provider_fills_only_the_document_name_and_is_called_once_per_text(db):
    llm = FakeLLM({DOC: DOC_EN})
    with FakeServer(llm) as srv:
        tr = translator_for(srv)
        first = tr.translate_title(db, PARTIAL)
        second = tr.translate_title(db, PARTIAL)
    assert first.text == (
        "Notice of the Ministry of Industry and Information Technology on Issuing the " + DOC_EN
    )
    assert first.complete and first.provider == "openai" and first.label == "machine (openai)"
    assert second.text == first.text
    assert llm.asked == [DOC]  # the frame and the issuer never go to the provider; cached after


def test_improve_partial_updates_notices_and_tm(db):
    a = add_notice(db, PARTIAL, "https://miit/a")
    b = add_notice(db, PARTIAL, "https://miit/b")
    c = add_notice(db, KNOWN, "https://miit/c")
    llm = FakeLLM({DOC: DOC_EN})
    with FakeServer(llm) as srv:
        report = translator_for(srv).improve_partial(db, limit=10)
    assert report.improved == 1 and report.failed == 0 and report.provider_calls == 1
    with db.read() as s:
        for nid in (a, b):
            n = s.get(Notice, nid)
            assert n.title_en.endswith(DOC_EN) and n.title_en_complete
            assert memory.notice_label(n) == "machine (openai)"
        assert memory.notice_label(s.get(Notice, c)) == "glossary"
    # title_en (no network) now finds the machine result in the TM
    assert Translator().title_en(PARTIAL, db).provider == "openai"


def test_rejected_output_keeps_offline_result(db):
    nid = add_notice(db, PARTIAL, "https://miit/x")
    with FakeServer(FakeLLM({DOC: "量子霍尔效应器件管理办法"})) as srv:
        report = translator_for(srv).improve_partial(db)
    assert report.failed == 1 and "mostly Chinese" in report.errors[0]
    with db.read() as s:
        n = s.get(Notice, nid)
        # the offline result stays: complete from the general dictionary, labelled as such
        assert n.title_en_provider == "dictionary" and n.title_en_complete
        assert "Quantum Hall Effect" in n.title_en


def test_human_correction_wins_everywhere_and_is_reused(db):
    ids = [add_notice(db, PARTIAL, f"https://miit/{i}") for i in range(3)]
    llm = FakeLLM({DOC: DOC_EN})
    with FakeServer(llm) as srv:
        tr = translator_for(srv)
        tr.translate_title(db, PARTIAL)  # a machine result exists too
        assert memory.set_human_translation(db, PARTIAL, "MIIT notice on quantum Hall devices") == 3
        assert tr.translate_title(db, PARTIAL).provider == "human"
        tr.improve_partial(db)
    with db.read() as s:
        for nid in ids:
            n = s.get(Notice, nid)
            assert n.title_en == "MIIT notice on quantum Hall devices" and n.title_en_human
            assert memory.notice_label(n) == "human"
    assert Translator().title_en(PARTIAL, db).text == "MIIT notice on quantum Hall devices"
    # a notice seen later with the same title gets the correction from the TM at store time
    with db.write() as s:
        n = Notice(source="miit", url="https://miit/later", title=PARTIAL)
        Translator().fill_notice(n, s)
        assert n.title_en == "MIIT notice on quantum Hall devices" and n.title_en_human
    with pytest.raises(memory.MemoryInputError):
        memory.set_human_translation(db, PARTIAL, "   ")


def test_translate_body_sentence_by_sentence_cached(db):
    body = "为促进人工智能发展，制定本办法。本办法自2025年9月1日起施行！"
    with db.write() as s:
        n = Notice(source="cac", url="https://cac/1", title=KNOWN, body=body)
        s.add(n)
        s.flush()
        nid = n.id
    table = {"为促进人工智能发展，制定本办法。": "These Measures are formulated to promote AI.",
             "本办法自2025年9月1日起施行！": "These Measures take effect on 1 September 2025!"}  # fmt: skip
    llm = FakeLLM(table)
    with FakeServer(llm) as srv:
        tr = translator_for(srv)
        first = tr.translate_body(db, nid)
        again = tr.translate_body(db, nid)
    assert split_sentences(body) == list(table)
    assert first.text == " ".join(table.values()) and first.complete
    assert again.text == first.text and llm.asked == list(table)
    with db.read() as s:
        assert s.query(TranslationEntry).filter_by(provider="openai").count() == 2
    with pytest.raises(LookupError):
        tr.translate_body(db, 9999)


def test_offline_body_is_literal_sentence_by_sentence(db):
    body = "为促进人工智能发展，制定本办法。本办法自2025年9月1日起施行！"
    with db.write() as s:
        n = Notice(source="cac", url="https://cac/2", title=KNOWN, body=body)
        s.add(n)
        s.flush()
        nid = n.id
    result = Translator().translate_body(db, nid)
    assert result.literal and result.provider in ("glossary", "dictionary")
    assert [zh for zh, _ in result.sentences] == split_sentences(body)
    assert "September 1, 2025" in result.text


def test_rate_limiter_waits_within_a_minute():
    now = [0.0]
    slept: list[float] = []
    lim = RateLimiter(
        2, clock=lambda: now[0], sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s))
    )
    for _ in range(3):
        lim.wait()
        now[0] += 1
    assert slept == [58.0]


# -- CLI ---------------------------------------------------------------------------------------


def test_cli_offline_json(capsys):
    assert main(["translate", "--json", KNOWN, "人工智能 术语"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert lines[0]["text"] == KNOWN and lines[0]["complete"] is True
    assert lines[0]["provider"] == "glossary"
    assert lines[1]["translation"] == "Artificial intelligence—Terminology"


def test_cli_unknown_provider_exits_2(capsys):
    assert main(["translate", "--provider", "babel", "测试"]) == 2
    assert "unknown translation provider 'babel'" in capsys.readouterr().err


def _config(tmp_path, url):
    cfg = tmp_path / "rw.toml"
    cfg.write_text(
        f'[translation.providers.openai]\nbase_url = "{url}"\nmodel = "m"\ntimeout = 5.0\nretries = 0\n',
        encoding="utf-8",
    )
    return ["--config", str(cfg), "--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}"]


def test_cli_provider_uses_tm(tmp_path, capsys):
    llm = FakeLLM({DOC: DOC_EN})
    with FakeServer(llm) as srv:
        args = _config(tmp_path, srv.url)
        assert main([*args, "translate", "--provider", "openai", "--json", PARTIAL]) == 0
        assert main([*args, "translate", "--provider", "openai", PARTIAL]) == 0
    out = capsys.readouterr().out.splitlines()
    assert json.loads(out[0])["provider"] == "openai" and out[1].endswith(DOC_EN)
    assert llm.asked == [DOC]


def test_cli_provider_failure_is_reported(tmp_path, capsys):
    with FakeServer(lambda r: Reply(401, {"error": {"message": "bad key"}})) as srv:
        args = _config(tmp_path, srv.url)
        assert main([*args, "translate", "--provider", "openai", PARTIAL]) == 1
    assert "openai failed: openai refused the API key (401: bad key)" in capsys.readouterr().err


def test_cli_json_labels_dictionary_glosses(capsys):
    assert main(["translate", "--json", PARTIAL]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["provider"] == "dictionary" and line["label"] == "dictionary"
    assert line["complete"] is True and "Quantum Hall Effect" in line["translation"]


def test_dictionary_provenance_reads_the_same_in_gui_and_digest():
    from app.export.digest import translation_label
    from app.ui.notice_html import provenance_label

    assert provenance_label("dictionary", True) == "dictionary"
    assert provenance_label("dictionary", False) == "dictionary, partial"
    assert translation_label("dictionary", False) == "dictionary translation"
    assert translation_label("glossary", False) == "glossary translation"


def test_provider_check_shows_a_sample_translation():
    from app.translation.service import SAMPLE_TITLE, check_provider

    with FakeServer(FakeLLM({SAMPLE_TITLE: "CAC notice seeking comments on AI labeling"})) as srv:
        prov = provider_class("openai")(
            ProviderSettings(base_url=srv.url, model="m", timeout=5), None
        )
        message = check_provider(prov)
        prov.close()
    assert message.startswith("openai: connected")
    assert f"{SAMPLE_TITLE} → CAC notice seeking comments on AI labeling" in message
    offline = check_provider(None)
    assert offline.startswith("offline (literal): ") and "Cyberspace Administration" in offline
