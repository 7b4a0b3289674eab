"""Unit tests for the shared HTML/text helpers (scrapers/dom.py, text.py, charset.py).

The label-list shapes and the basic attachment mix are covered in test_more_text.py; these
cover what the merge of the two former helper modules added: open-mode labels (gov.cn), cells
split in the ``label：value`` fallback, URL safety and the None-tolerant entry points.
"""

from __future__ import annotations

import pytest

from scrapers.base import FetchError
from scrapers.charset import load_json
from scrapers.dom import (
    attachments,
    find_id,
    labelled_fields,
    meta_content,
    paragraphs,
    parse_html,
    select_first,
    text_of,
)
from scrapers.text import org_names, safe_url, split_names

BASE = "https://www.gov.cn/zhengce/content/202401/content_1.htm"


# ---------------------------------------------------------------------------------------------
# labelled_fields


def test_open_mode_reads_every_colon_label_of_a_govcn_table():
    html = """<table class="bd1">
      <tr><td><b>索 引 号：</b></td><td>000014349/2025-01452</td>
          <td><b>主题分类：</b></td><td>财政、金融、审计\\关税</td></tr>
      <tr><td><b>标　　题：</b></td><td colspan="3">关于某事的通知</td></tr>
      <tr><td><b>发文字号：</b></td><td></td><td><b>来　　源：</b></td><td>财政部网站</td></tr>
    </table>"""
    assert labelled_fields(parse_html(html).table) == {
        "索引号": "000014349/2025-01452",
        "主题分类": "财政、金融、审计\\关税",
        "标题": "关于某事的通知",
        "发文字号": "",
        "来源": "财政部网站",
    }


def test_open_mode_takes_dt_terms_without_colons_and_ignores_long_or_url_text():
    html = """<div><dl><dt>计划号</dt><dd>20262852-T-469</dd></dl>
      <p>这是一段很长的正文说明文字不是标签：而是句子</p>
      <p>https://www.gov.cn/</p><p>http: //example</p></div>"""
    assert labelled_fields(parse_html(html).div) == {"计划号": "20262852-T-469"}


def test_label_value_cells_in_one_row_are_split_per_cell():
    html = "<table><tr><td>发文机关：国务院</td><td>发文字号：国发〔2024〕1号</td></tr></table>"
    expected = {"发文机关": "国务院", "发文字号": "国发〔2024〕1号"}
    assert labelled_fields(parse_html(html).table) == expected
    assert labelled_fields(parse_html(html), ["发文机关", "发文字号"]) == expected


def test_label_list_ignores_other_labels_and_next_label_is_not_a_value():
    html = "<table><tr><td>发文机关：</td><td>成文日期：</td><td>2024-01-02</td></tr></table>"
    assert labelled_fields(parse_html(html), ["发文机关", "成文日期"]) == {
        "发文机关": "",  # present but empty: never the next label's text
        "成文日期": "2024-01-02",
    }
    assert labelled_fields(parse_html(html), ["索引号"]) == {}


def test_first_value_wins_and_none_root_is_empty():
    html = "<div><p><b>来源：</b>新华社</p><p><b>来源：</b>人民网</p></div>"
    assert labelled_fields(parse_html(html)) == {"来源": "新华社"}
    assert labelled_fields(None) == {} and labelled_fields(None, ["来源"]) == {}


# ---------------------------------------------------------------------------------------------
# attachments and safe_url


