"""A small seeded database for the export tests: notices, topics, matches, flags, notes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from storage.db import Database
from storage.models import Notice, Topic, TopicMatch
from tests.seed import give_state

INJECTION = "\r\nBcc: evil@example.com"
FORMULA_NOTE = '=HYPERLINK("http://evil.example/","click me")'


@dataclass
class Seeded:
    db: Database
    today: dt.date
    urls: dict[str, str]


def _notice(**kw) -> Notice:
    kw.setdefault("source", "cac")
    kw.setdefault("first_seen", dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    return Notice(**kw)


def seed(url: str, today: dt.date) -> Seeded:
    """Open a fresh database at ``url`` and fill it (dates relative to ``today``)."""
    db = Database.open(url)
    d = dt.timedelta
    with db.write() as s:
        ai = Topic(name="AI", query="人工智能", position=0)
        data = Topic(name="Data security", query="数据安全", position=1)
        off = Topic(name="Disabled topic", query="x", position=2, enabled=False)
        s.add_all([ai, data, off])
        n_ai = _notice(
            url="https://www.cac.gov.cn/2025-03/01/c_1.htm",
            title="人工智能生成合成内容标识办法（征求意见稿）",
            title_en="Measures for Labelling AI-Generated Synthetic Content (Draft for Comment)",
            title_en_provider="openai",
            title_en_complete=True,
            issuers=["国家互联网信息办公室", "工业和信息化部"],
            doc_number="国信办通字〔2025〕1号",
            written_date=today - d(12),
            published_date=today - d(10),
            comment_deadline=today + d(5),
            attachments=[
                {"name": "附件1.pdf", "url": "https://www.cac.gov.cn/files/a1.pdf"},
                {"name": "bad", "url": "javascript:alert(1)"},
            ],
        )
        n_data = _notice(
            source="miit",
            url="https://www.miit.gov.cn/zwgk/2025/art_2.html",
            title="工业和信息化领域数据安全风险评估实施细则",
            title_en="Implementation Rules for Data Security Risk Assessment",
            title_en_provider="glossary",
            title_en_complete=True,
            issuers=["工业和信息化部"],
            doc_number="工信部网安〔2025〕7号",
            published_date=today - d(20),
            comment_deadline=today - d(3),
        )
        n_std = _notice(
            source="tc260",
            url="https://www.tc260.org.cn/front/bzzqyjDetail.html?id=3",
            title="网络安全技术 生成式人工智能服务安全基本要求",
            title_en="Cybersecurity technology — Basic security requirements for generative AI",
            title_en_provider="human",
            title_en_human=True,
            published_date=today - d(2),
            comment_deadline=today + d(30),
        )
        n_other = _notice(
            source="govcn",
            url="https://www.gov.cn/zhengce/content/202503/content_4.htm",
            title="<script>alert(1)</script>国务院关于印发通知" + INJECTION,
            published_date=today - d(1),
        )
        n_sent = _notice(
            url="https://www.cac.gov.cn/2025-02/01/c_5.htm",
            title="数据出境安全评估办法",
            title_en="Measures for Security Assessment of Outbound Data Transfers",
            title_en_provider="openai",
            published_date=today - d(40),
        )
        n_plain = _notice(
            url="https://www.cac.gov.cn/2025-03/05/c_6.htm",
            title="无关通知",
            published_date=today - d(4),
        )
        s.add_all([n_ai, n_data, n_std, n_other, n_sent, n_plain])
        s.flush()
        s.add_all(
            [
                TopicMatch(notice_id=n_ai.id, topic_id=ai.id),
                TopicMatch(notice_id=n_ai.id, topic_id=data.id),
                TopicMatch(notice_id=n_data.id, topic_id=data.id),
                TopicMatch(notice_id=n_std.id, topic_id=ai.id),
                TopicMatch(notice_id=n_sent.id, topic_id=data.id),
                TopicMatch(notice_id=n_plain.id, topic_id=off.id),
            ]
        )
        s.flush()
        give_state(
            s,
            n_ai.id,
            flagged=True,
            status="relevant",
            note="Check scope vs EU AI Act; 与欧盟对比" + INJECTION,
        )
        give_state(s, n_data.id, flagged=True, status="escalated", note=FORMULA_NOTE)
        give_state(s, n_other.id, flagged=True, note="<b>bold?</b>")
        give_state(
            s,
            n_sent.id,
            flagged=True,
            exported_at=dt.datetime(2025, 2, 2, tzinfo=dt.UTC),
            exported_to="old@example.org",
        )
    urls = {
        "ai": n_ai.url,
        "data": n_data.url,
        "std": n_std.url,
        "other": n_other.url,
        "sent": n_sent.url,
        "plain": n_plain.url,
    }
    return Seeded(db, today, urls)
