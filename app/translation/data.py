"""The engine's hand-written data (resources/translation/*.toml), loaded once and cached."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / "resources" / "translation"

POS_NOUN, POS_ACTION, POS_VERB, POS_ADVERB, POS_CONJ = "noun", "action", "verb", "adverb", "conj"


class DataError(Exception):
    """A translation data file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Issuer:
    zh: str
    en: str
    abbr: str = ""
    office: bool = False


@dataclass(frozen=True)
class Head:
    zh: str
    en: str
    bare: str
    verbal: str = ""


@dataclass
class Lexicon:
    """Everything the engine looks up, indexed for longest-match scanning."""

    version: str
    issuers: dict[str, Issuer]
    terms: dict[str, dict[str, str]]  # pos -> zh -> en
    heads: list[Head]  # longest first
    genres: dict[str, str]
    frame_verbs: dict[str, str]
    suffixes: dict[str, str]
    standard_domains: dict[str, str]
    documents: dict[str, str]
    # derived
    term_max: int = 0
    issuer_max: int = 0
    all_terms: dict[str, tuple[str, str]] = field(default_factory=dict)  # zh -> (pos, en)

    def __post_init__(self) -> None:
        # A word listed under several parts of speech keeps the first of this order; the
        # composer asks for verbs explicitly where a clause may start.
        # Issuers are nouns with their official names wherever a phrase mentions them.
        for zh, issuer in self.issuers.items():
            if len(zh) > 2:
                self.all_terms[zh] = (POS_NOUN, issuer.en)
        for pos in (POS_NOUN, POS_ACTION, POS_ADVERB, POS_CONJ, POS_VERB):
            for zh, en in self.terms.get(pos, {}).items():
                self.all_terms.setdefault(zh, (pos, en))
        # Known documents are nouns too, so a phrase that names one gets its established title.
        for zh, en in self.documents.items():
            if " " not in zh:
                self.all_terms.setdefault(zh, (POS_NOUN, en))
        self.term_max = max((len(k) for k in self.all_terms), default=1)
        self.issuer_max = max((len(k) for k in self.issuers), default=1)


def _read(name: str) -> dict:
    path = DATA_DIR / name
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise DataError(f"cannot read translation data {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataError(f"translation data {path} is not valid TOML: {exc}") from None
    if "version" not in data:
        raise DataError(f"translation data {path} has no version field")
    return data


def glossary_conflicts(data_dir: Path | None = None) -> list[str]:
    """Words a sector glossary repeats from terms.toml or an earlier sector file (or lists
    twice itself): each would be silently dropped by the loader. Empty when all is well."""
    base = data_dir or DATA_DIR
    with (base / "terms.toml").open("rb") as fh:
        owner = {
            zh: "terms.toml"
            for table in tomllib.load(fh).values()
            if isinstance(table, dict)
            for zh in table
        }
    found: list[str] = []
    for path in sorted((base / "glossary").glob("*.toml")):
        with path.open("rb") as fh:
            sector = tomllib.load(fh)
        mine: set[str] = set()
        for pos, table in sector.items():
            if not isinstance(table, dict):
                continue
            for zh, en in table.items():
                first = owner.get(zh) or (path.name if zh in mine else None)
                if first is not None:
                    found.append(f"{zh} ({en!r}, {path.name} [{pos}]) is already in {first}")
                mine.add(zh)
        owner.update(dict.fromkeys(mine, path.name))
    return found


def issuer_conflicts(data_dir: Path | None = None) -> list[str]:
    """Chinese names that issuers.toml gives to two bodies (the loader would keep the last):
    one name, one body. Empty when all is well."""
    with ((data_dir or DATA_DIR) / "issuers.toml").open("rb") as fh:
        entries = tomllib.load(fh).get("issuer", [])
    owner: dict[str, int] = {}
    found: list[str] = []
    for k, entry in enumerate(entries):
        for zh in entry["zh"]:
            key = zh.replace(" ", "")
            if owner.setdefault(key, k) != k:
                found.append(f"{zh} names both {entries[owner[key]]['en']!r} and {entry['en']!r}")
    return found


@cache
def lexicon() -> Lexicon:
    """Load and index all data files (once per process)."""
    issuers_doc = _read("issuers.toml")
    terms_doc = _read("terms.toml")
    # Sector glossaries (glossary/*.toml, same tables as terms.toml): a word already listed
    # (under any part of speech) by terms.toml or an earlier file keeps that entry.
    for path in sorted((DATA_DIR / "glossary").glob("*.toml")):
        sector = _read(f"glossary/{path.name}")
        for pos, table in sector.items():
            if not isinstance(table, dict):
                continue
            known = {
                (zh, p == "nominal")
                for p, t in terms_doc.items()
                if isinstance(t, dict)
                for zh in t
            }
            merged = terms_doc.setdefault(pos, {})
            for zh, en in table.items():
                if (zh, pos == "nominal") not in known:
                    merged[zh] = en
    grammar = _read("grammar.toml")
    docs = _read("documents.toml")
    issuers: dict[str, Issuer] = {}
    for entry in issuers_doc.get("issuer", []):
        for zh in entry["zh"]:
            issuers[zh.replace(" ", "")] = Issuer(
                zh, entry["en"], entry.get("abbr", ""), entry.get("office", False)
            )
    heads = sorted(
        (Head(h["zh"], h["en"], h["bare"], h.get("verbal", "")) for h in grammar["head"]),
        key=lambda h: -len(h.zh),
    )
    version = ".".join(str(d["version"]) for d in (issuers_doc, terms_doc, grammar, docs))
    return Lexicon(
        version=version,
        issuers=issuers,
        terms={k: v for k, v in terms_doc.items() if isinstance(v, dict)},
        heads=heads,
        genres=grammar["genre"],
        frame_verbs=grammar["frame_verb"],
        suffixes=grammar["suffix"],
        standard_domains=grammar["standard_domain"],
        documents=docs["document"],
    )
