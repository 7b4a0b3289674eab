"""Issuers in English: customary abbreviations or official names, the Chinese kept beside."""

from __future__ import annotations

import tomllib
from collections import defaultdict

import pytest

from app.translation.data import DATA_DIR, lexicon
from app.translation.issuer_names import authorities, issuer_names, resolve, split_issuers


def _abbreviation_file() -> dict:
    return tomllib.loads((DATA_DIR / "issuer_abbreviations.toml").read_text(encoding="utf-8"))


def test_every_abbreviation_names_a_body_of_the_issuer_data():
    known = {i.en for i in lexicon().issuers.values()}
    unknown = sorted(set(_abbreviation_file()["abbreviation"]) - known)
    assert unknown == [], "abbreviations for bodies issuers.toml does not name"


def test_abbreviations_agree_with_issuers_toml_and_name_one_body_each():
    table = _abbreviation_file()["abbreviation"]
    bodies = defaultdict(set)
    for issuer in lexicon().issuers.values():
        if issuer.abbr and issuer.en in table:
            assert table[issuer.en] == issuer.abbr, issuer.en
        abbr = table.get(issuer.en) or issuer.abbr
        if abbr:
            bodies[abbr].add(issuer.en)
    # TC260 renamed itself (信安标委 → 网安标委); every other abbreviation is one body
    shared = {a: sorted(b) for a, b in bodies.items() if len(b) > 1 and a != "TC260"}
    assert shared == {}


@pytest.mark.parametrize(
    ("zh", "short", "full"),
    [
        ("国家互联网信息办公室", "CAC", "Cyberspace Administration of China"),
        ("国家网信办", "CAC", "Cyberspace Administration of China"),
        ("中华人民共和国工业和信息化部", "MIIT", "Ministry of Industry and Information Technology"),
        ("国家发展改革委", "NDRC", "National Development and Reform Commission"),
        ("科技部", "MOST", "Ministry of Science and Technology"),
        ("国家广播电视总局", "NRTA", "National Radio and Television Administration"),
        ("市场监管总局", "SAMR", "State Administration for Market Regulation"),
        ("司法部", "MOJ", "Ministry of Justice"),
        ("国家数据局", "NDA", "National Data Administration"),
        # no customary abbreviation: the official English name
        ("国务院", "State Council", "State Council"),
    ],
)
def test_known_bodies_get_their_abbreviation_or_official_name(zh, short, full):
    name = resolve(zh)
    assert (name.short, name.full, name.zh) == (short, full, zh)
    assert name.label == f"{short} ({zh})"


def test_fixed_units_are_named_after_their_body():
    office = resolve("工业和信息化部办公厅")
    assert office.short == "MIIT General Office"
    assert office.full == "General Office of the Ministry of Industry and Information Technology"
    secretariat = resolve("全国网络安全标准化技术委员会秘书处")
    assert secretariat.short == "TC260 Secretariat"


def test_a_department_of_a_ministry_counts_as_the_ministry_and_keeps_its_chinese():
    dept = resolve("工业和信息化部政策法规司")
    assert dept.short == "MIIT" and dept.label == "MIIT (工业和信息化部政策法规司)"
    assert authorities(["工业和信息化部政策法规司", "工业和信息化部"]) == ["MIIT"]


def test_unknown_bodies_stay_chinese_and_are_never_guessed():
    for zh in ("某某市数据协会", "中共中央网络安全和信息化委员会办公室秘书局"):
        name = resolve(zh)
        assert not name.known and name.short == name.zh == name.label == zh


def test_joined_bracketed_and_counted_issuers_are_split():
    assert split_issuers("科技部、公安部 国家广电总局，教育部") == [
        "科技部",
        "公安部",
        "国家广电总局",
        "教育部",
    ]
    assert split_issuers("工业和信息化部等七部门") == ["工业和信息化部"]
    names = issuer_names(["国家市场监督管理总局（国家标准化管理委员会）"])
    assert [n.short for n in names] == ["SAMR", "SAC"]


def test_issuing_authorities_in_the_decks_form():
    issuers = [
        "国家互联网信息办公室",
        "国家发展和改革委员会",
        "教育部",
        "科学技术部",
        "工业和信息化部",
        "公安部",
        "国家广播电视总局",
        "国家网信办",
    ]
    assert ", ".join(authorities(issuers)) == "CAC, NDRC, MOE, MOST, MIIT, MPS, NRTA"
