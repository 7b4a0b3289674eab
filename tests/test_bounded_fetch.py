"""Bounded fetching: a total deadline per request (slow drip), a stop request that ends the
request in flight, the mirror's own Host header, bogus charsets and deep JSON as typed errors."""

from __future__ import annotations

import threading

import pytest

from app.demo.replay import ReplayServer
from scrapers.base import FetchError, Response
from scrapers.charset import decode_body, load_json, normalise_charset
from scrapers.http import PoliteClient

PAGE = "/zhengce/zuixin/ZUIXINZHENGCE.json"
URL = f"https://www.gov.cn{PAGE}"


@pytest.fixture()
def server():
    with ReplayServer(snapshot="t1") as srv:
        yield srv


def make_client(server: ReplayServer, **kw) -> PoliteClient:
    opts = dict(spacing=0, jitter=0, timeout=5, retries=0, backoff=0.01, mirror=server.url)
    opts.update(kw)
    return PoliteClient(**opts)


def test_a_slow_drip_server_is_cut_off_at_the_total_deadline(server):
    # One byte every 50 ms never trips the 5 s read timeout; 100 KB would take 80 minutes.
    server.override("www.gov.cn", PAGE, body=b"x" * 100_000, drip=0.05)
    with make_client(server, deadline=0.5) as client:
        with pytest.raises(FetchError) as info:
            client.get(URL)
    assert "fetch.deadline" in info.value.message and "www.gov.cn" in info.value.message


def test_a_stop_request_ends_the_request_in_flight(server):
    server.override("www.gov.cn", PAGE, body=b"x" * 100_000, drip=0.05)
    stop = threading.Event()

    def press_ctrl_c():  # once the dripping answer has begun
        while not server.requests:
            threading.Event().wait(0.01)
        stop.set()

    threading.Thread(target=press_ctrl_c, daemon=True).start()
    with make_client(server, cancel=stop.is_set, deadline=3600) as client:
        with pytest.raises(FetchError) as info:
            client.get(URL)
    assert info.value.message.startswith("Stopped on request") and stop.is_set()


def test_a_stop_request_ends_a_retry_backoff(server):
    server.override("www.gov.cn", PAGE, status=503, headers={"Retry-After": "300"})
    stop = threading.Event()
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        stop.set()  # Ctrl-C during the first step of the back-off

    with make_client(server, retries=3, cancel=stop.is_set, sleep=sleep, max_backoff=600) as c:
        with pytest.raises(FetchError) as info:
            c.get(URL)
    assert info.value.message.startswith("Stopped on request") and len(waits) == 1


def test_mirror_requests_carry_the_mirrors_host_and_the_real_referer(server):
    with make_client(server) as client:
        client.get(URL, headers={"Referer": "https://www.gov.cn/zhengce/"})
    (req,) = server.requests
    host = {k.lower(): v for k, v in req.headers.items()}["host"]
    assert host == f"127.0.0.1:{server.port}"
    assert req.headers["Referer"] == "https://www.gov.cn/zhengce/"
    assert (req.host, req.path) == ("www.gov.cn", PAGE)


@pytest.mark.parametrize("label", ["undefined", "base64", "rot13", "idna", "x-bogus", "hex"])
def test_bogus_charset_labels_are_ignored_and_the_page_still_decodes(label):
    page = f'<meta charset="{label}"><p>数据安全</p>'.encode()
    assert normalise_charset(label) is None
    assert "数据安全" in decode_body(page, f"text/html; charset={label}")


def test_deep_json_is_a_fetch_error_not_an_internal_error():
    deep = b"[" * 200_000 + b"]" * 200_000
    with pytest.raises(FetchError, match="nested too deeply"):
        load_json(deep, URL)
    resp = Response(URL, 200, {}, deep, deep.decode())
    with pytest.raises(FetchError, match="nested too deeply"):
        resp.json()


def test_a_stop_lets_a_request_finish_within_the_grace_then_ends_it():
    from scrapers.watchdog import CANCELLED, DEADLINE, Watchdog

    now = [0.0]
    stop = [False]
    dog = Watchdog(lambda: stop[0], grace=2.0, clock=lambda: now[0], poll=3600)
    with dog.watch(10.0) as w:
        stop[0] = True
        dog.check()
        now[0] = 1.5
        dog.check()
        assert w.reason is None  # still inside the grace: the page may yet arrive
        now[0] = 2.5
        dog.check()
        assert w.reason == CANCELLED
    dog2 = Watchdog(None, clock=lambda: now[0], poll=3600)
    with dog2.watch(5.0) as w2:
        now[0] += 5.0
        dog2.check()
        assert w2.reason == DEADLINE
    dog.close()
    dog2.close()
