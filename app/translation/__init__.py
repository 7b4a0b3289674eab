"""Chinese → English for notice titles and bodies.

Pipeline / GUI entry points:
  Translator(config.translation).fill_notice(notice, session)  at store time (offline, fast)
  Translator(...).improve_partial(db, limit)                    background, via the provider
  Translator(...).translate_body(db, notice_id)                 on demand
  memory.set_human_translation(db, title, english)              a user's correction
  memory.notice_label(notice) / Translation.label               glossary | machine (x) | human
  translate_title(title)                                        the offline engine alone
"""

from app.translation.engine import OfflineEngine, TranslationInputError, translate_title
from app.translation.result import Translation, provenance_label

__all__ = [
    "OfflineEngine",
    "Translation",
    "TranslationInputError",
    "provenance_label",
    "translate_title",
]
