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


def provenance_kind(provider: str | None) -> str | None:
    """What kind of English a stored provider name stands for: ``glossary`` (the offline engine,
    also stored as ``offline`` by old versions), ``dictionary``, ``human``, ``machine``, or None
    when there is no English at all. The one mapping every label is derived from."""
    if not provider:
        return None
    if provider in (OFFLINE, "offline"):
        return "glossary"
    if provider in (HUMAN, DICTIONARY):
        return provider
    return "machine"


def provenance_label(provider: str | None, complete: bool = True) -> str:
    """``untranslated`` / ``glossary`` / ``dictionary`` / ``machine (<provider>)`` / ``human``,
    with ``, partial`` when Chinese remains (never for a human translation)."""
    kind = provenance_kind(provider)
    if kind is None:
        return "untranslated"
    label = f"machine ({provider})" if kind == "machine" else kind
    return label if complete or kind == HUMAN else f"{label}, partial"
