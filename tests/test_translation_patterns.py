"""Composer patterns: gapped verb frames, counted places, purpose chains, modifiers after heads."""

from __future__ import annotations

import pytest

from app.translation.compose import infinitive, singular
from app.translation.engine import OfflineEngine

ENGINE = OfflineEngine()


@pytest.mark.parametrize(
    ("gerund", "base"),
    [
        ("promoting X", "promote X"),
        ("further stabilizing X", "further stabilize X"),
        ("attracting X", "attract X"),
        ("setting X", "set X"),
        ("improving X", "improve X"),
        ("strengthening X", "strengthen X"),
        ("advancing X", "advance X"),
        ("exploring X", "explore X"),
        ("controlling X", "control X"),
        ("tackling X", "tackle X"),
        ("enabling X", "enable X"),
    ],
)
def test_infinitive(gerund, base):
    assert infinitive(gerund) == base


@pytest.mark.parametrize(
    ("plural", "modifier"),
    [
        ("online platforms", "online platform"),
        ("buses", "bus"),
        ("financial crises", "financial crisis"),
        ("key industries", "key industry"),
        ("sports", "sports"),
        ("data", "data"),
    ],
)
def test_singular_modifier(plural, modifier):
    assert singular(plural) == modifier


@pytest.mark.parametrize(
    ("zh", "en"),
    [
        # 加大X力度: the object of the gap is what is stepped up
        (
            "国务院办公厅关于进一步加大稳就业力度的通知",
            "Notice of the General Office of the State Council on Further Stepping Up Efforts "
            "to Stabilize Employment",
        ),
        # 在X等N个城市: a counted set of places, after the verb it locates
        (
            "国务院关于同意在沈阳等27个城市设立跨境电子商务综合试验区的批复",
            "Reply of the State Council on Approving the Establishment of Cross-Border "
            "E-Commerce Comprehensive Pilot Zones in 27 Cities Including Shenyang",
        ),
        # V1 O1 V2 O2 with a purpose verb: "V1-ing O1 to V2 O2"
        (
            "国家税务总局关于优化纳税服务促进民营经济发展的通知",
            "Notice of the State Taxation Administration on Optimizing Taxpayer Services to "
            "Promote the Development of the Private Economy",
        ),
        # a leading group of people follows the head
        (
            "国务院办公厅关于进一步加强高层建筑消防安全工作的通知",
            "Notice of the General Office of the State Council on Further Strengthening Fire "
            "Safety Work in High-Rise Buildings",
        ),
    ],
)
def test_patterns(zh, en):
    assert ENGINE.translate(zh).text == en


def test_coordinated_chain_stays_coordinated():
    en = ENGINE.translate("国务院关于加强监管防范风险推动资本市场高质量发展的若干意见").text
    assert "Preventing Risks and Promoting" in en and " to Promote" not in en


@pytest.mark.parametrize(
    ("zh", "part"),
    [
        ("数据安全技术 数据分类分级规则 第2部分：重要数据识别", "—Part 2: "),
        ("信息安全技术 可信计算规范第1部分：总则", "—Part 1: "),
        ("网络安全技术 数字签名 第3 部分：采用证书的机制", "—Part 3: "),
    ],
)
def test_a_standard_part_number_starts_an_element_wherever_it_is_written(zh, part):
    t = ENGINE.translate(zh)
    assert part in t.text and "第" not in t.text


def test_issues_of_a_periodical_are_numbered_in_english():
    assert ENGINE.translate("网络安全动态（2024年第12期）").text.endswith("(No. 12, 2024)")
    assert ENGINE.translate("网络安全动态（2024年 第三期）").text.endswith("(No. 3, 2024)")


@pytest.mark.parametrize(
    ("zh", "start"),
    [
        # the issuer who forwards is left out
        (
            "转发财政部、中国人民银行关于加强国库管理报告的通知",
            "Notice on Forwarding the Report of the Ministry of Finance and the People's Bank",
        ),
        # the body whose document is forwarded is left out
        (
            "国务院办公厅转发关于加强水土保持工作报告的通知",
            "Notice of the General Office of the State Council on Forwarding the Report on",
        ),
        # 印发 before a document name that runs through 关于
        (
            "国务院办公厅印发贯彻落实国务院关于加强安全生产工作决定分工方案的通知",
            "Notice of the General Office of the State Council on Issuing the ",
        ),
    ],
)
def test_forwarding_frames_with_a_party_left_out(zh, start):
    t = ENGINE.translate(zh)
    assert t.text.startswith(start), t.text
    assert t.complete


def test_people_named_before_tongzhi_are_romanised_surname_first():
    t = ENGINE.translate("国务院、中央军委关于授予李明远、欧阳海同志荣誉称号的命令")
    assert "Li Mingyuan and Ouyang Hai" in t.text
    assert t.complete and t.provider == "dictionary"
    assert "同志" not in t.text and "Comrade" not in t.text


def test_a_run_before_tongzhi_that_is_no_name_is_not_romanised():
    from app.translation.compose import person_name
    from app.translation.dictionary import dictionary

    assert person_name("许超", dictionary()) == "Xu Chao"
    assert person_name("国的", dictionary()) is None  # 国 is a surname, 的 never a name
    assert person_name("振翔", dictionary()) is None  # 振 is no surname


def test_an_adverb_before_a_dictionary_verb_stays_an_adverb():
    from app.translation.dictionary import _gerund

    assert _gerund("posthumously award") == "posthumously awarding"
    assert _gerund("supply water") == "supplying water"


def test_articles_and_chapters_of_a_law_are_numbered_in_english():
    t = ENGINE.translate("关于修改《中华人民共和国专利法》第二十条的决定")
    assert "Article 20" in t.text and "第" not in t.text
    assert "Chapter 3" in ENGINE.translate("网络安全法第三章解读").text


def test_a_short_name_no_dictionary_knows_is_romanised_and_labelled():
    t = ENGINE.translate("国务院关于沈抚改革创新示范区建设方案的批复")
    assert "Shenfu Reform" in t.text
    assert t.complete and t.provider == "dictionary"
