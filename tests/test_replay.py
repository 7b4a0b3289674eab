"""The replay server follows the corpus manifest rules over a real socket."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from app.demo.replay import ReplayServer, default_corpus_dir


@pytest.fixture()
def server():
    with ReplayServer(snapshot="t1") as srv:
        yield srv


def _get(srv: ReplayServer, real: str, **kw) -> httpx.Response:
    return httpx.get(srv.mirror_url(real), timeout=5, **kw)


def test_serves_snapshot_files_and_switches_at_run_time(server):
    url = "https://www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE.json"
    t1 = _get(server, url)
    assert t1.status_code == 200
    assert t1.headers["content-type"] == "application/json"
    server.snapshot = "t2"
    t2 = _get(server, url)
    assert len(json.loads(t2.content.decode("utf-8-sig"))) > len(
        json.loads(t1.content.decode("utf-8-sig"))
    )
    expected = (
        default_corpus_dir() / "hosts/www.gov.cn/zhengce/zuixin/ZUIXINZHENGCE@t2.json"
    ).read_bytes()
    assert t2.content == expected


def test_page_new_in_t2_is_404_in_t1(server):
    url = "https://www.gov.cn/zhengce/content/202508/content_7037861.htm"
    assert _get(server, url).status_code == 404
    server.snapshot = "t2"
    assert _get(server, url).status_code == 200


def test_unknown_path_and_host_are_404(server):
    assert _get(server, "https://www.gov.cn/nope.htm").status_code == 404
    assert httpx.get(server.url + "/nothing", timeout=5).status_code == 404


def test_head_answers_like_get_without_body(server):
    r = httpx.head(server.mirror_url("https://www.gov.cn/robots.txt"), timeout=5)
    assert r.status_code == 200 and r.content == b""
    assert int(r.headers["content-length"]) > 0


def test_form_post_and_query_get_match_cac_json_list(server):
    base = server.url + "/www.cac.gov.cn/cms/JsonList"
    p2 = httpx.post(
        base, data={"channelCode": "A093703", "perPage": "10", "pageno": "2"}, timeout=5
    )
    assert p2.status_code == 200 and "list" in p2.json()
    p1 = httpx.post(base, data={"channelCode": "A093703", "perPage": "10"}, timeout=5)
    assert p1.status_code == 200 and p1.json()["list"] != p2.json()["list"]
    g = httpx.get(
        base, params={"channelCode": "A093703", "perPage": "10", "pageno": "2"}, timeout=5
    )
    assert g.json() == p2.json()
    assert (
        httpx.post(base, data={"channelCode": "NOPE", "perPage": "10"}, timeout=5).status_code
        == 404
    )


def test_query_json_with_single_quotes_and_required_referer(server):
    base = server.url + "/www.miit.gov.cn/api-gateway/jpaas-publish-server/front/page/build/unit"
    params = {
        "pageId": "4168e9227e1890d2492f94f75b519ce9",
        "paramJson": "{'pageNo':2,'pageSize':'24'}",
    }
    refused = httpx.get(base, params=params, timeout=5)
    assert refused.status_code == 403
    ok = httpx.get(base, params=params, headers={"Referer": "https://www.miit.gov.cn/x"}, timeout=5)
    assert ok.status_code == 200 and ok.json()["success"] is True
    # leniency: a mirror-form Referer counts as the real one
    mirror_ref = server.url + "/www.miit.gov.cn/zwgk/index.html"
    assert (
        httpx.get(base, params=params, headers={"Referer": mirror_ref}, timeout=5).status_code
        == 200
    )


def test_conditional_requests_get_304(server):
    url = server.mirror_url("https://www.gov.cn/robots.txt")
    first = httpx.get(url, timeout=5)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert httpx.get(url, headers={"If-None-Match": etag}, timeout=5).status_code == 304
    assert httpx.get(url, headers={"If-Modified-Since": modified}, timeout=5).status_code == 304
    assert httpx.get(url, headers={"If-None-Match": '"other"'}, timeout=5).status_code == 200


def test_override_wins_counts_down_and_logs_requests(server):
    url = "https://www.gov.cn/robots.txt"
    server.override(
        "www.gov.cn", "/robots.txt", status=503, body=b"busy", times=2, headers={"Retry-After": "1"}
    )
    assert _get(server, url).status_code == 503
    r = _get(server, url)
    assert r.status_code == 503 and r.headers["retry-after"] == "1" and r.content == b"busy"
    assert _get(server, url).status_code == 200
    log = server.requests
    assert [(e.method, e.host, e.path) for e in log] == [("GET", "www.gov.cn", "/robots.txt")] * 3


def test_absolute_form_target_is_accepted(server):
    with httpx.Client(proxy=server.url, timeout=5) as client:
        r = client.get("http://www.gov.cn/robots.txt")
    assert r.status_code == 200


def test_standalone_prints_its_url():
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.replay", "--port", "0", "--snapshot", "t2"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:")
        r = httpx.get(line + "/www.gov.cn/zhengce/content/202508/content_7037861.htm", timeout=5)
        assert r.status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()
