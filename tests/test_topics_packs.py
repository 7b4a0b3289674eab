"""The optional packs (resources/topics/packs): valid, distinct from the defaults, each reaching
its subject and none firing on agency names or on the defaults' subjects' boilerplate."""

from __future__ import annotations

import pytest

from app.topics import Matcher, default_topics
from app.topics.packs import OPTIONAL_PACKS, optional_pack, optional_topics

SAMPLES = {
    "iot": ["关于推进移动物联网全面发展的通知", "工业互联网标识解析体系建设指南"],
    "telecom": ["关于推动5G加快发展的通知", "千兆光网建设行动计划", "无线电频率使用许可管理办法"],
    "vehicles": [
        "关于开展智能网联汽车准入和上路通行试点工作的通知",
        "汽车软件在线升级管理规定",
        "车路云一体化应用试点城市名单",
    ],
    "medical_devices": ["人工智能医疗器械注册审查指导原则", "医疗器械唯一标识系统规则"],
    "green_tech": [
        "数据中心绿色低碳发展专项行动计划",
        "工业领域碳达峰实施方案",
        "光伏制造行业规范条件",
    ],
    "standardisation": [
        "国家标准化发展纲要",
        "团体标准管理规定",
        "关于下达2026年第一批推荐性国家标准计划的通知",
    ],
}


def test_every_pack_loads_and_is_offered():
    assert {p.key for p in OPTIONAL_PACKS} == set(SAMPLES)
    for pack in OPTIONAL_PACKS:
        specs = pack.topics()
        assert specs and not Matcher(specs).errors
        assert all(s.description for s in specs)


def test_pack_topic_names_never_clash_with_the_defaults():
    defaults = {s.name.casefold() for s in default_topics()}
    names = [spec.name.casefold() for _, spec in optional_topics()]
    assert len(names) == len(set(names)) and not defaults & set(names)


@pytest.mark.parametrize("key,title", [(k, t) for k, ts in SAMPLES.items() for t in ts])
def test_each_pack_reaches_its_subject(key, title):
    assert Matcher(optional_pack(key).topics()).match({"title": title})


@pytest.mark.parametrize("pack", OPTIONAL_PACKS, ids=lambda p: p.key)
def test_packs_do_not_fire_on_agency_names_or_unrelated_notices(pack):
    m = Matcher(pack.topics())
    for title in [
        "工业和信息化部",
        "江苏省通信管理局",
        "国家无线电管理委员会",
        "国家标准化管理委员会",
        "国务院办公厅关于2026年部分节假日安排的通知",
        "关于做好冬春季森林防火工作的通知",
    ]:
        assert m.match({"title": title, "issuer": [title]}) == [], title


def test_optional_topics_are_copies():
    (key, first), *_ = optional_topics()
    first.name = "changed"
    assert optional_topics()[0][1].name != "changed" and key == OPTIONAL_PACKS[0].key
