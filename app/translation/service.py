"""The facade the fetch pipeline, the GUI and the CLI use.

``title_en`` never touches the network (TM human → TM machine → offline engine) and is fast
enough to call for every new notice. ``improve_partial`` and ``translate_body`` call the
configured provider, cache every result in the TM first, and keep the offline result whenever
the provider fails or answers with something unusable.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select

from app.translation import memory
from app.translation.engine import OfflineEngine, default_engine
from app.translation.providers.base import Provider, ProviderSettings
from app.translation.providers.catalog import provider_class
from app.translation.providers.errors import ProviderError, RejectedOutput
from app.translation.providers.keys import get_key
from app.translation.result import DICTIONARY, OFFLINE, OFFLINE_PROVIDERS, Translation
from app.translation.text import has_cjk, normalise
from storage.models import Notice

log = logging.getLogger(__name__)

CONFIG_OFFLINE = "offline"  # translation.provider's value for "the offline engine only"

_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?|\n")


def split_sentences(body: str) -> list[str]:
    """Sentences of a body, split after 。！？；, keeping the punctuation; blank lines dropped."""
    return [m.group(0).strip() for m in _SENTENCE.finditer(body) if m.group(0).strip()]


class RateLimiter:
    """At most ``per_minute`` calls in any sliding minute (0 = unlimited)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):  # fmt: skip
        self.per_minute = per_minute
        self.clock, self.sleep = clock, sleep
        self._calls: list[float] = []

    def wait(self) -> None:
        if self.per_minute <= 0:
            return
        now = self.clock()
        self._calls = [t for t in self._calls if now - t < 60]
        if len(self._calls) >= self.per_minute:
            self.sleep(60 - (now - self._calls[0]))
            now = self.clock()
        self._calls.append(now)


@dataclass
class ImproveReport:
    """What improve_partial did, for the GUI's status line and the CLI."""

    improved: int = 0
    still_partial: int = 0
    failed: int = 0
    provider_calls: int = 0
    errors: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # Chinese titles whose English changed


@dataclass
class BodyTranslation:
    text: str
    sentences: list[tuple[str, str]]  # (Chinese, English)
    provider: str
    complete: bool
    # True when the offline engine wrote it sentence by sentence: literal English, not fluent
    literal: bool = False


def settings_for(config, name: str) -> ProviderSettings:
    """ProviderSettings from app.config.TranslationConfig's [translation.providers.<name>]."""
    pc = config.providers.get(name) if config is not None else None
    return ProviderSettings.from_config(pc)


def create_provider(name: str, config=None, *, key: str | None = None) -> Provider:
    """A provider by name with its settings and its key from the keyring."""
    cls = provider_class(name)
    return cls(settings_for(config, name), key if key is not None else get_key(name))


# What the Settings "Test" button translates, so the user sees the English a provider gives.
SAMPLE_TITLE = "国家互联网信息办公室关于《人工智能生成合成内容标识办法》公开征求意见的通知"


def check_provider(provider: Provider | None) -> str:
    """The provider's own connection check plus one sample title in its English; with no
    provider, the offline engine's English of the same title (network work: not on the GUI
    thread)."""
    if provider is None:
        en = default_engine().translate(SAMPLE_TITLE).text
        return f"offline (literal): {SAMPLE_TITLE} → {en}"
    message = provider.test()
    en = provider.translate([SAMPLE_TITLE])[0]
    return f"{message}\nSample: {SAMPLE_TITLE} → {en}"


