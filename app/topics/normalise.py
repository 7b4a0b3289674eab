"""Text normalisation shared by queries and notices, with a map back to the original text.

Matching runs on NFKC + casefolded text (so ＡＩ = AI = ai and 〔〕 = []), but the GUI
highlights the original field text, and NFKC/casefolding can change lengths (ﬁ → fi,
ß → ss, ㈜ → (株)). ``offset_map`` rebuilds the correspondence, only for texts that matched.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

# Brackets NFKC leaves alone but that users (and titles) treat as the same thing. 《》 stays.
_EXTRA = (("〔", "["), ("〕", "]"), ("【", "["), ("】", "]"), ("〖", "["), ("〗", "]"))
# Full-width punctuation that nearly every Chinese title contains. Full NFKC of such a string is
# slow (~20 µs per title), so these one-to-one mappings are done first with str.replace and full
# NFKC runs only if anything else still needs it. The result is identical to plain NFKC.
_COMMON = tuple((c, unicodedata.normalize("NFKC", c)) for c in "（）：，；！？｜\u3000")
_nfkc_ok = unicodedata.is_normalized
_nfkc = unicodedata.normalize


def normalise(text: str) -> str:
    """NFKC, casefolded, with the few extra bracket equivalences above."""
    if not _nfkc_ok("NFKC", text):
        for a, b in _COMMON:
            if a in text:
                text = text.replace(a, b)
        if not _nfkc_ok("NFKC", text):
            text = _nfkc("NFKC", text)
    text = text.casefold()
    for a, b in _EXTRA:
        if a in text:
            text = text.replace(a, b)
    return text


def field_starts(joined: str) -> list[int]:
    """Offset of each field in NUL-joined text."""
    starts = [0]
    i = joined.find("\0")
    while i >= 0:
        starts.append(i + 1)
        i = joined.find("\0", i + 1)
    return starts


def is_latin_alnum(ch: str) -> bool:
    """A character that glues a Latin word together (so a boundary is anything else, incl. CJK)."""
    if ch.isascii():
        return ch.isalnum()
    return "\u00c0" <= ch <= "\u024f" and ch.isalpha()


def _segments(text: str) -> list[tuple[int, int]]:
    """Split into a starter plus its combining marks: NFKC never crosses these boundaries."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text)):
        if not unicodedata.combining(text[i]):
            spans.append((start, i))
            start = i
    if text:
        spans.append((start, len(text)))
    return spans


class OffsetMap:
    """Maps offsets in ``normalise(text)`` back to offsets in ``text``.

    Fast path: in NFC text nothing composes, so each character normalises on its own, and if
    the lengths agree the map is the identity (true of nearly all Chinese official text: its
    full-width punctuation maps one to one). Otherwise the per-character lengths are summed up,
    a starter plus its combining marks at a time.
    """

    def __init__(self, text: str, normalised: str | None = None):
        """``normalised``: ``normalise(text)`` if the caller has it already."""
        self.text = text
        self._norm_starts: list[int] = []
        self._orig_starts: list[int] = []
        self._exact = True
        if normalised is None and not text.isascii():
            normalised = normalise(text)
        self._identity = text.isascii() or (not _may_compose(text) and len(normalised) == len(text))
        if self._identity:
            self._norm_len = len(text)
            return
        pos = 0
        pieces: list[str] = []
        for a, b in _segments(text):
            piece = normalise(text[a:b])
            self._norm_starts.append(pos)
            self._orig_starts.append(a)
            pieces.append(piece)
            pos += len(piece)
        self._norm_len = pos
        # Per-segment normalisation equals whole-text normalisation except for exotic scripts
        # (Hangul jamo sequences); there, fall back to a proportional map rather than fail.
        self._exact = "".join(pieces) == normalised

    def start(self, norm_pos: int) -> int:
        """Original offset of the character that produced normalised position ``norm_pos``."""
        if self._identity:
            return min(norm_pos, len(self.text))
        if not self._exact:
            return self._proportional(norm_pos)
        if norm_pos >= self._norm_len:
            return len(self.text)
        i = bisect_right(self._norm_starts, norm_pos) - 1
        return self._orig_starts[i]

    def end(self, norm_end: int) -> int:
        """Original offset just past the character that produced normalised ``norm_end - 1``."""
        if self._identity:
            return min(norm_end, len(self.text))
        if not self._exact:
            return self._proportional(norm_end)
        if norm_end <= 0:
            return 0
        i = bisect_right(self._norm_starts, norm_end - 1) - 1
        return self._orig_starts[i + 1] if i + 1 < len(self._orig_starts) else len(self.text)

    def _proportional(self, pos: int) -> int:
        if not self._norm_len:
            return 0
        return min(len(self.text), round(pos * len(self.text) / self._norm_len))


def _may_compose(text: str) -> bool:
    """Whether NFKC might merge characters of ``text``: only if NFC would (marks, jamo), or in
    freak mixes (a full-width letter plus a combining mark) that the length check catches."""
    return not unicodedata.is_normalized("NFC", text)


# Latin "word" characters after normalisation (text is casefolded, so lowercase suffices).
LATIN_CHARS = frozenset(
    c for c in map(chr, range(0x250)) if is_latin_alnum(c) and c == c.casefold()
)
