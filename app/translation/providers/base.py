"""One interface for every online provider: translate texts, test the connection.

A provider is a thin httpx client registered by name. The shared ``_send`` gives all of them
the same timeouts, proxy, retries (``scrapers.retry``, the fetcher's loop) and typed
errors; each subclass only builds its request and reads its vendor's answer and error shapes.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

import httpx

from app.config import ProviderConfig
from app.secrets import translation_key_env
from app.translation.providers.errors import (
    AuthError,
    BadResponse,
    ProviderConfigError,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    RejectedOutput,
    ServerError,
)
from app.translation.text import cjk_ratio
from scrapers.retry import Retry, RetryPolicy, parse_retry_after, run_with_retries

USER_AGENT = "regwatch/0.1 (+translation)"
MAX_BACKOFF = 10.0  # cap on our own waits between attempts
MAX_RETRY_AFTER = 60.0  # a vendor asking for a longer pause gets the error at once
REGISTRY: dict[str, type[Provider]] = {}


def register(name: str) -> Callable[[type[Provider]], type[Provider]]:
    def deco(cls: type[Provider]) -> type[Provider]:
        cls.name = name
        REGISTRY[name] = cls
        return cls

    return deco


@dataclass
class ProviderSettings(ProviderConfig):
    """What a provider needs: every field of the config's [translation.providers.<name>]
    (``ProviderConfig``, declared once there) plus what only code sets."""

    backoff: float = 0.5  # seconds before the first retry, doubled each time
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: ProviderConfig | None) -> ProviderSettings:
        if config is None:
            return cls()
        return cls(**{f.name: getattr(config, f.name) for f in fields(ProviderConfig)})


class Provider:
    """Base of all online providers. Subclasses set ``default_base`` and implement _translate."""

    name: ClassVar[str] = ""
    needs_key: ClassVar[bool] = True
    default_base: ClassVar[str] = ""
    # What the vendor calls the non-secret account id kept in ``app_id`` (None: not needed).
    app_id_label: ClassVar[str | None] = None
    uses_model: ClassVar[bool] = False  # reads ``model`` (chat servers serve many models)
    uses_region: ClassVar[bool] = False  # reads ``region`` (the vendor's data centre)

    def __init__(self, settings: ProviderSettings, key: str | None = None):
        self.settings = settings
        self.key = key or ""
        if self.needs_key and not self.key:
            raise ProviderConfigError(
                f"no API key for the {self.name} provider is stored in the keyring "
                f"(regwatch secrets set translation:{self.name}) or set in the environment "
                f"variable {translation_key_env(self.name)}"
            )
        self.requests = 0
        self.sleep: Callable[[float], None] = time.sleep
        self.retry = RetryPolicy(
            retries=max(0, settings.retries),
            backoff=settings.backoff,
            max_backoff=MAX_BACKOFF,
            max_retry_after=MAX_RETRY_AFTER,
        )
        self._client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            proxy=settings.proxy or None,
            headers={"User-Agent": USER_AGENT},
            trust_env=not settings.proxy,
        )

    @property
    def model(self) -> str | None:
        return self.settings.model or None

    @property
    def base_url(self) -> str:
        return (self.settings.base_url or self.default_base).rstrip("/")

    def close(self) -> None:
        self._client.close()

    # -- the interface -----------------------------------------------------------------------

    def translate(self, texts: list[str], hints: dict[str, str] | None = None) -> list[str]:
        """English for each Chinese text, in order; output is checked before it is returned."""
        if not texts:
            return []
        if self.app_id_label and not self.settings.app_id:
            raise ProviderConfigError(
                f"the {self.name} provider needs its {self.app_id_label} (app_id) in the settings"
            )
        out = self._translate(texts, hints or {})
        if len(out) != len(texts):
            raise BadResponse(
                f"{self.name} returned {len(out)} translations for {len(texts)} texts"
            )
        return [
            check_output(src, clean_output(dst), self.name)
            for src, dst in zip(texts, out, strict=True)
        ]

    def test(self) -> str:
        """A cheap connection and key check; returns a short success message."""
        self.translate(["测试"])
        return f"{self.name}: connection and key accepted"

    def _translate(self, texts: list[str], hints: dict[str, str]) -> list[str]:
        raise NotImplementedError

    # -- HTTP with retries -------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request with the shared retry loop (scrapers.retry): 429/5xx/timeouts are retried
        with jittered backoff; a Retry-After longer than ``max_retry_after`` is not waited for."""
        return run_with_retries(
            lambda: self._attempt(method, url, **kwargs), self.retry, pause=self.sleep
        )

    def _attempt(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.requests += 1
        try:
            response = self._client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise Retry(
                ProviderTimeout(
                    f"{self.name} did not answer within {self.settings.timeout:g} seconds"
                )
            ) from None
        except httpx.TransportError as exc:
            raise Retry(ProviderUnavailable(f"cannot reach {self.name} at {url}: {exc}")) from None
        error = self._error(response)
        if error is None:
            return response
        error.retry_after = response.headers.get("Retry-After")
        if not error.retryable:
            raise error
        raise Retry(error, parse_retry_after(error.retry_after))

    def _error(self, response: httpx.Response) -> ProviderError | None:
        """The typed error of a response, or None if it is a success. Vendors refine this."""
        status = response.status_code
        if status < 400:
            return None
        detail = self._error_detail(response)
        if status in (401, 403):
            return AuthError(f"{self.name} refused the API key ({status}{detail})")
        if status == 429:
            return RateLimited(f"{self.name} is rate limiting requests (429{detail})")
        if status >= 500:
            return ServerError(f"{self.name} had a server error ({status}{detail})")
        return BadResponse(f"{self.name} rejected the request ({status}{detail})")

    @staticmethod
    def _error_detail(response: httpx.Response) -> str:
        try:
            data = response.json()
        except ValueError:
            return ""
        msg = ""
        if isinstance(data, dict):
            err = data.get("error", data.get("message", ""))
            if isinstance(err, dict):
                err = err.get("message", "")
            msg = str(err)
        return f": {msg[:200]}" if msg else ""

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError):
            raise BadResponse(f"{self.name} answered with something that is not JSON") from None


_QUOTES = "\"'“”‘’「」『』"


def clean_output(text: str) -> str:
    """Strip what chat models wrap around a translation: quotes, 'Translation:' labels."""
    text = (text or "").strip()
    text = re.sub(r"^(?:english\s+)?translation\s*[:：]\s*", "", text, flags=re.I)
    if len(text) > 1 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return " ".join(text.split())


def check_output(source: str, text: str, provider: str) -> str:
    """Reject empty, still-Chinese or absurdly long output (the offline result is kept)."""
    if not text:
        raise RejectedOutput(f"{provider} returned an empty translation")
    if cjk_ratio(text) > 0.2:
        raise RejectedOutput(f"{provider} returned text that is still mostly Chinese")
    if len(text) > 60 + 8 * len(source):
        raise RejectedOutput(f"{provider} returned a translation far longer than the source")
    return text
