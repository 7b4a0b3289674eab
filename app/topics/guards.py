"""Precision guards: where a topic term does not count even though its text occurs.

Two rules, both from resources/topics/guards.toml:

- **Masks.** No term fires inside an agency's name or a false friend (网络安全 inside
  中央网络安全和信息化委员会办公室, 算法 inside 预算法). The mask phrases join the term
  patterns in the automata, so finding them costs no extra pass; a term occurrence lying wholly
  inside a mask occurrence is dropped, unless the term's own text contains a mask (the query asks
  for the agency itself: 网信办, issuer:工信部).
- **Broad terms.** A broad term (人工智能, 数据 …) found only in the body, with no other term of
  the same topic in the notice, does not make the notice match (matcher.py applies this).
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from itertools import accumulate

import ahocorasick_rs

from app.topics.errors import TopicError
from app.topics.normalise import normalise


def _key(text: str) -> str:
    return " ".join(normalise(text).split())


@dataclass(frozen=True)
class Guards:
    """Mask phrases and broad terms, normalised."""

    masks: tuple[str, ...] = ()
    broad: frozenset[str] = frozenset()

    @classmethod
    def of(cls, masks: Iterable[str], broad: Iterable[str] = ()) -> Guards:
        return cls(
            tuple(dict.fromkeys(k for k in map(_key, masks) if k)),
            frozenset(k for k in map(_key, broad) if k),
        )

    def exempt(self, pattern: str) -> bool:
        """Whether a (normalised) pattern names a masked thing itself, so masks do not apply."""
        return bool(self._finder and self._finder.find_matches_as_indexes(pattern))

    @cached_property
    def _finder(self) -> ahocorasick_rs.AhoCorasick | None:
        return ahocorasick_rs.AhoCorasick(list(self.masks)) if self.masks else None

    def is_broad(self, term: str) -> bool:
        return _key(term) in self.broad


def drop_masked(
    hits: Sequence[tuple[int, int, int]], first_mask: int, maskable: frozenset[int] | set[int]
) -> Sequence[tuple[int, int, int]]:
    """``hits`` (pattern id, start, end) without the mask hits (ids ≥ ``first_mask``) and without
    hits lying wholly inside a mask hit. Only ``maskable`` patterns (those that occur inside some
    mask and do not name it themselves) can be: the others are kept without looking, which keeps
    this cheap on the many hits of ordinary terms."""
    spans = [(s, e) for pid, s, e in hits if pid >= first_mask]
    if not spans:
        return hits
    out = [h for h in hits if h[0] < first_mask and h[0] not in maskable]
    suspects = [h for h in hits if h[0] in maskable]
    if suspects:
        spans.sort()
        starts = [s for s, _ in spans]
        reach = list(accumulate((e for _, e in spans), max))  # furthest end of masks from ≤ s
        for hit in suspects:
            j = bisect_right(starts, hit[1]) - 1
            if j < 0 or reach[j] < hit[2]:
                out.append(hit)
    return out


def load_guards(text: str, issuer_names: Iterable[str] = ()) -> Guards:
    """Parse a guards.toml; ``issuer_names`` (the glossary's issuers) are masks too."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TopicError(f"the guards file is not valid TOML: {exc}") from None
    masks = data.get("masks", {})
    names = [*masks.get("agencies", []), *masks.get("false_friends", []), *issuer_names]
    broad = data.get("broad", {}).get("terms", [])
    if not all(isinstance(n, str) for n in [*names, *broad]):
        raise TopicError("the guards file lists something that is not a string")
    # Short Latin acronyms (CAC, MIIT) contain no topic word; leaving them out keeps the
    # automata lean.
    names = [n for n in names if not (n.isascii() and len(n) <= 5)]
    return Guards.of(names, broad)


@cache
def default_guards() -> Guards:
    """The shipped guards plus every name of the glossary's ``issuers`` domain."""
    pkg = resources.files("resources.topics")
    glossary = tomllib.loads(pkg.joinpath("aliases.toml").read_text("utf-8"))
    issuers = glossary.get("domains", {}).get("issuers", {}).get("groups", [])
    return load_guards(
        pkg.joinpath("guards.toml").read_text("utf-8"), [n for g in issuers for n in g]
    )
