"""The scheduled improve-partial job: provider English replaces a partial offline title and the
notice is re-matched against topics (which read English titles too)."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from app.config import Config, ProviderConfig
from app.scheduling import TRANSLATE_JOB_ID, add_translation_job, improve_titles
from app.topics.pack import TopicSpec
from app.topics.store import create_topic
from app.translation.service import Translator
from storage.models import Notice, TopicMatch
from tests.test_translation_service import DOC, DOC_EN, PARTIAL, FakeLLM
from tests.translation_fake import FakeServer


def _config(url: str | None = None) -> Config:
    cfg = Config()
    if url:
        cfg.translation.provider = "openai"
        cfg.translation.providers["openai"] = ProviderConfig(base_url=url, model="m", timeout=5)
    return cfg


def test_improved_titles_are_rematched_against_topics(sqlite_db):
    with sqlite_db.write() as s:
        create_topic(s, TopicSpec(name="Quantum devices", query='"quantum hall"'))
        n = Notice(source="miit", url="https://www.miit.gov.cn/a", title=PARTIAL)
        Translator().fill_notice(n)
        s.add(n)
    with sqlite_db.read() as s:
        assert s.scalar(select(Notice.title_en_provider)) == "dictionary"  # literal, improvable
    llm = FakeLLM({DOC: DOC_EN})
    with FakeServer(llm) as srv:
        report = improve_titles(sqlite_db, _config(srv.url))
    assert report.improved == 1 and llm.asked == [DOC]
    with sqlite_db.read() as s:
        notice = s.scalars(select(Notice)).one()
        assert notice.title_en.endswith(DOC_EN) and notice.title_en_complete
        match = s.scalars(select(TopicMatch)).one()
        assert any(t["field"] == "title_en" for t in match.terms)


def test_translation_job_exists_only_with_an_online_provider(sqlite_db):
    scheduler = BackgroundScheduler(timezone="UTC")
    assert add_translation_job(scheduler, sqlite_db, _config()) is None
    job = add_translation_job(scheduler, sqlite_db, _config("http://127.0.0.1:9"))
    assert job is not None and scheduler.get_job(TRANSLATE_JOB_ID) is not None
    offline = _config()
    assert add_translation_job(scheduler, sqlite_db, offline) is None
    assert scheduler.get_job(TRANSLATE_JOB_ID) is None


def test_one_improve_job_closes_its_translator_and_gui_uses_it(sqlite_db, monkeypatch):
    """The GUI scheduler and the daemon share one job (id, body, interval); the body closes the
    Translator even when nothing is improved."""
    from app import scheduling

    closed: list[Translator] = []
    original = Translator.close

    def close(self):
        closed.append(self)
        original(self)

    monkeypatch.setattr(Translator, "close", close)
    with FakeServer(FakeLLM({})) as srv:
        report = improve_titles(sqlite_db, _config(srv.url))
    assert report.improved == 0 and len(closed) == 1
    scheduler = BackgroundScheduler(timezone="UTC")
    job = add_translation_job(scheduler, sqlite_db, _config("http://127.0.0.1:9"))
    assert job.func is scheduling.improve_titles
    assert job.trigger.interval.total_seconds() == 60 * scheduling.TRANSLATE_EVERY_MINUTES
