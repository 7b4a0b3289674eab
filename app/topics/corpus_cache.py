"""The stored notices' normalised field texts, kept in memory between ``test_query`` calls.

Testing a draft query streams and normalises every stored notice (the SQL prefilter rarely
narrows: most topical terms have Latin aliases), ~0.5 s for 100k notices, on every keystroke of
the topic editor. Here the seven field texts of every notice are kept normalised (NFKC,
casefolded: what the matcher scans), as one NUL-joined UTF-8 string per field (what the
automata scan, scan.py), so a query is one automaton pass per field over the whole corpus
(``Matcher.evaluate_normalised``); /regex/ terms decode the fields they search.

One snapshot per database (keyed by its URL; an in-memory SQLite database by its engine).
Snapshots are immutable: a refresh builds a new one and swaps it in, so a reader never sees one
half-updated. Before each use the snapshot is checked against the caller's session with one
aggregate query, ``count(*)``, ``max(id)``, ``max(updated_at)`` (SQLAlchemy bumps
``updated_at`` on every UPDATE). If that differs, only the delta is read: rows with
``updated_at`` at or after the snapshot's (less a slack for transactions that committed late)
or an id above its highest; deleted rows are found by comparing ids when the count disagrees.
Anything odd (the newest ``updated_at`` went backwards, a big delta) reloads everything.

Memory is bounded by ``MAX_BYTES`` (env ``REGWATCH_CORPUS_CACHE_MB``, default 256): a database
whose texts do not fit is not cached, and ``test_query`` streams it as before.

Thread safety: one lock per database serialises checks and refreshes (so a background
``warm(db)`` and the first keystroke never load twice); matching runs on the immutable snapshot
outside the lock.

Known limit: a snapshot built inside a transaction that wrote notices and then rolled back could
keep the rolled-back text of an updated row if another commit follows before the next check.
Only the topic editor's read sessions use the cache in the app, and it ``release``s the snapshot
when it closes: the memory lives only while the editor is open.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import threading
import weakref
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from app.topics.ast import NOTICE_FIELDS
from app.topics.normalise import normalise
from app.topics.rows import COLUMNS, reader, select_columns
from app.topics.scan import SEP, clean, piece_bounds
from storage.models import Notice

MAX_BYTES = int(os.environ.get("REGWATCH_CORPUS_CACHE_MB", "256")) * 2**20
SLACK = dt.timedelta(minutes=2)  # re-read rows this much older than the newest seen
RELOAD_SHARE = 0.25  # a delta of more rows than this share of the corpus reloads everything
_CHUNK = 5000
_FIELDS = list(COLUMNS)  # NOTICE_FIELDS order
assert tuple(_FIELDS) == NOTICE_FIELDS
_READ = reader(_FIELDS)
_BSEP = SEP.encode()


class TooBig(Exception):
    """The corpus does not fit in MAX_BYTES."""


@dataclass(frozen=True)
class Corpus:
    """An immutable snapshot: notice ``n`` (0-based, ascending id) is piece ``n`` of each
    column. ``dates`` hold published_date as ``test_query`` sorts it (raw ISO text on SQLite)."""

    ids: array
    dates: list[Any]
    sources: list[str]  # raw source texts (topic source scopes compare these)
    norm: tuple[bytes, ...]  # per NOTICE_FIELDS: normalised texts, UTF-8, joined by NUL
    bounds: tuple[array, ...]  # per field: piece_bounds(norm[f])
    signature: tuple[int, int, Any]  # count(*), max(id), max(updated_at) when read
    nbytes: int

    def __len__(self) -> int:
        return len(self.ids)

    def span(self, f: int, n: int) -> tuple[int, int]:
        """[start, end) of notice ``n``'s text in ``norm[f]``."""
        b = self.bounds[f]
        return (b[n - 1] if n else 0), b[n] - 1

    def text(self, f: int, n: int) -> str:
        s, e = self.span(f, n)
        return self.norm[f][s:e].decode()


# ---------------------------------------------------------------------------------------------
# Reading and normalising rows


def _rows_stmt():
    return select(
        Notice.id, *select_columns(_FIELDS), type_coerce(Notice.published_date, Text)
    ).order_by(Notice.id)


