"""The polite client against the real replay server: mirror, spacing, retries, WAF, 304s."""

from __future__ import annotations

import datetime as dt
import email.utils
import threading

import pytest

from app.config import FetchConfig, HostConfig
from app.demo.replay import ReplayServer
from scrapers.base import BlockedError, FetchError
from scrapers.charset import decode_body
from scrapers.http import DEFAULT_USER_AGENT, PoliteClient, parse_retry_after

ROBOTS = "https://www.gov.cn/robots.txt"


class FakeTime:
    """A clock whose sleep advances it instantly, recording every wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture()
def server():
    with ReplayServer(snapshot="t1") as srv:
        yield srv


def make_client(server: ReplayServer, **kw) -> PoliteClient:
    opts = dict(spacing=0, jitter=0, timeout=5, retries=2, backoff=0.01, mirror=server.url)
    opts.update(kw)
    return PoliteClient(**opts)


def test_mirror_keeps_real_url_referer_and_browser_user_agent(server):
    with make_client(server) as client:
        resp = client.get(ROBOTS, headers={"Referer": "https://www.gov.cn/"})
    assert resp.status == 200 and resp.url == ROBOTS
    assert "Disallow" in resp.text
    (req,) = server.requests
    assert (req.method, req.host, req.path) == ("GET", "www.gov.cn", "/robots.txt")
    assert req.headers["Referer"] == "https://www.gov.cn/"
    assert req.headers["User-Agent"] == DEFAULT_USER_AGENT and "Chrome/" in DEFAULT_USER_AGENT


def test_query_params_and_form_post_reach_the_mirror(server):
    server.snapshot = "t2"
    with make_client(server) as client:
        page2 = client.post(
            "https://www.cac.gov.cn/cms/JsonList",
            data={"channelCode": "A093703", "perPage": "10", "pageno": "2"},
        )
        same = client.get(
            "https://www.cac.gov.cn/cms/JsonList",
            params={"channelCode": "A093703", "perPage": "10", "pageno": "2"},
        )
    assert page2.json() == same.json() and page2.json()["list"]
    assert same.url.startswith("https://www.cac.gov.cn/cms/JsonList?channelCode=A093703")


def test_same_host_requests_are_spaced_even_from_two_threads(server):
    """On a controlled clock: six requests from two threads go out a full spacing apart."""
    import httpx

    fake = FakeTime()
    sent: list[float] = []

    class Recording(httpx.HTTPTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(fake.clock())  # inside the host's slot: the clock cannot move meanwhile
            return super().handle_request(request)

    opts = dict(spacing=5.0, clock=fake.clock, sleep=fake.sleep, transport=Recording())
    with make_client(server, **opts) as client:
        threads = [
            threading.Thread(target=lambda: [client.get(ROBOTS) for _ in range(3)])
            for _ in range(2)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(server.requests) == 6 and len(sent) == 6
    times = sorted(sent)
    assert [b - a for a, b in zip(times, times[1:], strict=False)] == [5.0] * 5


def test_other_hosts_are_not_held_up_and_per_host_spacing_applies(server):
    fake = FakeTime()
    client = make_client(
        server,
        spacing=2.0,
        jitter=0.5,
        host_spacing={"www.cac.gov.cn": 5.0},
        clock=fake.clock,
        sleep=fake.sleep,
    )
    with client:
        client.get(ROBOTS)
        client.get(
            "https://www.cac.gov.cn/wxzw/zcfg/A093703index_1.htm"
        )  # first on its host: no wait
        assert fake.sleeps == []
        client.get(ROBOTS)
        client.get("https://www.cac.gov.cn/wxzw/zcfg/A093703index_1.htm")
    assert 0 < fake.sleeps[0] <= 2.5  # gov.cn: 2 s + jitter (some time passed)
    assert 5.0 <= fake.sleeps[1] + fake.sleeps[0] <= 5.5 + 2.5


def test_5xx_is_retried_with_backoff_then_succeeds(server):
    fake = FakeTime()
    server.override("www.gov.cn", "/robots.txt", status=500, body=b"oops", times=1)
    with make_client(server, backoff=1.0, clock=fake.clock, sleep=fake.sleep) as client:
        resp = client.get(ROBOTS)
        assert resp.status == 200 and client.stats.retries == 1 and client.stats.requests == 2
    assert 1.0 <= fake.sleeps[0] <= 1.25


def test_5xx_forever_gives_up_after_retries_with_exponential_backoff(server):
    fake = FakeTime()
    server.override("www.gov.cn", "/robots.txt", status=503, body=b"down")
    with make_client(server, retries=3, backoff=1.0, clock=fake.clock, sleep=fake.sleep) as client:
        with pytest.raises(FetchError) as err:
            client.get(ROBOTS)
    assert len(server.requests) == 4
    assert [round(s) for s in fake.sleeps] == [1, 2, 4] or all(
        a < b for a, b in zip(fake.sleeps, fake.sleeps[1:], strict=False)
    )
    assert "www.gov.cn" in err.value.message and "503" in err.value.message
    assert type(err.value) is FetchError


def test_429_retry_after_seconds_and_date_are_honoured(server):
    fake = FakeTime()
    server.override("www.gov.cn", "/robots.txt", status=429, headers={"Retry-After": "7"}, times=1)
    with make_client(server, clock=fake.clock, sleep=fake.sleep) as client:
        assert client.get(ROBOTS).status == 200
    assert fake.sleeps == [7.0]
    later = email.utils.format_datetime(
        dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30), usegmt=True
    )
    assert 25 <= parse_retry_after(later) <= 30
    assert parse_retry_after("soon") is None


def test_retry_after_longer_than_max_backoff_is_honoured_in_full(server):
    """max_backoff caps our own guesses, not the server's explicit request."""
    fake = FakeTime()
    server.override(
        "www.gov.cn", "/robots.txt", status=503, headers={"Retry-After": "300"}, times=1
    )
    with make_client(server, clock=fake.clock, sleep=fake.sleep, max_backoff=30) as client:
        assert client.get(ROBOTS).status == 200
    assert fake.sleeps == [300.0]


