"""Document names and free phrases: glossary segmentation and head-first English composition.

Chinese names are modifier-before-head ("人形机器人创新发展指导意见"); English titles put the
document type first and pivot the final action noun ("Guiding Opinions on the Innovative
Development of Humanoid Robots"). The composer segments greedily by the longest glossary match,
then renders clauses ([adverb] verb object) and noun phrases (modifiers, pivoting action).
Whatever it cannot match stays Chinese in the output and is recorded as unknown.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.translation.data import (
    POS_ACTION,
    POS_ADVERB,
    POS_CONJ,
    POS_NOUN,
    POS_VERB,
    Head,
    Lexicon,
)
from app.translation.dictionary import NAME, PLACE_SUFFIXES, VERB, Dictionary, Gloss, dictionary
from app.translation.segment import Segmenter
from app.translation.text import (
    CJK_RUN,
    ZH_NUMBER,
    has_cjk,
    ordinal,
    ordinal_word,
    sentence_case,
    title_case,
    zh_int,
)

# Token kinds besides the glossary parts of speech.
UNKNOWN, LITERAL, DE, BREAK, DUI, YONG = "x", "lit", "de", "break", "dui", "yong"
ZAI, COUNT = "zai", "count"  # 在 (a locative that follows its verb), 等N个城市 (a counted set)

# 等27个城市 -> "27 cities including X"; the unit's English plural.
_COUNT = re.compile(
    rf"^等({ZH_NUMBER})个?(城市|地区|省份|省（区、市）|省区市|国家|县|县（市、区）|园区|区域|行业|领域)"
)
_COUNT_UNITS = {
    "城市": "cities",
    "地区": "regions",
    "省份": "provinces",
    "省（区、市）": "provincial-level regions",
    "省区市": "provincial-level regions",
    "国家": "countries",
    "县": "counties",
    "县（市、区）": "counties",
    "园区": "parks",
    "区域": "areas",
    "行业": "industries",
    "领域": "fields",
}
# Second verbs of a two-clause chain that state its purpose: 优化X促进Y -> "optimizing X to
# promote Y" (other chains stay coordinated: "strengthening X and preventing Y").
_PURPOSE_VERBS = frozenset("促进 推动 助力 服务 更好服务 支撑 赋能 带动 保障".split())
# Nouns naming who or where (people, organisations, buildings): as the leading modifier of a
# compound they follow its head: 退休人员基本养老金 -> "basic pensions of retirees".
_GROUP_ENDS = (
    "人员",
    "企业",
    "机构",
    "单位",
    "学生",
    "毕业生",
    "儿童",
    "老年人",
    "劳动者",
    "消费者",
    "农民工",
    "残疾人",
    "建筑",
    "群体",
    "人群",
    "从业者",
    "经营者",
    "生产者",
)
_PLACE_ENDS = ("建筑", "领域", "地区", "园区", "区域")

# 十四五 / “十四五”时期 / 第十一个五年: a five-year plan period
_FYP = re.compile(
    r"(?:第(?P<long>[一二三四五六七八九十]+)个五年|"
    r"(?<!第)“?(?P<short>[一二三四五六七八九十]+)五”?(?![次届个号期]))(?:时期)?"
)
_FYP_TOKEN = re.compile(r"^“?(十[一二三四五六七八九]?|[一二三四五六七八九])五”?")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*[—-]\s*(\d{4})年?")
_YEAR = re.compile(r"^(\d{4})年(?:度)?")
_BATCH = re.compile(rf"^第({ZH_NUMBER})批")
_PART = re.compile(rf"^第({ZH_NUMBER})部分[：:]\s*")
# "X第1部分：Y", "X 第3 部分：Y": a part number starts an element of its own
_PART_ANYWHERE = re.compile(rf"\s*第\s*({ZH_NUMBER})\s*部分\s*[：:]\s*")
_ISSUE = re.compile(rf"^(?:(\d{{4}})年\s*)?第\s*({ZH_NUMBER})\s*期")  # 2023年第7期 -> No. 7, 2023
_ASCII = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+\-]*")
_SUFFIX = re.compile(r"（([^（）]*)）$")
_EDITION = re.compile(r"^(\d{4})年?(?:版|本)$")
_REVISION = re.compile(r"^(\d{4})年?(?:修订|修正)(?:版)?$")
_PERIOD = re.compile(r"^(\d{4})\s*[—-]\s*(\d{4})年?$")
_PRC = "中华人民共和国"
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?")
_MONTH_RANGE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})\s*[-—]\s*(\d{1,2})月(?:份)?(?!\d{1,2}日)")
_MONTH_DAY = re.compile(r"^(\d{1,2})月(\d{1,2})日")
_MONTH = re.compile(r"^(\d{1,2})月(?:份)?")
_QUARTER = re.compile(r"^(?:(\d{4})年)?(?:第)?([一二三四1-4])季度")
_HALF = re.compile(r"^(?:(\d{4})年)?(上|下)半年")
_FIRST_MONTHS = re.compile(rf"^(?:(\d{{4}})年)?前({ZH_NUMBER})个?月")
_NTH = re.compile(rf"^第({ZH_NUMBER})(次|届)")
_PLAN_N = re.compile(rf"^第({ZH_NUMBER})个五年(?:规划|计划)")
_NUMBERED = re.compile(rf"^第({ZH_NUMBER})号")
# 第七十四条 -> Article 74: the parts of a law or a treaty
_ARTICLE = re.compile(rf"^第({ZH_NUMBER})(条|章|节|款|编)")
_ARTICLE_EN = {"条": "Article", "章": "Chapter", "节": "Section", "款": "Paragraph", "编": "Part"}
_ZH_YEAR = re.compile(r"^([〇零一二三四五六七八九]{4})年(?:度)?")
_ZH_DIGIT = {c: str(k) for k, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
_LEAD_YEAR = re.compile(r"^(\d{4})年度?(?!\s*[—-])")
_LEAD_RANGE = re.compile(r"^(\d{4})\s*[—-]\s*(\d{4})年度?")
# Plural English nouns that keep their -s as a modifier ("sports industry", "minors mode").
_KEEP_S = frozenset(
    "news series species means goods arms affairs customs sales sports minors rights savings "
    "earnings headquarters humanities communications telecommunications logistics works "
    "statistics electronics economics analytics robotics physics mechanics ethics politics "
    "data media criteria".split()
)


_PRODUCT = re.compile(
    r"\b(?:batter(?:y|ies)|vehicles?|bicycles?|appliances?|toys?|machinery|boilers?|elevators?|"
    r"helmets?|cars?|motorcycles?|tyres?|lamps?|cables?|chargers?|devices?)\b"
)
_DATA = re.compile(r"\b(?:data|information|network|cyber\w*|software|online|Internet)\b", re.I)
_ARTICLES = ("the ", "a ", "an ", "The ", "A ", "An ", "“")
# Singular heads that take "the" after a verb or "of" ("improving the … service system").
_DEFINITE_HEADS = frozenset(
    "system market environment mechanism census initiative campaign zone framework network "
    "ecosystem sector conference group mode structure layout chain grid region area port "
    "corridor belt circle base centre catalogue list programme platform survey".split()
)


def singular(en: str) -> str:
    """The last word of an English noun as a modifier: 'online platforms' -> 'online platform'.

    lemminflect gives the lemma (buses -> bus, crises -> crisis, policies -> policy); words
    that keep their -s as a modifier ("sports industry", "data") are left alone.
    """
    head, _, word = en.rpartition(" ")
    low = word.lower()
    if len(word) < 4 or not low.endswith("s") or low in _KEEP_S or not word.isalpha():
        return en
    if low.endswith(("ss", "us", "is", "ics")):
        return en
    from lemminflect import getLemma

    lemma = getLemma(low, upos="NOUN")
    base = lemma[0] if lemma else low
    if base == low or not base.isalpha():
        return en
    word = word[0] + base[1:] if word[0].isupper() else base
    return f"{head} {word}" if head else word


def infinitive(gerund_clause: str) -> str:
    """'further promoting X' -> 'further promote X' (the first -ing word of a clause, by
    lemminflect: exploring -> explore, controlling -> control, tackling -> tackle)."""
    from lemminflect import getLemma

    words = gerund_clause.split(" ")
    for k, word in enumerate(words):
        if len(word) > 4 and word.endswith("ing"):
            lemma = getLemma(word.lower(), upos="VERB")
            base = lemma[0] if lemma else word[:-3]
            words[k] = word[0] + base[1:] if word[0].isupper() else base
            return " ".join(words)
        if k >= 2:
            break
    return gerund_clause


# Characters the composer reads as grammar (的, 对 X, 用, 在 X); a dictionary word starting
# with one is taken only when the segmenter sees a longer word that is not grammar itself.
_GRAMMAR_CHARS = frozenset("的对用在")
_GRAMMAR_WORDS = frozenset("对于 用于 在于 对此 的话 在此 对其".split())


def pinyin(zh: str) -> str:
    """Hanyu Pinyin of a name the dictionary lacks (pypinyin), written as one word."""
    from pypinyin import Style, lazy_pinyin

    from app.translation.dictionary import pinyin_name

    return pinyin_name(lazy_pinyin(zh, style=Style.NORMAL, v_to_u=True))


# Names of people before 同志 ("邵振翔、许超同志"): each a surname and one or two characters.
_PERSONS = re.compile(r"^((?:[\u4e00-\u9fff]{2,4}、)*[\u4e00-\u9fff]{2,4})同志")


_NOT_IN_NAMES = frozenset("的和与及等在对为了是们")  # grammar words, never a given name


def person_name(zh: str, words: Dictionary) -> str | None:
    """'许超' -> 'Xu Chao', '欧阳修远' -> 'Ouyang Xiuyuan': Hanyu Pinyin as official
    romanisation writes names (surname first, given name as one word); None unless ``zh``
    is a surname of the dictionary followed by one or two characters."""
    for size in (2, 1):
        family = words.surname(zh[:size]) if len(zh) > size else None
        given = zh[size:]
        if family and 1 <= len(given) <= 2 and not any(c in _NOT_IN_NAMES for c in given):
            return f"{family} {pinyin(given)}"
    return None


_PUNCT = {"、": (POS_CONJ, ","), "，": (BREAK, ","), "；": (BREAK, ";"), "：": (BREAK, ":")}
_PUNCT.update({"！": (BREAK, "!"), "？": (BREAK, "?"), "。": (BREAK, ".")})
_PUNCT.update({"×": (LITERAL, "×"), "·": (LITERAL, "·"), "/": (LITERAL, "/")})


@dataclass
class Token:
    kind: str
    en: str
    zh: str = ""
    source: str = ""  # "dictionary" / "name" when the glossary did not know the word


@dataclass
class Unknowns:
    """Chinese segments the engine could not translate (kept in the output)."""

    items: list[str] = field(default_factory=list)
    issuer_runs: list[str] = field(default_factory=list)  # never sent to a provider
    partial_docs: list[str] = field(default_factory=list)  # document names left partial
    overrides: dict[str, str] = field(default_factory=dict)  # zh -> English from a provider
    glossed: list[str] = field(default_factory=list)  # words English came from the dictionary
    glossed_docs: list[str] = field(default_factory=list)  # document names with such words

    def add(self, zh: str, *, issuer: bool = False) -> str:
        for run in CJK_RUN.findall(zh):
            if run not in self.items:
                self.items.append(run)
            if issuer and run not in self.issuer_runs:
                self.issuer_runs.append(run)
        return zh


class Composer:
    """Composes English for document names and phrases from a Lexicon."""

    def __init__(self, lex: Lexicon, words: Dictionary | None = None):
        self.lex = lex
        # general vocabulary for what the glossary does not know (None: glossary only)
        self.words = words if words is not None else dictionary()
        self.segmenter = Segmenter(lex.all_terms)
        # first character -> candidate lengths, longest first (fast longest match)
        self._lengths: dict[str, list[int]] = {}
        for zh in lex.all_terms:
            self._lengths.setdefault(zh[0], []).append(len(zh))
        for k, v in self._lengths.items():
            self._lengths[k] = sorted(set(v), reverse=True)
        self._verbs = lex.terms.get(POS_VERB, {})
        self._verb_lengths: dict[str, list[int]] = {}
        for zh in self._verbs:
            self._verb_lengths.setdefault(zh[0], []).append(len(zh))
        for k, v in self._verb_lengths.items():
            self._verb_lengths[k] = sorted(set(v), reverse=True)
        self.nested: Callable[[str, Unknowns], str | None] | None = None  # set by the engine
        self._in_name = 0

    # -- document names --------------------------------------------------------------------

    def document(self, name: str, unk: Unknowns, *, style: str = "title") -> str:
        """English title of a document name (the text of 《》 or a bare title), suffixes kept."""
        name = name.strip().strip("《》").strip()
        known = self.lex.documents.get(name) or unk.overrides.get(name)
        if known:
            return known
        before, glossed = len(unk.items), len(unk.glossed)
        core, suffixes = self.split_suffixes(name, unk)
        en = self.lex.documents.get(core) or unk.overrides.get(core)
        if en is None:
            en = self._document_core(core, unk, style)
        if len(unk.items) > before and core not in unk.partial_docs:
            unk.partial_docs.append(core)
        elif len(unk.glossed) > glossed and core not in unk.glossed_docs:
            unk.glossed_docs.append(core)  # literal: a provider, when there is one, does better
        return en + "".join(f" ({s})" for s in suffixes)

    def split_suffixes(self, name: str, unk: Unknowns) -> tuple[str, list[str]]:
        """Peel （试行）（征求意见稿）（2024版）… off the end; returns the core and their English."""
        suffixes: list[str] = []
        while True:
            m = _SUFFIX.search(name)
            if not m or m.start() == 0:
                break
            label = self.suffix_label(m.group(1), unk)
            suffixes.insert(0, label)
            name = name[: m.start()].rstrip()
        return name, suffixes

    def suffix_label(self, inner: str, unk: Unknowns) -> str:
        inner = inner.strip()
        if inner in self.lex.suffixes:
            return self.lex.suffixes[inner]
        if m := _EDITION.match(inner):
            return f"{m.group(1)} Edition"
        if m := _REVISION.match(inner):
            return f"{m.group(1)} Revision"
        if m := _PERIOD.match(inner):
            return f"{m.group(1)}–{m.group(2)}"
        if m := re.fullmatch(rf"第({ZH_NUMBER})批", inner):
            n = zh_int(m.group(1)) or 0
            return f"{title_case(ordinal_word(n))} Batch"
        if m := re.fullmatch(r"(\d{4})年(?:第(\d+)号)?", inner):
            return m.group(1) if not m.group(2) else f"No. {m.group(2)} of {m.group(1)}"
        return title_case(self.phrase(inner, unk))

    def _document_core(self, core: str, unk: Unknowns, style: str) -> str:
        if core.startswith("关于") and self.nested:
            nested = self.nested(core, unk)
            if nested:
                return nested
        if "——" in core:
            parts = [p for p in core.split("——") if p]
            return "—".join(self.document(p, unk, style=style) for p in parts)
        if core.startswith(_PRC) and len(core) > len(_PRC):
            inner = self._document_core(core[len(_PRC) :], unk, style)
            return f"{inner} of the People's Republic of China"
        domain, rest = self._standard_split(core)
        if domain:
            return self._standard(domain, rest, unk)
        if " " in core and style == "title":  # GB-style elements: "A B" -> "A—B"
            elements = [self._document_core(p, unk, style) for p in core.split(" ") if p]
            return "—".join(e[4:] if e.startswith("The ") else e for e in elements)
        raw = self.named(core, unk, lower_template=style == "sentence")
        return sentence_case(raw) if style == "sentence" else title_case(raw)

    # -- national standard titles ------------------------------------------------------------

    def _standard_split(self, core: str) -> tuple[str, str]:
        if " " not in core:
            return "", core
        first, rest = core.split(" ", 1)
        if first in self.lex.standard_domains:
            return first, rest
        return "", core

    def _standard(self, domain: str, rest: str, unk: Unknowns) -> str:
        """GB style: 'Cybersecurity technology—Labeling method for …', one element per dash."""
        elements = [self.lex.standard_domains[domain]]
        rest = _PART_ANYWHERE.sub(lambda m: f" 第{m.group(1)}部分：", rest).strip()
        for part in rest.split(" "):
            m = _PART.match(part)
            prefix = ""
            if m:
                prefix = f"Part {zh_int(m.group(1))}: "
                part = part[m.end() :]
            if part in self.lex.standard_domains:
                elements.append(prefix + self.lex.standard_domains[part])
                continue
            en = self.named(part, unk, lower_template=True).removeprefix("the ")
            elements.append(prefix + sentence_case(en))
        for k in range(1, len(elements) - 1):  # a middle element names a subject: singular
            elements[k] = singular(elements[k])
        return "—".join(elements)

    # -- names with a document-type head -----------------------------------------------------

    def head_of(self, core: str) -> Head | None:
        """The document-type head ending the name, unless a longer glossary term ends it."""
        head = next((h for h in self.lex.heads if core.endswith(h.zh)), None)
        if head is None:
            return None
        for n in range(len(core), len(head.zh), -1):
            if core[-n:] in self.lex.all_terms:
                return None
        return head

    def named(self, core: str, unk: Unknowns, *, lower_template: bool = False) -> str:
        """Raw English (not yet cased) of a name: 'Measures for the administration of …'."""
        head = self.head_of(core)
        if head is None:
            return self.phrase(core, unk)
        rest = core[: -len(head.zh)]

        def fill(template: str, x: str) -> str:
            if lower_template:
                template = template.lower()
            return template.replace("{x}", x)

        if head.zh in ("规划", "发展规划", "规划纲要") and (m := _FYP.search(rest)):
            n = zh_int(m.group("long") or m.group("short"))
            rest2 = (rest[: m.start()] + rest[m.end() :]).strip()
            if head.zh == "发展规划":
                rest2 += "发展"
            plan = f"{ordinal(n or 0)} Five-Year Plan"
            x = self.phrase(rest2, unk) if rest2 else ""
            if head.zh == "规划纲要":
                plan = f"Outline of the {plan}"
            return fill(f"{plan} for {{x}}" if x else plan, x)
        if not rest:
            return fill(head.bare, "")
        period = ""
        if m := _FYP.search(rest):
            n = zh_int(m.group("long") or m.group("short")) or 0
            rest = (rest[: m.start()] + rest[m.end() :]).strip()
            period = f" for the {ordinal(n)} Five-Year Plan Period"
            if not rest:
                return fill(head.bare, "") + period
        lead = ""
        if not head.en.startswith("{x}"):
            # 2025年X工作要点 -> Key Work Points for X in 2025; 2024—2025年X方案 -> 2024–2025 Plan
            if (m := _LEAD_RANGE.match(rest)) and len(rest) > m.end():
                lead, rest = f"{m.group(1)}–{m.group(2)} ", rest[m.end() :]
            elif (m := _LEAD_YEAR.match(rest)) and len(rest) > m.end():
                period += f" in {m.group(1)}"
                rest = rest[m.end() :]
        tokens = self.tokens(rest, unk)
        self._in_name += 1  # within a name's template only places move after the head
        try:
            x = self.render(tokens, subject_in=True)
        finally:
            self._in_name -= 1
        verbal = next((t for t in tokens if t.kind != POS_ADVERB), None)
        if head.verbal and verbal is not None and verbal.kind == POS_VERB:
            return lead + fill(head.verbal, x) + period
        if head.en.startswith("{x}"):
            if x.startswith("the "):
                # prefix-style heads take a plain compound, not a pivoted phrase
                x = self.render(tokens, pivot=False)
            x = singular(x)
        template = head.en
        if "Security" in template and _PRODUCT.search(x) and not _DATA.search(x):
            template = template.replace("Security", "Safety")  # products: safety, not security
        return lead + fill(template, x) + period

    # -- phrases ----------------------------------------------------------------------------

    def phrase(self, text: str, unk: Unknowns) -> str:
        """Raw English of a free phrase (clauses joined, Chinese kept for unknown parts)."""
        return self.render(self.tokens(text, unk))

    def tokens(self, text: str, unk: Unknowns) -> list[Token]:
        """Segment by longest glossary match; verbs preferred where a clause starts."""
        out: list[Token] = []
        i, n = 0, len(text)
        pending = ""

        def flush() -> None:
            nonlocal pending
            if pending:
                if pending in unk.overrides:
                    out.append(Token(POS_NOUN, unk.overrides[pending], pending))
                elif self.words and 2 <= len(pending) <= 3 and not CJK_RUN.sub("", pending):
                    # a short name no dictionary knows (沈抚, a place or a firm): Hanyu Pinyin
                    unk.glossed.append(pending)
                    out.append(Token(POS_NOUN, pinyin(pending), pending, "name"))
                else:
                    out.append(Token(UNKNOWN, unk.add(pending), pending))
                pending = ""

        spans: dict[int, int] | None = None

        def words() -> dict[int, int]:
            nonlocal spans
            if spans is None:
                spans = self.segmenter.spans(text) if self.words else {}
            return spans

        while i < n:
            ch = text[i]
            rest = text[i:]
            tok, size = self._special(rest, unk)
            if tok is None:
                tok, size = self._term(
                    text,
                    i,
                    clause_start=not out
                    or out[-1].kind in (POS_ADVERB, POS_CONJ, BREAK)
                    and not pending,
                )
                if tok is not None and self.words and i + size < n and has_cjk(text[i + size]):
                    # a glossary word that ends inside a longer word: 互联网|络 -> 互联网络
                    end = words().get(i)
                    if end is not None and end > i + size and (i + size) not in words():
                        tok, size = self._fallback(text, i, words(), unk) or (tok, size)
            if tok is None and self.words and has_cjk(ch) and not pending:
                end = words().get(i)
                if ch not in _GRAMMAR_CHARS or (
                    end is not None and end - i > 1 and text[i:end] not in _GRAMMAR_WORDS
                ):
                    tok, size = self._fallback(text, i, words(), unk) or (None, 0)
            if tok is None and ch in _PUNCT:
                kind, en = _PUNCT[ch]
                tok, size = Token(kind, en, ch), 1
            if tok is None and ch == " ":
                tok, size = Token(BREAK, "", ch), 1
            if tok is None and ch == "的":
                tok, size = Token(DE, "", ch), 1
            if tok is None and ch == "用" and out and not pending:
                tok, size = Token(YONG, "for", ch), 1
            if tok is None and ch == "对":
                tok, size = Token(DUI, "on", ch), 1
            if tok is None and ch == "在" and i + 1 < n and not pending:
                tok, size = Token(ZAI, "in", ch), 1
            if tok is None and not has_cjk(ch) and ch not in "“”《》（）":
                tok, size = Token(LITERAL, ch, ch), 1
            if tok is None:
                if ch not in "“”《》（）":
                    pending += ch
                i += 1
                continue
            flush()
            out.append(tok)
            i += size
        flush()
        return out

    def _fallback(
        self, text: str, i: int, spans: dict[int, int], unk: Unknowns
    ) -> tuple[Token, int] | None:
        """A word the glossary does not know: the dictionary's gloss, or a place name in pinyin.

        The segmenter's word at ``i`` is looked up whole first, then the longest dictionary
        entry inside it; an unknown word ending in 省/市/县/区… is a place name.
        """
        words = self.words
        end = spans.get(i)
        word = text[i:end] if end is not None else ""
        if word in unk.overrides:  # a provider's English for a word sent to it
            return Token(POS_NOUN, unk.overrides[word], word), len(word)
        if len(word) > 1:
            if gloss := words.get(word):
                return self._glossed(text, i, word, gloss, spans, unk)
            if name := self._place_name(word):
                unk.glossed.append(word)
                return Token(POS_NOUN, name, word, "name"), len(word)
        n = words.longest(text, i, end if end is not None and end > i else None)
        if n == 0:
            n = words.longest(text, i)
        if n == 0:
            return None
        zh = text[i : i + n]
        return self._glossed(text, i, zh, words.get(zh), spans, unk)

    def _glossed(
        self, text: str, i: int, zh: str, gloss: Gloss | None, spans: dict[int, int], unk: Unknowns
    ) -> tuple[Token, int]:
        assert gloss is not None
        size = len(zh)
        en = gloss.en
        if gloss.kind == NAME:
            # 芜湖 + 市: the suffix the segmenter left on its own joins the name
            for suffix, suffix_en in PLACE_SUFFIXES.items():
                if text.startswith(suffix, i + size) and spans.get(i + size) == i + size + len(
                    suffix
                ):
                    en, size, zh = f"{en} {suffix_en}", size + len(suffix), zh + suffix
                    break
        unk.glossed.append(zh)
        kind = POS_VERB if gloss.kind == VERB else POS_NOUN
        return Token(kind, en, zh, "name" if gloss.kind == NAME else "dictionary"), size

    def _place_name(self, word: str) -> str | None:
        """'宣城市' -> 'Xuancheng City': a name the dictionary lacks, in Hanyu Pinyin."""
        for suffix, suffix_en in PLACE_SUFFIXES.items():
            stem = word[: -len(suffix)]
            if word.endswith(suffix) and 2 <= len(stem) <= 4 and not CJK_RUN.sub("", stem):
                known = self.words.get(stem)
                if known is not None and known.kind != NAME:
                    return None  # 社区, 园区: a common word, not a place
                name = known.en if known is not None else pinyin(stem)
                return f"{name} {suffix_en}"
        return None

    def _term(self, text: str, i: int, *, clause_start: bool) -> tuple[Token | None, int]:
        ch = text[i]
        best: Token | None = None
        size = 0
        for length in self._lengths.get(ch, ()):
            zh = text[i : i + length]
            if zh in self.lex.all_terms:
                pos, en = self.lex.all_terms[zh]
                best, size = Token(pos, en, zh), length
                break
        if clause_start or best is None or best.kind != POS_VERB:
            for length in self._verb_lengths.get(ch, ()):
                if length < size:
                    break
                zh = text[i : i + length]
                if zh in self._verbs and (clause_start or length > size):
                    return Token(POS_VERB, self._verbs[zh], zh), length
        return best, size

    def _persons(self, rest: str, unk: Unknowns) -> Token | None:
        """People named before 同志: 'Shao Zhenxiang and Xu Chao' (同志 is left out, as
        English titles leave it out)."""
        if not self.words or (m := _PERSONS.match(rest)) is None:
            return None
        zh = m.group(1).split("、")
        names = [person_name(z, self.words) for z in zh]
        if not all(names):
            return None
        unk.glossed.extend(zh)
        en = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return Token(POS_NOUN, en, m.group(0), "name")

    def _special(self, rest: str, unk: Unknowns) -> tuple[Token | None, int]:
        ch = rest[0]
        if "同志" in rest and (tok := self._persons(rest, unk)) is not None:
            return tok, len(tok.zh)
        if ch == "“":
            end = rest.find("”")
            if end > 0:
                inner = rest[1:end]
                if m := _FYP_TOKEN.match(rest):
                    n = zh_int(m.group(1)) or 0
                    size = end + 1 + (2 if rest.startswith("规划", end + 1) else 0)
                    return Token(POS_NOUN, f"{ordinal(n)} Five-Year Plan", rest[:size]), size
                known = self.lex.all_terms.get(inner)
                en = known[1] if known else self.phrase(inner, unk)
                return Token(POS_NOUN, f"“{title_case(en)}”", rest[: end + 1]), end + 1
        if ch in "《〈":
            end = rest.find("》" if ch == "《" else "〉")
            if end > 0:
                return Token(POS_NOUN, self.document(rest[1:end], unk), rest[: end + 1]), end + 1
        if (tok := self._date(rest)) is not None:
            return tok, len(tok.zh)
        if ch.isdigit():
            if m := _YEAR_RANGE.match(rest):
                return Token(POS_NOUN, f"{m.group(1)}–{m.group(2)}", m.group(0)), m.end()
            if m := _YEAR.match(rest):
                return Token(POS_NOUN, m.group(1), m.group(0)), m.end()
        if ch == "等" and (m := _COUNT.match(rest)):
            n = zh_int(m.group(1)) or 0
            return Token(COUNT, f"{n} {_COUNT_UNITS[m.group(2)]}", m.group(0)), m.end()
        if ch == "第" and (m := _BATCH.match(rest)):
            n = zh_int(m.group(1)) or 0
            return Token(POS_NOUN, f"{ordinal_word(n)} batch of", m.group(0)), m.end()
        if (
            ch in "十一二三四五六七八九"
            and (m := _FYP_TOKEN.match(rest))
            and rest[m.end() :].startswith(("规划", "时期"))
        ):
            n = zh_int(m.group(1)) or 0
            return Token(POS_NOUN, f"{ordinal(n)} Five-Year Plan", m.group(0)), m.end()
        if ch.isascii() and ch.isalnum() and (m := _ASCII.match(rest)):
            word = m.group(0)
            known = self.lex.all_terms.get(word)
            return Token(POS_NOUN, known[1] if known else word, word), m.end()
        return None, 0

    @staticmethod
    def _date(rest: str) -> Token | None:
        """Dates, months, quarters and ordinals in English form: 2002年1月 -> January 2002,
        1-8月 -> January–August, 第三次 -> 3rd, 第4626号 -> No. 4626, 一九八七年 -> 1987."""
        ch = rest[0]
        if ch.isdigit():
            if (m := _ISSUE.match(rest)) and m.group(1):  # an issue of a periodical
                return Token(POS_NOUN, f"No. {zh_int(m.group(2)) or 0}, {m.group(1)}", m.group(0))
            if m := _DATE.match(rest):
                month = _MONTHS[int(m.group(2)) - 1] if 1 <= int(m.group(2)) <= 12 else None
                if month:
                    day = f" {int(m.group(3))}," if m.group(3) else ""
                    return Token(POS_NOUN, f"{month}{day} {m.group(1)}", m.group(0))
            if (m := _MONTH_RANGE.match(rest)) and 1 <= int(m.group(2)) < int(m.group(3)) <= 12:
                span = f"{_MONTHS[int(m.group(2)) - 1]}–{_MONTHS[int(m.group(3)) - 1]}"
                year = f" {m.group(1)}" if m.group(1) else ""
                return Token(POS_NOUN, span + year, m.group(0))
            if (m := _MONTH_DAY.match(rest)) and 1 <= int(m.group(1)) <= 12:
                return Token(
                    POS_NOUN, f"{_MONTHS[int(m.group(1)) - 1]} {int(m.group(2))}", m.group(0)
                )
            if (m := _MONTH.match(rest)) and 1 <= int(m.group(1)) <= 12:
                return Token(POS_NOUN, _MONTHS[int(m.group(1)) - 1], m.group(0))
        if ch.isdigit() or ch in "第一二三四上下前":
            if m := _QUARTER.match(rest):
                q = zh_int(m.group(2)) or 0
                year = f" {m.group(1)}" if m.group(1) else ""
                return Token(POS_NOUN, f"Q{q}{year}", m.group(0))
            if m := _HALF.match(rest):
                half = "first" if m.group(2) == "上" else "second"
                year = f" of {m.group(1)}" if m.group(1) else ""
                return Token(POS_NOUN, f"{half} half{year}", m.group(0))
            if m := _FIRST_MONTHS.match(rest):
                n = zh_int(m.group(2)) or 0
                year = f" of {m.group(1)}" if m.group(1) else ""
                return Token(POS_NOUN, f"first {n} months{year}", m.group(0))
        if ch == "第":
            if m := _PLAN_N.match(rest):
                n = zh_int(m.group(1)) or 0
                return Token(POS_NOUN, f"{ordinal(n)} Five-Year Plan", m.group(0))
            if m := _NTH.match(rest):  # 第五次 -> fifth, 第91届 -> 91st
                return Token(POS_NOUN, ordinal_word(zh_int(m.group(1)) or 0), m.group(0))
            if m := _NUMBERED.match(rest):
                return Token(POS_NOUN, f"No. {zh_int(m.group(1)) or 0}", m.group(0))
            if m := _ARTICLE.match(rest):
                en = f"{_ARTICLE_EN[m.group(2)]} {zh_int(m.group(1)) or 0}"
                return Token(POS_NOUN, en, m.group(0))
            if m := _ISSUE.match(rest):
                return Token(POS_NOUN, f"No. {zh_int(m.group(2)) or 0}", m.group(0))
        if ch in _ZH_DIGIT and (m := _ZH_YEAR.match(rest)):
            return Token(POS_NOUN, "".join(_ZH_DIGIT[c] for c in m.group(1)), m.group(0))
        return None

    # -- rendering --------------------------------------------------------------------------

    def render(self, tokens: list[Token], *, pivot: bool = True, subject_in: bool = False) -> str:
        """Clauses ([adverb] verb object) in order, joined by 'and'."""
        clauses: list[list[Token]] = [[]]
        joiners: list[str] = [""]  # how each clause attaches to the previous one
        for tok in tokens:
            cur = clauses[-1]
            if tok.kind == BREAK:
                clauses.append([])
                joiners.append({"": " and ", ":": ": "}.get(tok.en, f"{tok.en} "))
                continue
            starts = tok.kind == POS_VERB and any(t.kind not in (POS_ADVERB, POS_VERB) for t in cur)
            zai = max((k for k, t in enumerate(cur) if t.kind == ZAI), default=-1)
            if starts and zai >= 0 and not any(t.kind == POS_VERB for t in cur[zai:]):
                starts = False  # 在X设立Y: the locative belongs to the verb that follows it
            if starts and cur and cur[0].kind == DUI and not any(t.kind == POS_VERB for t in cur):
                starts = False  # 对X加征Y: the verb belongs to the 对 clause
            if tok.kind == POS_ADVERB and any(t.kind != POS_ADVERB for t in cur):
                starts = True
            if starts and cur and cur[-1].kind == POS_CONJ:
                cur.pop()
            if starts:
                clauses.append([tok])
                subject = len(clauses) == 2 and not any(t.kind == POS_VERB for t in clauses[0])
                joiners.append(": " if subject else " and ")
            else:
                cur.append(tok)
        if subject_in and len(clauses) > 1 and joiners[1] == ": " and clauses[0]:
            # inside a document name a leading subject is a setting: "… in Beijing Municipality"
            subject = self._clause(clauses[0], pivot)
            rest = self.render([t for c in clauses[1:] for t in c], pivot=pivot)
            return f"{rest} in {subject}"
        purpose = (
            len(clauses) == 2
            and joiners[1] == " and "
            and self._leads_with_verb(clauses[0])
            and self._leads_with_verb(clauses[1])
            and next(t for t in clauses[1] if t.kind != POS_ADVERB).zh in _PURPOSE_VERBS
        )
        parts: list[tuple[str, str]] = []
        joiner = ""
        for clause, join in zip(clauses, joiners, strict=True):
            joiner = join if join.strip() not in ("and", "") or not joiner.strip() else joiner
            text = self._clause(clause, pivot) if clause else ""
            if not text:
                continue
            if purpose and parts:  # 优化X促进Y -> "optimizing X to promote Y"
                joiner, text = " to ", infinitive(text)
            parts.append((joiner if parts else "", text))
            joiner = ""
        # "A and B and C" -> "A, B and C"
        for k in range(1, len(parts) - 1):
            if parts[k][0] == " and " and parts[k + 1][0] == " and ":
                parts[k] = (", ", parts[k][1])
        return "".join(j + t for j, t in parts)

    def _clause(self, toks: list[Token], pivot: bool) -> str:
        if toks[0].kind == DUI:  # 对 X 加征 Y -> imposing additional Y on X
            j = next((k for k, t in enumerate(toks) if t.kind == POS_VERB), None)
            if j is not None and j > 1:
                target = self._noun_phrase(toks[1:j], pivot)
                return f"{self._clause(toks[j:], pivot)} on {target}"
            toks = toks[1:]
            if not toks:
                return ""
            k = next((k for k, t in enumerate(toks) if t.zh in self._verbs), None)
            if k:  # the verb was read as a noun ("实施"): read it as the verb of the 对 clause
                verb = Token(POS_VERB, self._verbs[toks[k].zh], toks[k].zh)
                return self._clause(
                    [Token(DUI, "on", "对"), *toks[:k], verb, *toks[k + 1 :]], pivot
                )
        zai = next((k for k, t in enumerate(toks) if t.kind == ZAI), None)
        if zai is not None:
            j = next((k for k in range(zai + 1, len(toks)) if toks[k].kind == POS_VERB), None)
            if j is not None and j > zai + 1:  # 在X设立Y -> establishing Y in X
                place = self._noun_phrase(toks[zai + 1 : j], pivot)
                main = self._clause(toks[:zai] + toks[j:], pivot)
                return f"{main} in {place}"
        if (gapped := self._gapped(toks, pivot)) is not None:
            return gapped
        lead: list[str] = []
        i = 0
        verbs = 0
        actions = self.lex.terms.get(POS_ACTION, {})
        nominal = self.lex.terms.get("nominal", {})
        while i < len(toks) and toks[i].kind in (POS_ADVERB, POS_VERB):
            tok = toks[i]
            if tok.kind == POS_VERB:
                verbs += 1
                if verbs > 1 and (tok.zh in nominal or tok.zh in actions):
                    # 加快构建 X -> accelerating the construction of X
                    action = nominal.get(tok.zh) or actions[tok.zh]
                    prep = "of"
                    if action.endswith((" for", " of", " on", " in")):
                        action, prep = action.rsplit(" ", 1)
                    np = self._definite(self._noun_phrase(toks[i + 1 :], pivot))
                    tail = f"the {action} {prep} {np}" if np else f"the {action}"
                    return " ".join([*lead, tail]).strip()
                if verbs > 1 and lead:
                    lead.append("and")
            lead.append(tok.en)
            i += 1
        rest = toks[i:]
        if (
            verbs
            and len(rest) > 1
            and rest[0].kind == POS_ACTION
            and rest[1].kind not in (POS_CONJ, DE, YONG)
        ):
            # 加快发展 X -> accelerating the development of X
            action, prep = rest[0].en, "of"
            if action.endswith((" for", " of", " on", " in")):
                action, prep = action.rsplit(" ", 1)
            np = self._definite(self._noun_phrase(rest[1:], pivot))
            return " ".join([*lead, f"the {action} {prep} {np}"]).strip()
        np = self._noun_phrase(rest, pivot)
        if lead and np:
            np = self._definite(np)
        return " ".join([*lead, np]).strip()

    @staticmethod
    def _leads_with_verb(toks: list[Token]) -> bool:
        first = next((t for t in toks if t.kind != POS_ADVERB), None)
        return first is not None and first.kind == POS_VERB and len(toks) > 1

    def _gapped(self, toks: list[Token], pivot: bool) -> str | None:
        """Verb frames around an object: 加大X力度, 做好V…工作."""
        i = 0
        while i < len(toks) and toks[i].kind == POS_ADVERB:
            i += 1
        if i >= len(toks) - 2:
            return None
        adverbs = " ".join(t.en for t in toks[:i])
        verb, inner, last = toks[i], toks[i + 1 : -1], toks[-1]
        lead = f"{adverbs} " if adverbs else ""
        if verb.zh in ("加大", "加强") and last.zh == "力度":
            if inner[0].kind == DUI and any(t.kind == DE for t in inner):
                # 加大对X的支持力度 -> stepping up support for X
                de = next(k for k, t in enumerate(inner) if t.kind == DE)
                what = self._noun_phrase(inner[de + 1 :], pivot)
                target = self._noun_phrase(inner[1:de], pivot)
                return f"{lead}stepping up {what} for {target}"
            if inner[0].kind == POS_VERB:  # 加大吸引外资力度 -> stepping up efforts to attract
                return f"{lead}stepping up efforts to {infinitive(self._clause(inner, pivot))}"
            return f"{lead}stepping up {self._noun_phrase(inner, pivot)}"
        if verb.zh == "做好" and last.zh == "工作" and inner[0].kind == POS_VERB:
            return f"{lead}{verb.en} the work of {self._clause(inner, pivot)}"
        return None

    def _noun_phrase(self, toks: list[Token], pivot: bool) -> str:
        if not toks:
            return ""
        if (k := next((k for k, t in enumerate(toks) if t.kind == COUNT), 0)) > 0:
            # 沈阳等27个城市 -> 27 cities including Shenyang
            rest = self._noun_phrase(toks[k + 1 :], pivot)
            head = f"{toks[k].en} including {self._words(toks[:k])}"
            return f"{head} {rest}" if rest else head
        if any(t.kind == DE for t in toks):  # A的B -> B of A
            k = max(i for i, t in enumerate(toks) if t.kind == DE)
            head = self._noun_phrase(toks[k + 1 :], pivot)
            mod = self._noun_phrase(toks[:k], pivot)
            if not head:
                return mod
            if not mod:
                return head
            if mod.split(" ", 1)[0].endswith("ing"):  # a participle follows its noun
                return f"{head} {mod}"
            return f"{head} of {mod}" if head.startswith("the ") else f"the {head} of {mod}"
        if any(t.kind == YONG for t in toks):  # A用B -> B for A
            k = max(i for i, t in enumerate(toks) if t.kind == YONG)
            head = self._noun_phrase(toks[k + 1 :], pivot)
            mod = self._noun_phrase(toks[:k], pivot)
            return f"{head} for {mod}" if head and mod else head or mod
        while toks and toks[-1].kind == POS_CONJ:
            toks = toks[:-1]
        if pivot and len(toks) > 1 and toks[-1].kind == POS_ACTION and toks[-2].kind != POS_CONJ:
            action = toks[-1].en
            prep = "of"
            if action.endswith((" for", " of", " on", " in")):
                action, prep = action.rsplit(" ", 1)
            rest = self._definite(self._compound(toks[:-1], places_only=True))
            return f"the {action} {prep} {rest}"
        return self._compound(toks, places_only=self._in_name > 0)

    def _compound(self, toks: list[Token], *, places_only: bool = False) -> str:
        """A noun compound; a leading group of people, bodies or places follows the head:
        高层建筑消防安全工作 -> 'fire safety work in high-rise buildings'."""
        split = 0
        ends = _PLACE_ENDS if places_only else _GROUP_ENDS  # "the X of Y of Z" reads badly
        for k in range(len(toks) - 1, 0, -1):
            if toks[k - 1].zh.endswith(ends) and toks[k - 1].kind == POS_NOUN:
                split = k
                break
        tail = toks[split:]
        if (
            not split
            or not any(t.kind == POS_NOUN for t in tail)
            or any(t.kind not in (POS_NOUN, POS_ACTION) for t in toks)
            or toks[0].zh[:1].isdigit()
        ):
            return self._words(toks)
        mod = self._words(toks[:split])
        head = self._words(tail)
        ends = toks[split - 1].zh
        prep = "in" if ends.endswith(_PLACE_ENDS) else "for" if head.endswith(" work") else "of"
        if prep == "in" and ends.endswith(("领域", "地区", "区域")) and not mod.startswith("the "):
            mod = f"the {mod}"
        return f"{head} {prep} {mod}"

    @staticmethod
    def _definite(np: str) -> str:
        """'the' before a singular institutional noun: 'optimizing the … environment'."""
        if not np or np.startswith(_ARTICLES) or not np[0].isalpha() or np.endswith(" of"):
            return np
        last = np.rsplit(" ", 1)[-1].lower()
        if last in _DEFINITE_HEADS:
            return f"the {np}"
        first, _, rest = np.partition(" of ")
        if rest and " and " not in rest and first[:1].islower() and "," not in first:
            return f"the {np}"  # 'the digitalization of education'
        return np

    @staticmethod
    def _words(toks: list[Token]) -> str:
        out = ""
        for i, t in enumerate(toks):
            nxt = toks[i + 1] if i + 1 < len(toks) else None
            if t.kind == POS_NOUN and nxt is not None and nxt.kind in (POS_NOUN, POS_ACTION):
                t = Token(t.kind, singular(t.en), t.zh)  # a modifier noun is singular
            if t.kind == POS_CONJ and t.en == ",":
                out += ","
            elif t.kind == LITERAL and t.en in ":+×/·":
                out += t.en if t.en in "+/·" else (t.en if t.en == ":" else f" {t.en}")
            elif t.en:
                out += (" " if out and not out.endswith(("/", "·")) else "") + t.en
        return out.strip().removesuffix(" of")