def _normalise_rows(rows: Sequence[Any]) -> tuple[list[int], list[Any], list[str], list[bytes]]:
    """(ids, dates, sources, per field the rows' normalised texts joined by NUL, in UTF-8)."""
    texts = [_READ(r) for r in rows]
    columns = list(zip(*texts, strict=True))
    joined = []
    for col in columns:
        j = SEP.join(col)
        if j.count(SEP) != len(col) - 1:
            j = SEP.join(map(clean, col))
        joined.append(normalise(j).encode())
    src = sys.intern
    return [r[0] for r in rows], [r[-1] for r in rows], [src(s) for s in columns[5]], joined


def _signature(session: Session) -> tuple[int, int, Any]:
    row = (
        session.connection()
        .execute(select(func.count(), func.max(Notice.id), func.max(Notice.updated_at)))
        .one()
    )
    return int(row[0] or 0), int(row[1] or 0), row[2]


def _size(norm: Iterable[bytes], count: int) -> int:
    # strings, 7 bound arrays of 8-byte ints, ids, and list slots for dates and sources
    return sum(map(sys.getsizeof, norm)) + count * 8 * (len(NOTICE_FIELDS) + 3)


def _build(
    ids: Sequence[int],
    dates: list[Any],
    sources: list[str],
    pieces: Sequence[Sequence[bytes]],
    signature: tuple,
) -> Corpus:
    norm = tuple(_BSEP.join(p) for p in pieces)
    return _finish(ids, dates, sources, norm, signature)


def _finish(ids, dates, sources, norm: tuple[bytes, ...], signature: tuple) -> Corpus:
    count = len(ids)
    nbytes = _size(norm, count)
    if nbytes > MAX_BYTES:
        raise TooBig
    bounds = tuple(array("q", piece_bounds(c)) if count else array("q") for c in norm)
    return Corpus(array("q", ids), dates, sources, norm, bounds, signature, nbytes)


def load(session: Session) -> Corpus:
    """Read and normalise every stored notice (TooBig if they do not fit)."""
    signature = _signature(session)  # before reading: newer rows read are re-read, never missed
    ids: list[int] = []
    dates: list[Any] = []
    sources: list[str] = []
    chunks: list[list[bytes]] = [[] for _ in NOTICE_FIELDS]
    size = 0
    result = session.connection().execute(_rows_stmt().execution_options(yield_per=_CHUNK))
    for rows in result.partitions():
        i, d, s, joined = _normalise_rows(rows)
        ids += i
        dates += d
        sources += s
        for f, j in enumerate(joined):
            chunks[f].append(j)
        size += _size(joined, len(rows))
        if size > MAX_BYTES:
            result.close()
            raise TooBig
    return _finish(ids, dates, sources, tuple(_BSEP.join(c) for c in chunks), signature)


def _refresh(session: Session, old: Corpus, signature: tuple) -> Corpus:
    """``old`` brought up to date with the delta, or a full load when that is simpler."""
    count, _, newest = signature
    _, old_max, old_newest = old.signature
    # The newest updated_at going backwards means a write seen before was rolled back: its row's
    # old text can't be told from the delta. (The highest id going down is only a delete.)
    if old_newest is not None and newest is not None and newest < old_newest:
        return load(session)
    cond = Notice.id > old_max
    if old_newest is not None:
        cond = or_(cond, Notice.updated_at >= old_newest - SLACK)
    rows = list(session.connection().execute(_rows_stmt().where(cond)))
    if len(rows) > max(100, RELOAD_SHARE * max(count, len(old))):
        return load(session)
    ids = old.ids.tolist()
    dates, sources = list(old.dates), list(old.sources)
    pieces = [c.split(_BSEP) if len(old) else [] for c in old.norm]
    new: dict[int, tuple[Any, str, list[bytes]]] = {}
    if rows:
        rid, rdates, rsources, joined = _normalise_rows(rows)
        split = [j.split(_BSEP) for j in joined]
        for k, nid in enumerate(rid):
            i = bisect_left(ids, nid)
            if i < len(ids) and ids[i] == nid:  # changed in place
                dates[i], sources[i] = rdates[k], rsources[k]
                for f in range(len(NOTICE_FIELDS)):
                    pieces[f][i] = split[f][k]
            else:
                new[nid] = (rdates[k], rsources[k], [split[f][k] for f in range(len(split))])
    if new and min(new) < (ids[-1] if ids else 0) or len(ids) + len(new) != count:
        # inserted below the highest id, or deleted: merge by id
        live = set(session.connection().scalars(select(Notice.id)))
        keep = [i for i, nid in enumerate(ids) if nid in live]
        merged = [(ids[i], dates[i], sources[i], [p[i] for p in pieces]) for i in keep]
        merged += [(nid, d, s, t) for nid, (d, s, t) in new.items() if nid in live]
        merged.sort(key=lambda x: x[0])
        if len(merged) != len(live):  # a row we never saw: start again
            return load(session)
        ids = [m[0] for m in merged]
        dates = [m[1] for m in merged]
        sources = [m[2] for m in merged]
        pieces = [[m[3][f] for m in merged] for f in range(len(NOTICE_FIELDS))]
    else:
        for nid in sorted(new):
            d, s, t = new[nid]
            ids.append(nid)
            dates.append(d)
            sources.append(s)
            for f in range(len(NOTICE_FIELDS)):
                pieces[f].append(t[f])
    return _build(ids, dates, sources, pieces, signature)


