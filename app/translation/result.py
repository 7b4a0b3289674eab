"""What a translation is: English text plus how far to trust it."""

from __future__ import annotations

from dataclasses import dataclass, field

OFFLINE = "glossary"  # the provider name of the offline engine, as stored in the TM
HUMAN = "human"
DICTIONARY = "dictionary"  # the offline engine, with words the glossary lacks from CC-CEDICT
OFFLINE_PROVIDERS = frozenset({OFFLINE, DICTIONARY})


@dataclass(frozen=True)
class Translation:
    """English for one source text.

    ``complete`` is False when Chinese remains in ``text`` (kept visibly, never dropped);
    ``unknown`` lists those Chinese segments. ``provider`` is ``glossary`` (offline engine),
    ``dictionary`` (offline engine, some words glossed from the general dictionary), a
    provider name (machine translation) or ``human``.
    """

    source: str
    text: str
    complete: bool
    provider: str = OFFLINE
    unknown: tuple[str, ...] = field(default_factory=tuple)
    model: str | None = None

    @property
    def human(self) -> bool:
        return self.provider == HUMAN

    @property
    def label(self) -> str:
        """Provenance as the GUI shows it: glossary / dictionary / machine (<provider>) / human."""
        return provenance_label(self.provider)


def provenance_label(provider: str | None) -> str:
    """``glossary`` / ``dictionary`` / ``machine (<provider>)`` / ``human`` for a stored name."""
    if not provider or provider == OFFLINE:
        return "glossary"
    if provider in (HUMAN, DICTIONARY):
        return provider
    return f"machine ({provider})"
