"""The list's display form of English titles: the document first, the frame as a short tag.

Properties over the real titles of tests/data (the dev split, and the frozen test split that is
only measured, never tuned on): nothing is invented (every word of the lead form is a word of the
stored English or of the tag), a framed title no longer starts with its frame, and titles outside
the frames come back unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.translation.engine import translate_title
from app.translation.lead_title import issuer_abbreviation, lead_parts, lead_title

DATA = Path(__file__).parent / "data"


def titles(name: str) -> list[str]:
    rows = []
    for line in (DATA / name).read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t")[0])
    return rows


def words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z0-9]+", text)}


def test_examples():
    miit = ["工业和信息化部"]
    en = (
        "Notice of the Ministry of Industry and Information Technology on Issuing the Guidelines "
        "for the Construction of the Comprehensive Standardization System (2024 Edition)"
    )
    assert lead_title(en, miit) == (
        "Guidelines for the Construction of the Comprehensive Standardization System "
        "(2024 Edition) (MIIT notice)"
    )
    cac = "Notice of the Cyberspace Administration of China on Publicly Soliciting Comments on X"
    assert lead_title(cac, ["国家互联网信息办公室"]) == "X (CAC call for comments)"
    assert issuer_abbreviation(["工业和信息化部", "公安部", "国家市场监督管理总局"]) == "MIIT +2"
    plain = "Measures for the Security Assessment of Outbound Data Transfers"
    assert lead_parts(plain) == (plain, "")


@pytest.mark.parametrize("split", ["titles_dev.tsv", "titles_test_frozen.tsv"])
def test_lead_forms_invent_nothing_over_real_titles(split):
    framed = 0
    for zh in titles(split):
        en = translate_title(zh).text
        name, tag = lead_parts(en)
        lead = lead_title(en)
        assert words(lead) <= words(en) | {
            "call",
            "for",
            "comments",
            "approval",
            "implementation",
            "forwarded",
        }, (zh, en, lead)
        if tag:
            framed += 1
            # the name is the tail of the stored English, the frame's head is gone
            assert name[1:] in en and not en.startswith(name), (en, name)
        else:
            assert lead == en
    assert framed > 0
    print(f"{split}: {framed} framed titles turned round")  # reported, not tuned on