# ---------------------------------------------------------------------------------------------
# The per-database cache


class _Entry:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.corpus: Corpus | None = None
        self.too_big_at: int | None = None  # row count at which the corpus did not fit


_entries: dict[Any, _Entry] = {}
_entries_lock = threading.Lock()
_released: set[Any] = set()  # databases whose editor closed: answer queries, keep nothing


def _key(session: Session) -> Any:
    bind = session.get_bind()
    return _engine_key(getattr(bind, "engine", bind))


def _engine_key(engine: Any) -> Any:
    url = engine.url
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and (
        database in ("", ":memory:") or "mode=memory" in str(url)
    ):
        # Every in-memory database is its own: key by the engine, dropped with it.
        key = ("engine", id(engine))
        with _entries_lock:
            if key not in _entries:
                weakref.finalize(engine, _drop, key)
        return key
    return url.render_as_string(hide_password=False)


def _drop(key: Any) -> None:
    with _entries_lock:
        _entries.pop(key, None)


def _entry(session: Session) -> _Entry:
    key = _key(session)
    with _entries_lock:
        entry = _entries.get(key)
        if entry is None:
            entry = _entries[key] = _Entry()
        return entry


def corpus(session: Session) -> Corpus | None:
    """The snapshot for the notices the session sees (refreshed if they changed), or None if
    they do not fit in memory."""
    entry = _entry(session)
    with entry.lock:
        signature = _signature(session)
        if entry.too_big_at is not None and signature[0] >= entry.too_big_at:
            return None
        old = entry.corpus
        if old is not None and old.signature == signature:
            return old
        try:
            fresh = load(session) if old is None else _refresh(session, old, signature)
        except TooBig:
            entry.corpus = None
            entry.too_big_at = signature[0]
            return None
        key = _key(session)
        with _entries_lock:
            keep = _entries.get(key) is entry and key not in _released
        entry.corpus, entry.too_big_at = (fresh if keep else None), None
        return fresh


def warm(db: Any) -> Corpus | None:
    """Load (or refresh) the cache for ``db`` (a storage Database), e.g. in a background thread
    when the topic editor opens, so the first query test does not pay for the loading."""
    with _entries_lock:
        _released.discard(_engine_key(db.engine))
    with db.read() as session:
        return corpus(session)


def cached(db: Any) -> Corpus | None:
    """The snapshot held for ``db`` right now, without loading or checking it (inspection)."""
    with _entries_lock:
        entry = _entries.get(_engine_key(db.engine))
    return entry.corpus if entry is not None else None


def release(db: Any) -> bool:
    """Forget ``db``'s snapshot and give its memory back to the system: the topic editor (its
    only user) calls this when it closes, so the normalised copy of the history (hundreds of
    MB on 100k notices) lives only while the editor is open. A load still running finishes
    into the forgotten entry, which is then collected; later queries are answered without
    keeping a snapshot until ``warm`` (the editor opening again). True if there was one."""
    key = _engine_key(db.engine)
    with _entries_lock:
        entry = _entries.pop(key, None)
        _released.add(key)  # a query still running (or queued) does not load it back
    if entry is None:
        return False
    entry.corpus = None  # without the lock: a running load keeps its own reference
    trim_heap()
    return True


