"""Word boundaries from jieba (jieba-rs via rjieba), seeded with the glossary, so the dictionary
fallback sees words.

The composer still reads the glossary by longest match (its entries carry parts of speech and
fixed English); jieba tells it where the words that the glossary does not know begin and end,
so "高新技术" is one word and not "高" + the glossary's "新技术". The Rust port loads its
dictionary in well under a second (the Python jieba takes several), on first use only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

_SEED_FREQ = 20000  # high enough that jieba keeps a glossary word whole


class Segmenter:
    """A private jieba tokenizer (the global one is left alone) with the glossary added."""

    def __init__(self, seed: Iterable[str] = ()):
        self._seed = [w for w in seed if len(w) > 1 and " " not in w]
        self._tok = None
        self._lock = threading.Lock()
        self._memo: dict[str, dict[int, int]] = {}

    def _tokenizer(self):
        if self._tok is None:
            with self._lock:
                if self._tok is None:
                    import rjieba

                    tok = rjieba.Jieba()
                    for word in self._seed:
                        tok.add_word(word, _SEED_FREQ, None)
                    self._tok = tok
        return self._tok

    def spans(self, text: str) -> dict[int, int]:
        """Start -> end of every word jieba finds in ``text``."""
        found = self._memo.get(text)
        if found is not None:
            return found
        found = {}
        pos = 0
        for word in self._tokenizer().cut(text, False):  # no HMM: only known words
            found[pos] = pos + len(word)
            pos += len(word)
        if len(self._memo) > 4096:
            self._memo.clear()
        self._memo[text] = found
        return found
