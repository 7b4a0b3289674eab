"""The polite HTTP client every source fetches through (implements ``scrapers.base.Fetcher``).

Polite: a browser User-Agent, one request at a time per host with a minimum spacing plus jitter,
bounded retries with exponential backoff that honour Retry-After, conditional GETs so an unchanged
feed costs a 304, and a size cap. Honest: WAF pages become ``BlockedError``, refusals and
exhausted retries become ``FetchError`` with one sentence naming the host and the likely cause.

Mirror mode (``mirror="http://127.0.0.1:PORT"``) sends ``https://HOST/PATH?Q`` to
``MIRROR/HOST/PATH?Q`` unchanged otherwise; URLs, Referers and cookies stay keyed by the real
site, so sources cannot tell the replay server from the live sites.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import random
import ssl
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode, urljoin, urlsplit

import httpx

from scrapers.base import BlockedError, FetchError, Response
from scrapers.charset import decode_body
from scrapers.retry import (
    Retry,
    RetryPolicy,
    parse_retry_after,
    run_with_retries,
)
from scrapers.waf import block_reason, status_phrase
from scrapers.watchdog import CANCELLED, Watch, Watchdog

DEFAULT_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36"
)
_BROWSER_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.8,*/*;q=0.7",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
}
_RETRY_STATUSES = {429, 500, 502, 503, 504, 520, 522, 523, 524}
_REDIRECTS = {301, 302, 303, 307, 308}
_MAX_REDIRECTS = 5


# ---------------------------------------------------------------------------------------------
# Validators (ETag / Last-Modified), pluggable so the pipeline can keep them in the database


class ValidatorStore(Protocol):
    """ETag / Last-Modified per URL, and the digest of the body last fetched conditionally
    (for servers that send no validators, like the JPaaS list APIs)."""

    def get(self, url: str) -> tuple[str | None, str | None] | None: ...

    def set(self, url: str, etag: str | None, last_modified: str | None) -> None: ...

    # Optional: a store without these two never answers "same body as last time".
    def digest(self, url: str) -> str | None: ...

    def set_digest(self, url: str, digest: str) -> None: ...


def body_digest(content: bytes) -> str:
    """The stored form of a page body's digest."""
    import hashlib

    return "sha256:" + hashlib.sha256(content).hexdigest()


class MemoryValidators:
    """Validators kept in memory for one process (the default)."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[str | None, str | None]] = {}
        self._digests: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> tuple[str | None, str | None] | None:
        with self._lock:
            return self._data.get(url)

    def set(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            self._data[url] = (etag, last_modified)

    def digest(self, url: str) -> str | None:
        with self._lock:
            return self._digests.get(url)

    def set_digest(self, url: str, digest: str) -> None:
        with self._lock:
            self._digests[url] = digest


# ---------------------------------------------------------------------------------------------
# Spacing


class HostSpacer:
    """One request at a time per host, at least ``spacing`` (+ jitter) seconds apart.

    The gap is measured from the end of one request to the start of the next, so a slow
    server gets more rest, never less. ``clock`` and ``sleep`` are injectable for tests.
    """

    def __init__(
        self,
        spacing: float = 2.0,
        jitter: float = 0.5,
        host_spacing: Mapping[str, float] | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ):
        self.spacing = spacing
        self.jitter = jitter
        self.host_spacing = {k.lower(): v for k, v in (host_spacing or {}).items()}
        self.clock = clock
        self.sleep = sleep
        self._rng = rng or random.Random()
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._next: dict[str, float] = {}

    def gap(self, host: str) -> float:
        base = self.host_spacing.get(host, self.spacing)
        with self._lock:
            extra = self._rng.uniform(0, self.jitter) if self.jitter > 0 else 0.0
        return base + extra

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold the host's single request slot, waiting for its spacing first."""
        host = host.lower()
        with self._lock:
            lock = self._host_locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._next.get(host, float("-inf")) - self.clock()
            if wait > 0:
                self.sleep(wait)
            try:
                yield
            finally:
                self._next[host] = self.clock() + self.gap(host)


# ---------------------------------------------------------------------------------------------
# The client


@dataclass
class FetchStats:
    requests: int = 0  # HTTP requests sent (incl. retries and redirects)
    bytes: int = 0  # body bytes received
    retries: int = 0
    not_modified: int = 0


MIRROR_ENV = "REGWATCH_MIRROR"