def test_retry_after_beyond_the_bound_ends_the_run_for_that_host(server):
    fake = FakeTime()
    server.override("www.gov.cn", "/robots.txt", status=503, headers={"Retry-After": "86400"})
    with make_client(
        server, clock=fake.clock, sleep=fake.sleep, max_backoff=30, max_retry_after=600
    ) as client:
        with pytest.raises(FetchError) as err:
            client.get(ROBOTS)
        message = err.value.message
        assert "www.gov.cn" in message and "24.0 hours" in message
        assert "try again after" in message and "UTC" in message
        tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%d")
        assert tomorrow in message
        assert fake.sleeps == [] and len(server.requests) == 1  # no 24 h sleep, no retries
        with pytest.raises(FetchError, match="no more requests go to www.gov.cn"):
            client.get("https://www.gov.cn/zhengce/zuixin/")  # same host: not even asked
        assert len(server.requests) == 1
        client.get("https://www.cac.gov.cn/wxzw/zcfg/A093703index_1.htm")  # other hosts go on
    assert len(server.requests) == 2


def test_timeout_becomes_fetch_error_after_retries(server):
    server.override("www.gov.cn", "/robots.txt", delay=1.0, body=b"late")
    with make_client(server, timeout=0.2, retries=1) as client:
        with pytest.raises(FetchError) as err:
            client.get(ROBOTS)
    assert "did not answer" in err.value.message and "www.gov.cn" in err.value.message
    assert len(server.requests) == 2


def test_connection_refused_is_a_fetch_error():
    with PoliteClient(
        spacing=0, jitter=0, retries=1, backoff=0, mirror="http://127.0.0.1:9"
    ) as client:
        with pytest.raises(FetchError) as err:
            client.get(ROBOTS)
    assert (
        "Could not connect to the mirror http://127.0.0.1:9 (for www.gov.cn)" in err.value.message
    )
    assert "mirror is running" in err.value.message


def test_404_and_plain_403_are_not_retried_and_named(server):
    server.override(
        "www.miit.gov.cn", "/x.html", status=403, body=b"<html><body>Forbidden</body></html>"
    )
    with make_client(server) as client:
        with pytest.raises(FetchError) as e404:
            client.get("https://www.gov.cn/missing.htm")
        with pytest.raises(FetchError) as e403:
            client.get("https://www.miit.gov.cn/x.html")
    assert len(server.requests) == 2
    assert e404.value.status == 404 and "does not exist" in e404.value.message
    assert type(e403.value) is FetchError
    assert e403.value.message == (
        "HTTP 403 Forbidden from www.miit.gov.cn: the site refused the request (missing Referer or cookie?)."
    )


