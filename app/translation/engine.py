"""The offline engine: deterministic English for Chinese notice titles, no network.

Order of attempts: a known document title (translation memory seed) → formula frames (orders,
"X关于…的通知", "X印发《Y》") → news-style wrappers (专家解读｜, 一图读懂) → a document name or
phrase composed from the glossary. Chinese that nothing matched is kept, and the result says so.
"""

from __future__ import annotations

import re
from functools import cache

from app.translation.compose import Composer, Unknowns
from app.translation.data import Lexicon, lexicon
from app.translation.dictionary import Dictionary
from app.translation.frames import Frames
from app.translation.issuers import IssuerParser
from app.translation.result import DICTIONARY, OFFLINE, Translation
from app.translation.text import CJK_RUN, has_cjk, normalise, title_case

_GENRE_TAIL = re.compile(r"^(.*?的(?:通知|公告|通告|意见|决定|批复|函))\s+(.+)$")
_PIPE = re.compile(r"\s*[｜|]\s*")


# Words that the frames read and render as structure ("关于" -> "on", "等四部门" -> "and Three
# Other Departments", "第83号" -> "No. 83"), so they have no glossary entry of their own.
_FORMULA_WORDS = frozenset(
    "关于 的 对 就 等 个 项 号 第 年 度 批 部门 部委 单位 办公厅 秘书处 中华人民共和国 令 次 版 "
    "公开 征求 意见 工作 转发 修改单 外文版 和 及 与 用 在".split()
) | frozenset("一二三四五六七八九十百千零〇两")


class TranslationInputError(ValueError):
    """The text given to the engine is not a string."""