def test_attachments_reject_script_mail_and_data_links_and_read_embed_object():
    html = """<div>
      <a href=" JavaScript:open('/a.pdf')">a.pdf</a>
      <a href="vbscript:x">b.pdf</a>
      <a href="mailto:x@gov.cn?subject=c.pdf">c.pdf</a>
      <a href="data:application/pdf;base64,AAAA">d.pdf</a>
      <a href="ftp://ftp.gov.cn/e.pdf">e.pdf</a>
      <a href="/files/%E9%99%84%E4%BB%B6.PDF"></a>
      <a href="/files/f.rtf" title="说明"></a>
      <embed src="/files/g.pdf" title="嵌入">
      <object data="/viewer.html?file=/files/h.ofd"></object>
      <iframe src="javascript:alert(1)" fileurl="javascript:alert(2)"></iframe>
    </div>"""
    got = [(a.name, a.url) for a in attachments(parse_html(html).div, BASE)]
    assert got == [
        ("附件.PDF", "https://www.gov.cn/files/%E9%99%84%E4%BB%B6.PDF"),
        ("说明", "https://www.gov.cn/files/f.rtf"),
        ("嵌入", "https://www.gov.cn/files/g.pdf"),
        ("h.ofd", "https://www.gov.cn/files/h.ofd"),
    ]
    assert attachments(None, BASE) == []


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/a/b.htm#top", "https://www.gov.cn/a/b.htm"),
        ("//www.cac.gov.cn/x.htm", "https://www.cac.gov.cn/x.htm"),
        ("http://WWW.GOV.CN:80/x", "https://www.gov.cn/x"),
        ("  javascript:void(0)", None),
        ("JAVASCRIPT:void(0)", None),
        ("#", None),
        ("mailto:a@b.cn", None),
        ("tel:12345", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(href, expected):
    assert safe_url(href, BASE) == expected


def test_safe_url_without_base_needs_a_host():
    assert safe_url("/relative/only.htm") is None
    assert safe_url("//www.gov.cn/a") == "https://www.gov.cn/a"


# ---------------------------------------------------------------------------------------------
# paragraphs, selection, meta


def test_paragraphs_split_blocks_and_br_drop_scripts_and_leave_the_tree_alone():
    html = """<div id="b"><p>第一段<br>第二行</p><script>var x=1;</script><style>p{}</style>
      <template>隐藏</template><ul><li>甲</li><li>乙</li></ul><blockquote>引文</blockquote>尾</div>"""
    page = parse_html(html)
    assert paragraphs(page.div) == ["第一段", "第二行", "甲", "乙", "引文", "尾"]
    assert page.find("script") is not None
    assert paragraphs(None) == []


def test_select_first_reports_the_selector_and_find_id_ignores_case():
    page = parse_html('<div class="a">x</div><DIV id="BodyLabel">y</DIV>')
    el, sel = select_first(page, ("h1", "div.a"))
    assert (text_of(el), sel) == ("x", "div.a")
    assert select_first(page, ("h9",)) == (None, None)
    assert text_of(find_id(page, "bodylabel")) == "y"
    assert text_of(None) == ""


def test_meta_content_matches_name_or_property_case_insensitively():
    page = parse_html(
        '<head><meta name="pubdate" content=" 2024-01-02 "><meta property="og:title" content="T">'
        '<meta name="Empty" content=""></head>'
    )
    assert meta_content(page, "PubDate") == "2024-01-02"
    assert meta_content(page, "og:title") == "T"
    assert meta_content(page, "empty") is None and meta_content(page, "missing") is None


def test_parse_html_takes_short_fragments_without_warnings():
    assert text_of(parse_html("index.html")) == "index.html"
    assert text_of(parse_html("<p>\u4e2d</p>".encode("gb18030"))) == "中"


# ---------------------------------------------------------------------------------------------
# names and JSON


def test_split_names_and_org_names():
    assert split_names("工业和信息化部\u3000国家发展改革委、财政部；商务部,\xa0国资委") == [
        "工业和信息化部",
        "国家发展改革委",
        "财政部",
        "商务部",
        "国资委",
    ]
    assert split_names(None) == []
    assert org_names("中共中央 国务院") == ["中共中央", "国务院"]
    assert org_names("请于2024年1月1日前反馈") == []


def test_load_json_tolerates_bom_and_names_the_host_when_not_json():
    assert load_json(b"\xef\xbb\xbf[1]", "https://www.gov.cn/a.json") == [1]
    with pytest.raises(FetchError, match="www.gov.cn did not return valid JSON"):
        load_json(b"<html>busy</html>", "https://www.gov.cn/a.json")
