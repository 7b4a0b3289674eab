"""One precedence, no silent conflicts: each Chinese word is defined in one glossary file.

terms.toml may list a word under several parts of speech (the composer asks for verbs and
nominal forms explicitly); a sector file (glossary/*.toml) must not repeat a word that
terms.toml or another sector file already has, since the loader would keep only one of them.
"""

from __future__ import annotations

import tomllib

from app.translation.data import DATA_DIR, glossary_conflicts, issuer_conflicts


def test_no_word_is_defined_in_two_glossary_files():
    assert glossary_conflicts() == []


def test_no_chinese_name_names_two_issuing_bodies():
    assert issuer_conflicts() == []


def test_an_issuer_name_given_twice_is_reported(tmp_path):
    (tmp_path / "issuers.toml").write_text(
        'version = 1\n[[issuer]]\nzh = ["国家计委"]\nen = "State Planning Commission"\n'
        '[[issuer]]\nzh = ["国家计委"]\nen = "State Development Planning Commission"\n'
    )
    found = issuer_conflicts(tmp_path)
    assert len(found) == 1 and "国家计委" in found[0] and "Development" in found[0]


def test_a_conflict_is_reported_with_both_files(tmp_path):
    (tmp_path / "glossary").mkdir()
    (tmp_path / "terms.toml").write_text('version = 1\n[noun]\n"具身智能" = "embodied AI"\n')
    (tmp_path / "glossary" / "ict.toml").write_text(
        'version = 1\n[noun]\n"具身智能" = "embodied intelligence"\n'
    )
    found = glossary_conflicts(tmp_path)
    assert len(found) == 1 and "具身智能" in found[0]
    assert "terms.toml" in found[0] and "ict.toml" in found[0]


def test_the_shipped_files_are_the_ones_checked():
    names = [p.name for p in (DATA_DIR / "glossary").glob("*.toml")]
    assert names  # sector files exist, so the conflict test above checks something
    for name in names:
        with (DATA_DIR / "glossary" / name).open("rb") as fh:
            assert tomllib.load(fh)["version"]
