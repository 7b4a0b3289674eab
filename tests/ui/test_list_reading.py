"""The notice list as a reader uses it: both titles in the reading layout, filters over any
view, every header sorting, Mark all in view as read, Open for comment, Escape in the search
box, search terms marked in the detail pane, sidebar names cut in the middle with counts kept."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from sqlalchemy import select

from app.services.notice_list import set_notice_state
from app.translation.engine import translate_title
from app.ui.list_view import ListLayout, reading_lines
from app.ui.notice_model import COLUMNS, ID_ROLE, ROW_ROLE
from storage.models import Notice
from storage.team import is_read
from tests.ui.conftest import wait_idle

TODAY = dt.date(2024, 7, 15)


@pytest.fixture
def translated_db(seeded_db):
    """The sample with English titles from the offline engine (as a fetch stores them)."""
    with seeded_db.write() as s:
        for n in s.scalars(select(Notice)):
            n.title_en = translate_title(n.title).text
    return seeded_db


@pytest.fixture
def win(qtbot, translated_db, config, tasks):
    from app.ui.main_window import MainWindow

    w = MainWindow(translated_db, config, tasks)
    w.mark_read_delay_ms = 10**9  # selecting a row must not change what the filters see
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    w.set_today(lambda: TODAY)
    w.sidebar.select_kind("all")
    wait_idle(qtbot, tasks)
    qtbot.waitUntil(lambda: w.model.rowCount() > 0 and not w.model.counting, timeout=5000)
    return w


def shown_ids(w) -> list[int]:
    return [w.model.index(r, 0).data(ID_ROLE) for r in range(w.model.rowCount())]


def settle(qtbot, w, tasks) -> None:
    wait_idle(qtbot, tasks)
    qtbot.waitUntil(lambda: not w.model.loading and not w.model.counting, timeout=5000)
    wait_idle(qtbot, tasks)


def notices(db) -> dict[int, Notice]:
    with db.read() as s:
        out = {n.id: n for n in s.scalars(select(Notice))}
        for n in out.values():
            _ = n.state, n.matches
        return out


def test_reading_layout_rows_show_both_titles(qtbot, win, tasks):
    assert win.table.layout_mode is ListLayout.READING  # the default
    row = win.model.index(0, 3).data(ROW_ROLE)
    font = win.table.font()
    m = QFontMetrics(font)
    en, zh = reading_lines(row, m, m, 4000)
    assert " ".join(en) == row.title_en and "".join(zh) == row.title
    # narrow (a 1280-pixel window): the frame is turned round and its tag is kept
    framed = [
        r
        for r in (win.model.index(i, 3).data(ROW_ROLE) for i in range(win.model.rowCount()))
        if r.title_en.startswith("Notice of the Ministry of Industry and Information Technology")
    ]
    assert len(framed) >= 2
    bold = QFont(font)
    bold.setBold(True)
    firsts = set()
    for r in framed:
        en, zh = reading_lines(r, QFontMetrics(bold), m, 420)
        assert not en[0].startswith("Notice of")
        assert en[-1].endswith("notice)") and "MIIT" in en[-1]
        assert zh and zh[0][:4] == r.title[:4]
        firsts.add(en[0])
    # the rows differ where a narrow list would cut them (the sample repeats some notices)
    assert len(firsts) == len({r.title_en for r in framed})
    # the reading cell is painted with the row, the compact table is one row per line
    assert win.table.rowHeight(0) >= 3 * m.lineSpacing()
    assert win.table.isColumnHidden(2) and not win.table.isColumnHidden(3)


def test_compact_layout_toggle_is_remembered(qtbot, win, translated_db, config, tasks):
    from app.ui.main_window import MainWindow

    win.layout_actions[ListLayout.COMPACT].trigger()
    assert win.table.layout_mode is ListLayout.COMPACT
    assert not any(win.table.isColumnHidden(c) for c in range(len(COLUMNS)))
    wait_idle(qtbot, tasks)
    again = MainWindow(translated_db, config, tasks)
    qtbot.addWidget(again)
    assert again.table.layout_mode is ListLayout.COMPACT
    assert again.layout_actions[ListLayout.COMPACT].isChecked()
    wait_idle(qtbot, tasks)


def test_filters_each_and_combined_with_view_and_search(qtbot, win, translated_db, tasks):
    ids = sorted(notices(translated_db))
    set_notice_state(translated_db, ids[::2], read=True)
    set_notice_state(translated_db, ids[1::5], status="escalated")
    win.model.reload()
    settle(qtbot, win, tasks)
    all_ = notices(translated_db)
    bar = win.filter_bar

    def expect(rule) -> set[int]:
        return {i for i, n in all_.items() if rule(n)}

    unread = lambda n: not is_read(n, translated_db.user)  # noqa: E731
    escalated = lambda n: n.state is not None and n.state.status == "escalated"  # noqa: E731
    open_ = lambda n: n.comment_deadline is not None and n.comment_deadline >= TODAY  # noqa: E731

    bar.unread.setChecked(True)
    settle(qtbot, win, tasks)
    assert set(shown_ids(win)) == expect(unread)
    bar.unread.setChecked(False)
    bar.status.setCurrentIndex(bar.status.findData("escalated"))
    settle(qtbot, win, tasks)
    assert set(shown_ids(win)) == expect(escalated) != set()
    bar.status.setCurrentIndex(0)
    bar.deadline.setCurrentIndex(bar.deadline.findData("open"))
    settle(qtbot, win, tasks)
    assert set(shown_ids(win)) == expect(open_) != set()
    bar.deadline.setCurrentIndex(bar.deadline.findData("closing"))
    settle(qtbot, win, tasks)
    soon = TODAY + dt.timedelta(days=14)
    assert set(shown_ids(win)) == expect(
        lambda n: n.comment_deadline is not None and TODAY <= n.comment_deadline <= soon
    )
    # combined: a source view + unread + open for comment + search
    bar.deadline.setCurrentIndex(bar.deadline.findData("open"))
    bar.unread.setChecked(True)
    source = next(n.source for n in all_.values() if open_(n) and unread(n))
    win.sidebar.setCurrentItem(win.sidebar.source_item(source))
    settle(qtbot, win, tasks)
    want = expect(lambda n: n.source == source and open_(n) and unread(n))
    assert set(shown_ids(win)) == want != set()
    word = next(all_[i].title for i in want)[:2]
    win.search.setText(word)
    win._apply_search()
    settle(qtbot, win, tasks)
    got = set(shown_ids(win))
    assert got and got <= want
    assert all(word in all_[i].title or word in (all_[i].body or "") for i in got)
    win.act_clear_filters.trigger()
    settle(qtbot, win, tasks)
    assert set(shown_ids(win)) == expect(lambda n: n.source == source)


@pytest.mark.parametrize("column", range(len(COLUMNS)))
def test_every_header_sorts(qtbot, win, translated_db, tasks, column):
    ids = sorted(notices(translated_db))
    set_notice_state(translated_db, ids[1::3], flagged=True)
    set_notice_state(translated_db, ids[::4], status="relevant", note="check")
    win.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    settle(qtbot, win, tasks)
    before = shown_ids(win)
    orders = {}
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        win.table.sortByColumn(column, order)
        settle(qtbot, win, tasks)
        orders[order] = shown_ids(win)
        assert sorted(orders[order]) == sorted(before)
        rows = [win.model.index(r, 0).data(ROW_ROLE) for r in range(win.model.rowCount())]
        key = COLUMNS[column][0]
        values = [row.source if key == "source" else win.model._display(row, key) for row in rows]
        assert len(set(values)) > 1, "the column must tell rows apart for this test"
        if COLUMNS[column][0] in ("date", "source", "title", "title_en"):
            filled = [v for v in values if v]
            asc = order == Qt.SortOrder.AscendingOrder
            assert filled == sorted(filled, reverse=not asc)
    if column != 0:
        assert (
            orders[Qt.SortOrder.AscendingOrder] != before
            or orders[Qt.SortOrder.DescendingOrder] != before
        )
    assert win.model.sort_key[0] == COLUMNS[column][0]


def test_mark_all_in_view_as_read_counts_in_status_bar(qtbot, win, translated_db, tasks):
    ids = sorted(notices(translated_db))
    set_notice_state(translated_db, ids[::3], read=True)
    win.filter_bar.deadline.setCurrentIndex(win.filter_bar.deadline.findData("open"))
    settle(qtbot, win, tasks)
    in_view = set(shown_ids(win))
    all_ = notices(translated_db)
    unread = {i for i in in_view if not is_read(all_[i], translated_db.user)}
    assert unread and unread != in_view
    win.act_read_view.trigger()
    qtbot.waitUntil(lambda: "marked read" in win.statusBar().currentMessage(), timeout=5000)
    msg = win.statusBar().currentMessage()
    assert msg.startswith(f"{len(unread)} notices marked read")
    assert f"({len(in_view) - len(unread)} already were.)" in msg
    after = notices(translated_db)
    assert all(is_read(after[i], translated_db.user) for i in in_view)
    outside = [i for i in after if i not in in_view and i not in ids[::3]]
    assert outside and not any(is_read(after[i], translated_db.user) for i in outside)


def test_open_for_comment_view_sorted_by_closing_date(qtbot, win, translated_db, tasks):
    win.sidebar.select_kind("comment")
    settle(qtbot, win, tasks)
    all_ = notices(translated_db)
    got = shown_ids(win)
    want = [i for i, n in all_.items() if n.comment_deadline and n.comment_deadline >= TODAY]
    assert sorted(got) == sorted(want) and want
    deadlines = [all_[i].comment_deadline for i in got]
    assert deadlines == sorted(deadlines)
    header = win.table.horizontalHeader()
    assert COLUMNS[header.sortIndicatorSection()][0] == "deadline"
    assert header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    assert win.sidebar.last_counts.open_for_comment == len(want)
    first = win.model.index(0, COLUMNS.index(("deadline", "Comments"))).data()
    days = (deadlines[0] - TODAY).days
    assert first == {0: "closes today", 1: "closes tomorrow"}.get(days, f"closes in {days} days")
    win.sidebar.select_kind("all")  # leaving the view: newest first again
    settle(qtbot, win, tasks)
    assert win.model.sort_key == ("date", True)
    assert header.sortIndicatorSection() == 0


def test_escape_clears_the_search_box(qtbot, win, tasks):
    total = win.model.rowCount()
    win.act_search.trigger()
    assert win.search.hasFocus() or not win.isActiveWindow()
    win.search.setText("人工智能")
    win._apply_search()
    settle(qtbot, win, tasks)
    assert win.model.rowCount() < total
    qtbot.keyClick(win.search, Qt.Key.Key_Escape)
    assert win.search.text() == ""
    qtbot.waitUntil(lambda: win.model.filter.query == "", timeout=5000)
    settle(qtbot, win, tasks)
    assert win.model.rowCount() == total
    # Ctrl+F is shown in a menu
    shortcuts = [
        a.shortcut().toString() for m in win.menuBar().actions() for a in m.menu().actions()
    ]
    assert "Ctrl+F" in shortcuts


def test_search_terms_are_marked_in_the_detail_pane(qtbot, win, tasks):
    from app.ui.notice_html import SEARCH_COLOUR

    win.search.setText("人工智能")
    win._apply_search()
    settle(qtbot, win, tasks)
    win.select_row(0)
    qtbot.waitUntil(lambda: win.detail.detail is not None, timeout=5000)
    wait_idle(qtbot, tasks)
    html = win.detail.browser.toHtml()
    assert SEARCH_COLOUR.lstrip("#") in html.lower()


def test_search_marks_are_escaped_and_whole_words():
    from app.ui.notice_html import highlight, search_spans

    text = "<script>AI</script> Affairs of ai 人工智能芯片"
    spans = search_spans(text, "ai 智能")
    marked = highlight(text, spans)
    assert "<script>" not in marked and "&lt;script&gt;" in marked
    hits = [text[s:e] for s, e, _ in spans]
    assert sorted(hits) == ["AI", "ai", "智能"]  # "Affairs" is not a hit


def test_sidebar_elides_long_names_in_the_middle_and_keeps_counts(qtbot, win, translated_db, tasks):
    from app.ui.sidebar import BADGE_ROLE, NAME_ROLE, elide_label

    long = "Personal information protection and cross-border data transfer compliance"
    metrics = QFontMetrics(win.sidebar.font())
    cut = elide_label(long, "1,234", metrics, 180)
    assert "…" in cut and cut.startswith("Personal") and cut.endswith(long[-6:])
    assert metrics.horizontalAdvance(cut + "  1,234") <= 180
    # every topic and source item carries its count and health apart from its name
    for root in (win.sidebar._topics_root, win.sidebar._sources_root):
        for i in range(root.childCount()):
            assert root.child(i).data(0, NAME_ROLE)
    counts = win.sidebar.last_counts
    topic = next(t for t in counts.topics if t[3] > 0)
    item = win.sidebar.topic_item(topic[1])
    assert item.data(0, BADGE_ROLE) == f"{topic[3]:,}" and item.toolTip(0) == topic[1]
    cac = win.sidebar.source_item("cac")
    assert cac.data(0, NAME_ROLE) == "CAC"  # short, as in the list
    assert "Cyberspace Administration of China" in cac.toolTip(0)


def test_window_widgets_run_no_sql():
    """The main window, its menus, filters, list view and sidebar call app.services; none
    builds queries itself."""
    import ast
    from pathlib import Path

    ui = Path(__file__).resolve().parents[2] / "app" / "ui"
    names = ("main_window", "main_menus", "filter_bar", "list_view", "sidebar", "status_text")
    for name in (*names, "notice_model"):
        tree = ast.parse((ui / f"{name}.py").read_text(encoding="utf-8"))
        imported = {
            n.module if isinstance(n, ast.ImportFrom) else a.name
            for n in ast.walk(tree)
            if isinstance(n, ast.Import | ast.ImportFrom)
            for a in n.names
        }
        bad = {m for m in imported if m and (m.startswith("sqlalchemy") or m == "storage.models")}
        assert not bad, f"{name} imports {bad}"
