"""Issuers as a reader should see them: the customary abbreviation (MIIT, CAC, NDRC…) or the
official English name, with the Chinese kept beside it.

A notice's issuer field is Chinese as the site wrote it: one body, several joined by 、，or
spaces, a second name in brackets (国家市场监督管理总局（国家标准化管理委员会）), a unit of a
body (工业和信息化部政策法规司) or a "等七部门" tail. The English comes from the same official
names the title engine uses (issuers.toml); abbreviations come from issuer_abbreviations.toml.
Nothing is guessed: a body that neither file knows keeps its Chinese name.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from app.translation.data import DATA_DIR, DataError, Issuer, lexicon

_PRC = "中华人民共和国"
_SPLIT = re.compile(r"[、，,；;\s\u3000/（）()【】\[\]]+")
_DEPARTMENTS_TAIL = re.compile(r"等?[一二三四五六七八九十百零两\d]*(?:个)?(?:部门|部委|单位)$")
# A unit under a known body: a department (司), bureau (局), office (厅/室), division (处),
# institute (所/院) or centre. A remainder naming a commission or ministry of its own is a
# different body, not a unit (中共中央 + 网络安全和信息化委员会办公室 is not a unit of 中共中央).
_UNIT_END = ("司", "局", "厅", "处", "室", "所", "院", "中心", "科")
_NOT_A_UNIT = ("委员会", "部", "国务院")


@dataclass(frozen=True)
class IssuerName:
    """One issuing body as written (``zh``) with its English, when known."""

    zh: str
    en: str = ""  # official English name of the body (of its parent, for a unit)
    abbr: str = ""  # customary abbreviation, "" when none is customary
    unit: str = ""  # English of a fixed unit of the body ("General Office"), else ""
    unit_zh: str = ""  # the Chinese of a unit whose English is not known

    @property
    def known(self) -> bool:
        return bool(self.en)

    @property
    def short(self) -> str:
        """The abbreviation (MIIT, MIIT General Office), else the official name, else the Chinese."""
        if not self.en:
            return self.zh
        base = self.abbr or self.en
        return f"{base} {self.unit}" if self.unit else base

    @property
    def full(self) -> str:
        """The official English name ("General Office of the Ministry of …"), or the Chinese."""
        if not self.en:
            return self.zh
        return f"{self.unit} of the {self.en}" if self.unit else self.en

    @property
    def label(self) -> str:
        """ "MIIT (工业和信息化部)": the short English with the Chinese in brackets."""
        return self.short if self.short == self.zh else f"{self.short} ({self.zh})"


@cache
def _abbreviations() -> tuple[dict[str, str], dict[str, str]]:
    path = DATA_DIR / "issuer_abbreviations.toml"
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"cannot read translation data {path}: {exc}") from None
    return dict(doc.get("abbreviation", {})), dict(doc.get("unit", {}))


def abbreviation_for(issuer: Issuer) -> str:
    """The customary abbreviation of a body of issuers.toml ("" if none is customary)."""
    table, _units = _abbreviations()
    return table.get(issuer.en) or issuer.abbr


def _lookup(name: str) -> Issuer | None:
    issuers = lexicon().issuers
    found = issuers.get(name)
    if found is None and name.startswith(_PRC):
        found = issuers.get(name[len(_PRC) :])
    return found


def _unit_of(name: str) -> IssuerName | None:
    """A unit of a known body: the longest known body the name starts with, plus a unit."""
    _table, units = _abbreviations()
    bare = name.removeprefix(_PRC)
    for size in range(len(bare) - 1, 1, -1):
        parent = _lookup(bare[:size])
        if parent is None:
            continue
        rest = bare[size:]
        if rest in units:
            return IssuerName(name, parent.en, abbreviation_for(parent), unit=units[rest])
        if rest.endswith(_UNIT_END) and not any(w in rest for w in _NOT_A_UNIT):
            return IssuerName(name, parent.en, abbreviation_for(parent), unit_zh=rest)
        return None
    return None


@cache
def resolve(name: str) -> IssuerName:
    """One Chinese name → IssuerName (unknown bodies keep their Chinese, ``en`` empty)."""
    key = name.replace(" ", "").replace("\u3000", "")
    found = _lookup(key)
    if found is not None:
        return IssuerName(name, found.en, abbreviation_for(found))
    return _unit_of(key) or IssuerName(name)


def split_issuers(text: str) -> list[str]:
    """The body names in one issuer string ("A、B（C）等三部门" → [A, B, C])."""
    out = []
    for part in _SPLIT.split(text or ""):
        part = _DEPARTMENTS_TAIL.sub("", part.strip())
        if part:
            out.append(part)
    return out


def issuer_names(issuers: Iterable[str] | str) -> list[IssuerName]:
    """Every body named by a notice's issuers, in order, each once."""
    values = [issuers] if isinstance(issuers, str) else list(issuers or ())
    seen: set[str] = set()
    out: list[IssuerName] = []
    for value in values:
        for name in split_issuers(str(value)):
            resolved = resolve(name)
            key = resolved.full if resolved.known and not resolved.unit_zh else resolved.zh
            if key not in seen:
                seen.add(key)
                out.append(resolved)
    return out


def authorities(issuers: Iterable[str] | str) -> list[str]:
    """Short English names for "Issuing Authorities:": a unit (General Office, Secretariat,
    a department) counts as its body, as briefings name the issuing body."""
    out: list[str] = []
    for name in issuer_names(issuers):
        short = (name.abbr or name.en) if name.known else name.zh
        if short not in out:
            out.append(short)
    return out