def trim_heap() -> None:
    """Return freed heap pages to the operating system (glibc keeps them otherwise, and the
    process would stay at its peak size after a big load); a no-op elsewhere."""
    import gc

    gc.collect()
    if sys.platform.startswith("linux"):
        import ctypes
        import ctypes.util

        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            libc.malloc_trim(0)
        except (OSError, AttributeError):  # musl or another libc without malloc_trim
            pass


def clear() -> None:
    """Forget every snapshot (tests; or to give the memory back)."""
    with _entries_lock:
        entries = list(_entries.values())
        _entries.clear()
        _released.clear()
    for e in entries:
        with e.lock:
            e.corpus = None


# ---------------------------------------------------------------------------------------------
# Regex terms on a snapshot


def _context_free(rx: re.Pattern[str]) -> bool:
    """Whether the regex only looks at its field's text: no lookbehind (it could see the text
    before the field) and no beginning anchor (the title starts the notice's string). Then
    searching the field's span of the joined column (pos/endpos) is the same as searching the
    notice's own string: the character before either is a NUL or nothing."""
    try:
        from re import _constants as c
        from re import _parser as p

        def ok(items: Any) -> bool:
            for op, av in items:
                if op is c.AT and av in (c.AT_BEGINNING, c.AT_BEGINNING_STRING):
                    return False
                if op is c.AT and av is c.AT_BEGINNING_LINE:
                    return False
                if op in (c.ASSERT, c.ASSERT_NOT) and av[0] < 0:
                    return False
                if not _ok_value(av):
                    return False
            return True

        def _ok_value(av: Any) -> bool:
            if isinstance(av, p.SubPattern):
                return ok(av)
            if isinstance(av, list | tuple):
                return all(_ok_value(x) for x in av)
            return True

        return ok(p.parse(rx.pattern, rx.flags))
    except Exception:  # anything unexpected: take the exact slow path
        return False


def regex_matcher(corpus: Corpus, needed: Sequence[str]):
    """``regex_set(info, candidates)`` for ``Matcher.evaluate_normalised`` on a snapshot:
    the candidates where regex term ``info`` finds a non-empty match in one of its fields, as
    ``NoticeScan.regex`` does on the notice's own normalised text (fields not in ``needed``
    empty, as test_query reads them)."""
    wanted = {NOTICE_FIELDS.index(f) for f in needed}

    def found(rx: re.Pattern[str], text: str, s: int, e: int) -> bool:
        m = rx.search(text, s, e)
        if m is None:
            return False
        if m.end() > m.start():
            return True
        return any(m.end() > m.start() for m in rx.finditer(text, s, e))

    def regex_set(info: Any, cand: set[int]) -> set[int]:
        rx = info.regex
        fields = [f for f in range(len(NOTICE_FIELDS)) if info.mask >> f & 1]
        out: set[int] = set()
        if _context_free(rx):
            for f in fields:
                if f not in wanted:
                    continue
                col = corpus.norm[f].decode()
                b = piece_bounds(col) if len(corpus) else []
                search = rx.search
                for n in cand:
                    if n in out:
                        continue
                    s = b[n - 1] if n else 0
                    m = search(col, s, b[n] - 1)
                    if m is not None and (m.end() > m.start() or found(rx, col, s, b[n] - 1)):
                        out.add(n)
            return out
        for n in cand:  # the notice's own string, exactly as NoticeScan builds it
            parts = [corpus.text(f, n) if f in wanted else "" for f in range(len(NOTICE_FIELDS))]
            norm = SEP.join(parts)
            pos = 0
            for f, part in enumerate(parts):
                if f in fields and found(rx, norm, pos, pos + len(part)):
                    out.add(n)
                    break
                pos += len(part) + 1
        return out

    return regex_set


__all__ = ["MAX_BYTES", "Corpus", "TooBig", "clear", "corpus", "load", "regex_matcher", "warm"]
