"""Comment deadlines, signature blocks, standard numbers, labelled fields and attachment links."""

from __future__ import annotations

import datetime as dt

import pytest

from scrapers.markup import attachments, labelled_fields, soup_of
from scrapers.text import extract_comment_deadline, extract_standard_number, signature_block

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("意见反馈截止时间为2023年8月25日。", D(2023, 8, 25)),
        ("反馈意见截止日期：2025年3月15日", D(2025, 3, 15)),
        ("征求意见截止日期为2025年3月15日17:00", D(2025, 3, 15)),
        ("请在2025年3月15日前反馈", D(2025, 3, 15)),
        ("如有意见或建议，请于2024年7月12日前反馈至消费品工业司。", D(2024, 7, 12)),
        ("请于2024年11月13日24:00前将意见和建议反馈至秘书处。", D(2024, 11, 13)),
        ("请于2025年1月10日（17:00）之前，通过电子邮件提交意见。", D(2025, 1, 10)),
        ("有关意见请于2025-04-30前发送至邮箱。", D(2025, 4, 30)),
        ("截止日期：2025-03-15", D(2025, 3, 15)),
        ("反馈时间截至2025年6月1日。", D(2025, 6, 1)),
        ("征求意见时间为2025年1月1日至2025年1月31日。", D(2025, 1, 31)),
        ("征求意见时间为2025年1月1日至1月31日。", D(2025, 1, 31)),
        ("公示期：2025年12月20日至1月5日", D(2026, 1, 5)),
        ("公众可于2025年9月30日前，通过以下途径提出意见", D(2025, 9, 30)),
        ("请于2025年2月30日前反馈意见。", None),  # not a date
    ],
)
def test_comment_deadline_phrasings(text, expected):
    assert extract_comment_deadline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "截至2024年12月31日，全国共发布国家标准4万余项。",  # statistics cut-off
        "截止2024年12月31日，累计备案生成式人工智能服务302款。",
        "各地要在2025年6月30日前将实施情况报送我部。",  # a reporting duty, not comments
        "本标准自2025年9月1日起实施。",
        "根据2023年10月20日前发布的规定执行。",
        "工业和信息化部\n2023年10月20日",
        "",
        None,
    ],
)
def test_dates_that_are_not_comment_deadlines(text):
    assert extract_comment_deadline(text) is None


def test_earliest_deadline_statement_wins():
    text = "请于2025年3月1日前反馈意见。联系电话……（截止日期：2025年4月1日另有安排）"
    assert extract_comment_deadline(text) == D(2025, 3, 1)


def test_signature_block_reads_issuers_and_date_before_attachments():
    lines = [
        "现将方案印发给你们，请认真贯彻落实。",
        "工业和信息化部　国家发展改革委",
        "生态环境部",
        "2022年7月7日",
        "附件：",
        "工业领域碳达峰实施方案.pdf",
    ]
    assert signature_block(lines) == (
        ["工业和信息化部", "国家发展改革委", "生态环境部"],
        D(2022, 7, 7),
    )


def test_signature_block_keeps_parenthesised_names_and_ignores_sentences():
    lines = ["批准发布。", "国家市场监督管理总局（国家标准化管理委员会）", "2024年12月31日"]
    assert signature_block(lines) == (
        ["国家市场监督管理总局（国家标准化管理委员会）"],
        D(2024, 12, 31),
    )
    assert signature_block(["请认真贯彻落实。", "特此公告"]) == ([], None)
    assert signature_block([]) == ([], None)


def test_standard_numbers():
    assert extract_standard_number("批准发布GB/T 41819-2022《信息安全技术》") == "GB/T 41819-2022"
    assert extract_standard_number("（GB 45438—2025）") == "GB 45438-2025"
    assert extract_standard_number("GB／T　20000.1-2014") == "GB/T 20000.1-2014"
    assert extract_standard_number("没有标准号") is None


@pytest.mark.parametrize(
    "html",
    [
        "<table><tr><td>发文机关：</td><td>工业和信息化部</td><td>发文字号：</td><td>工信部科〔2023〕193号</td></tr></table>",
        "<dl><dt>发文机关</dt><dd>工业和信息化部</dd><dt>发文字号</dt><dd>工信部科〔2023〕193号</dd></dl>",
        "<ul><li><label>发文机关：</label><span>工业和信息化部</span></li>"
        "<li><label>发文字号：</label><span>工信部科〔2023〕193号</span></li></ul>",
        "<div><p><b>发文机关：</b>工业和信息化部</p><p><b>发文字号：</b>工信部科〔2023〕193号</p></div>",
        "<div><p>发文机关：工业和信息化部</p><p>发文字号：工信部科〔2023〕193号</p></div>",
        "<table><tr><td><span>发文机关</span></td><td>工业和信息化部</td></tr>"
        "<tr><td><span>发 文 字 号</span></td><td>工信部科〔2023〕193号</td></tr></table>",
    ],
    ids=["td-pairs", "dl", "label-span", "bold-text", "text-lines", "nested-td"],
)
def test_labelled_fields_in_any_markup(html):
    fields = labelled_fields(soup_of(html), ["发文机关", "发文字号", "成文日期"])
    assert fields["发文机关"] == "工业和信息化部"
    assert fields["发文字号"] == "工信部科〔2023〕193号"
    assert "成文日期" not in fields


def test_empty_label_value_stays_empty_and_does_not_borrow_the_next_row():
    html = "<ul><li><label>成文日期：</label><span></span></li><li><label>发布日期：</label><span>2024-07-02</span></li></ul>"
    fields = labelled_fields(soup_of(html), ["成文日期", "发布日期"])
    assert fields == {"成文日期": "", "发布日期": "2024-07-02"}


def test_attachments_from_links_frames_and_viewers():
    html = """
    <div>
      <a href="/files/a.pdf">方案.pdf</a>
      <a href="http://www.miit.gov.cn/files/b.docx">附表</a>
      <a href="/pdfjs/web/viewer.html?file=%2Ffiles%2Fc.pdf">在线阅读</a>
      <iframe fileurl="/files/d.pdf" src="/viewer.html"></iframe>
      <iframe src="//www.miit.gov.cn/files/e.pdf"></iframe>
      <a href="javascript:void(0)">x.pdf</a>
      <a href="/files/a.pdf">重复</a>
      <a href="/zwgk/index.html">首页</a>
    </div>"""
    got = attachments(soup_of(html), "https://www.miit.gov.cn/zwgk/art/2024/art_1.html")
    assert [(a.name, a.url) for a in got] == [
        ("方案.pdf", "https://www.miit.gov.cn/files/a.pdf"),
        ("附表", "https://www.miit.gov.cn/files/b.docx"),
        ("在线阅读", "https://www.miit.gov.cn/files/c.pdf"),
        ("d.pdf", "https://www.miit.gov.cn/files/d.pdf"),
        ("e.pdf", "https://www.miit.gov.cn/files/e.pdf"),
    ]
