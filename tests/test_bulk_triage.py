"""Bulk triage in SQL: a whole view, row ranges of its order, and toggles, counted honestly."""

from __future__ import annotations

from app.bulk_triage import CHUNK, RowSelection, apply_to_selection, resolve_ids
from app.demo.sample_data import load_sample
from storage.queries import NoticeFilter, count_notices, list_notices


def test_whole_view_toggle_and_ranges(db, monkeypatch):
    with db.write() as s:
        load_sample(s)
    monkeypatch.setattr("app.bulk_triage.CHUNK", 7)  # several chunks over the sample
    assert CHUNK >= 100
    inbox = NoticeFilter.inbox()
    with db.read() as s:
        n_inbox = count_notices(inbox, s)
        n_all = count_notices(NoticeFilter(), s)
    with db.write() as s:
        r = apply_to_selection(s, RowSelection(view=inbox, whole_view=True), "read")
    assert r.value is True and r.changed == r.selected == n_inbox
    with db.read() as s:
        assert count_notices(inbox, s) == 0
    with db.write() as s:  # everything: some already read, so the toggle sets read on all
        r = apply_to_selection(s, RowSelection(whole_view=True), "read")
    assert r.value is True and r.changed == n_all - n_inbox and r.selected == n_all
    with db.write() as s:
        r = apply_to_selection(s, RowSelection(whole_view=True), "read")
    assert r.value is False and r.changed == n_all
    with db.read() as s:
        order = [n.id for n in list_notices(NoticeFilter(), s, sort="title", descending=False)]
        sel = RowSelection(sort="title", descending=False, ranges=((3, 9), (20, 20)))
        assert resolve_ids(s, sel) == sorted(order[3:10] + [order[20]])
    with db.write() as s:
        r = apply_to_selection(s, sel, "status", "closed")
    assert r.changed == 8
    with db.read() as s:
        assert count_notices(NoticeFilter(status="closed"), s) == 8
        assert count_notices(NoticeFilter(status="new"), s) == n_all - 8
