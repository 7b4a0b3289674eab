"""Issuing bodies in a title prefix: official English names, never guessed.

"工业和信息化部 国家发展改革委 生态环境部", "中办国办", "工业和信息化部等七部门", "五部门" are all
issuer prefixes. A unit of a known body is named after it ("General Office of the Central
Military Commission"); a body not in the data and not composable stays Chinese and makes the
result partial.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.translation.compose import Unknowns
from app.translation.data import Issuer, Lexicon
from app.translation.dictionary import Dictionary
from app.translation.text import ZH_NUMBER, number_word, title_case, zh_int

_DEPARTMENTS = re.compile(rf"^(.*?)等?({ZH_NUMBER})?(部门|部委|单位)$")
_PRC = "中华人民共和国"
_SEPARATORS = " 、，,和与及"


@dataclass
class Issuers:
    """Parsed issuers: English names in order, plus an 'and N other departments' tail."""

    names: list[str] = field(default_factory=list)
    others: int = 0  # X等N部门 -> N-1 others
    count_only: int = 0  # N部门 with nobody named
    unit: str = "Departments"

    def english(self) -> str:
        """'the A, the B and the C' / 'the A and Six Other Departments' / 'Five Departments'."""
        if self.count_only:
            return f"{title_case(number_word(self.count_only))} {self.unit}"
        names = [n if _CJK_START(n) else f"the {n}" for n in self.names]
        if self.others < 0:  # X等部门: a count was not given
            return ", ".join(names) + f" and Other {self.unit}"
        if self.others:
            noun = self.unit if self.others > 1 else self.unit[:-1]
            tail = f"{title_case(number_word(self.others))} Other {noun}"
            return ", ".join(names) + f" and {tail}"
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]


# How the names of government bodies end (部, 局, 委员会 …): only such a run is composed.
_BODY_ENDS = tuple("部 局 委 办 署 院 厅 室 组 会 委员会 办公室 中心 机制 总局 总会 小组".split())


# Units of a body, longest first: (Chinese suffix, English head, head-first). A unit's name is
# its own words plus one of these: 政策法规司 -> "Department of Policies and Regulations",
# 农村发展研究中心 -> "Rural Development Research Center"; it then names its body:
# "… of the Ministry of Industry and Information Technology".
_UNITS = (
    ("办公厅", "General Office", False),
    ("秘书局", "Secretariat Bureau", False),
    ("秘书处", "Secretariat", False),
    ("秘书厅", "Secretariat", False),
    ("研究中心", "Research Center", False),
    ("研究院", "Research Institute", False),
    ("研究所", "Research Institute", False),
    ("研究室", "Research Office", False),
    ("领导小组", "Leading Group", False),
    ("工作小组", "Working Group", False),
    ("工作组", "Working Group", False),
    ("委员会", "Committee", False),
    ("指挥部", "Headquarters", False),
    ("办公室", "Office", False),
    ("中心", "Center", False),
    ("机制", "Mechanism", False),
    ("小组", "Group", False),
    ("司", "Department", True),
    ("厅", "Department", True),
    ("处", "Division", True),
    ("局", "Bureau", False),
    ("室", "Office", False),
    ("办", "Office", False),
)


def _CJK_START(s: str) -> bool:
    return bool(s) and "\u3400" <= s[0] <= "\u9fff"


class IssuerParser:
    def __init__(self, lex: Lexicon, words: Dictionary | None = None):
        self.lex = lex
        self.words = words  # the general dictionary, for bodies the issuer table lacks
        self.compose: Callable[[str, Unknowns], str] | None = None  # set by the engine

    def unknown(self, run: str, unk: Unknowns) -> str:
        """A body the issuer table lacks: the dictionary's name for it when the dictionary
        knows the whole name as a proper noun ("Ministry of Railways"), else the Chinese."""
        if (unit := self.unit(run, unk)) is not None:
            return unit
        gloss = self.words.get(run) if self.words and run else None
        if gloss is not None and gloss.en[:1].isupper():
            unk.glossed.append(run)
            return gloss.en
        if self.compose is not None and run.endswith(_BODY_ENDS) and not self._match(run, 0)[0]:
            # (a unit of a known body, 中央网信办秘书局, was named by ``unit`` above)
            # a body named by ordinary words (国家档案局): composed, labelled as dictionary
            probe = Unknowns()
            en = self.compose(run, probe)
            if en and not probe.items and ":" not in en and "," not in en:
                # (a clause or a list is not a body's name: 国家体改委 stays Chinese)
                unk.glossed.append(run)
                return title_case(en).removeprefix("The ")  # english() adds "the"
        return unk.add(run, issuer=True)

    def unit(self, run: str, unk: Unknowns) -> str | None:
        """A unit of a known body ("中央军委办公厅", "国务院农村发展研究中心"): the unit's English
        and its body's ("General Office of the Central Military Commission"). A unit named by
        ordinary words is labelled as a dictionary translation; None when the run does not
        start with a known body or its rest is not a unit's name."""
        body, size = self._match(run, 0)
        if body is None or size >= len(run):
            return None
        rest = run[size:]
        for zh, head, first in _UNITS:
            if not rest.endswith(zh):
                continue
            stem = rest[: -len(zh)]
            if not stem:
                return f"{head} of the {body}"
            if self.compose is None or self._match(stem, 0)[0] is not None:
                return None  # two bodies run together, not a unit
            probe = Unknowns()
            en = self.compose(stem, probe)
            if not en or probe.items or any(c in en for c in ":,;"):
                return None
            en = title_case(en).removeprefix("The ")
            unk.glossed.append(stem)
            name = f"{head} of {en}" if first else f"{en} {head}"
            return f"{name} of the {body}"
        return None

    def lookup(self, text: str) -> Issuer | None:
        """One issuer by any of its Chinese names (with or without 中华人民共和国)."""
        key = text.replace(" ", "")
        found = self.lex.issuers.get(key)
        if found is None and key.startswith(_PRC):
            found = self.lex.issuers.get(key[len(_PRC) :])
        return found

    def parse(self, text: str, unk: Unknowns) -> Issuers | None:
        """Issuers of a prefix; None if the prefix names no known body at all."""
        text = text.strip()
        result = Issuers()
        m = _DEPARTMENTS.match(text)
        if m:
            n = zh_int(m.group(2)) or 0 if m.group(2) else 0
            if not n and not m.group(1):
                return None
            result.unit = {"部委": "Ministries and Commissions", "单位": "Entities"}.get(
                m.group(3), "Departments"
            )
            if result.unit != "Departments":
                result.unit = "Departments"  # keep the one established rendering
            if not m.group(1):
                result.count_only = n
                return result
            text = m.group(1)
            named = self._scan(text, unk)
            result.names = named
            result.others = max(n - len(named), 0) if n else -1
            return result if any(not _CJK_START(x) for x in named) else None
        named = self._scan(text, unk)
        if not any(not _CJK_START(x) for x in named):
            return None
        result.names = named
        return result

    def _scan(self, text: str, unk: Unknowns) -> list[str]:
        """Greedy longest match over the prefix with spaces removed; unknown runs kept."""
        s = ""
        spaced: set[int] = set()  # positions in s where a space separated two names
        for ch in text:
            if ch in " \u3000":
                spaced.add(len(s))
            else:
                s += ch
        out: list[str] = []
        pending = ""
        i = 0
        last: tuple[int, int] | None = None  # (start, end) in s of the issuer just matched
        while i < len(s):
            issuer, size = self._match(s, i)
            if issuer is None and not pending and last is not None and last[1] == i:
                if i not in spaced and s[i] not in _SEPARATORS:
                    # a unit of a known body ("中央网信办秘书局", "国家能源局华北监管局"): read
                    # as one name, which ``unknown`` names after the body (``unit``) or keeps
                    out.pop()
                    pending = s[last[0] : i]
                    last = None
            if issuer is None:
                if s[i] in _SEPARATORS and not pending:
                    i += 1
                    continue
                if s[i] in _SEPARATORS:
                    out.append(self.unknown(pending, unk))
                    pending = ""
                    i += 1
                    continue
                pending += s[i]
                i += 1
                continue
            if pending:
                out.append(self.unknown(pending, unk))
                pending = ""
            out.append(issuer)
            last = (i, i + size)
            i += size
        if pending:
            out.append(self.unknown(pending, unk))
        return out

    def _match(self, s: str, i: int) -> tuple[str | None, int]:
        start = i
        if s.startswith(_PRC, i):
            i += len(_PRC)
        for length in range(min(self.lex.issuer_max, len(s) - i), 0, -1):
            issuer = self.lex.issuers.get(s[i : i + length])
            if issuer is None:
                continue
            end = i + length
            return issuer.en, end - start
        return None, 0
