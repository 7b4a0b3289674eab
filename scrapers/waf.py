"""Recognising WAF block pages and JavaScript challenges, so they never pass for content.

A blocked fetch must become the ``blocked`` health state, not "no new items" and not a parse
error: the user's fix (wait, change network, use a proxy) is different.
"""

from __future__ import annotations

import re
from http import HTTPStatus

# Knownsec 知道创宇云防御 (seen on www.cac.gov.cn) and similar Chinese cloud WAFs.
_BLOCK_TEXT = (
    "最近有可疑的攻击行为",
    "本次事件ID",
    "您的访问被拦截",
    "访问已被拦截",
    "当前访问疑似黑客攻击",
    "网站防火墙",
    "创宇盾",
)
# Markers that only a challenge page carries, even when it answers HTTP 200.
_CHALLENGE_STRONG = ("__jsl_clearance", "acw_sc__v2", "_waf_bd8ce2ce37", "cf-browser-verification")
# Markers that mean a challenge only on a refusal status (403/412/521...).
_CHALLENGE_WEAK = re.compile(
    r"document\.cookie\s*=|please enable javascript|enable javascript and cookies|"
    r"请(?:开启|启用|打开)\s*javascript|location\.reload\(|window\.location(?:\.href)?\s*=",
    re.I,
)
_CHALLENGE_STATUSES = {403, 412, 429, 503, 521, 522, 523, 525}
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")


def _script_only(text: str) -> bool:
    """A page that is a script and (almost) nothing a human could read."""
    if "<script" not in text.lower():
        return False
    visible = _TAG.sub(" ", _SCRIPT.sub(" ", text))
    return len(re.sub(r"\s+", "", visible)) < 40


def block_reason(status: int, text: str) -> str | None:
    """Why this answer is a block/challenge page (a short phrase), or None for real content."""
    head = text[:20000]
    if any(marker in head for marker in _BLOCK_TEXT):
        return "a web application firewall (Knownsec) block page"
    if any(marker in head for marker in _CHALLENGE_STRONG):
        return "a JavaScript challenge page"
    if status in _CHALLENGE_STATUSES and (_CHALLENGE_WEAK.search(head) or _script_only(head)):
        return "a JavaScript challenge page"
    return None


def status_phrase(status: int) -> str:
    """``403 Forbidden`` style label for a status code."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)
