"""Google Cloud Translation v2 (Basic) with an API key."""

from __future__ import annotations

import httpx

from app.translation.providers.base import Provider, register
from app.translation.providers.errors import (
    AuthError,
    BadResponse,
    ProviderError,
    QuotaError,
)


@register("google")
class Google(Provider):
    default_base = "https://translation.googleapis.com"

    def _translate(self, texts: list[str], hints: dict[str, str]) -> list[str]:
        body = {"q": texts, "source": "zh-CN", "target": "en", "format": "text"}
        resp = self._send(
            "POST", f"{self.base_url}/language/translate/v2", params={"key": self.key}, json=body
        )
        data = self._json(resp)
        try:
            return [t["translatedText"] for t in data["data"]["translations"]]
        except (KeyError, TypeError):
            raise BadResponse("google answer has no data.translations[].translatedText") from None

    def _error(self, response: httpx.Response) -> ProviderError | None:
        if response.status_code < 400:
            return None
        try:
            err = response.json()["error"]
            status, message = str(err.get("status", "")), str(err.get("message", ""))
        except (ValueError, KeyError, TypeError, AttributeError):
            status, message = "", ""
        if status == "RESOURCE_EXHAUSTED" and response.status_code != 429:
            return QuotaError(f"the Google Translation quota is used up: {message[:150]}")
        if response.status_code in (401, 403) or "API key" in message:
            return AuthError(f"Google refused the API key: {message[:150] or response.status_code}")
        return super()._error(response)

    def test(self) -> str:
        data = self._json(
            self._send(
                "GET", f"{self.base_url}/language/translate/v2/languages", params={"key": self.key}
            )
        )
        count = len(data.get("data", {}).get("languages", []))
        return f"google: key accepted, {count} languages"
