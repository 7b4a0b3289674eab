"""Every example in docs/topics.md is executed, so the documentation cannot drift from the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.topics import QueryError, expand, match_query, parse

DOC = Path(__file__).resolve().parents[1] / "docs" / "topics.md"
BLOCK = re.compile(r"```(example|expand|error)\n(.*?)```", re.S)


def _blocks(kind: str) -> list[dict[str, str]]:
    out = []
    for k, body in BLOCK.findall(DOC.read_text("utf-8")):
        if k != kind:
            continue
        fields = {}
        for line in body.strip().splitlines():
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
        out.append(fields)
    return out


def test_the_docs_have_examples_of_every_kind():
    assert len(_blocks("example")) >= 20
    assert _blocks("expand") and len(_blocks("error")) >= 3


@pytest.mark.parametrize("ex", _blocks("example"), ids=lambda ex: ex["query"])
def test_doc_example(ex):
    notice = json.loads(ex["notice"])
    hit = match_query(ex["query"], notice)
    assert ex["matches"] in ("yes", "no")
    assert (hit is not None) == (ex["matches"] == "yes"), hit and hit.explain()
    if "because" in ex:
        assert ex["because"] in hit.explain()


@pytest.mark.parametrize("ex", _blocks("expand"), ids=lambda ex: ex["query"])
def test_doc_expansion(ex):
    assert expand(ex["query"]) == ex["expands"]


@pytest.mark.parametrize("ex", _blocks("error"), ids=lambda ex: ex["query"])
def test_doc_error(ex):
    with pytest.raises(QueryError) as err:
        parse(ex["query"])
    assert ex["error"] in err.value.reason
    assert err.value.position + 1 == int(ex["column"])
