"""A seeded database for the report tests: one instrument of each kind, every field filled."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from storage.db import Database
from storage.models import Notice, Topic, TopicMatch
from tests.seed import give_state

EVIL_TITLE = "<script>alert(1)</script>[x](javascript:alert(1))"


@dataclass
class Seeded:
    db: Database
    url: str
    ids: dict[str, int]


def seed(url: str) -> Seeded:
    db = Database.open(url)
    with db.write() as s:
        topic = Topic(name="AI", query="人工智能")
        s.add(topic)
        notices = {
            "law": Notice(
                source="cac",
                url="https://www.cac.gov.cn/2023-07/13/c_1.htm",
                title="生成式人工智能服务管理暂行办法",
                title_en="Interim Measures for the Management of Generative AI Services",
                title_en_provider="glossary",
                issuers=[
                    "国家互联网信息办公室",
                    "国家发展和改革委员会",
                    "教育部",
                    "科学技术部",
                    "工业和信息化部",
                    "公安部",
                    "国家广播电视总局",
                ],
                doc_number="第15号",
                written_date=dt.date(2023, 7, 10),
                published_date=dt.date(2023, 7, 13),
                effective_date=dt.date(2023, 8, 15),
            ),
            "draft": Notice(
                source="cac",
                url="https://www.cac.gov.cn/2023-04/11/c_2.htm",
                title="国家互联网信息办公室关于《生成式人工智能服务管理办法（征求意见稿）》公开征求意见的通知",
                title_en="Notice on Soliciting Comments on the Measures for Generative AI Services "
                "(Draft for Comment)",
                issuers=["国家互联网信息办公室"],
                published_date=dt.date(2023, 4, 11),
                comment_deadline=dt.date(2023, 5, 10),
            ),
            "policy": Notice(
                source="miit",
                url="https://www.miit.gov.cn/art/2023/art_3.html",
                title="工业和信息化部关于印发《人形机器人创新发展指导意见》的通知",
                title_en="Notice of MIIT on Issuing the Guiding Opinions on Humanoid Robots",
                issuers=["工业和信息化部"],
                doc_number="工信部科〔2023〕193号",
                published_date=dt.date(2023, 11, 2),
            ),
            "plan": Notice(
                source="std_samr",
                url="https://std.samr.gov.cn/gb/search/gbDetailed?id=P1",
                title="网络安全技术 人工智能生成合成内容标识方法",
                title_en="Cybersecurity technology—Labeling method for AI-generated content",
                plan_code="20241093-Q-469",
                stage="发布",
                published_date=dt.date(2024, 4, 12),
                extra={
                    "std_form": "制定",
                    "std_nature": "强制性",
                    "归口单位": "全国网络安全标准化技术委员会",
                },
            ),
            "standard": Notice(
                source="std_samr",
                url="https://std.samr.gov.cn/gb/search/gbDetailed?id=S1",
                title="信息安全技术 人脸识别数据安全要求",
                title_en="machine translation of the name",
                standard_number="GB/T 41819-2022",
                stage="现行",
                published_date=dt.date(2022, 10, 14),
                effective_date=dt.date(2023, 5, 1),
                extra={
                    "英文标准名称": "Information security technology - Requirements for face "
                    "recognition data security",
                    "std_nature": "推荐性",
                    "主管部门": "国家标准化管理委员会",
                    "归口单位": "全国网络安全标准化技术委员会",
                },
            ),
            "evil": Notice(
                source="govcn",
                url="javascript:alert(1)",
                title=EVIL_TITLE,
                issuers=["某某协会"],
            ),
            "unflagged": Notice(
                source="cac",
                url="https://www.cac.gov.cn/2024-01/01/c_9.htm",
                title="无关的通知",
                published_date=dt.date(2024, 1, 1),
            ),
        }
        s.add_all(notices.values())
        s.flush()
        ids = {k: n.id for k, n in notices.items()}
        s.add(TopicMatch(notice_id=ids["policy"], topic_id=topic.id))
        notes = {
            "law": "- Security assessment before launch\n- Algorithm filing\n\nLabelling of content",
            "plan": "Mandatory; aligns with the CAC labelling measures",
        }
        for key, nid in ids.items():
            if key == "unflagged":
                give_state(s, nid, status="closed")
                continue
            give_state(s, nid, flagged=True, status="relevant", note=notes.get(key, ""))
    return Seeded(db, url, ids)


@pytest.fixture
def seeded(tmp_path) -> Seeded:
    s = seed(f"sqlite:///{tmp_path / 'regwatch.sqlite3'}")
    yield s
    s.db.close()
