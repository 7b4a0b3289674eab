"""The review's sections, decided from document type, issuer and source."""

from __future__ import annotations

import pytest

from app.report.sections import LAWS, POLICIES, STANDARDS, classify, instrument_name, parse_section


@pytest.mark.parametrize(
    "title",
    [
        "中华人民共和国个人信息保护法",
        "网络数据安全管理条例",
        "互联网信息服务深度合成管理规定",
        "生成式人工智能服务管理暂行办法",
        "个人信息出境标准合同办法",  # a standard contract is a law's subject, not a standard
        "国家互联网信息办公室关于《人工智能生成合成内容标识办法（征求意见稿）》公开征求意见的通知",
        "工业和信息化领域数据安全管理办法（试行）",
    ],
)
def test_legal_forms_are_laws_and_regulations(title):
    assert classify(title=title, source="cac") == LAWS


@pytest.mark.parametrize(
    "title",
    [
        "关于加快场景培育和开放推动新一代人工智能规模化应用的指导意见",
        "国务院关于印发《新一代人工智能发展规划》的通知",
        "全球人工智能治理倡议",
        "工业和信息化部等七部门关于推动未来产业创新发展的实施意见",
        "关于推荐人工智能赋能新型工业化典型应用案例的通知",
        "互联网信息服务推荐算法",  # 算法 is not 法
    ],
)
def test_opinions_plans_notices_and_initiatives_are_policies(title):
    assert classify(title=title, source="govcn") == POLICIES


@pytest.mark.parametrize(
    ("title", "source", "extra"),
    [
        ("关于下达2024年第一批推荐性国家标准计划及相关标准外文版计划的通知", "sac", {}),
        ("国家人工智能产业综合标准化体系建设指南（2024版）", "miit", {}),
        ("网络安全标准实践指南——生成式人工智能服务内容标识方法", "govcn", {}),
        ("信息安全技术 个人信息安全规范", "govcn", {}),  # a standard's two-part name
        ("生成式人工智能服务安全基本要求（征求意见稿）", "tc260", {}),
        ("毛绒、布制玩具", "std_samr", {}),
        ("人工智能 术语", "miit", {"plan_code": "20230001-T-469"}),
        ("某某通知", "miit", {"issuers": ["全国网络安全标准化技术委员会秘书处"]}),
    ],
)
def test_standards_plans_and_standardisation_bodies_are_standardisation(title, source, extra):
    assert classify(title=title, source=source, **extra) == STANDARDS


def test_doc_type_of_a_rule_makes_a_law():
    assert classify(title="某某事项", doc_type="部门规章") == LAWS


def test_instrument_name_strips_notes_and_reads_the_announced_document():
    assert instrument_name("关于《X管理办法（征求意见稿）》公开征求意见的通知") == "X管理办法"
    assert instrument_name("Y实施方案（2025—2028年）（征求意见稿）") == "Y实施方案"


def test_section_names_are_parsed_from_keys_and_titles():
    assert parse_section("Laws & Regulations") == LAWS
    assert parse_section("standards") == STANDARDS
    with pytest.raises(ValueError):
        parse_section("other")
