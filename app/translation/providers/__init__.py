"""Online translation providers behind one interface (see base.Provider), keys in the keyring."""

from app.translation.providers.base import Provider, ProviderSettings, register
from app.translation.providers.catalog import provider_class, provider_names
from app.translation.providers.errors import (
    AuthError,
    BadResponse,
    ProviderConfigError,
    ProviderError,
    ProviderTimeout,
    ProviderUnavailable,
    QuotaError,
    RateLimited,
    RejectedOutput,
    ServerError,
    UnknownProvider,
)

__all__ = [
    "AuthError",
    "BadResponse",
    "Provider",
    "ProviderConfigError",
    "ProviderError",
    "ProviderSettings",
    "ProviderTimeout",
    "ProviderUnavailable",
    "QuotaError",
    "RateLimited",
    "RejectedOutput",
    "ServerError",
    "UnknownProvider",
    "provider_class",
    "provider_names",
    "register",
]
