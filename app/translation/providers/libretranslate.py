"""LibreTranslate (self-hosted): the Chinese code differs by version, so read /languages once."""

from __future__ import annotations

from typing import ClassVar

from app.translation.providers.base import Provider, register
from app.translation.providers.errors import BadResponse


@register("libretranslate")
class LibreTranslate(Provider):
    needs_key: ClassVar[bool] = False
    default_base = "http://127.0.0.1:5000"
    _source: str | None = None

    def _languages(self) -> list[dict]:
        data = self._json(self._send("GET", f"{self.base_url}/languages"))
        if not isinstance(data, list):
            raise BadResponse("libretranslate /languages did not return a list")
        return data

    def source_code(self) -> str:
        if self._source is None:
            codes = [str(lang.get("code")) for lang in self._languages() if isinstance(lang, dict)]
            self._source = next((c for c in ("zh-Hans", "zh", "zh-CN") if c in codes), None)
            if self._source is None:
                raise BadResponse("this LibreTranslate server has no Chinese model installed")
        return self._source

    def _translate(self, texts: list[str], hints: dict[str, str]) -> list[str]:
        body = {"q": texts, "source": self.source_code(), "target": "en", "format": "text"}
        if self.key:
            body["api_key"] = self.key
        data = self._json(self._send("POST", f"{self.base_url}/translate", json=body))
        out = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(out, str):
            out = [out]
        if not isinstance(out, list):
            raise BadResponse("libretranslate answer has no translatedText")
        return [str(x) for x in out]

    def test(self) -> str:
        return f"libretranslate: connected, Chinese code '{self.source_code()}'"
