"""The shipped default topics and glossary, checked on real corpus titles and held-out titles.

"AI" topics are all but the three data/cyber ones: the corpus labels data-protection rules
(数据出境安全评估办法 …) as not AI-relevant, and those are what the data topics are for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.topics import Matcher, default_glossary, default_topics, dumps_pack, loads_pack

ROOT = Path(__file__).resolve().parents[1]
DATA_TOPICS = {"Data security & personal information", "Cross-border data", "Cybersecurity"}


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
    ]:
        assert subject in names
    samples = {
        "Generative AI & large models": "人工智能生成合成内容标识办法",
        "AI standardisation": "关于批准发布《网络安全技术 生成式人工智能服务安全基本要求》等推荐性国家标准的公告",
        "Humanoid robots, embodied AI & future industries": "具身智能标准化路线图",
        "Computing power & AI infrastructure": "全国一体化算力网建设方案",
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
