"""``regwatch parse`` prints a parser's view of a saved page."""

from __future__ import annotations

import json

from app.cli import main
from tests.corpus import ROOT

DETAIL = ROOT / "hosts/www.gov.cn/zhengce/content/202508/content_7037861.htm"
DETAIL_URL = "https://www.gov.cn/zhengce/content/202508/content_7037861.htm"


def test_detail_page_prints_fields_as_json(capsys):
    assert main(["parse", "govcn", str(DETAIL), "--url", DETAIL_URL]) == 0
    out = json.loads(capsys.readouterr().out)
    notice = out["notice"]
    assert out["kind"] == "detail"
    assert notice["doc_number"] == "国发〔2025〕11号" and notice["written_date"] == "2025-08-21"
    assert notice["issuers"] == ["国务院"] and notice["rules"]


def test_list_pages_are_chosen_from_the_url(capsys):
    page = ROOT / "hosts/www.cac.gov.cn/wxzw/zcfg/A093703index_1@t2.htm"
    assert (
        main(
            [
                "parse",
                "cac",
                str(page),
                "--url",
                "https://www.cac.gov.cn/wxzw/zcfg/A093703index_1.htm",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["kind"] == "list" and out["count"] == 10
    assert out["items"][0]["url"].startswith("https://www.cac.gov.cn/") and out["items"][0]["date"]


def test_unknown_source_and_missing_file_are_user_errors(capsys, tmp_path):
    assert main(["parse", "nosuch", str(DETAIL), "--url", DETAIL_URL]) == 2
    assert "unknown source 'nosuch'" in capsys.readouterr().err
    assert main(["parse", "govcn", str(tmp_path / "gone.htm"), "--url", DETAIL_URL]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["parse", "govcn", str(DETAIL), "--url", "file:///x"]) == 2


def test_parser_error_is_reported_as_json_with_exit_1(capsys, tmp_path):
    bad = tmp_path / "feed.json"
    bad.write_bytes(b"{not json")
    assert (
        main(
            [
                "parse",
                "govcn",
                str(bad),
                "--url",
                "https://www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE.json",
            ]
        )
        == 1
    )
    out = json.loads(capsys.readouterr().out)
    assert out["error"] == "error" and "did not return valid JSON" in out["message"]
