"""Build small, realistic databases through the ORM for tests (no fetching involved)."""

from __future__ import annotations

import datetime as dt

from storage.models import Notice, NoticeVersion, Topic, TopicMatch, UserState

SAMPLE = [
    dict(
        source="cac",
        channel="zcfg",
        url="https://www.cac.gov.cn/2023-07/13/c_1690898327029107.htm",
        title="生成式人工智能服务管理暂行办法",
        title_en="Interim Measures for the Management of Generative Artificial Intelligence Services",
        title_en_provider="glossary",
        title_en_complete=True,
        issuers=["国家互联网信息办公室", "国家发展和改革委员会"],
        doc_number="国家互联网信息办公室令第15号",
        written_date=dt.date(2023, 5, 23),
        published_date=dt.date(2023, 7, 13),
        doc_type="部门规章",
        body="《生成式人工智能服务管理暂行办法》已经2023年5月23日国家互联网信息办公室2023年第12次室务会会议审议通过。",
        attachments=[{"name": "办法全文.pdf", "url": "https://www.cac.gov.cn/files/pdf/a.pdf"}],
    ),
    dict(
        source="govcn",
        channel="bmwj",
        url="https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm",
        title="国务院办公厅关于2026年部分节假日安排的通知",
        title_en=None,
        issuers=["国务院办公厅"],
        doc_number="国办发明电〔2025〕7号",
        written_date=dt.date(2025, 11, 4),
        published_date=dt.date(2025, 11, 4),
        doc_type="通知",
        body="经国务院批准，现将2026年元旦、春节、清明节等节假日安排通知如下。",
    ),
    dict(
        source="tc260",
        channel="zqyj",
        url="https://www.tc260.org.cn/front/postDetail.html?id=20250704092842",
        title="关于国家标准《网络安全技术 生成式人工智能数据标注安全规范》征求意见稿征求意见的通知",
        issuers=["全国网络安全标准化技术委员会"],
        published_date=dt.date(2025, 7, 4),
        comment_deadline=dt.date(2025, 9, 2),
        body="请于2025年9月2日前反馈意见。",
    ),
]


def seed(db, *, flag_first: bool = True) -> dict[str, int]:
    """Insert SAMPLE notices, one topic matching the AI ones, one version; return url -> id."""
    ids: dict[str, int] = {}
    with db.write() as s:
        topic = Topic(name="Generative AI", query='生成式人工智能 OR "generative AI"')
        s.add(topic)
        for rec in SAMPLE:
            n = Notice(**rec)
            s.add(n)
            s.flush()
            ids[n.url] = n.id
            if "生成式人工智能" in n.title:
                s.add(
                    TopicMatch(
                        notice_id=n.id,
                        topic_id=topic.id,
                        terms=[{"term": "生成式人工智能", "field": "title", "start": 0, "end": 7}],
                    )
                )
        first = SAMPLE[0]["url"]
        s.add(NoticeVersion(notice_id=ids[first], title=SAMPLE[0]["title"], body="旧版本正文"))
        if flag_first:
            give_state(s, ids[first], flagged=True, status="relevant", note="Key rule")
    return ids


def give_state(s, nid: int, *, flagged=False, status=None, note="", user=None, **state) -> None:
    """Triage a seeded notice as ``user`` (default: the session's) through storage.team,
    so flags, status and notes are attributed as the app records them; ``state`` sets
    other UserState columns (exported_at, report_section…)."""
    from storage import team

    s.flush()
    user = user or team.session_user(s)
    if flagged:
        team.set_flag(s, [nid], user, True)
    if status:
        team.set_status(s, [nid], user, status)
    if note:
        team.add_note(s, nid, user, note)
    if state:
        st = s.get(UserState, nid)
        if st is None:
            st = UserState(notice_id=nid)
            s.add(st)
        for key, value in state.items():
            setattr(st, key, value)
    s.flush()
