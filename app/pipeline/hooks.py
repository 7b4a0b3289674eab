"""What the pipeline asks of the rest of the app: English titles and topic matching.

Kept behind a small interface so a fetch works (and is testable) without a translator or topics,
and wiring the real ones is one line each in ``default_hooks``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TitleEn:
    text: str
    complete: bool
    provider: str


def _no_title(_title: str) -> TitleEn | None:
    return None


def _no_match(_session: Any, _ids: Sequence[int]) -> None:
    return None


@dataclass
class PipelineHooks:
    """``title_en(title)`` for new notices; ``on_new_notices(session, ids)`` after storing.

    Both are called from fetch worker threads, serialised by a lock; a hook that raises is
    logged and never fails the fetch (the notices are stored either way).
    """

    title_en: Callable[[str], TitleEn | None] = _no_title
    on_new_notices: Callable[[Any, Sequence[int]], None] = _no_match
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def translate(self, title: str) -> tuple[str, bool, str] | None:
        try:
            with self._lock:
                result = self.title_en(title)
        except Exception:  # a translator failure must not lose the notice
            log.exception("translating a title failed; the notice is stored without English")
            return None
        if result is None or not getattr(result, "text", ""):
            return None
        return (result.text, bool(result.complete), str(result.provider or ""))

    def matched(self, session: Any, ids: Sequence[int]) -> None:
        if not ids:
            return
        try:
            with self._lock, session.begin_nested():
                self.on_new_notices(session, list(ids))
        except Exception:
            log.exception("topic matching failed for %d notices; they stay unmatched", len(ids))


class _TranslatorOnFirstUse:
    """The app's translator, built when the first new title arrives.

    A no-change fetch (the common scheduled case) stores no notice, so it never loads the
    translation engine's data; a setup that fails is logged once and titles stay untranslated.
    """

    def __init__(self, config: Any, db: Any):
        self._config, self._db = config, db
        self._translator: Any = None
        self._failed = False

    def __call__(self, title: str) -> TitleEn | None:
        if self._failed:
            return None
        if self._translator is None:
            try:
                from app.translation.service import Translator

                self._translator = Translator(getattr(self._config, "translation", None))
            except Exception:  # a broken translator setup must not stop fetching
                log.exception("the translator could not be set up; titles stay untranslated")
                self._failed = True
                return None
        return self._translator.title_en(title, self._db)


def _apply_topics(session: Any, ids: Sequence[int]) -> None:
    """Match new notices against every enabled topic (the matcher loads on first new notice)."""
    from app.topics.store import apply_topics

    apply_topics(session, notice_ids=list(ids))


def default_hooks(config: Any = None, db: Any = None) -> PipelineHooks:
    """The app's translator (offline engine + translation memory, no network at store time)
    and the topic matcher over every enabled topic, each loaded when first needed."""
    return PipelineHooks(title_en=_TranslatorOnFirstUse(config, db), on_new_notices=_apply_topics)