KNOWNSEC = (
    "<html><body><div>您的IP(1.2.3.4)最近有可疑的攻击行为，请稍后重试。</div>"
    "<div>本次事件ID：abc123</div><div>知道创宇云防御</div></body></html>"
)
JS_CHALLENGE = (
    "<html><script>document.cookie='__jsl_clearance=1616;max-age=3600;path=/';"
    "location.href=location.pathname+location.search</script></html>"
)


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, KNOWNSEC),
        (403, KNOWNSEC),
        (521, JS_CHALLENGE),
        (200, JS_CHALLENGE),
        (412, "<html><script src='/a.js'></script><script>var x=1;</script></html>"),
        (
            403,
            "<html><body><noscript>Please enable JavaScript to view the page.</noscript></body></html>",
        ),
    ],
)
def test_waf_and_js_challenge_pages_are_blocked(server, status, body):
    server.override("www.cac.gov.cn", "/wxzw/zcfg/A093703index_1.htm", status=status, body=body)
    with make_client(server) as client:
        with pytest.raises(BlockedError) as err:
            client.get("https://www.cac.gov.cn/wxzw/zcfg/A093703index_1.htm")
    assert "www.cac.gov.cn" in err.value.message and err.value.state == "blocked"
    assert len(server.requests) == 1  # a challenge is not retried


def test_conditional_get_sends_validators_and_reports_not_modified(server):
    store: dict[str, tuple] = {}

    class DictStore:
        def get(self, url):
            return store.get(url)

        def set(self, url, etag, last_modified):
            store[url] = (etag, last_modified)

    with make_client(server, validators=DictStore()) as client:
        first = client.get(ROBOTS, conditional=True)
        assert first.status == 200 and not first.not_modified and ROBOTS in store
        second = client.get(ROBOTS, conditional=True)
        unconditional = client.get(ROBOTS)
        assert client.stats.not_modified == 1
    assert second.not_modified and second.status == 304 and second.content == b""
    assert unconditional.status == 200
    assert server.requests[1].headers["If-None-Match"] == store[ROBOTS][0]
    assert "If-None-Match" not in server.requests[2].headers


def test_a_conditional_get_of_the_same_body_without_validators_is_not_modified(server):
    """Servers that send no ETag/Last-Modified (JPaaS list APIs): the stored body digest."""
    server.override("www.miit.gov.cn", "/list.json", body=b'{"a":1}')
    url = "https://www.miit.gov.cn/list.json"
    with make_client(server) as client:
        first = client.get(url, conditional=True)
        second = client.get(url, conditional=True)
        unconditional = client.get(url)
        server.clear_overrides()
        server.override("www.miit.gov.cn", "/list.json", body=b'{"a":2}')
        changed = client.get(url, conditional=True)
        again = client.get(url, conditional=True)
        assert client.stats.not_modified == 2
    assert not first.not_modified and first.content == b'{"a":1}'
    assert second.not_modified and not unconditional.not_modified
    assert not changed.not_modified and changed.content == b'{"a":2}'
    assert again.not_modified
    assert all("If-None-Match" not in r.headers for r in server.requests)  # nothing to send


def test_body_above_cap_is_refused(server):
    server.override("www.gov.cn", "/big.htm", body=b"x" * 5000)
    with make_client(server, max_bytes=1000) as client:
        with pytest.raises(FetchError, match="larger than the 1,000 byte limit"):
            client.get("https://www.gov.cn/big.htm")
        assert client.get(ROBOTS).status == 200


def test_gbk_page_with_meta_charset_and_no_http_charset_decodes(server):
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>网络数据安全管理条例 镕</body></html>'
    server.override(
        "www.gov.cn", "/gbk.htm", body=html.encode("gbk"), headers={"Content-Type": "text/html"}
    )
    with make_client(server) as client:
        resp = client.get("https://www.gov.cn/gbk.htm")
    assert "网络数据安全管理条例 镕" in resp.text


def test_decoding_rules():
    text = "人工智能"
    assert decode_body(b"\xef\xbb\xbf" + text.encode(), "application/json") == text
    assert decode_body(text.encode("gbk"), "text/html; charset=GBK") == text
    assert decode_body(text.encode(), "text/html; charset=ISO-8859-1") == text  # never Latin-1
    assert decode_body(f'<meta charset="gbk">{text}'.encode("gbk")).endswith(text)
    assert decode_body(text.encode("gb18030")) == text  # unlabelled GBK: sniffed
    assert "\ufffd" in decode_body(b"\xff\xfe\xfa abc \x81")


