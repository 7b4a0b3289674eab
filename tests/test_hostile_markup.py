"""Parsers stay linear on hostile markup (<dt> without <dd>, rows without dates, long runs of
labels, deep nesting). Measured in interpreter steps, not seconds: doubling the page may at most
roughly double the work (a quadratic loop quadruples it)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from scrapers import dom, jpaas
from scrapers.base import LayoutError
from scrapers.std_samr import parse_detail_page


def steps(fn: Callable[[], object]) -> int:
    """Python line events executed by ``fn`` (deterministic for a given input)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn()
    except LayoutError:
        pass
    finally:
        sys.settrace(None)
    return count


def dt_without_dd(n: int) -> bytes:
    return ("<html><body><dl>" + "<dt>发文机关：</dt>" * n + "</dl></body></html>").encode()


def rows_without_dates(n: int) -> bytes:
    # Article links straight in one box: every link's nearest "row" is the whole box.
    links = "".join(f"<a href='/art/2024/art_{i}.html'>关于数据安全的通知{i}</a>" for i in range(n))
    return f"<html><body><div class='list'>{links}</div></body></html>".encode()


def jpaas_rows_without_time(n: int) -> bytes:
    rows = "".join(
        f"<li class='nav04Left02_content'><a href='/art/2024/art_{i}.html'>通知{i}</a></li>"
        for i in range(n)
    )
    return f"<html><body><ul>{rows}</ul></body></html>".encode()


def many_label_paragraphs(n: int) -> bytes:
    return ("<html><body><div>" + "<p>索引号：</p>" * n + "</div></body></html>").encode()


def deep(n: int) -> bytes:
    return ("<html><body>" + "<div>" * n + "正文" + "</div>" * n + "</body></html>").encode()


CASES = {
    "paragraphs/dt-without-dd": lambda b: dom.paragraphs(dom.parse_html(b).body),
    "labelled_fields/dt-without-dd": lambda b: dom.labelled_fields(dom.parse_html(b).body),
    "labelled_fields/label-paragraphs": lambda b: dom.labelled_fields(dom.parse_html(b).body),
    "std_samr/dt-without-dd": lambda b: parse_detail_page(
        b, "https://std.samr.gov.cn/gb/search/gbDetailed?id=X"
    ),
    "jpaas/rows-without-dates": lambda b: jpaas.parse_rows(
        b.decode(), "https://www.sac.gov.cn/xw/tzgg/"
    ),
    "jpaas/rows-without-time-cells": lambda b: jpaas.parse_rows(
        b.decode(), "https://www.sac.gov.cn/xw/tzgg/"
    ),
    "paragraphs/deep-nesting": lambda b: dom.paragraphs(dom.parse_html(b).body),
}
PAGES = {
    "paragraphs/dt-without-dd": dt_without_dd,
    "labelled_fields/dt-without-dd": dt_without_dd,
    "labelled_fields/label-paragraphs": many_label_paragraphs,
    "std_samr/dt-without-dd": dt_without_dd,
    "jpaas/rows-without-dates": rows_without_dates,
    "jpaas/rows-without-time-cells": jpaas_rows_without_time,
    "paragraphs/deep-nesting": deep,
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_doubling_a_hostile_page_at_most_doubles_the_work(case):
    parse, page = CASES[case], PAGES[case]
    small = steps(lambda: parse(page(800)))
    large = steps(lambda: parse(page(1600)))
    assert large < 2.4 * small, (case, small, large)
