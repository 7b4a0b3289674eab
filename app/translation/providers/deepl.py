"""DeepL API v2: Free keys end in ':fx' and use api-free.deepl.com."""

from __future__ import annotations

import httpx

from app.translation.providers.base import Provider, register
from app.translation.providers.errors import (
    AuthError,
    BadResponse,
    ProviderError,
    QuotaError,
)


@register("deepl")
class DeepL(Provider):
    @property
    def base_url(self) -> str:
        if self.settings.base_url:
            return self.settings.base_url.rstrip("/")
        free = self.key.endswith(":fx")
        return "https://api-free.deepl.com" if free else "https://api.deepl.com"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"DeepL-Auth-Key {self.key}"}

    def _translate(self, texts: list[str], hints: dict[str, str]) -> list[str]:
        body = {"text": texts, "source_lang": "ZH", "target_lang": "EN-US"}
        resp = self._send(
            "POST", f"{self.base_url}/v2/translate", json=body, headers=self._headers()
        )
        data = self._json(resp)
        try:
            return [t["text"] for t in data["translations"]]
        except (KeyError, TypeError):
            raise BadResponse("deepl answer has no translations[].text") from None

    def _error(self, response: httpx.Response) -> ProviderError | None:
        if response.status_code == 456:
            return QuotaError("the DeepL character quota is used up (456)")
        if response.status_code == 403:
            return AuthError("DeepL refused the authentication key (403)")
        return super()._error(response)

    def test(self) -> str:
        data = self._json(self._send("GET", f"{self.base_url}/v2/usage", headers=self._headers()))
        used, limit = data.get("character_count"), data.get("character_limit")
        return f"deepl: key accepted, {used} of {limit} characters used this period"
