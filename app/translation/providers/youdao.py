"""Youdao (有道智云) text translation: v3 SHA-256 sign with the input truncation rule."""

from __future__ import annotations

import hashlib
import time
import uuid

import httpx

from app.translation.providers.base import Provider, register
from app.translation.providers.errors import (
    AuthError,
    BadResponse,
    ProviderError,
    QuotaError,
    RateLimited,
)

_AUTH = {"101", "108", "110", "111", "202", "206", "401"}  # 401 = account overdue
_RATE = {"411", "412"}


def youdao_input(q: str) -> str:
    """q if it has at most 20 characters, else its first 10 + its length + its last 10."""
    return q if len(q) <= 20 else f"{q[:10]}{len(q)}{q[-10:]}"


def youdao_sign(app_key: str, q: str, salt: str, curtime: str, secret: str) -> str:
    raw = f"{app_key}{youdao_input(q)}{salt}{curtime}{secret}"
    return hashlib.sha256(raw.encode()).hexdigest()


@register("youdao")
class Youdao(Provider):
    app_id_label = "appKey"
    default_base = "https://openapi.youdao.com"

    def _translate(self, texts: list[str], hints: dict[str, str]) -> list[str]:
        return [self._one(t) for t in texts]

    def _one(self, q: str) -> str:
        salt, curtime = str(uuid.uuid4()), str(int(time.time()))
        form = {
            "q": q,
            "from": "zh-CHS",
            "to": "en",
            "appKey": self.settings.app_id,
            "salt": salt,
            "curtime": curtime,
            "signType": "v3",
            "sign": youdao_sign(self.settings.app_id, q, salt, curtime, self.key),
        }
        data = self._json(self._send("POST", f"{self.base_url}/api", data=form))
        try:
            return str(data["translation"][0])
        except (KeyError, IndexError, TypeError):
            raise BadResponse("youdao answer has no translation[0]") from None

    def _error(self, response: httpx.Response) -> ProviderError | None:
        if response.status_code >= 400:
            return super()._error(response)
        try:
            code = str(response.json().get("errorCode", "0"))
        except (ValueError, AttributeError):
            return None
        if code == "0":
            return None
        if code == "401":
            return QuotaError("the Youdao account is overdue or out of balance (401)")
        if code in _AUTH:
            return AuthError(f"Youdao refused the appKey, secret or signature (errorCode {code})")
        if code in _RATE:
            return RateLimited(f"Youdao is rate limiting requests (errorCode {code})")
        return BadResponse(f"Youdao rejected the request (errorCode {code})")
