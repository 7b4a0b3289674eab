"""The in-memory snapshot test_query matches (corpus_cache.py): the same results as streaming
the stored notices, after inserts, updates and deletes, across threads (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, select, update

from app.topics import corpus_cache
from app.topics.normalise import LATIN_CHARS
from app.topics.scan import latin_at, latin_before
from app.topics.store import test_query as run_query_test
from storage.models import Notice

QUERIES = [
    "人工智能",
    "title:(人形机器人 OR 具身智能) -征求意见稿",
    "数据出境 AND body:安全评估",
    "AI",
    "ai* -robot",
    "title:/gb\\/t \\d+/",
    "title:/(?<=关于)印发/",  # lookbehind: the exact per-notice path
    "/^关于/ AND 通知",  # an anchor at the notice's start
    "/é+t/ OR naïve",
    "issuer:网信办",
    "NOT 通知",
    "网络安全 OR 互联网信息",  # masks: 互联网信息 is inside the issuer's name
    "数据 OR 人工智能",  # broad terms: body-only hits need a second term
]
TITLES = [
    "关于印发《人工智能安全治理框架》的通知",
    "人形机器人创新发展指导意见（征求意见稿）",
    "具身智能产业发展行动计划",
    "GB/T 45654-2025 网络安全技术 生成式人工智能服务安全基本要求",
    "促进和规范数据跨境流动规定",
    "ＡＩ　治理：全角文本",
    "Naïve AI robots and été",
    "含\u200b零宽字符的标题 AI",
    "关于做好节假日安全生产工作的通知",
    "无关",
]


def _add(s, i: int, **kw) -> Notice:
    if s.get_bind().dialect.name == "sqlite" and i == 7:
        kw.setdefault("title", "含\0空字符的标题 AI")  # NUL separates texts: cleaned as in matching
    n = Notice(
        source=kw.pop("source", ["cac", "miit_zcwj", "govcn"][i % 3]),
        url=f"https://example.gov.cn/{i}-{kw.pop('tag', '')}",
        title=kw.pop("title", TITLES[i % len(TITLES)]),
        title_en=kw.pop("title_en", "Generative AI measures" if i % 2 else None),
        body=kw.pop(
            "body", "依法开展数据出境安全评估。" if i % 4 == 0 else "现将有关事项通知如下。"
        ),
    )
    n.issuers = ["国家互联网信息办公室"] if i % 5 else []
    n.doc_number = f"国信办〔2024〕{i}号" if i % 3 == 0 else None
    if i % 2:
        import datetime as dt

        n.published_date = dt.date(2024, 1 + i % 12, 1 + i % 27)
    s.add(n)
    return n


_LOAD = corpus_cache.load  # not the counting stand-in some tests put in its place


@pytest.fixture(autouse=True)
def _fresh_cache():
    corpus_cache.clear()
    yield
    corpus_cache.clear()


def _same_as_streaming(db) -> None:
    """Every query: the cached result equals the streaming one, and the snapshot equals a fresh
    load of the notices."""
    for q in QUERIES:
        with db.read() as s:
            cached = run_query_test(s, q, sample=5)
            streamed = run_query_test(s, q, sample=5, use_cache=False)
        assert (cached.count, cached.scanned, cached.sample) == (
            streamed.count,
            streamed.scanned,
            streamed.sample,
        ), q
    with db.read() as s:
        snap = corpus_cache.corpus(s)
        fresh = _LOAD(s)
    assert snap is not None
    assert (snap.ids, snap.dates, snap.sources, snap.norm, snap.bounds) == (
        fresh.ids,
        fresh.dates,
        fresh.sources,
        fresh.norm,
        fresh.bounds,
    )


def test_results_stay_identical_through_inserts_updates_and_deletes(db, monkeypatch):
    with db.write() as s:
        for i in range(40):
            _add(s, i)
    _same_as_streaming(db)
    loads = []
    real_load = corpus_cache.load
    monkeypatch.setattr(corpus_cache, "load", lambda s: loads.append(1) or real_load(s))

    with db.write() as s:  # inserts
        for i in range(40, 45):
            _add(s, i)
    _same_as_streaming(db)
    with db.write() as s:  # updates through the ORM (updated_at bumped)
        n = s.scalars(select(Notice).where(Notice.id == 3)).one()
        n.title = "关于印发人形机器人标准的通知"
        n.issuers = ["工业和信息化部"]
        s.execute(update(Notice).where(Notice.id == 10).values(title_en="Humanoid robot AI"))
    _same_as_streaming(db)
    with db.write() as s:  # deletes, one of them the highest id
        top = s.scalar(select(Notice.id).order_by(Notice.id.desc()).limit(1))
        s.execute(delete(Notice).where(Notice.id.in_([5, 6, top])))
    _same_as_streaming(db)
    with db.write() as s:  # delete and insert in one go (SQLite may reuse the highest id)
        top = s.scalar(select(Notice.id).order_by(Notice.id.desc()).limit(1))
        s.execute(delete(Notice).where(Notice.id == top))
        s.flush()
        _add(s, 99, title="新的人工智能通知", tag="new")
    _same_as_streaming(db)
    with db.write() as s:  # an update and an insert and a delete together
        s.execute(update(Notice).where(Notice.id == 1).values(body="安全评估 数据出境"))
        s.execute(delete(Notice).where(Notice.id == 2))
        _add(s, 100, title="GB/T 1-2024 标准化工作导则", tag="x")
    _same_as_streaming(db)
    assert not loads  # every change was applied as a delta

    with db.write() as s:  # everything gone
        s.execute(delete(Notice))
    _same_as_streaming(db)


def test_a_corpus_too_big_for_memory_is_streamed(db, monkeypatch):
    with db.write() as s:
        for i in range(20):
            _add(s, i)
    monkeypatch.setattr(corpus_cache, "MAX_BYTES", 100)
    with db.read() as s:
        assert corpus_cache.corpus(s) is None
        assert (
            run_query_test(s, "人工智能").count
            == run_query_test(s, "人工智能", use_cache=False).count
        )


def test_warm_loads_ahead_and_the_next_call_reuses_it(db, monkeypatch):
    with db.write() as s:
        for i in range(10):
            _add(s, i)
    snap = corpus_cache.warm(db)
    assert snap is not None and len(snap) == 10
    monkeypatch.setattr(corpus_cache, "load", lambda s: pytest.fail("loaded again"))
    with db.read() as s:
        assert corpus_cache.corpus(s) is snap
        run_query_test(s, "人工智能")


def test_queries_from_threads_while_notices_are_written(db):
    with db.write() as s:
        for i in range(30):
            _add(s, i)
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer() -> None:
        try:
            for k in range(15):
                with db.write() as s:
                    _add(s, 200 + k, tag="w")
                    s.execute(update(Notice).where(Notice.id == 1 + k).values(title=TITLES[k % 7]))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            stop.set()

    def reader() -> None:
        try:
            while not stop.is_set():
                with db.read() as s:
                    r = run_query_test(s, "人工智能 OR robot", sample=3)
                    assert 0 <= r.count <= r.scanned
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    _same_as_streaming(db)


def test_an_in_memory_database_is_not_confused_with_another():
    from storage.db import Database

    counts = []
    for k in (3, 5):
        db = Database.open("sqlite://")
        with db.write() as s:
            for i in range(k):
                _add(s, i)
        with db.read() as s:
            counts.append(run_query_test(s, "NOT 无关的东西").count)
        db.close()
    assert counts == [3, 5]


def test_latin_neighbours_are_read_from_utf8_as_from_text():
    text = "aé中b\0ɏx€ẞ"
    data = text.encode()
    offsets = [len(text[:i].encode()) for i in range(len(text) + 1)]
    for i in range(len(text)):
        assert latin_at(data, offsets[i]) == (text[i] in LATIN_CHARS), i
        if i:
            assert latin_before(data, offsets[i]) == (text[i - 1] in LATIN_CHARS), i