def resolve_mirror(explicit: str | None, configured: str | None) -> str:
    """The one precedence for the mirror base URL: an explicit value (``--mirror``, even ""),
    else env REGWATCH_MIRROR, else config ``fetch.mirror``; "" means the live sites.

    The pipeline, "Test now" and every client built from the config all go through here, so
    they always ask the same server."""
    if explicit is not None:
        return explicit
    return os.environ.get(MIRROR_ENV) or configured or ""


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _VerifyingContext(ssl.SSLContext):
    """httpx's default verifying context, reading its CA bundle at the first TLS handshake.

    httpx builds a context per client and loads the whole CA bundle into each (about 50 ms of
    CPU). A cycle makes one client per source, and a run through a plain-HTTP mirror never
    shakes hands at all; so one context is shared by every client (contexts are thread-safe)
    and loads the bundle once, when a handshake first needs it. Same settings as httpx's
    default: certifi, or SSL_CERT_FILE/SSL_CERT_DIR when the environment is trusted.
    """

    _trust_env: bool
    _cas_lock: threading.Lock
    _cas_loaded: bool

    def __new__(cls, trust_env: bool) -> _VerifyingContext:
        ctx = super().__new__(cls, ssl.PROTOCOL_TLS_CLIENT)  # verifies certificate + host name
        ctx._trust_env = trust_env
        ctx._cas_lock = threading.Lock()
        ctx._cas_loaded = False
        return ctx

    def __init__(self, trust_env: bool) -> None:
        pass  # everything is set in __new__ (SSLContext takes no __init__ arguments)

    def load_cas(self) -> None:
        with self._cas_lock:
            if self._cas_loaded:
                return
            if self._trust_env and os.environ.get("SSL_CERT_FILE"):
                self.load_verify_locations(cafile=os.environ["SSL_CERT_FILE"])
            elif self._trust_env and os.environ.get("SSL_CERT_DIR"):
                self.load_verify_locations(capath=os.environ["SSL_CERT_DIR"])
            else:
                import certifi

                self.load_verify_locations(cafile=certifi.where())
            self._cas_loaded = True

    def wrap_socket(self, *args: Any, **kwargs: Any) -> ssl.SSLSocket:
        self.load_cas()
        return super().wrap_socket(*args, **kwargs)

    def wrap_bio(self, *args: Any, **kwargs: Any) -> ssl.SSLObject:
        self.load_cas()
        return super().wrap_bio(*args, **kwargs)


_TLS_LOCK = threading.Lock()
_TLS_CONTEXTS: dict[bool, _VerifyingContext] = {}


def _tls_context(trust_env: bool) -> _VerifyingContext:
    """The process's shared verifying context (see _VerifyingContext)."""
    with _TLS_LOCK:
        if trust_env not in _TLS_CONTEXTS:
            _TLS_CONTEXTS[trust_env] = _VerifyingContext(trust_env)
        return _TLS_CONTEXTS[trust_env]


