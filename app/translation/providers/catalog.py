"""Every provider by name: loads the provider modules (each registers itself in
``base.REGISTRY`` with ``@register``) on first use, so importing the translation service stays
cheap and ``base`` never imports its own subclasses."""

from __future__ import annotations

from app.translation.providers.base import REGISTRY, Provider
from app.translation.providers.errors import UnknownProvider


def provider_class(name: str) -> type[Provider]:
    _load_all()
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(["offline", *REGISTRY]))
        raise UnknownProvider(f"unknown translation provider '{name}' (known: {known})") from None


def provider_names() -> list[str]:
    _load_all()
    return sorted(REGISTRY)


def _load_all() -> None:
    from app.translation.providers import (  # noqa: F401  (registers the classes)
        baidu,
        deepl,
        google,
        libretranslate,
        microsoft,
        openai,
        tencent,
        youdao,
    )
