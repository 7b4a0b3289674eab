"""OpenAI-compatible chat completions: Ollama, llama.cpp, vLLM, LM Studio and hosted LLM APIs."""

from __future__ import annotations

from typing import ClassVar

from app.translation.providers.base import Provider, register
from app.translation.providers.errors import BadResponse, ProviderConfigError

SYSTEM = (
    "You translate titles and sentences of official Chinese government and standards documents "
    "into formal English. Output only the translation, without quotes or notes."
)


@register("openai")
class OpenAICompatible(Provider):
    needs_key: ClassVar[bool] = False  # local servers need none
    uses_model: ClassVar[bool] = True
    default_base = "http://127.0.0.1:11434/v1"

    def _translate(self, texts: list[str], hints: dict[str, str]) -> list[str]:
        if not self.settings.model:
            raise ProviderConfigError("the openai provider needs a model name in its settings")
        return [self._one(text, hints) for text in texts]

    def _one(self, text: str, hints: dict[str, str]) -> str:
        system = SYSTEM
        used = {zh: en for zh, en in hints.items() if zh in text}
        if used:
            lines = "\n".join(f"{zh} = {en}" for zh, en in used.items())
            system += f"\nUse these established English terms:\n{lines}"
        body = {
            "model": self.settings.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": text}],
            "temperature": 0,
            "max_tokens": min(64 + 4 * len(text), 2048),
            "stream": False,
        }
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        data = self._json(
            self._send("POST", f"{self.base_url}/chat/completions", json=body, headers=headers)
        )
        try:
            return data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise BadResponse("openai answer has no choices[0].message.content") from None

    def test(self) -> str:
        headers = {"Authorization": f"Bearer {self.key}"} if self.key else {}
        data = self._json(self._send("GET", f"{self.base_url}/models", headers=headers))
        models = [m.get("id") for m in data.get("data", []) if isinstance(m, dict)]
        if self.settings.model and models and self.settings.model not in models:
            raise ProviderConfigError(
                f"the server does not offer the model '{self.settings.model}' "
                f"(it has: {', '.join(map(str, models[:10]))})"
            )
        return f"openai: connected, {len(models)} model(s) available"
