"""The shipped default topics and glossary, checked on real corpus titles and held-out titles.

"AI" topics are all but the data, cybersecurity, internet-content and digital-government ones:
the corpus labels data-protection rules (数据出境安全评估办法 …) as not AI-relevant, and those
are what the other topics are for. Recall and precision on real titles by subject are measured
by tools/topic_quality.py (tests/test_topics_quality.py holds them to the targets).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.topics import Matcher, default_glossary, default_topics, dumps_pack, loads_pack

ROOT = Path(__file__).resolve().parents[1]
DATA_TOPICS = {
    "Data security & personal information",
    "Cross-border data",
    "Cybersecurity",
    "Data resources & the data economy",
    "Internet information services & content governance",
    "Digital government & informatization",
}


@pytest.fixture(scope="module")
def matcher():
    m = Matcher(default_topics())
    assert not m.errors
    return m


def corpus() -> dict[str, bool]:
    data = json.loads((ROOT / "resources/sites/expected/expected.json").read_text("utf-8"))
    return {
        d["title"]: d["ai_relevant"]
        for snap in data["snapshots"].values()
        for d in snap["details"].values()
    }


def heldout() -> list[tuple[str, str, str]]:
    rows = []
    for line in (ROOT / "tests/data/topic_titles_heldout.tsv").read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            label, title, *rest = line.split("\t")
            rows.append((label, title, rest[0] if rest else ""))
    return rows


def _ai(m, notice) -> list[str]:
    return [h.name for h in m.match(notice) if h.name not in DATA_TOPICS]


def _report(name, tp, fp, fn, tn):
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    print(
        f"{name}: precision {precision:.2f} recall {recall:.2f} (tp {tp} fp {fp} fn {fn} tn {tn})"
    )


def test_every_ai_title_of_the_corpus_matches_and_no_other_does(matcher):
    titles = corpus()
    assert sum(titles.values()) >= 25 and len(titles) - sum(titles.values()) >= 20
    missed = [t for t, ai in titles.items() if ai and not _ai(matcher, {"title": t})]
    false = {t: _ai(matcher, {"title": t}) for t, ai in titles.items() if not ai}
    false = {t: n for t, n in false.items() if n}
    tp = sum(ai for ai in titles.values()) - len(missed)
    _report("corpus", tp, len(false), len(missed), len(titles) - tp - len(false) - len(missed))
    assert not missed
    assert not false


def test_held_out_titles(matcher):
    rows = heldout()
    assert len(rows) >= 100
    bad = []
    counts = dict.fromkeys(["tp", "fp", "fn", "tn"], 0)
    for label, title, en in rows:
        notice = {"title": title, "title_en": en}
        ai = _ai(matcher, notice)
        any_topic = [h.name for h in matcher.match(notice)]
        if label == "ai":
            counts["tp" if ai else "fn"] += 1
            ok = bool(ai)
        else:
            counts["fp" if ai else "tn"] += 1
            ok = not ai and (bool(any_topic) if label == "data" else not any_topic)
        if not ok:
            bad.append((label, title or en, any_topic))
    _report("held-out", counts["tp"], counts["fp"], counts["fn"], counts["tn"])
    assert not bad, bad


def test_the_data_topics_catch_data_rules_the_corpus_labels_not_ai(matcher):
    for title in [
        "数据出境安全评估办法",
        "个人信息出境标准合同办法",
        "促进和规范数据跨境流动规定",
        "个人信息保护合规审计管理办法",
    ]:
        assert {h.name for h in matcher.match({"title": title})} & DATA_TOPICS, title


def test_defaults_cover_the_promised_subjects(matcher):
    names = " ".join(s.name for s in default_topics()).lower()
    for subject in [
        "generative",
        "governance",
        "standardisation",
        "algorithm",
        "humanoid",
        "computing",
        "data",
        "cross-border",
        "biometric",
        "cloud",
        "cybersecurity",
        "internet information services",
        "digital government",
        "data economy",
    ]:
        assert subject in names
    samples = {
        "Generative AI & large models": "人工智能生成合成内容标识办法",
        "AI standardisation": "关于批准发布《网络安全技术 生成式人工智能服务安全基本要求》等推荐性国家标准的公告",
        "Humanoid robots, embodied AI & future industries": "具身智能标准化路线图",
        "Cloud, computing power & AI infrastructure": "全国一体化算力网建设方案",
        "Biometrics & face recognition": "人脸识别技术应用安全管理办法",
        "Algorithms & recommendation": "互联网信息服务算法推荐管理规定",
    }
    for topic, title in samples.items():
        assert topic in [h.name for h in matcher.match({"title": title})], (topic, title)


def test_the_default_pack_round_trips():
    specs = default_topics()
    again = loads_pack(dumps_pack(specs))
    assert [s.to_dict() for s in again] == [s.to_dict() for s in specs]


def test_glossary_is_substantial_and_bilingual():
    g = default_glossary()
    assert len(g) >= 300
    for zh, en in [
        ("人工智能", "artificial intelligence"),
        ("生成式人工智能", "generative AI"),
        ("深度合成", "deep synthesis"),
        ("大模型", "foundation model"),
        ("算力", "computing power"),
        ("个人信息", "personal information"),
        ("数据出境", "cross-border data"),
    ]:
        assert en in g.alternatives(zh) and zh in g.alternatives(en)


# One title per field of the domain, written from the vocabulary of the field (not taken from
# the measured titles): each must reach the topic for its field.
FIELD_SAMPLES = {
    "Cybersecurity": [
        "信息安全技术 网络安全等级保护测评过程指南",
        "商用密码应用安全性评估管理办法",
        "工业控制系统网络安全防护指南",
        "关于开展网络安全专用产品安全检测的公告",
        "网络安全技术 公钥基础设施 数字证书格式",
        "关于做好计算机病毒防治工作的通知",
    ],
    "Data security & personal information": [
        "个人信息保护合规审计管理办法",
        "汽车数据安全管理若干规定",
        "电信和互联网用户个人信息保护规定",
        "医疗卫生机构数据安全管理规范",
    ],
    "Data resources & the data economy": [
        "关于加快公共数据资源开发利用的意见",
        "“数据要素×”三年行动计划",
        "关于促进企业数据资源开发利用的意见",
        "可信数据空间发展行动计划",
    ],
    "Internet information services & content governance": [
        "网络信息内容生态治理规定",
        "网络直播营销管理办法",
        "互联网用户公众账号信息服务管理规定",
        "关于进一步加强网络暴力治理的通知",
        "未成年人网络保护条例",
    ],
    "Digital government & informatization": [
        "国家电子政务总体方案",
        "关于加快推进政务信息系统整合共享的通知",
        "“十四五”推进国家政务信息化规划",
        "全国一体化政务大数据体系建设指南",
    ],
    "Cloud, computing power & AI infrastructure": [
        "云计算服务安全评估办法",
        "算力基础设施高质量发展行动计划",
        "关于深入实施“东数西算”工程的意见",
    ],
}


@pytest.mark.parametrize(
    "topic,title", [(t, title) for t, titles in FIELD_SAMPLES.items() for title in titles]
)
def test_each_field_reaches_its_topic(matcher, topic, title):
    assert topic in [h.name for h in matcher.match({"title": title})]


AGENCIES = [
    "国家互联网信息办公室",
    "国家网信办",
    "中央网络安全和信息化委员会办公室",
    "中央网信办",
    "工业和信息化部",
    "工业和信息化部办公厅",
    "江苏省工业和信息化厅",
    "浙江省经济和信息化厅",
    "国家数据局",
    "贵州省大数据发展管理局",
    "国家密码管理局",
    "全国网络安全标准化技术委员会",
    "全国信息技术标准化技术委员会",
    "国家标准化管理委员会",
    "公安部网络安全保卫局",
    "国家计算机网络应急技术处理协调中心",
    "中国网络安全审查认证和市场监管大数据中心",
    "国务院办公厅政府信息与政务公开办公室",
    "Cyberspace Administration of China",
    "Ministry of Industry and Information Technology",
    "National Data Administration",
    "National Cybersecurity Standardization Technical Committee",
]


@pytest.mark.parametrize("name", AGENCIES)
def test_no_topic_fires_on_an_agency_name(matcher, name):
    assert matcher.match({"title": name, "title_en": name, "issuer": [name]}) == []
    notice = {"title": f"{name}关于做好2026年春节假期值班工作的通知", "issuer": [name]}
    assert matcher.match(notice) == []


@pytest.mark.parametrize(
    "title",
    [
        "关于印发《财政专项资金管理办法》的通知",
        "关于加快建设农村电商服务平台的通知",
        "关于完善农产品销售网络的意见",
        "国务院办公厅关于印发2015年政府信息公开工作要点的通知",
        "关于加强统计数据质量管理的意见",
        "中华人民共和国预算法实施条例",
        "关于加强文物等保护工作的通知",
        "国务院关于印发深化标准化工作改革方案的通知",
    ],
)
def test_generic_words_and_false_friends_fire_nothing(matcher, title):
    assert matcher.match({"title": title}) == []


def test_an_agency_issuing_a_notice_on_its_field_still_matches_on_the_subject(matcher):
    notice = {
        "title": "国家互联网信息办公室关于发布《网络安全事件报告管理办法》的公告",
        "issuer": ["国家互联网信息办公室"],
    }
    (hit,) = [h for h in matcher.match(notice) if h.name == "Cybersecurity"]
    assert {(x.term, x.field) for x in hit.hits} == {
        ("网络安全", "title"),
        ("网络安全事件", "title"),
    }
