"""Typed provider errors: one sentence each, so the GUI and CLI can show them as they are."""

from __future__ import annotations


class ProviderError(Exception):
    """A translation provider failed; ``message`` is one sentence for the user."""

    kind = "error"
    retryable = False
    retry_after: str | None = None  # the server's Retry-After, when it sent one

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnknownProvider(ProviderError):
    kind = "config"


class ProviderConfigError(ProviderError):
    """Settings or key missing (no API key in the keyring, no model, …)."""

    kind = "config"


class AuthError(ProviderError):
    kind = "auth"


class QuotaError(ProviderError):
    """The account's quota or balance is used up; retrying will not help."""

    kind = "quota"


class RateLimited(ProviderError):
    kind = "rate_limit"
    retryable = True


class ServerError(ProviderError):
    kind = "server"
    retryable = True


class ProviderTimeout(ProviderError):
    kind = "timeout"
    retryable = True


class ProviderUnavailable(ProviderError):
    """The server cannot be reached (refused, DNS, proxy)."""

    kind = "unavailable"
    retryable = True


class BadResponse(ProviderError):
    kind = "bad_response"


class RejectedOutput(ProviderError):
    """The provider answered, but the text is unusable (empty, still Chinese, too long)."""

    kind = "rejected"
