"""Microsoft Translator v3 (Azure AI Translator)."""

from __future__ import annotations

import httpx

from app.translation.providers.base import Provider, register
from app.translation.providers.errors import (
    AuthError,
    BadResponse,
    ProviderError,
    QuotaError,
    RateLimited,
)


@register("microsoft")
class Microsoft(Provider):
    uses_region = True  # a regional (not global) resource needs its region sent
    default_base = "https://api.cognitive.microsofttranslator.com"

    def _translate(self, texts: list[str], hints: dict[str, str]) -> list[str]:
        headers = {"Ocp-Apim-Subscription-Key": self.key}
        if self.settings.region:
            headers["Ocp-Apim-Subscription-Region"] = self.settings.region
        params = {"api-version": "3.0", "from": "zh-Hans", "to": "en"}
        resp = self._send(
            "POST",
            f"{self.base_url}/translate",
            params=params,
            json=[{"Text": t} for t in texts],
            headers=headers,
        )
        data = self._json(resp)
        try:
            return [item["translations"][0]["text"] for item in data]
        except (KeyError, IndexError, TypeError):
            raise BadResponse("microsoft answer has no [].translations[0].text") from None

    def _error(self, response: httpx.Response) -> ProviderError | None:
        if response.status_code < 400:
            return None
        code = 0
        try:
            code = int(response.json()["error"]["code"])
        except (ValueError, KeyError, TypeError):
            pass
        detail = self._error_detail(response)
        if code == 403001:
            return QuotaError(f"the Microsoft Translator free quota is used up ({code})")
        if response.status_code == 401 or code // 1000 == 401:
            return AuthError(
                f"Microsoft Translator refused the key or region ({code or 401}{detail})"
            )
        if response.status_code == 429:
            return RateLimited(f"Microsoft Translator is throttling requests ({code or 429})")
        return super()._error(response)
