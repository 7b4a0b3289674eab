"""Recognising WAF block pages, CAPTCHAs and JavaScript challenges, so they never pass for content.

A blocked fetch must become the ``blocked`` health state, not "no new items" and not a parse
error: the user's fix (wait, change network, use a proxy) is different. Many of these pages
answer HTTP 200, so recognition is by markers: a vendor's own names, hosts and cookies (which
also name the vendor correctly in the message), then generic block phrases, then the shape of a
challenge (a page that is a script and almost nothing a human could read, setting a cookie or
sending the browser elsewhere; a CAPTCHA on a page with no content around it).
"""

from __future__ import annotations

import re
from http import HTTPStatus

# Markers only the vendor's block or challenge page carries (names, hosts, cookies, scripts).
# Knownsec 知道创宇 runs 创宇盾/云防御 and the 加速乐 (jiasule) CDN with its __jsl_clearance cookie;
# Tencent Cloud WAF (T-Sec) and Aliyun WAF (acw_* cookies) front many provincial sites; 360's
# 网站卫士 (wzws) fronts many gov.cn sites.
_VENDORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Cloudflare",
        (
            "cf-browser-verification",
            "cf_chl_opt",
            "/cdn-cgi/challenge-platform",
            "cf-chl-",
            "__cf_chl_",
            "Attention Required! | Cloudflare",
            "cf-error-details",
        ),
    ),
    (
        "Tencent Cloud WAF",
        (
            "waf.tencent-cloud.com",
            "waf.tencent.com",
            "腾讯云Web应用防火墙",
            "腾讯云 Web 应用防火墙",
            "腾讯T-Sec",
            "T-Sec Web",
            "TencentCloud WAF",
        ),
    ),
    (
        "Knownsec",
        (
            "创宇盾",
            "知道创宇",
            "yunaq.com",
            "jiasule",
            "加速乐",
            "__jsl_clearance",
            "最近有可疑的攻击行为",  # the 云防御 block page (seen on www.cac.gov.cn)
        ),
    ),
    ("360", ("360wzws", "wzws-waf-cgi", "360网站卫士", "wangzhan.360.cn", "360 网站卫士")),
    (
        "Aliyun WAF",
        ("acw_sc__v2", "aliyun_waf", "errors.aliyun.com", "阿里云盾", "阿里云 Web应用防火墙"),
    ),
)
# Block phrases any WAF may print.
_BLOCK_TEXT = (
    "本次事件ID",
    "您的访问被拦截",
    "访问已被拦截",
    "当前访问疑似黑客攻击",
    "网站防火墙",
    "您的请求已被拦截",
    "访问被阻断",
)
# Markers that only a challenge page carries, even when it answers HTTP 200.
_CHALLENGE_STRONG = ("_waf_bd8ce2ce37", "cf-browser-verification")
# A script that sets a cookie or sends the browser elsewhere: a challenge or a JS redirect.
_CHALLENGE_WEAK = re.compile(
    r"document\.cookie\s*=|please enable javascript|enable javascript and cookies|"
    r"请(?:开启|启用|打开)\s*javascript|location\.reload\(|window\.location(?:\.href)?\s*=|"
    r"location\.(?:href|replace)\s*[=(]",
    re.I,
)
_CAPTCHA = re.compile(
    r"captcha|geetest|hcaptcha|turnstile|滑动验证|安全验证|人机验证|请输入验证码|拖动滑块|"
    r"请完成验证|访问验证",
    re.I,
)
_CHALLENGE_STATUSES = {403, 412, 429, 503, 521, 522, 523, 525}
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.I | re.S)
_STYLE = re.compile(r"<style\b[^>]*>.*?</style\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


def _visible(text: str) -> str:
    return re.sub(r"\s+", "", _TAG.sub(" ", _STYLE.sub(" ", _SCRIPT.sub(" ", text))))


def _script_only(text: str) -> bool:
    """A page that is a script and (almost) nothing a human could read."""
    if "<script" not in text.lower():
        return False
    return len(_visible(text)) < 40


def vendor_of(text: str) -> str | None:
    """The WAF / CDN vendor whose block or challenge page this is, if its markers are there."""
    for name, markers in _VENDORS:
        if any(m in text for m in markers):
            return name
    return None


def block_reason(status: int, text: str) -> str | None:
    """Why this answer is a block/challenge page (a short phrase), or None for real content."""
    head = text[:20000]
    if not head.lstrip().startswith("<") and status < 400:
        return None  # JSON, plain text: content, not a page a WAF would serve
    vendor = vendor_of(head)
    small = len(_visible(head)) < 600  # a block page, not an article that mentions one
    if vendor and (small or status >= 400 or any(m in head for m in _BLOCK_TEXT)):
        if _CAPTCHA.search(head):
            return f"a {vendor} CAPTCHA page"
        if _CHALLENGE_WEAK.search(head) or "<script" in head.lower():
            return f"a {vendor} JavaScript challenge page"
        return f"a {vendor} web application firewall block page"
    if any(marker in head for marker in _BLOCK_TEXT) and small:
        return "a web application firewall block page"
    if any(marker in head for marker in _CHALLENGE_STRONG):
        return "a JavaScript challenge page"
    if small and _CAPTCHA.search(head):
        return "a CAPTCHA page"
    if _script_only(head) and (status in _CHALLENGE_STATUSES or _CHALLENGE_WEAK.search(head)):
        return "a JavaScript challenge page"
    if status in _CHALLENGE_STATUSES and _CHALLENGE_WEAK.search(head):
        return "a JavaScript challenge page"
    return None


def status_phrase(status: int) -> str:
    """``403 Forbidden`` style label for a status code."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
