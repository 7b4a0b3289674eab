"""Text normalisation shared by queries and notices, with a map back to the original text.

Matching runs on NFKC + casefolded text (so ＡＩ = AI = ai and 〔〕 = []), but the GUI
highlights the original field text, and NFKC/casefolding can change lengths (ﬁ → fi,
ß → ss, ㈜ → (株)). ``offset_map`` rebuilds the correspondence, only for texts that matched.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

# Brackets NFKC leaves alone but that users (and titles) treat as the same thing. 《》 stays.
_EXTRA = str.maketrans({"〔": "[", "〕": "]", "【": "[", "】": "]", "〖": "[", "〗": "]"})


def normalise(text: str) -> str:
    """NFKC, casefolded, with the few extra bracket equivalences above."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_EXTRA)


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
    """Maps offsets in ``normalise(text)`` back to offsets in ``text``."""

    def __init__(self, text: str):
        self.text = text
        norm_starts: list[int] = []
        orig_starts: list[int] = []
        pieces: list[str] = []
        pos = 0
        if text.isascii():
            self._identity = True
            self._norm_starts = self._orig_starts = []
            self._norm_len = len(text)
            return
        for a, b in _segments(text):
            piece = normalise(text[a:b])
            norm_starts.append(pos)
            orig_starts.append(a)
            pieces.append(piece)
            pos += len(piece)
        self._norm_len = pos
        # Per-segment normalisation equals whole-text normalisation except for exotic scripts
        # (Hangul jamo sequences); there, fall back to a proportional map rather than fail.
        self._identity = False
        self._exact = "".join(pieces) == normalise(text)
        self._norm_starts = norm_starts
        self._orig_starts = orig_starts

    def start(self, norm_pos: int) -> int:
        """Original offset of the character that produced normalised position ``norm_pos``."""
        if self._identity:
            return norm_pos
        if not self._exact:
            return self._proportional(norm_pos)
        if norm_pos >= self._norm_len:
            return len(self.text)
        i = bisect_right(self._norm_starts, norm_pos) - 1
        return self._orig_starts[i]

    def end(self, norm_end: int) -> int:
        """Original offset just past the character that produced normalised ``norm_end - 1``."""
        if self._identity:
            return norm_end
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