def test_bad_json_is_a_fetch_error(server):
    server.override(
        "www.gov.cn",
        "/x.json",
        body=b"<html>not json</html>",
        headers={"Content-Type": "application/json"},
    )
    with make_client(server) as client:
        resp = client.get("https://www.gov.cn/x.json")
    with pytest.raises(FetchError, match="did not return valid JSON"):
        resp.json()


def test_cookies_follow_the_real_host_through_the_mirror(server):
    server.override(
        "www.miit.gov.cn", "/a.html", body=b"a", headers={"Set-Cookie": "sid=42; Path=/"}
    )
    server.override("www.miit.gov.cn", "/b.html", body=b"b")
    server.override("www.gov.cn", "/c.html", body=b"c")
    with make_client(server) as client:
        client.get("https://www.miit.gov.cn/a.html")
        client.get("https://www.miit.gov.cn/b.html")
        client.get("https://www.gov.cn/c.html")
    a, b, c = server.requests
    assert "Cookie" not in a.headers
    assert b.headers["Cookie"] == "sid=42"
    assert "Cookie" not in c.headers


def test_redirects_are_followed_in_real_terms(server):
    server.override("www.gov.cn", "/old.txt", status=302, headers={"Location": "/robots.txt"})
    with make_client(server) as client:
        resp = client.get("https://www.gov.cn/old.txt")
    assert resp.url == ROBOTS and resp.status == 200
    assert [r.path for r in server.requests] == ["/old.txt", "/robots.txt"]


def test_bad_urls_are_fetch_errors():
    with PoliteClient(spacing=0) as client:
        with pytest.raises(FetchError, match="not an http"):
            client.get("file:///etc/passwd")


def test_from_config_uses_fetch_settings_and_env_mirror(server, monkeypatch):
    monkeypatch.setenv("REGWATCH_MIRROR", server.url)
    cfg = FetchConfig(
        spacing=0.0,
        jitter=0.0,
        timeout=3.0,
        retries=0,
        hosts={"www.gov.cn": HostConfig(spacing=0.01)},
    )
    with PoliteClient.from_config(cfg, user_agent="regwatch-test") as client:
        assert client.spacer.host_spacing == {"www.gov.cn": 0.01}
        client.get(ROBOTS)
    assert server.requests[0].headers["User-Agent"] == "regwatch-test"


# ---------------------------------------------------------------------------------------------
# TLS: one shared verifying context, its CA bundle read at the first handshake


def _tls_server(tmp_path):
    """A one-page HTTPS server on 127.0.0.1 with a self-signed certificate; (url, cert path)."""
    import ssl
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from tests.export.smtp_server import make_cert

    cert_path, key_path = make_cert(tmp_path)  # self-signed, for localhost and 127.0.0.1

    class Hello(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "5")
            self.end_headers()
            self.wfile.write(b"hello")

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_path, key_path)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"https://127.0.0.1:{httpd.server_address[1]}/", cert_path


def test_clients_share_one_context_that_reads_cas_only_for_a_handshake(tmp_path):
    """Building clients (one per source) reads no CA bundle; the first HTTPS request does."""
    from scrapers.http import _VerifyingContext

    with PoliteClient() as one, PoliteClient() as two:
        contexts = [c._client._transport._pool._ssl_context for c in (one, two)]
        assert contexts[0] is contexts[1] and isinstance(contexts[0], _VerifyingContext)

    httpd, url, cert_path = _tls_server(tmp_path)
    try:
        import httpx

        trusted = _VerifyingContext(trust_env=True)
        assert trusted.cert_store_stats()["x509_ca"] == 0
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("SSL_CERT_FILE", str(cert_path))
            with httpx.Client(verify=trusted) as client:
                assert trusted.cert_store_stats()["x509_ca"] == 0  # not at construction
                assert client.get(url).text == "hello"
        assert trusted.cert_store_stats()["x509_ca"] == 1

        # Verification stays on: the default bundle does not vouch for a self-signed server.
        with httpx.Client(verify=_VerifyingContext(trust_env=False)) as client:
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                client.get(url)
    finally:
        httpd.shutdown()
        httpd.server_close()
