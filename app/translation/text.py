"""Text helpers for Chinese titles: normalisation, CJK detection, numerals and title case."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_SPACES = re.compile(r"[\s\u3000\u00a0]+")

# Full-width forms that carry no meaning of their own are folded; 《》“”（） are kept because
# the frames read them.
_FOLD = str.maketrans(
    {
        "(": "（",
        ")": "）",
        "<": "《",
        ">": "》",
        '"': "“",
        "―": "—",
        "－": "-",
        "–": "—",
        "～": "—",
        "~": "—",
        "＋": "+",
        "・": "·",
    }
)


def normalise(text: str) -> str:
    """One form for one title: NFKC digits/letters, folded brackets, single spaces, trimmed;
    HTML entities a list page left escaped (&lt;, &amp;) are read as their characters."""
    if "&" in text:
        text = html.unescape(text)
    text = "".join(
        unicodedata.normalize("NFKC", ch) if ("０" <= ch <= "９" or "Ａ" <= ch <= "ｚ") else ch
        for ch in text
    )
    text = _SPACES.sub(" ", text).strip().translate(_FOLD)
    # Straight quotes alternate open/close.
    if "“" in text and "”" not in text:
        parts = text.split("“")
        text = parts[0] + "".join(("“" if i % 2 else "”") + p for i, p in enumerate(parts[1:]))
    return text


def source_hash(text: str) -> str:
    """The translation-memory key of a source text (sha256 of its normalised form)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among the non-space characters (0.0 for empty text)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if _CJK.match(c)) / len(chars)


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_DIGITS.update({"七": 7, "八": 8, "九": 9})
_UNITS = {"十": 10, "百": 100, "千": 1000}
ZH_NUMBER = r"[零〇一二两三四五六七八九十百千]+|\d+"


def zh_int(text: str) -> int | None:
    """二十七 -> 27, 十七 -> 17, 2024 -> 2024; None when it is not a number."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
_ORDINAL_WORDS = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split()


def number_word(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def ordinal(n: int) -> str:
    """15 -> 15th (for plan periods, batches: digits read better than words past ten)."""
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ordinal_word(n: int) -> str:
    return _ORDINAL_WORDS[n] if 0 <= n < len(_ORDINAL_WORDS) else ordinal(n)


_SMALL = frozenset("a an and as at but by for from in into of on or per the to vs via with".split())
_WORD = re.compile(r"(?<![0-9A-Za-z])[A-Za-z][A-Za-z'’]*")


def title_case(text: str) -> str:
    """Headline case: capitalise words except short function words; keep AI, IPv6, e-… as is."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        start = match.start()
        prev = text[start - 1] if start else ""
        first = start == 0 or text[:start].rstrip().endswith(("—", ":", "(", "“", '"'))
        if word in _SMALL and not first and prev != "-":
            return word
        if word[0].islower():
            return word[0].upper() + word[1:]
        return word

    return _WORD.sub(fix, text)


def sentence_case(text: str) -> str:
    """GB-standard style: only the first letter is raised."""
    return text[:1].upper() + text[1:] if text else text
