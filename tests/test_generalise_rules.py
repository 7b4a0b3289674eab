"""The general rules added by the held-out audit, pinned down without page fixtures."""

from __future__ import annotations

import datetime as dt

from scrapers.dom import canonical_fields, with_synonyms
from scrapers.text import extract_comment_deadline, extract_doc_number


def test_synonym_labels_map_to_canonical_keys_without_overriding():
    fields = {"发布机关": "工业和信息化部", "文号": "工信部令第72号", "施行日期": "2025-11-01"}
    assert canonical_fields(fields) == {
        "发文机关": "工业和信息化部",
        "发文字号": "工信部令第72号",
        "实施日期": "2025-11-01",
    }
    assert canonical_fields({"发文机关": "国务院", "发布机关": "别的"}) == {"发文机关": "国务院"}
    assert canonical_fields({"成文日期": "", "印发日期": "2025年3月3日"}) == {
        "成文日期": "2025年3月3日"
    }
    assert "文号" in with_synonyms(["发文字号"]) and "印发日期" in with_synonyms(["成文日期"])


def test_a_cited_document_number_is_not_the_notice_s_own():
    cited = "为贯彻落实《新一代人工智能发展规划》（国发〔2017〕35号），现通知如下。"
    assert extract_doc_number(cited) is None
    assert extract_doc_number("国办发〔2019〕27号\n" + cited) == "国办发〔2019〕27号"


def test_weekday_between_deadline_date_and_before():
    text = "社会各界可在2025年5月9日（星期五）前，通过以下途径和方式提出反馈意见："
    assert extract_comment_deadline(text) == dt.date(2025, 5, 9)
    assert extract_comment_deadline("请于2025年6月6日（周五）17:00前反馈意见。") == dt.date(
        2025, 6, 6
    )
