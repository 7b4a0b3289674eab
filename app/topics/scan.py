"""The fast path: which terms fire in a batch of notices, one automaton pass per field.

Per-notice work in Python is what made matching slow (~20 µs a notice: a call into the automaton,
normalising, sets, objects), not the automaton. So a batch of notices is processed a column at a
time: each field's texts are joined with NUL into one string, normalised once and scanned once by
that field's automaton (only the patterns of terms that search the field). Each hit costs one
bisect (which notice) and one set insertion; what comes out is, per term, the set of notices it
fired in, and topics are then evaluated as set algebra over those sets (see matcher._setgen).

The automata scan the normalised text as UTF-8 bytes (BytesAhoCorasick): ahocorasick-rs scans
bytes ~5x faster than a Python str, even counting the encoding. A UTF-8 pattern only matches at
character boundaries, so the matches are the same; offsets are byte offsets (only used to find
the notice: ``piece_bounds`` of the bytes).

Latin patterns get their word-boundary checks here, on the hit's neighbours in the normalised
text (decoded from the bytes: Latin word characters are below U+0250, one or two bytes);
NUL separators are not Latin, so a field's ends are boundaries, as before.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import add

import ahocorasick_rs

from app.topics.guards import drop_masked
from app.topics.normalise import LATIN_CHARS, normalise

SEP = "\0"
_BSEP = b"\0"
_LATIN_ASCII = frozenset(ord(c) for c in LATIN_CHARS if c.isascii())
_LATIN_2 = frozenset(c.encode() for c in LATIN_CHARS if not c.isascii())
assert all(len(b) == 2 for b in _LATIN_2)


def piece_bounds(joined: str | bytes) -> list[int]:
    """Offset just past the separator after each NUL-separated piece of ``joined``, so that
    ``bisect_right(bounds, i)`` is the index of the piece holding offset ``i``. C-level loops
    only, as this runs over every text of every batch."""
    sep = SEP if isinstance(joined, str) else _BSEP
    return list(accumulate(map(add, map(len, joined.split(sep)), repeat(1))))


def latin_before(data: bytes, i: int) -> bool:
    """Whether the character ending just before byte ``i`` (> 0) of UTF-8 ``data`` is Latin."""
    c = data[i - 1]
    if c < 0x80:
        return c in _LATIN_ASCII
    return i >= 2 and 0xC0 <= data[i - 2] < 0xE0 and data[i - 2 : i] in _LATIN_2


def latin_at(data: bytes, i: int) -> bool:
    """Whether the character starting at byte ``i`` (< len) of UTF-8 ``data`` is Latin."""
    c = data[i]
    if c < 0x80:
        return c in _LATIN_ASCII
    return 0xC0 <= c < 0xE0 and data[i : i + 2] in _LATIN_2


def clean(text: str) -> str:
    """A field text with NULs (which separate fields and notices) turned into spaces: same
    length, so offsets into the original text are unchanged."""
    return text.replace(SEP, " ") if SEP in text else text


@dataclass
class FieldAutomaton:
    """The patterns that can fire in one notice field. Local ids: plain patterns (no Latin end,
    no boundary check) first, then Latin ones (ids ≥ ``n_plain``)."""

    ac: ahocorasick_rs.BytesAhoCorasick  # the patterns in UTF-8
    n_plain: int
    lcheck: list[bool]  # indexed by local id - n_plain
    rcheck: list[bool]
    tids: list[tuple[int, ...]]  # terms a hit fires (right boundary ok, or no check needed)
    tids_no_right: list[tuple[int, ...]]  # terms a hit fires when a Latin word char follows
    first_mask: int = 1 << 62  # local ids from here on are mask phrases (guards.py)
    maskable: frozenset[int] = frozenset()  # local ids of patterns that can lie inside a mask


def build_field_automaton(
    patterns: Sequence[str],
    entries: Sequence[Sequence[tuple[int, int, bool]]],
    field: int,
    masks: Sequence[str] = (),
    maskable: frozenset[int] | set[int] = frozenset(),
) -> FieldAutomaton | None:
    """An automaton of the patterns some term searches ``field`` for; None if there are none.

    ``entries[pid]`` lists (term id, field mask, needs right boundary) for pattern ``pid``;
    ``masks`` are the guard phrases (searched after the patterns, firing nothing) and
    ``maskable`` the pattern ids that can occur inside a mask (see guards.drop_masked)."""
    plain: list[int] = []
    latin: list[int] = []
    for pid, text in enumerate(patterns):
        if any(mask >> field & 1 for _, mask, _ in entries[pid]):
            (latin if text[0] in LATIN_CHARS or text[-1] in LATIN_CHARS else plain).append(pid)
    order = plain + latin
    if not order:
        return None

    def fired(pid: int, no_right: bool) -> tuple[int, ...]:
        return tuple(
            t for t, mask, need in entries[pid] if mask >> field & 1 and not (no_right and need)
        )

    return FieldAutomaton(
        ac=ahocorasick_rs.BytesAhoCorasick(
            [patterns[p].encode() for p in order] + [m.encode() for m in masks],
            matchkind=ahocorasick_rs.MatchKind.Standard,
            implementation=ahocorasick_rs.Implementation.ContiguousNFA,
        ),
        n_plain=len(plain),
        lcheck=[patterns[p][0] in LATIN_CHARS for p in latin],
        rcheck=[patterns[p][-1] in LATIN_CHARS for p in latin],
        tids=[fired(p, False) for p in order],
        tids_no_right=[fired(p, True) for p in order],
        first_mask=len(order) if masks else 1 << 62,
        maskable=frozenset(i for i, p in enumerate(order) if p in maskable),
    )


def scan_column(fa: FieldAutomaton, joined: str, count: int, fired: defaultdict[int, set[int]]):
    """Add to ``fired[tid]`` the index of every text in which term ``tid`` fires; ``joined`` is
    ``count`` texts of one field joined by NUL (callers clean() texts that contain a NUL)."""
    scan_normalised(fa, normalise(joined).encode(), None, count, fired)


def scan_normalised(
    fa: FieldAutomaton,
    data: bytes,
    bounds: Sequence[int] | None,
    count: int,
    fired: defaultdict[int, set[int]],
) -> None:
    """``scan_column`` on normalised text as UTF-8 ``data``; ``bounds`` is ``piece_bounds(data)``
    if the caller keeps it (the corpus cache does), else it is worked out when something fires."""
    hits = fa.ac.find_matches_as_indexes(data, overlapping=True)
    if hits and fa.first_mask < 1 << 62:
        hits = drop_masked(hits, fa.first_mask, fa.maskable)
    if not hits:
        return
    if bounds is None:
        bounds = piece_bounds(data)
    if len(bounds) != count:
        raise ValueError("a field text contains NUL")
    ok: defaultdict[int, set[int]] = defaultdict(set)
    no_right: defaultdict[int, set[int]] = defaultdict(set)
    n_plain, lcheck, rcheck = fa.n_plain, fa.lcheck, fa.rcheck
    end = len(data)
    for pid, s, e in hits:
        if pid < n_plain:
            ok[pid].add(bisect_right(bounds, s))
            continue
        li = pid - n_plain
        if lcheck[li] and s and latin_before(data, s):
            continue
        if rcheck[li] and e < end and latin_at(data, e):
            no_right[pid].add(bisect_right(bounds, s))
        else:
            ok[pid].add(bisect_right(bounds, s))
    for table, cols in ((fa.tids, ok), (fa.tids_no_right, no_right)):
        for pid, col in cols.items():
            for tid in table[pid]:
                fired[tid] |= col