class OfflineEngine:
    """Frames + issuer names + glossary + document memory. Deterministic and fast."""

    name = OFFLINE

    def __init__(self, lex: Lexicon | None = None, words: Dictionary | None = None):
        """``words``: the general dictionary (default: CC-CEDICT); ``Dictionary({})`` gives a
        glossary-only engine."""
        self.lex = lex or lexicon()
        self.composer = Composer(self.lex, words)
        self.issuers = IssuerParser(self.lex, self.composer.words)
        self.issuers.compose = self._body_name
        self.frames = Frames(self.composer, self.issuers)
        self.composer.nested = self._nested

    def translate(self, title: str, overrides: dict[str, str] | None = None) -> Translation:
        """English for one title; ``complete`` is False when Chinese had to be kept.

        ``overrides`` maps Chinese document names or segments to English (from a provider), so
        the frame and the issuer names stay the engine's own.
        """
        return self.analyse(title, overrides)[0]

    def analyse(
        self, title: str, overrides: dict[str, str] | None = None
    ) -> tuple[Translation, Unknowns]:
        """The translation plus what was left untranslated (for the provider tier)."""
        if not isinstance(title, str):
            raise TranslationInputError(f"a title must be text, not {type(title).__name__}")
        if not has_cjk(title):  # already English (or empty): nothing to translate
            return Translation(
                source=title, text=" ".join(title.split()), complete=True
            ), Unknowns()
        text = normalise(title)
        unk = Unknowns(overrides=dict(overrides or {}))
        en = self._title(text, unk)
        en = re.sub(r"\s{2,}", " ", en).strip()
        for run in CJK_RUN.findall(en):
            unk.add(run)
        complete = not unk.items and not has_cjk(en)
        provider = DICTIONARY if unk.glossed else OFFLINE
        result = Translation(
            source=title, text=en, complete=complete, provider=provider, unknown=tuple(unk.items)
        )
        return result, unk

    def unaccounted(self, title: str, english: str) -> str:
        """CJK characters of a title that neither appear in the English nor belong to a known
        entry or a formula word in the title: what would have been dropped silently (should be
        empty; the held-out tests check it over every title)."""
        text = normalise(title)
        covered = [False] * len(text)
        keys = self._accounting_keys()
        longest = max(len(k) for k in keys)
        words = self.composer.words
        for i in range(len(text)):
            for n in range(min(longest, len(text) - i), 0, -1):
                if text[i : i + n] in keys:
                    for k in range(i, i + n):
                        covered[k] = True
                    break
            else:
                if words and has_cjk(text[i]) and (n := words.longest(text, i)):
                    for k in range(i, i + n):  # a dictionary word the English glosses
                        covered[k] = True
        return "".join(
            ch
            for ch, ok in zip(text, covered, strict=True)
            if has_cjk(ch) and not ok and ch not in english
        )

    @cache  # noqa: B019 - one engine per process; the key set is built once
    def _accounting_keys(self) -> frozenset[str]:
        lex = self.lex
        keys: set[str] = set(lex.all_terms) | set(lex.issuers) | set(lex.documents)
        keys |= {h.zh for h in lex.heads} | set(lex.genres) | set(lex.frame_verbs)
        keys |= set(lex.suffixes) | set(lex.standard_domains) | _FORMULA_WORDS
        for terms in lex.terms.values():
            keys |= set(terms)
        return frozenset(keys)

    def segments_to_send(self, unk: Unknowns) -> list[str]:
        """What a provider should translate: partial document names, else leftover runs, then
        document names and words the dictionary glossed.

        Issuer names are never sent: an unknown body stays Chinese rather than get a guess.
        """
        send = [d for d in unk.partial_docs]
        for run in unk.items:
            if run in unk.issuer_runs or any(run in d for d in send):
                continue
            send.append(run)
        # then what the dictionary glossed word by word (literal English a provider improves)
        for doc in unk.glossed_docs:
            if doc not in send:
                send.append(doc)
        for word in unk.glossed:
            if not any(word in d for d in send) and word not in send:
                send.append(word)
        return send

    def hints(self, text: str) -> dict[str, str]:
        """Glossary entries found in a text (for the LLM prompt): zh -> established English."""
        found: dict[str, str] = {}
        for tok in self.composer.tokens(normalise(text), Unknowns()):
            if len(tok.zh) >= 2 and tok.en and tok.kind in ("noun", "action", "verb"):
                found[tok.zh] = tok.en
        return found

    # -- the dispatcher ------------------------------------------------------------------------

    def _title(self, t: str, unk: Unknowns) -> str:
        known = self.lex.documents.get(t)
        if known:
            return known
        if m := _GENRE_TAIL.match(t):  # gov.cn repeats the document name after the title
            main, tail = m.group(1), m.group(2)
            en = self._title(main, unk)
            if tail.replace(" ", "") in main.replace(" ", ""):
                return en
            return f"{en}: {self._title(tail, unk)}"
        if (en := self.frames.order(t, unk, self._title)) is not None:
            return en
        parts = _PIPE.split(t)
        if len(parts) > 1:
            return " | ".join(self._title(p, unk) for p in parts if p)
        if t.startswith("一图读懂"):
            return f"{self._title(t[4:], unk)} at a Glance"
        if t.endswith("一图读懂"):
            return f"{self._title(t[:-4], unk)} at a Glance"
        if t.endswith("解读") and t.startswith("《"):
            return f"Interpretation of the {self._title(t[:-2], unk)}"
        if (en := self.frames.about(t, unk)) is not None:
            return en
        if (en := self.frames.forward(t, unk)) is not None:
            return en
        if (en := self.frames.issued_by(t, unk)) is not None:
            return en
        if (en := self._issuer_headline(t, unk)) is not None:
            return en
        if t.startswith("《") and t.endswith("》") and t.count("《") == 1:
            return self.composer.document(t[1:-1], unk)
        if "——" in t and not t.startswith("《"):
            first = t.split("——", 1)[0]
            if first in self.lex.all_terms and self.composer.head_of(first + "指南") is not None:
                return self.composer.document(t, unk)  # 网络安全标准实践指南——X: one name
            return ": ".join(self._title(p, unk) for p in t.split("——") if p)
        if " " in t and not self.composer._standard_split(t)[0]:
            core, _ = self.composer.split_suffixes(t, Unknowns())
            if " " in core:
                return ": ".join(self._title(p, unk) for p in t.split(" ") if p)
        return self.composer.document(t, unk)

    def _issuer_headline(self, t: str, unk: Unknowns) -> str | None:
        """'国务院任免人员' -> 'State Council: Appointments and Removals'."""
        body = t.removeprefix("中华人民共和国")
        for n in range(min(self.lex.issuer_max, len(body) - 1), 2, -1):
            issuer = self.lex.issuers.get(body[:n])
            if issuer is not None:
                rest = body[n:]
                if rest[0] in "关于令印发发布公布等":
                    return None
                return f"{issuer.en}: {title_case(self.composer.phrase(rest, unk))}"
        return None

    def _body_name(self, text: str, unk: Unknowns) -> str:
        """A body's or a unit's name from ordinary words, as a compound (names do not pivot:
        网络安全管理局 -> "cybersecurity management bureau")."""
        return self.composer.render(self.composer.tokens(text, unk), pivot=False)

    def _nested(self, name: str, unk: Unknowns) -> str | None:
        """A document name that is itself a 关于 title: 《关于加强网络文明建设的意见》."""
        return self.frames.about(name, unk)


@cache
def default_engine() -> OfflineEngine:
    return OfflineEngine()


def translate_title(title: str) -> Translation:
    """Translate one title with the shared offline engine."""
    return default_engine().translate(title)


__all__ = [
    "OfflineEngine",
    "TranslationInputError",
    "default_engine",
    "title_case",
    "translate_title",
]
