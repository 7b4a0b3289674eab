"""The default topics on real titles (tests/data/topic_titles_labelled.tsv): the targets of issue
12 on the development part and on the frozen test part, which nothing was tuned on."""

from __future__ import annotations

import pytest

from app.topics import Matcher, default_topics
from tools.topic_quality import TOPIC_CODES, load_rows, measure


@pytest.fixture(scope="module")
def reports():
    m = Matcher(default_topics())
    rows = load_rows()
    return {split: measure(m, [r for r in rows if r.split == split]) for split in ("dev", "test")}


@pytest.mark.parametrize("split", ["dev", "test"])
def test_targets_on_real_titles(reports, split):
    rep = reports[split]
    assert rep.clear.recall >= 0.95, [r.title for r in rep.misses if r.clear]
    assert rep.clear.precision >= 0.95, [r.title for r, _ in rep.false_alarms if r.clear]
    assert rep.all.recall >= 0.90, [r.title for r in rep.misses]


def test_the_set_is_big_enough_and_a_third_in_scope():
    rows = load_rows()
    inside = [r for r in rows if r.in_scope]
    assert len(rows) >= 450 and 0.25 <= len(inside) / len(rows) <= 0.45
    assert sum(r.split == "test" for r in inside) >= 50
    assert {c for r in rows for c in r.topics} <= set(TOPIC_CODES)


def test_every_default_topic_has_a_label_code():
    assert {s.name for s in default_topics()} <= set(TOPIC_CODES.values())