class PoliteClient:
    """httpx behind politeness, retries, WAF detection and mirror routing; one per run."""

    def __init__(
        self,
        *,
        spacing: float = 2.0,
        jitter: float = 0.5,
        timeout: float = 30.0,
        deadline: float | None = None,
        retries: int = 3,
        max_bytes: int = 20_000_000,
        mirror: str = "",
        proxy: str = "",
        user_agent: str = "",
        host_spacing: Mapping[str, float] | None = None,
        validators: ValidatorStore | None = None,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        max_retry_after: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        cancel: Callable[[], bool] | None = None,
    ):
        self.timeout = timeout
        # connect + every read of one request; a slow-drip server cannot stretch it
        self.deadline = deadline if deadline else max(4 * timeout, 60.0)
        self.watchdog = Watchdog(cancel)
        self.retries = max(0, retries)
        self.max_bytes = max_bytes
        self.mirror = mirror.rstrip("/")
        self.user_agent = user_agent or DEFAULT_USER_AGENT
        self.validators: ValidatorStore = (
            validators if validators is not None else MemoryValidators()
        )
        # A server's Retry-After is obeyed in full up to max_retry_after seconds (max_backoff
        # only caps our own guesses); a longer one ends this run for the host.
        self.retry = RetryPolicy(
            retries=self.retries,
            backoff=backoff,
            max_backoff=max_backoff,
            max_retry_after=max_retry_after,
            rng=rng or random.Random(),
        )
        self._come_back: dict[str, str] = {}  # host -> the sentence that ended its run
        self.sleep = sleep
        self.stats = FetchStats()
        self._stats_lock = threading.Lock()
        self._rng = self.retry.rng
        self.spacer = HostSpacer(
            spacing, jitter, host_spacing, clock=clock, sleep=sleep, rng=self._rng
        )
        self._cookies = httpx.Cookies()  # keyed by the REAL host, whatever the mirror is
        self._cookie_lock = threading.Lock()
        # A loopback mirror must not be sent through a corporate proxy from the environment.
        trust_env = not (self.mirror and _is_loopback(self.mirror))
        self._client = httpx.Client(
            verify=_tls_context(trust_env),
            timeout=httpx.Timeout(timeout),
            proxy=proxy or None,
            trust_env=trust_env,
            follow_redirects=False,
            transport=transport,
            # No idle connections: each request opens its own, so the watchdog knows its socket.
            limits=httpx.Limits(max_keepalive_connections=0),
        )

    @classmethod
    def from_config(cls, fetch: Any, **kwargs: Any) -> PoliteClient:
        """Build from a FetchConfig-like object (attributes spacing, jitter, timeout, retries,
        max_bytes, mirror, proxy, user_agent, hosts{host: obj with .spacing}); the mirror is
        chosen by ``resolve_mirror`` (a ``mirror=`` keyword counts as the explicit value)."""
        hosts = getattr(fetch, "hosts", {}) or {}
        host_spacing = {
            h: float(v.spacing) for h, v in hosts.items() if getattr(v, "spacing", None) is not None
        }
        opts: dict[str, Any] = dict(
            spacing=fetch.spacing,
            jitter=fetch.jitter,
            timeout=fetch.timeout,
            deadline=getattr(fetch, "deadline", None),
            retries=fetch.retries,
            max_bytes=fetch.max_bytes,
            mirror=resolve_mirror(kwargs.pop("mirror", None), getattr(fetch, "mirror", "")),
            proxy=getattr(fetch, "proxy", ""),
            user_agent=getattr(fetch, "user_agent", ""),
            host_spacing=host_spacing,
        )
        opts.update(kwargs)
        return cls(**opts)

    # -- Fetcher protocol -------------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Response:
        """GET ``url``; FetchError / BlockedError on failure; 304 -> ``not_modified``."""
        return self.request("GET", url, params=params, headers=headers, conditional=conditional)

    def post(
        self,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """POST a form (x-www-form-urlencoded)."""
        return self.request("POST", url, data=data, headers=headers)

    def close(self) -> None:
        self.watchdog.close()
        self._client.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals --------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Response:
        try:
            # httpx.URL(url, params=None) would drop the URL's own query (?id=…): merge instead.
            real = httpx.URL(url)
            if params:
                real = real.copy_merge_params(dict(params))
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise FetchError(f"{url!r} is not a valid web address ({exc}).", url=url) from None
        if real.scheme not in ("http", "https") or not real.host:
            raise FetchError(
                f"{url!r} is not an http(s) address; only web pages can be fetched.", url=url
            )
        body = urlencode(dict(data)).encode("utf-8") if data is not None else None
        for _ in range(_MAX_REDIRECTS + 1):
            resp, content = self._with_retries(method, real, body, headers, conditional)
            location = resp.headers.get("Location")
            if resp.status_code not in _REDIRECTS or not location:
                return self._finish(real, resp, content, conditional)
            real = httpx.URL(urljoin(str(real), location))
            if resp.status_code == 303 or (resp.status_code in (301, 302) and method == "POST"):
                method, body = "GET", None
        raise FetchError(
            f"{real.host} redirected more than {_MAX_REDIRECTS} times; the page address may have changed.",
            url=url,
        )

    def _wire_url(self, real: httpx.URL) -> httpx.URL:
        if not self.mirror:
            return real
        target = real.raw_path.decode("ascii")
        return httpx.URL(f"{self.mirror}/{real.netloc.decode('ascii')}{target}")

    def _build(
        self,
        method: str,
        real: httpx.URL,
        body: bytes | None,
        headers: Mapping[str, str] | None,
        conditional: bool,
    ) -> httpx.Request:
        hdrs = {"User-Agent": self.user_agent, **_BROWSER_HEADERS}
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded; charset=UTF-8"
        hdrs.update(headers or {})
        if conditional and method == "GET":
            etag, modified = self.validators.get(str(real)) or (None, None)
            if etag:
                hdrs["If-None-Match"] = etag
            if modified:
                hdrs["If-Modified-Since"] = modified
        probe = httpx.Request(method, real, headers=hdrs, content=body)
        with self._cookie_lock:
            self._cookies.set_cookie_header(probe)
        # Cookies and Referer stay the real site's; Host is the server actually asked (a mirror
        # or proxy that routes by Host, or an HTTP/2 server, refuses another host's name).
        wire = [(k, v) for k, v in probe.headers.raw if k.lower() != b"host"]
        return httpx.Request(method, self._wire_url(real), headers=wire, content=body)

    def _with_retries(
        self,
        method: str,
        real: httpx.URL,
        body: bytes | None,
        headers: Mapping[str, str] | None,
        conditional: bool,
    ) -> tuple[httpx.Response, bytes]:
        host = real.host
        if host in self._come_back:
            raise FetchError(self._come_back[host], url=str(real))

        def check() -> None:
            if self.watchdog.cancelled():
                raise self._stopped(CANCELLED, real)

        def counted() -> None:
            with self._stats_lock:
                self.stats.retries += 1

        with self.spacer.slot(host):
            return run_with_retries(
                lambda: self._send_once(method, real, body, headers, conditional),
                self.retry,
                pause=lambda seconds: self._pause(seconds, real),
                too_long=lambda exc: self._stop_host(host, exc.wait or 0.0, exc.error),  # type: ignore[arg-type]
                before=check,
                on_retry=counted,
            )

    def _pause(self, seconds: float, real: httpx.URL) -> None:
        """Back off for ``seconds``, in short steps when a stop may be requested meanwhile."""
        if self.watchdog.cancel is None:
            self.sleep(seconds)
            return
        left = seconds
        while left > 0:
            step = min(left, 0.2)
            self.sleep(step)
            left -= step
            if self.watchdog.cancelled():
                raise self._stopped(CANCELLED, real)

    def _stopped(self, reason: str, real: httpx.URL) -> FetchError:
        if reason == CANCELLED:
            return FetchError(f"Stopped on request before {real.host} had answered.", url=str(real))
        return FetchError(
            f"{real.host} took more than {self.deadline:g} s to send the page (fetch.deadline); "
            "the site is very slow or stalling, try again later.",
            url=str(real),
        )

    def _stop_host(self, host: str, wait: float, error: FetchError) -> FetchError:
        """End this run for ``host``: it asked for a pause longer than we wait within a run."""
        when = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=wait)
        hours = wait / 3600
        span = f"{hours:.1f} hours" if hours >= 1 else f"{wait / 60:.0f} minutes"
        message = (
            f"{host} asked regwatch to wait {span} (Retry-After, HTTP {error.status}); no more "
            f"requests go to {host} in this run, try again after {when:%Y-%m-%d %H:%M} UTC."
        )
        self._come_back[host] = message
        return FetchError(message, url=error.url, status=error.status)

    def _send_once(
        self,
        method: str,
        real: httpx.URL,
        body: bytes | None,
        headers: Mapping[str, str] | None,
        conditional: bool,
    ) -> tuple[httpx.Response, bytes]:
        host = real.host
        request = self._build(method, real, body, headers, conditional)
        with self._stats_lock:
            self.stats.requests += 1
        with self.watchdog.watch(self.deadline) as watch:
            request.extensions["trace"] = watch.trace
            try:
                resp, content = self._exchange(request, real, watch)
            except httpx.HTTPError:
                if watch.reason:
                    raise self._stopped(watch.reason, real) from None
                raise
            if watch.reason:  # ended just as the last byte came: still not a whole answer
                raise self._stopped(watch.reason, real)
        with self._cookie_lock:
            self._cookies.extract_cookies(
                httpx.Response(
                    resp.status_code, headers=resp.headers, request=httpx.Request(method, real)
                )
            )
        if resp.status_code in _RETRY_STATUSES:
            wait = parse_retry_after(resp.headers.get("Retry-After"))
            reason = block_reason(
                resp.status_code, decode_body(content, resp.headers.get("Content-Type"))
            )
            if reason is None:
                raise Retry(
                    FetchError(
                        f"HTTP {status_phrase(resp.status_code)} from {host} after {self.retries + 1} attempts; "
                        "the site is busy or having trouble, try again later.",
                        url=str(real),
                        status=resp.status_code,
                    ),
                    wait,
                )
        return resp, content

    def _exchange(
        self, request: httpx.Request, real: httpx.URL, watch: Watch
    ) -> tuple[httpx.Response, bytes]:
        """Send and read the whole answer; httpx errors of a watched-out request propagate."""
        host = real.host
        try:
            resp = self._client.send(request, stream=True)
        except httpx.TimeoutException:
            if watch.reason:
                raise
            raise Retry(
                FetchError(
                    f"{host} did not answer within {self.timeout:g} s after {self.retries + 1} attempts; "
                    "the site may be slow or unreachable from your network (try later or set a proxy).",
                    url=str(real),
                )
            ) from None
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
            if watch.reason:
                raise
            where = f"the mirror {self.mirror} (for {host})" if self.mirror else host
            advice = (
                "check that the mirror is running or remove the mirror setting."
                if self.mirror
                else "check your network or proxy settings."
            )
            raise Retry(
                FetchError(
                    f"Could not connect to {where} after {self.retries + 1} attempts "
                    f"({type(exc).__name__}); {advice}",
                    url=str(real),
                )
            ) from None
        except httpx.HTTPError as exc:
            if watch.reason:
                raise
            raise FetchError(f"Request to {host} failed: {exc}.", url=str(real)) from None
        try:
            content = self._read_capped(resp, real, watch)
        finally:
            resp.close()
        return resp, content

    def _read_capped(self, resp: httpx.Response, real: httpx.URL, watch: Watch) -> bytes:
        declared = resp.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_big(real)
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise self._too_big(real)
                chunks.append(chunk)
        except httpx.TimeoutException:
            if watch.reason:
                raise
            raise FetchError(
                f"{real.host} stopped sending the page (timed out after {self.timeout:g} s); try again later.",
                url=str(real),
            ) from None
        except httpx.HTTPError as exc:
            if watch.reason:
                raise
            raise FetchError(
                f"The answer from {real.host} was cut off ({type(exc).__name__}); try again later.",
                url=str(real),
            ) from None
        with self._stats_lock:
            self.stats.bytes += size
        return b"".join(chunks)

    def _too_big(self, real: httpx.URL) -> FetchError:
        return FetchError(
            f"The answer from {real.host} is larger than the {self.max_bytes:,} byte limit "
            "(fetch.max_bytes); it was not downloaded.",
            url=str(real),
        )

    def _finish(
        self, real: httpx.URL, resp: httpx.Response, content: bytes, conditional: bool
    ) -> Response:
        url = str(real)
        host = real.host
        ctype = resp.headers.get("Content-Type")
        if resp.status_code == 304:
            with self._stats_lock:
                self.stats.not_modified += 1
            return Response(url, 304, resp.headers, b"", "", not_modified=True)
        text = decode_body(content, ctype)
        reason = block_reason(resp.status_code, text)
        if reason:
            raise BlockedError(
                f"{host} answered with {reason} instead of the page (HTTP {resp.status_code}); "
                "wait a few hours, or try another network or a proxy.",
                url=url,
                status=resp.status_code,
            )
        if resp.status_code >= 400:
            raise FetchError(
                _refusal_message(resp.status_code, host), url=url, status=resp.status_code
            )
        if conditional and resp.status_code == 200:
            # The same body as last time is "not modified" too: many list APIs send no
            # validators, and parsing an unchanged page again costs more than the request.
            # (A store without digests, the protocol's older form, just gets no such answers.)
            digests = self.validators if hasattr(self.validators, "set_digest") else None
            digest = body_digest(content) if digests is not None else ""
            if digests is not None and digests.digest(url) == digest:
                with self._stats_lock:
                    self.stats.not_modified += 1
                return Response(url, 200, resp.headers, content, text, not_modified=True)
            etag, modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
            if etag or modified:
                self.validators.set(url, etag, modified)
            if digests is not None:
                digests.set_digest(url, digest)
        return Response(url, resp.status_code, resp.headers, content, text)


def _refusal_message(status: int, host: str) -> str:
    phrase = status_phrase(status)
    if status in (401, 403):
        return (
            f"HTTP {phrase} from {host}: the site refused the request (missing Referer or cookie?)."
        )
    if status in (404, 410):
        return f"HTTP {phrase} from {host}: the page does not exist (moved or removed?)."
    if status == 405:
        return f"HTTP {phrase} from {host}: the site does not accept this kind of request (API changed?)."
    return f"HTTP {phrase} from {host}: the request failed."
