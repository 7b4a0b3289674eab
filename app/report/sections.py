"""Which section of the review an instrument belongs to, decided from its type, issuer and source.

The deck's fixed shape is "Laws & Regulations", "Policies & Initiatives", "Standardisation".
Standardisation is decided first: a standard, a standard plan or a standard-system guideline
is standards work even when a ministry issues it as a 通知. Then the instrument's own name (the
title inside 《》 if the title announces a document, else the title) ends with a legal form
(法, 条例, 规定, 办法, 令, 细则, 规则) → Laws & Regulations. Everything else (opinions, plans,
notices, initiatives, guidelines) is a policy. The user's choice, stored per notice, wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.translation.issuer_names import issuer_names

LAWS, POLICIES, STANDARDS = "laws", "policies", "standards"
SECTION_ORDER = (LAWS, POLICIES, STANDARDS)
SECTION_TITLES = {
    LAWS: "Laws & Regulations",
    POLICIES: "Policies & Initiatives",
    STANDARDS: "Standardisation",
}

# Sources that publish only standards work (the national standards platform, TC260).
STANDARD_SOURCES = frozenset({"std_samr", "tc260"})
# Words that make a title standards work. Bare 标准 is not enough: 标准合同 (a standard
# contract) is a law's subject.
_STANDARD_WORDS = (
    "国家标准",
    "行业标准",
    "团体标准",
    "地方标准",
    "标准体系",
    "标准化",
    "标准计划",
    "标准项目",
    "标准实践指南",
    "标准制修订",
    "技术文件",
)
# A standard's own name: an introductory element ending in 技术 and a main element, separated
# by a space (GB/T 1.1 naming: "信息安全技术 人脸识别数据安全要求").
_STANDARD_NAME = re.compile(r"^[\u4e00-\u9fff]{1,12}技术[\s\u3000]+[\u4e00-\u9fff]")
_STANDARD_TYPES = ("标准", "技术规范")
# The legal forms of laws, administrative regulations and departmental rules.
_LEGAL_FORMS = ("法", "条例", "规定", "办法", "令", "细则", "规则")
# Words ending in 法 that are not laws (a method, an algorithm, a practice).
_NOT_LAW = ("方法", "算法", "做法", "手法", "说法", "想法", "语法", "疗法")
_LEGAL_TYPES = ("法律", "行政法规", "部门规章", "规章", "地方性法规", "司法解释", "令")
_INSTRUMENT = re.compile(r"《([^》]+)》")
_TRAILING_NOTE = re.compile(r"[（(][^（）()]*[)）]\s*$")


def section_title(key: str) -> str:
    return SECTION_TITLES.get(key, key)


def parse_section(value: str) -> str:
    """A section key from a key or a title ("laws", "Laws & Regulations"); ValueError if none."""
    v = value.strip().casefold()
    for key, title in SECTION_TITLES.items():
        if v in (key, title.casefold(), title.split()[0].casefold()):
            return key
    raise ValueError(f"unknown report section {value!r} (use {', '.join(SECTION_ORDER)})")


def instrument_name(title: str) -> str:
    """The document a title is about: the 《…》 it announces, else the title, without notes
    such as （征求意见稿）, （试行） or （2024版）."""
    m = _INSTRUMENT.search(title or "")
    name = m.group(1) if m else (title or "")
    name = name.strip()
    while True:
        stripped = _TRAILING_NOTE.sub("", name).strip()
        if stripped == name:
            return name
        name = stripped


def is_standard_body(english_name: str) -> bool:
    """Standardisation bodies say so in their official English name (SAC, TC260, CNIS…)."""
    return "Standardization" in english_name or "Standards" in english_name


def classify(
    *,
    title: str,
    source: str = "",
    doc_type: str | None = None,
    issuers: Iterable[str] = (),
    plan_code: str | None = None,
    standard_number: str | None = None,
) -> str:
    """The automatic section of one notice (see the module docstring for the order)."""
    doc_type = doc_type or ""
    if source in STANDARD_SOURCES or plan_code or standard_number:
        return STANDARDS
    if any(w in title for w in _STANDARD_WORDS) or any(w in doc_type for w in _STANDARD_TYPES):
        return STANDARDS
    if _STANDARD_NAME.match(instrument_name(title)):
        return STANDARDS
    names = issuer_names(list(issuers))
    if names and all(n.known and is_standard_body(n.en) for n in names):
        return STANDARDS
    if any(t == doc_type or doc_type.endswith(t) for t in _LEGAL_TYPES):
        return LAWS
    name = instrument_name(title)
    if name.endswith(_LEGAL_FORMS) and not name.endswith(_NOT_LAW):
        return LAWS
    return POLICIES
