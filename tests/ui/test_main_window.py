"""The main flows on a real window over a seeded database."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from storage.models import Notice
from storage.queries import NoticeFilter, count_notices
from tests.ui.conftest import wait_idle


def _state(db, nid):
    from storage.team import is_read, own_note

    with db.read() as s:
        n = s.get(Notice, nid)
        st = n.state
        return (
            is_read(n, db.user),
            bool(st and st.flagged),
            st.status if st else "new",
            own_note(n, db.user),
        )


def test_inbox_rows_appear_and_select_fills_detail(qtbot, window, seeded_db, tasks):
    with seeded_db.read() as s:
        assert window.model.rowCount() == count_notices(NoticeFilter.inbox(), s) > 0
    window.select_row(0)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=5000)
    html = window.detail.browser.toHtml()
    assert window.detail.detail.title[:10] in window.detail.browser.toPlainText()
    assert "matched because" in window.detail.browser.toPlainText()
    assert "background-color:" in html  # fired terms highlighted


def test_select_flag_status_note(qtbot, window, seeded_db, tasks, monkeypatch):
    window.select_row(1)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=5000)
    nid = window.current_id()
    qtbot.waitUntil(lambda: _state(seeded_db, nid)[0], timeout=5000)  # marked read on select

    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: _state(seeded_db, nid)[1], timeout=5000)
    wait_idle(qtbot, tasks)
    row = window.model.row_of(nid)
    qtbot.waitUntil(lambda: window.model.index(row, 5).data() == "⚑", timeout=5000)

    qtbot.keyClick(window.table, Qt.Key.Key_2)  # relevant
    qtbot.waitUntil(lambda: _state(seeded_db, nid)[2] == "relevant", timeout=5000)
    window.status_actions["escalated"].trigger()
    qtbot.waitUntil(lambda: _state(seeded_db, nid)[2] == "escalated", timeout=5000)

    window.edit_note()
    qtbot.keyClicks(window.detail.note.edit, "call the TC260 member")
    qtbot.waitUntil(lambda: _state(seeded_db, nid)[3] == "call the TC260 member", timeout=5000)

    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_M)  # back to unread
    qtbot.waitUntil(lambda: not _state(seeded_db, nid)[0], timeout=5000)


def test_j_k_move_between_notices(qtbot, window):
    window.select_row(0)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_J)
    assert window.table.currentIndex().row() == 1
    qtbot.keyClick(window.table, Qt.Key.Key_K)
    assert window.table.currentIndex().row() == 0


def test_typing_j_in_search_box_types_it(qtbot, window):
    window.select_row(0)
    window.search.setFocus()
    qtbot.keyClicks(window.search, "jk")
    assert window.search.text() == "jk"
    assert window.table.currentIndex().row() == 0


def test_search_two_character_chinese_and_english(qtbot, window, seeded_db, tasks):
    window.sidebar.select_kind("all")
    wait_idle(qtbot, tasks)
    total = window.model.rowCount()
    window.search.setText("数据")
    qtbot.waitUntil(lambda: 0 < window.model.rowCount() < total, timeout=5000)
    wait_idle(qtbot, tasks)
    for r in range(window.model.rowCount()):
        window.model.index(r, 0).data()
    with seeded_db.read() as s:
        assert window.model.rowCount() == count_notices(NoticeFilter(query="数据"), s)
    window.search.setText("")
    qtbot.waitUntil(lambda: window.model.rowCount() == total, timeout=5000)


def test_sort_by_title_is_server_side(qtbot, window, tasks):
    window.sidebar.select_kind("all")
    wait_idle(qtbot, tasks)
    window.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    wait_idle(qtbot, tasks)
    titles = [window.model.row_at(r).title for r in range(window.model.rowCount())]
    assert titles == sorted(titles)


def test_copy_citation_is_bilingual_one_line(qtbot, window):
    window.select_row(0)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=5000)
    window.copy_citation()
    text = QGuiApplication.clipboard().text()
    d = window.detail.detail
    assert d.title in text and d.url in text and "\n" not in text


def test_sidebar_shows_topics_and_sources(qtbot, window):
    c = window.sidebar.last_counts
    assert c is not None and c.inbox == window.model.rowCount()
    assert window.sidebar.topic_item("Generative AI") is not None
    assert window.sidebar.source_item("cac") is not None


def test_edit_translation_applies_to_every_notice_with_that_title(qtbot, window, seeded_db, tasks):
    from sqlalchemy import select

    with seeded_db.write() as s:
        first = s.scalars(select(Notice).order_by(Notice.id)).first()
        twin = Notice(source="sac", url="https://www.sac.gov.cn/twin.htm", title=first.title)
        s.add(twin)
        s.flush()
        ids = {first.id, twin.id}
    window.sidebar.select_kind("all")
    wait_idle(qtbot, tasks)
    window.set_translation(first.title, "A corrected English title")
    wait_idle(qtbot, tasks)

    def shown() -> set[int]:
        rows = [window.model.row_at(r) for r in range(window.model.rowCount())]
        return {r.id for r in rows if r and r.title_en == "A corrected English title"}

    qtbot.waitUntil(lambda: shown() == ids, timeout=5000)
    with seeded_db.read() as s:
        assert {s.get(Notice, i).title_en_provider for i in ids} == {"human"}


def test_translate_body_shows_labelled_english(qtbot, window, tasks):
    window.select_row(0)
    qtbot.waitUntil(lambda: window.detail.detail is not None, timeout=5000)
    assert window.detail.detail.body
    window.act_translate.trigger()
    # The offline engine's first use loads its dictionaries (seconds on a busy machine): wait for
    # the background work to report back, not for a fixed time (10 s flaked under load).
    wait_idle(qtbot, tasks, timeout=120000)
    qtbot.waitUntil(lambda: "English text" in window.detail.browser.toPlainText(), timeout=5000)
    english = window.detail.browser.toPlainText().split("English text", 1)[1]
    # the offline engine: labelled by where its words came from, and said to be literal
    assert "[glossary" in english or "[dictionary" in english
    assert "Literal English, sentence by sentence" in english and "Settings" in english


def test_matched_because_names_the_query_term_an_alias_came_from():
    from app.ui.notice_detail import visible_extra
    from app.ui.notice_html import because_text

    terms = [
        {"term": "AI", "field": "title_en", "start": 0, "end": 2, "via": "人工智能"},
        {"term": "数据安全", "field": "title", "start": 3, "end": 7, "via": "数据安全"},
        {"term": "AI", "field": "title_en", "start": 9, "end": 11, "via": "人工智能"},
    ]
    assert because_text(terms) == "AI (English title, via 人工智能), 数据安全 (title)"
    assert visible_extra({"_etag": "x", "plan_stage": "draft", "empty": ""}) == (
        ("Plan stage", "draft"),
    )
