"""User-defined source definitions: config checks, list parsing, dates, detail fallback, packs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from app.config import parse_config
from app.config_write import config_to_toml
from app.custom_sources import community_definitions, dumps_pack, loads_pack
from app.errors import UserError
from scrapers.base import LayoutError, get_source, source_keys
from scrapers.custom import CustomDefinition, parse_detail, parse_html_list, parse_json_list
from scrapers.text import parse_list_date

BASE = """
[custom_sources.kjt]
name = "科技厅"
list_url = "https://kjt.example.gov.cn/tzgg/"
item = "ul.list li"
"""


@pytest.mark.parametrize(
    ("extra", "key", "message"),
    [
        ("", "Kjt", "lower-case letters, digits and _"),
        ("", "kjt-1", "lower-case letters, digits and _"),
        ("", "miit", "built-in source 'miit'"),
        ('item = "ul li["', "kjt", "custom_sources.kjt.item' is not a valid CSS selector"),
        ('date = "span:nth-child("', "kjt", "custom_sources.kjt.date' is not a valid CSS"),
        ('list_url = "file:///etc/passwd"', "kjt", "must be an http(s) URL"),
        ('colour = "red"', "kjt", "unknown config key 'custom_sources.kjt.colour'"),
        ('items = "data.list"', "kjt", 'only used with format = "json"'),
        ("interval = 0", "kjt", "at least 1 (minutes)"),
        ('format = "xml"', "kjt", "must be one of html, json"),
    ],
)
def test_config_mistakes_are_named_in_one_line_with_the_full_key(extra, key, message):
    lines = BASE.replace("custom_sources.kjt", f"custom_sources.{key}").splitlines()
    field = extra.split(" ")[0]
    if field in ("list_url", "item"):  # replaces the valid value
        lines = [x for x in lines if not x.startswith(field + " ")]
    text = "\n".join([*lines, extra])
    with pytest.raises(UserError) as err:
        parse_config(text)
    assert message in err.value.message and "\n" not in err.value.message


def test_a_loaded_config_makes_the_source_known_like_a_built_in_one():
    cfg = parse_config(BASE + "\n[sources.kjt]\ninterval = 30\n")
    assert source_keys()[-1] == "kjt" and cfg.source("kjt").interval == 30
    info = get_source("kjt").info
    assert info.name_en == "科技厅" and [c.key for c in info.channels] == ["list"]
    assert "removal" in info.capabilities  # one page, no paging: the list is complete
    assert parse_config(config_to_toml(cfg)).custom_sources == cfg.custom_sources
    parse_config("")
    assert "kjt" not in source_keys()  # the next config decides


def test_sources_settings_for_an_undefined_source_are_still_refused():
    with pytest.raises(UserError, match="unknown name 'kjt'"):
        parse_config("[sources.kjt]\nenabled = false\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-02", dt.date(2024, 1, 2)),
        ("2024/1/2", dt.date(2024, 1, 2)),
        ("2024年1月2日", dt.date(2024, 1, 2)),
        ("2024.01.02", dt.date(2024, 1, 2)),
        ("［２０２４－０１－０２］", dt.date(2024, 1, 2)),
        ("[01-02]", dt.date(2025, 1, 2)),
        ("1月2日", dt.date(2025, 1, 2)),
        ("(12-30)", dt.date(2024, 12, 30)),  # read on 5 January: last December
        ("12/31 10:30", dt.date(2024, 12, 31)),
        ("01-06", dt.date(2025, 1, 6)),  # tomorrow in Beijing may already be today's list
        ("01-20", dt.date(2024, 1, 20)),  # later this month cannot be listed yet: last year
        ("02-29", dt.date(2024, 2, 29)),
        ("13-01", None),
        ("2025-03", None),
        ("", None),
    ],
)
def test_list_dates_in_every_common_form_with_the_year_inferred(text, expected):
    assert parse_list_date(text, dt.date(2025, 1, 5)) == expected


def defn(**kw) -> CustomDefinition:
    base = {"key": "k", "name": "n", "list_url": "https://x.example.cn/list/"}
    return CustomDefinition(**(base | kw))


def test_an_item_selector_may_pick_the_links_themselves():
    html = (
        "<div class='l'><a href='a.html'>甲通知</a> 2024-01-02<br>"
        "<a href='b.html' title='乙通知全文标题'>乙通知…</a> 2024-01-01<br>"
        "<a href='mailto:x@y.cn'>联系我们</a></div>"
    )
    items = parse_html_list(
        defn(item="div.l > a"), html, "https://x.example.cn/list/", dt.date(2024, 2, 1)
    )
    assert [(i.url, i.title, i.link_text) for i in items] == [
        ("https://x.example.cn/list/a.html", "甲通知", None),
        ("https://x.example.cn/list/b.html", "乙通知全文标题", "乙通知…"),
    ]


def test_a_separate_link_and_a_date_cell_in_table_rows():
    html = (
        "<table><tr><th>标题</th><th>日期</th></tr>"
        "<tr><td class='t'>关于印发某办法的通知</td><td><a href='/d/1.html'>查看</a></td>"
        "<td class='d'>2024年3月5日</td></tr></table>"
    )
    d = defn(item="tr", title="td.t", link="a", date="td.d")
    (item,) = parse_html_list(d, html, "https://x.example.cn/list/", dt.date(2024, 4, 1))
    assert (item.url, item.title, item.date) == (
        "https://x.example.cn/d/1.html",
        "关于印发某办法的通知",
        dt.date(2024, 3, 5),
    )


def test_json_lists_take_dotted_paths_templates_and_epoch_dates():
    data = {
        "result": {
            "rows": [
                {"t": {"zh": "草案一"}, "id": "ff80 1", "d": 1704326400},
                {"t": {"zh": "草案二"}, "id": "", "d": "2024-01-01"},  # no id: no link, skipped
            ]
        }
    }
    d = defn(format="json", items="result.rows", title="t.zh", url="view.html?lid={id}", date="d")
    items = parse_json_list(d, json.dumps(data).encode(), d.list_url, dt.date(2024, 2, 1))
    assert [(i.url, i.title, i.date) for i in items] == [
        ("https://x.example.cn/list/view.html?lid=ff80%201", "草案一", dt.date(2024, 1, 4))
    ]


def test_a_json_path_that_leads_nowhere_is_a_layout_error_naming_it():
    d = defn(format="json", items="data.list")
    with pytest.raises(LayoutError, match="items = 'data.list' holds nothing"):
        parse_json_list(d, b'{"data": {"rows": []}}', d.list_url, dt.date(2024, 1, 1))


def test_a_detail_page_without_the_body_element_is_a_layout_change():
    page = "<html><body><h1>标题</h1><div class='x'>正文</div></body></html>".encode()
    with pytest.raises(LayoutError, match="detail_body = 'div.article'"):
        parse_detail(
            defn(item="li", detail_body="div.article"), page, "https://x.example.cn/1.html"
        )


def test_the_body_fallback_prefers_sentences_over_a_long_metadata_list():
    issuers = " ".join(["工业和信息化部", "教育部", "公安部", "民政部", "财政部"] * 4)
    page = f"""<html><body><div class="main">
      <ul class="meta"><li><label>发文机关：</label><span>{issuers}</span></li>
      <li><label>发文字号：</label><span>工信部联科〔2024〕1号</span></li></ul>
      <h1>关于推动某产业发展的通知</h1>
      <div class="text"><p>各省、自治区、直辖市有关主管部门：</p>
      <p>为推动产业高质量发展，现将有关事项通知如下，请认真贯彻落实。</p></div>
      <div class="share"><a href="#">微信</a><a href="#">微博</a></div></div></body></html>"""
    notice = parse_detail(
        defn(item="li"), page.encode(), "https://x.example.cn/1.html", "关于推动某产业发展的通知"
    )
    assert notice.body.startswith("各省、自治区、直辖市有关主管部门：")
    assert "微信" not in notice.body and "发文机关" not in notice.body
    assert notice.doc_number == "工信部联科〔2024〕1号" and notice.issuers[:2] == [
        "工业和信息化部",
        "教育部",
    ]


def test_a_site_banner_in_h1_does_not_replace_the_list_title():
    page = "<html><body><h1>某省人民政府</h1><div><p>正文内容，共三段。</p></div></body></html>".encode()
    notice = parse_detail(defn(item="li"), page, "https://x.example.cn/1.html", "关于某事项的通知")
    assert notice.title == "关于某事项的通知"


def test_source_packs_round_trip_and_the_shipped_pack_is_valid():
    shipped = community_definitions()
    assert {"most_tztg", "ndrc_tz", "npc_flcaw"} <= set(shipped)
    assert loads_pack(dumps_pack(shipped.values())) == shipped
    with pytest.raises(UserError, match="not a regwatch source pack"):
        loads_pack('format = "regwatch-topics"\nversion = 1\n')
    with pytest.raises(UserError, match=r"pack\.toml: config key 'custom_sources\.x\.item'"):
        loads_pack(
            'format = "regwatch-sources"\nversion = 1\n[custom_sources.x]\nname = "x"\n'
            'list_url = "https://x.cn/"\nitem = ""\n',
            "pack.toml",
        )


def test_the_config_accepts_exactly_the_fields_of_a_definition():
    import dataclasses

    from app.custom_sources import _FIELDS

    assert _FIELDS == {f.name for f in dataclasses.fields(CustomDefinition)} - {"key"}


def test_a_custom_source_is_scheduled_at_its_own_interval():
    from apscheduler.schedulers.background import BackgroundScheduler

    from app.scheduling import add_fetch_jobs

    cfg = parse_config(BASE + "interval = 180\n")
    sched = BackgroundScheduler(timezone="UTC")
    jobs = add_fetch_jobs(sched, cfg, lambda key: None, sources=["kjt"])
    sched.start(paused=True)
    try:
        (job,) = [sched.get_job(j.id) for j in jobs]
        assert job.id == "fetch:kjt" and job.trigger.interval == dt.timedelta(minutes=180)
    finally:
        sched.shutdown(wait=False)


def test_the_parse_command_reads_saved_list_and_detail_pages_of_a_custom_source(tmp_path, capsys):
    from app.cli import main

    site = Path(__file__).parent / "fixtures" / "custom_site" / "hosts" / "kjt.example.gov.cn"
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text(BASE.replace('"ul.list li"', '"ul.news-list > li"'), encoding="utf-8")
    base = ["--config", str(cfg), "--db", f"sqlite:///{tmp_path / 'r.sqlite3'}", "parse", "kjt"]
    page2 = "https://kjt.example.gov.cn/tzgg/index_1.html"  # not list_url: found by its rows
    assert main([*base, str(site / "tzgg" / "index_1@t2.html"), "--url", page2]) == 0
    out = capsys.readouterr().out
    assert "t20231228_1.html" in out and "t20231220_0.html" in out
    detail = "https://kjt.example.gov.cn/tzgg/202401/t20240105_3.html"
    assert main([*base, str(site / "tzgg" / "202401" / "t20240105_3.html"), "--url", detail]) == 0
    assert "某科监〔2024〕3号" in capsys.readouterr().out
