"""Challenge and block pages served with HTTP 200 are ``blocked``, with the vendor named; pages
that merely mention a vendor or a CAPTCHA are content."""

from __future__ import annotations

import pytest

from app.demo.replay import ReplayServer
from scrapers.base import BlockedError
from scrapers.http import PoliteClient
from scrapers.waf import block_reason

LIST = "/wxzw/zcfg/A093703index_1.htm"
URL = f"https://www.cac.gov.cn{LIST}"

CLOUDFLARE = (
    '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>'
    '<div class="main-wrapper"><noscript>Enable JavaScript and cookies to continue</noscript>'
    "</div><script>(function(){window._cf_chl_opt={cvId: '3',cZone: 'example.gov.cn'};"
    "var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/b/orchestrate/"
    "chl_page/v1';document.getElementsByTagName('head')[0].appendChild(a);}());</script>"
    "</body></html>"
)
TENCENT = (
    "<html><head><title>501</title></head><body><div class='waf'><h2>抱歉，您的访问被拦截</h2>"
    "<p>腾讯T-Sec Web应用防火墙(WAF)</p><a href='https://waf.tencent-cloud.com/'>了解详情</a>"
    "</div></body></html>"
)
KNOWNSEC = (
    "<html><body><div>您的IP(203.0.113.9)最近有可疑的攻击行为，请稍后重试。</div>"
    "<div>本次事件ID：8a1f</div><div>知道创宇云防御</div></body></html>"
)
JIASULE = (
    "<html><script>document.cookie='__jsl_clearance=1616;max-age=3600;path=/';"
    "location.href=location.pathname+location.search</script></html>"
)
WZWS_360 = (
    "<html><head><script>var t='0bd8';window.location.href='/wzws-waf-cgi/?wzwstemplate="
    "MQ==&wzwschallenge='+t;</script></head><body></body></html>"
)
ALIYUN = (
    "<html><script>var arg1='2B4C7E';function setCookie(n,v){document.cookie=n+'='+v;}"
    "setCookie('acw_sc__v2', arg1);document.location.reload();</script></html>"
)
CAPTCHA = (
    "<html><head><title>安全验证</title></head><body><div id='captcha-box'></div>"
    "<p>请完成安全验证后继续访问</p><script src='/static/slider.js'></script></body></html>"
)
JS_REDIRECT = (
    "<html><head><script>var t=new Date().getTime();document.cookie='token='+t;"
    "window.location.href=window.location.href;</script></head><body></body></html>"
)
ARTICLE = (
    "<html><body><div class='content'>"
    + "<p>网信办发布通知，要求网络安全企业（如知道创宇等）加强数据安全防护，登录须输入验证码。</p>"
    * 20
    + "</div></body></html>"
)


@pytest.mark.parametrize(
    ("body", "vendor"),
    [
        (CLOUDFLARE, "Cloudflare"),
        (TENCENT, "Tencent Cloud WAF"),
        (KNOWNSEC, "Knownsec"),
        (JIASULE, "Knownsec"),
        (WZWS_360, "360"),
        (ALIYUN, "Aliyun WAF"),
        (CAPTCHA, "CAPTCHA"),
        (JS_REDIRECT, "JavaScript"),
    ],
)
def test_challenge_pages_served_with_200_are_blocked_and_the_vendor_is_named(body, vendor):
    with ReplayServer(snapshot="t1") as server:
        server.override("www.cac.gov.cn", LIST, status=200, body=body)
        client = PoliteClient(spacing=0, jitter=0, timeout=5, retries=1, mirror=server.url)
        with client, pytest.raises(BlockedError) as err:
            client.get(URL)
        assert len(server.requests) == 1  # a challenge is not retried
    assert vendor in err.value.message and "www.cac.gov.cn" in err.value.message


def test_a_tencent_page_is_not_named_knownsec():
    assert "Knownsec" not in (block_reason(200, TENCENT) or "")
    assert "Tencent" in (block_reason(403, TENCENT) or "")


def test_content_that_mentions_a_vendor_or_a_captcha_is_not_blocked():
    assert block_reason(200, ARTICLE) is None
    assert block_reason(200, '{"data": "请输入验证码 captcha cf_chl_opt"}') is None
