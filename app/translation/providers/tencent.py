"""Tencent Cloud TMT TextTranslate: TC3-HMAC-SHA256 signing, errors in Response.Error at 200."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

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

SERVICE = "tmt"
CONTENT_TYPE = "application/json; charset=utf-8"
_QUOTA = (
    "FailedOperation.NoFreeAmount",
    "FailedOperation.ServiceIsolate",
    "FailedOperation.UserNotRegistered",
)


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def tc3_authorization(secret_id: str, secret_key: str, host: str, body: str, timestamp: int) -> str:
    """The Authorization header of a TC3-HMAC-SHA256 signed POST / (Tencent's documented scheme)."""
    date = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    canonical = (
        f"POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{host}\n\ncontent-type;host\n"
        + hashlib.sha256(body.encode()).hexdigest()
    )
    scope = f"{date}/{SERVICE}/tc3_request"
    to_sign = (
        f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n" + hashlib.sha256(canonical.encode()).hexdigest()
    )
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), SERVICE), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return (
        f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
        f"SignedHeaders=content-type;host, Signature={signature}"
    )


@register("tencent")
class Tencent(Provider):
    app_id_label = "SecretId"
    uses_region = True  # X-TC-Region, ap-beijing when empty
    default_base = "https://tmt.tencentcloudapi.com"

    def _translate(self, texts: list[str], hints: dict[str, str]) -> list[str]:
        return [self._one(t) for t in texts]

    def _one(self, text: str) -> str:
        body = json.dumps(
            {"SourceText": text, "Source": "zh", "Target": "en", "ProjectId": 0},
            ensure_ascii=False,
        )
        host = urlsplit(self.base_url).netloc
        ts = int(time.time())
        headers = {
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": "TextTranslate",
            "X-TC-Version": "2018-03-21",
            "X-TC-Region": self.settings.region or "ap-beijing",
            "X-TC-Timestamp": str(ts),
            "Authorization": tc3_authorization(self.settings.app_id, self.key, host, body, ts),
        }
        resp = self._send("POST", f"{self.base_url}/", content=body.encode(), headers=headers)
        data = self._json(resp)
        try:
            return str(data["Response"]["TargetText"])
        except (KeyError, TypeError):
            raise BadResponse("tencent answer has no Response.TargetText") from None

    def _error(self, response: httpx.Response) -> ProviderError | None:
        if response.status_code >= 400:
            return super()._error(response)
        try:
            err = response.json()["Response"].get("Error")
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        if not err:
            return None
        code, msg = str(err.get("Code", "")), str(err.get("Message", ""))[:150]
        if code.startswith("AuthFailure"):
            return AuthError(f"Tencent refused the SecretId, SecretKey or signature ({code})")
        if code.startswith(_QUOTA):
            return QuotaError(f"the Tencent TMT free amount or balance is used up ({code})")
        if code.startswith("RequestLimitExceeded"):
            return RateLimited(f"Tencent is rate limiting requests ({code})")
        if code.startswith("InternalError"):
            return ServerError(f"Tencent had an internal error ({code})")
        return BadResponse(f"Tencent rejected the request ({code}: {msg})")
