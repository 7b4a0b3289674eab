"""The main text block of a page nobody wrote a selector for (a readability-style fallback).

User-defined sources may leave ``detail_body`` out. Chinese notice pages keep the document in
one container (``<div class="TRS_Editor">`` with ``<p>`` paragraphs, or ``<div id="zoom">``
with ``<br>`` lines) surrounded by menus, breadcrumbs, share bars and footers that are mostly
links or short labels. So: every piece of text that is not link text credits the container it
sits in (the parent of a paragraph, or the block holding the bare text), half of it goes one
level up so a body split over sibling blocks still wins, and a container whose text is mostly
links (a menu, a related-articles list) is discounted by its link density.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, Tag
from bs4.element import NavigableString

from scrapers.text import clean_text

_NOISE = frozenset(
    {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form"}
    | {"select", "option", "button", "head", "title", "iframe", "h1", "label"}
)
# Elements that hold one paragraph: their text belongs to the container around them.
_PARAGRAPH = frozenset({"p", "li", "dd", "dt", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
_CONTAINER = frozenset({"div", "td", "section", "article", "main", "body", "ul", "ol", "dl"})
_MIN_TEXT = 8  # shorter strings are labels, dates and button captions, not document text
# Document text is written in sentences; metadata values (a list of 17 issuing bodies, a date,
# a 文号) are not, so text without sentence punctuation counts for less.
_SENTENCE = re.compile(r"[，。；！？：,;]")
_NO_SENTENCE_WEIGHT = 0.3


def _container(node: NavigableString) -> tuple[Tag | None, bool]:
    """The container ``node``'s text belongs to, and whether the text is link text.

    None when it sits in a noise element (a menu, a script, a footer).
    """
    in_link = False
    paragraph = None
    for anc in node.parents:
        name = anc.name
        if name in _NOISE:
            return None, False
        if name == "a":
            in_link = True
        if paragraph is None and name in _PARAGRAPH:
            paragraph = anc
            continue
        if name in _CONTAINER:
            return anc, in_link
    return paragraph, in_link


def main_text_block(page: BeautifulSoup | Tag) -> Tag | None:
    """The element most likely to hold the document text; None when the page has no text."""
    score: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    for node in page.find_all(string=True):
        if isinstance(node, Comment):
            continue
        text = clean_text(str(node))
        if not text:
            continue
        box, in_link = _container(node)
        if box is None:
            continue
        if in_link or len(text) < _MIN_TEXT:
            continue
        weight = len(text) * (1.0 if _SENTENCE.search(text) else _NO_SENTENCE_WEIGHT)
        nodes[id(box)] = box
        score[id(box)] = score.get(id(box), 0.0) + weight
        parent = box.parent
        if isinstance(parent, Tag) and parent.name not in ("[document]", "html"):
            nodes[id(parent)] = parent
            score[id(parent)] = score.get(id(parent), 0.0) + weight / 2
    best: Tag | None = None
    best_score = 0.0
    for key, raw in score.items():
        box = nodes[key]
        text_len = len(clean_text(box.get_text(" ")))
        link_len = sum(len(clean_text(a.get_text(" "))) for a in box.find_all("a"))
        density = link_len / text_len if text_len else 1.0
        value = raw * (1.0 - density)
        if value > best_score:
            best, best_score = box, value
    return best
