"""Search agrees with watch topics: Latin terms match whole words, Chinese stays substring."""

from __future__ import annotations

import pytest

from storage.models import Notice
from storage.search import search

TITLES = {
    "affairs": ("外交事务通知", "Notice on Foreign Affairs"),
    "gait": ("步态识别标准", "Standard for gait recognition"),
    "ai": ("人工智能安全指南", "Guidelines on AI safety"),
    "ai-cn": ("AI芯片产业发展意见", "Opinions on the AI chip industry"),
    "genai": ("生成式人工智能服务", "Generative AI (GenAI) services"),
    "said": ("发言人表示", "Spokesperson said"),
}


def _seed(db) -> None:
    with db.write() as s:
        for key, (zh, en) in TITLES.items():
            url = f"https://www.cac.gov.cn/{key}.htm"
            s.add(Notice(source="cac", channel=key, url=url, title=zh, title_en=en, body=""))


@pytest.mark.parametrize(
    "query, expected",
    [
        ("AI", {"ai", "ai-cn", "genai"}),  # not Affairs, gait, said
        ("ai", {"ai", "ai-cn", "genai"}),
        ("gait", {"gait"}),
        ("GenAI", {"genai"}),
        ("AI芯片", {"ai-cn"}),  # Latin edge needs a boundary, the Chinese edge does not
        ("智能", {"ai", "genai"}),  # Chinese: substring
        ("人工智能 safety", {"ai"}),
        ("fair", set()),
    ],
)
def test_latin_terms_match_whole_words_chinese_substrings(db, query, expected):
    _seed(db)
    with db.read() as s:
        found = {n.channel for n in search(s, query)}
    assert found == expected
