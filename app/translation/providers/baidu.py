"""Baidu Fanyi general translation API: MD5 sign, errors as error_code at HTTP 200."""

from __future__ import annotations

import hashlib
import secrets

import httpx

from app.translation.providers.base import Provider, register
from app.translation.providers.errors import (
    AuthError,
    BadResponse,
    ProviderError,
    QuotaError,
    RateLimited,
    ServerError,
)

_AUTH = {"52003", "54001", "58000", "58002", "90107"}
_QUOTA = {"54004"}
_RETRY = {"52001", "52002", "54003", "54005"}


def baidu_sign(appid: str, q: str, salt: str, secret: str) -> str:
    """md5(appid + q + salt + secret) over the raw UTF-8 query, as Baidu documents it."""
    return hashlib.md5(f"{appid}{q}{salt}{secret}".encode()).hexdigest()


@register("baidu")
class Baidu(Provider):
    app_id_label = "appid"
    default_base = "https://fanyi-api.baidu.com"

    def _translate(self, texts: list[str], hints: dict[str, str]) -> list[str]:
        # one text per line: Baidu answers one trans_result entry per line
        q = "\n".join(t.replace("\n", " ") for t in texts)
        salt = str(secrets.randbelow(10**9))
        form = {
            "q": q,
            "from": "zh",
            "to": "en",
            "appid": self.settings.app_id,
            "salt": salt,
            "sign": baidu_sign(self.settings.app_id, q, salt, self.key),
        }
        data = self._json(self._send("POST", f"{self.base_url}/api/trans/vip/translate", data=form))
        try:
            return [item["dst"] for item in data["trans_result"]]
        except (KeyError, TypeError):
            raise BadResponse("baidu answer has no trans_result[].dst") from None

    def _error(self, response: httpx.Response) -> ProviderError | None:
        if response.status_code >= 400:
            return super()._error(response)
        try:
            data = response.json()
        except ValueError:
            return None  # _json reports it
        code = str(data.get("error_code", "")) if isinstance(data, dict) else ""
        if not code or code == "52000":
            return None
        msg = f"{data.get('error_msg', '')} ({code})"
        if code in _AUTH:
            return AuthError(f"Baidu refused the appid, key or signature: {msg}")
        if code in _QUOTA:
            return QuotaError(f"the Baidu account balance is used up: {msg}")
        if code == "54003":
            return RateLimited(f"Baidu is rate limiting requests: {msg}")
        if code in _RETRY:
            return ServerError(f"Baidu had a temporary error: {msg}")
        return BadResponse(f"Baidu rejected the request: {msg}")