class Translator:
    """Titles and bodies to English with provenance; the one object the app talks to."""

    def __init__(self, config=None, *, engine: OfflineEngine | None = None,
                 provider: Provider | None = None, limiter: RateLimiter | None = None):  # fmt: skip
        self.config = config  # app.config.TranslationConfig (or None: offline only)
        self.engine = engine or default_engine()
        self._provider = provider
        per_minute = getattr(config, "max_per_minute", 30) if config is not None else 30
        self.limiter = limiter or RateLimiter(per_minute)

    @property
    def provider_name(self) -> str:
        if self._provider is not None:
            return self._provider.name
        name = getattr(self.config, "provider", OFFLINE) if self.config is not None else OFFLINE
        return OFFLINE if name == CONFIG_OFFLINE else name  # the config calls it "offline"

    def provider(self) -> Provider | None:
        """The configured online provider, or None when the offline engine is the provider."""
        if self._provider is None and self.provider_name != OFFLINE:
            self._provider = create_provider(self.provider_name, self.config)
        return self._provider

    def close(self) -> None:
        if self._provider is not None:
            self._provider.close()

    # -- titles (no network) -----------------------------------------------------------------

    def title_en(self, title: str, db: memory.DbOrSession | None = None) -> Translation:
        """Human TM → machine TM → offline engine. Never calls a provider."""
        if db is not None and has_cjk(title or ""):
            found = memory.best(db, title)
            if found is not None:
                return Translation(found.source, found.text, found.complete, found.provider,
                                   model=found.model)  # fmt: skip
        return self.engine.translate(title)

    def fill_notice(self, notice: Notice, db: memory.DbOrSession | None = None) -> Translation:
        """Set a notice's title_en* from title_en (the pipeline calls this at store time)."""
        t = self.title_en(notice.title, db)
        memory.apply_to_notice(notice, t)
        return t

    # -- provider calls (cached) ------------------------------------------------------------

    def translate_texts(self, db: memory.DbOrSession | None, texts: list[str],
                        hints: dict[str, str] | None = None) -> list[Translation]:  # fmt: skip
        """Each text by the provider, from the TM when cached; uncached ones in one call."""
        prov = self.provider()
        if prov is None:
            return [self.engine.translate(t) for t in texts]
        results: dict[str, Translation] = {}
        todo: list[str] = []
        for text in texts:
            key = normalise(text)
            cached = memory.lookup(db, text, prov.name) if db is not None else None
            if cached is not None:
                results[key] = cached
            elif key not in todo:
                todo.append(key)
        if todo:
            self.limiter.wait()
            english = prov.translate(todo, hints)
            for src, en in zip(todo, english, strict=True):
                t = Translation(src, en, complete=True, provider=prov.name, model=prov.model)
                results[src] = t
                if db is not None:
                    memory.store(db, t)
        return [results[normalise(t)] for t in texts]

    def translate_title(self, db: memory.DbOrSession | None, title: str) -> Translation:
        """Offline engine first; the provider fills only what it left partial, then recompose."""
        if db is not None:
            human = memory.lookup(db, title, "human")
            if human is not None:
                return human
        offline, unk = self.engine.analyse(title)
        prov = self.provider()
        if (offline.complete and offline.provider != DICTIONARY) or prov is None:
            return offline
        segments = self.engine.segments_to_send(unk)
        if not segments:
            return offline
        hints = self.engine.hints(title)
        got = self.translate_texts(db, segments, hints)
        overrides = {seg: t.text for seg, t in zip(segments, got, strict=True)}
        result = self.engine.translate(title, overrides)
        return Translation(title, result.text, result.complete, prov.name, result.unknown,
                           model=prov.model)  # fmt: skip

    def improve_partial(self, db, limit: int = 20) -> ImproveReport:
        """Send titles the offline engine left partial to the provider; update TM and notices."""
        report = ImproveReport()
        prov = self.provider()
        if prov is None:
            return report
        with db.read() as s:
            titles = list(dict.fromkeys(s.scalars(
                select(Notice.title).where(
                    Notice.title_en_human.is_(False),
                    # partial offline English, or a literal dictionary gloss
                    (
                        Notice.title_en_complete.is_(False)
                        & (
                            Notice.title_en_provider.is_(None)
                            | Notice.title_en_provider.in_(OFFLINE_PROVIDERS)
                        )
                    )
                    | (Notice.title_en_provider == DICTIONARY),
                ).order_by(Notice.id.desc()).limit(limit * 4)
            ).all()))[:limit]  # fmt: skip
        before = prov.requests
        for title in titles:
            try:
                t = self.translate_title(db, title)
            except RejectedOutput as exc:
                report.failed += 1
                report.errors.append(exc.message)
                continue
            except ProviderError as exc:
                report.failed += 1
                report.errors.append(exc.message)
                if exc.kind in ("auth", "quota", "config", "unavailable"):
                    break  # the next title would fail the same way
                continue
            memory.store(db, t)
            memory.apply_to_title(db, t)
            report.titles.append(title)
            if t.complete:
                report.improved += 1
            else:
                report.still_partial += 1
        report.provider_calls = prov.requests - before
        return report

    # -- bodies (on demand) -----------------------------------------------------------------

    def translate_body(self, db, notice_id: int) -> BodyTranslation:
        """A notice body sentence by sentence (split on 。！？；), each sentence cached in the TM."""
        with db.read() as s:
            notice = s.get(Notice, notice_id)
            if notice is None:
                raise LookupError(f"there is no notice with id {notice_id}")
            body = notice.body or ""
        sentences = split_sentences(body)
        zh = [x for x in sentences if has_cjk(x)]
        english: dict[str, Translation] = {}
        for sentence in zh:
            human = memory.lookup(db, sentence, "human")
            if human is not None:
                english[sentence] = human
        rest = [x for x in zh if x not in english]
        if rest:
            try:
                for src, t in zip(rest, self.translate_texts(db, rest), strict=True):
                    english[src] = t
            except RejectedOutput:
                for src in rest:
                    english[src] = self.engine.translate(src)
        pairs = [(x, english[x].text if x in english else x) for x in sentences]
        complete = all(english[x].complete for x in zh)
        if self.provider() is None:  # the offline engine, one sentence at a time
            used = {english[x].provider for x in zh}
            provider = DICTIONARY if DICTIONARY in used else OFFLINE
            return BodyTranslation(
                " ".join(en for _, en in pairs), pairs, provider, complete, literal=True
            )
        return BodyTranslation(" ".join(en for _, en in pairs), pairs, self.provider_name, complete)
