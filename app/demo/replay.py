"""Replay server: serves the offline site corpus over real HTTP on 127.0.0.1.

It follows the matching rules of ``resources/sites/README.md`` (mirror-form paths
``/HOST/PATH?QUERY``, routes walked in order, per-snapshot files, ``query`` / ``query_json`` /
``form`` conditions, ``require_headers``). Tests inject faults (WAF pages, 5xx, 429, slow
answers) with :meth:`ReplayServer.override`; ``regwatch demo`` runs it standalone
(``python -m app.replay --port 8765``). Static routes answer conditional requests with 304, as
the real gov.cn static files do.
"""

from __future__ import annotations

import argparse
import email.utils
import hashlib
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


def default_corpus_dir() -> Path:
    """The corpus shipped with the package (``resources/sites``)."""
    import resources

    return Path(resources.__file__).resolve().parent / "sites"


@dataclass(frozen=True)
class LoggedRequest:
    """One request as the server saw it (host/path in real-site terms)."""

    method: str
    host: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic() when the request arrived


@dataclass
class Override:
    """A scripted answer that wins over the manifest (fault injection for tests)."""

    host: str
    path: str  # exact path, or "*" for any path on the host
    method: str = "GET"
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int | None = None  # None: for ever; N: the next N matching requests only
    drop: bool = False  # close the connection without answering (a reset / cut connection)
    drip: float = 0.0  # send the body one byte every ``drip`` seconds (a slow-drip server)

    def matches(self, method: str, host: str, path: str) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        if host != self.host.lower():
            return False
        if self.path != "*" and path != self.path:
            return False
        return method == self.method or (method == "HEAD" and self.method == "GET")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0
    drop: bool = False
    drip: float = 0.0


# ---------------------------------------------------------------------------------------------
# Route matching (pure functions of the manifest route and the decoded request)


def _spec_holds(spec: Any, values: list[str] | None) -> bool:
    if isinstance(spec, list):
        return any(_spec_holds(s, values) for s in spec)
    if spec is None:
        return values is None
    return values is not None and str(spec) in values


def _params_hold(conditions: Mapping[str, Any] | None, params: Mapping[str, list[str]]) -> bool:
    if not conditions:
        return True
    return all(_spec_holds(spec, params.get(name)) for name, spec in conditions.items())


def _json_param(raw: str) -> Any:
    for text in (raw, raw.replace("'", '"')):
        try:
            return json.loads(text)
        except ValueError:
            continue
    return None


def _query_json_holds(
    conditions: Mapping[str, Any] | None, params: Mapping[str, list[str]]
) -> bool:
    if not conditions:
        return True
    for name, wanted in conditions.items():
        values = params.get(name)
        if not values:
            return False
        obj = _json_param(values[0])
        if not isinstance(obj, dict):
            return False
        for key, value in wanted.items():
            if key not in obj or str(obj[key]) != str(value):
                return False
    return True


def route_matches(
    route: Mapping[str, Any],
    *,
    snapshot: str,
    method: str,
    host: str,
    path: str,
    query: Mapping[str, list[str]],
    form: Mapping[str, list[str]],
) -> bool:
    """True when every condition of a manifest route holds for this request."""
    if route.get("snapshot", "*") not in ("*", snapshot):
        return False
    rmethod = route.get("method", "GET")
    if not (rmethod == method or (rmethod == "GET" and method == "HEAD")):
        return False
    if str(route.get("host", "")).lower() != host or route.get("path") != path:
        return False
    return (
        _params_hold(route.get("query"), query)
        and _query_json_holds(route.get("query_json"), query)
        and _params_hold(route.get("form"), form)
    )


def _parse_params(text: str) -> dict[str, list[str]]:
    return parse_qs(text, keep_blank_values=True, encoding="utf-8", errors="replace")


# ---------------------------------------------------------------------------------------------
# The server


class ReplayServer:
    """The corpus on a real socket; ``snapshot`` may be switched while it runs."""

    def __init__(self, root: Path | str | None = None, snapshot: str = "t1", port: int = 0):
        self.root = Path(root) if root else default_corpus_dir()
        manifest = json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))
        self.routes: list[dict[str, Any]] = manifest["routes"]
        self.snapshots: list[str] = list(manifest.get("snapshots", ["t1", "t2"]))
        self.hosts = {str(r.get("host", "")).lower() for r in self.routes}
        self.snapshot = snapshot
        self._port = port
        self._lock = threading.Lock()
        self._requests: list[LoggedRequest] = []
        self._overrides: list[Override] = []
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._file_cache: dict[str, tuple[bytes, str, str]] = {}

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> ReplayServer:
        if self._httpd is not None:
            return self
        server = self

        class Handler(_Handler):
            replay = server

        httpd = ThreadingHTTPServer(("127.0.0.1", self._port), Handler)
        httpd.daemon_threads = True
        httpd.block_on_close = False
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("the replay server is not running")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        """Base URL to use as the client's mirror, e.g. ``http://127.0.0.1:8765``."""
        return f"http://127.0.0.1:{self.port}"

    def mirror_url(self, real_url: str) -> str:
        """The mirror-form URL of a real ``https://HOST/PATH?QUERY`` URL."""
        parts = urlsplit(real_url)
        query = f"?{parts.query}" if parts.query else ""
        return f"{self.url}/{parts.netloc}{parts.path or '/'}{query}"

    # -- request log and fault injection --------------------------------------------------

    @property
    def requests(self) -> list[LoggedRequest]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def override(
        self,
        host: str,
        path: str,
        *,
        status: int = 200,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
        delay: float = 0.0,
        method: str = "GET",
        times: int | None = None,
        drop: bool = False,
        drip: float = 0.0,
    ) -> Override:
        """Answer ``method host path`` with this instead of the manifest (newest override wins)."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        ov = Override(
            host=host.lower(),
            path=path,
            method=method.upper(),
            status=status,
            body=body,
            headers=dict(headers or {}),
            delay=delay,
            times=times,
            drop=drop,
            drip=drip,
        )
        with self._lock:
            self._overrides.insert(0, ov)
        return ov

    def clear_overrides(self) -> None:
        with self._lock:
            self._overrides.clear()

    # -- answering ------------------------------------------------------------------------

    def _log(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._requests.append(entry)

    def _take_override(self, method: str, host: str, path: str) -> Override | None:
        with self._lock:
            for ov in self._overrides:
                if ov.matches(method, host, path):
                    if ov.times is not None:
                        ov.times -= 1
                    return ov
        return None

    def _file(self, rel: str) -> tuple[bytes, str, str]:
        """Bytes, ETag and Last-Modified of a corpus file (cached)."""
        cached = self._file_cache.get(rel)
        if cached is None:
            path = (self.root / rel).resolve()
            if self.root.resolve() not in path.parents:
                raise FileNotFoundError(rel)
            data = path.read_bytes()
            etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
            modified = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
            cached = (data, etag, modified)
            self._file_cache[rel] = cached
        return cached

    def _fix_referer(self, headers: dict[str, str]) -> dict[str, str]:
        """Leniency: a mirror-form Referer pointing at this server counts as the real URL."""
        ref = headers.get("Referer")
        prefix = self.url + "/" if self._httpd else None
        if ref and prefix and ref.startswith(prefix):
            rest = ref[len(prefix) :]
            headers = dict(headers)
            headers["Referer"] = "https://" + rest
        return headers

    def answer(
        self,
        method: str,
        host: str,
        path: str,
        query: Mapping[str, list[str]],
        form: Mapping[str, list[str]],
        headers: dict[str, str],
    ) -> Answer:
        """What the server sends for a decoded request (overrides, then the manifest)."""
        ov = self._take_override(method, host, path)
        if ov is not None:
            hdrs = {"Content-Type": "text/html; charset=utf-8", **ov.headers}
            return Answer(ov.status, hdrs, ov.body, ov.delay, ov.drop, ov.drip)
        snapshot = self.snapshot
        for route in self.routes:
            if not route_matches(
                route,
                snapshot=snapshot,
                method=method,
                host=host,
                path=path,
                query=query,
                form=form,
            ):
                continue
            return self._route_answer(route, method, headers)
        return Answer(404, {"Content-Type": "text/html; charset=utf-8"}, b"<h1>404 Not Found</h1>")

    def _route_answer(
        self, route: Mapping[str, Any], method: str, headers: dict[str, str]
    ) -> Answer:
        required = route.get("require_headers") or {}
        if required:
            fixed = self._fix_referer(headers)
            for name, prefix in required.items():
                value = next((v for k, v in fixed.items() if k.lower() == name.lower()), None)
                if value is None or not value.startswith(prefix):
                    body = b""
                    if route.get("fail_file"):
                        body = self._file(route["fail_file"])[0]
                    ctype = {"Content-Type": "text/html; charset=utf-8"}
                    return Answer(int(route.get("fail_status", 403)), ctype, body)
        hdrs = {"Content-Type": route.get("content_type", "application/octet-stream")}
        hdrs.update(route.get("headers") or {})
        status = int(route.get("status", 200))
        if not route.get("file"):
            return Answer(status, hdrs, b"")
        body, etag, modified = self._file(route["file"])
        if status == 200 and method in ("GET", "HEAD"):
            hdrs.setdefault("ETag", etag)
            hdrs.setdefault("Last-Modified", modified)
            if _not_modified(headers, etag, modified):
                return Answer(304, {"ETag": etag, "Last-Modified": modified}, b"")
        return Answer(status, hdrs, body)


def _not_modified(headers: Mapping[str, str], etag: str, modified: str) -> bool:
    lower = {k.lower(): v for k, v in headers.items()}
    inm = lower.get("if-none-match")
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    ims = lower.get("if-modified-since")
    if ims:
        try:
            since = email.utils.parsedate_to_datetime(ims)
            mod = email.utils.parsedate_to_datetime(modified)
        except (TypeError, ValueError):
            return False
        return mod <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    replay: ReplayServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stalls
    server_version = "regwatch-replay/1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the request log is ``ReplayServer.requests``

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def _split_target(self) -> tuple[str, str, str]:
        """(host, decoded path, raw query) from a mirror-form or absolute-form target."""
        target = self.path
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            return parts.hostname or "", unquote(parts.path or "/"), parts.query
        raw_path, _, query = target.partition("?")
        path = unquote(raw_path, encoding="utf-8", errors="replace")
        first, sep, rest = path.lstrip("/").partition("/")
        if "." in first:
            host = first.split(":", 1)[0].lower()
            return host, "/" + rest, query
        header_host = (self.headers.get("Host") or "").split(":", 1)[0].lower()
        if header_host in self.replay.hosts:
            return header_host, path, query
        return "", path, query

    def _serve(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        host, path, raw_query = self._split_target()
        headers = {k: v for k, v in self.headers.items()}
        self.replay._log(
            LoggedRequest(method, host, path, raw_query, headers, body, time.monotonic())
        )
        query = _parse_params(raw_query)
        form: dict[str, list[str]] = {}
        ctype = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if method == "POST" and ctype in ("", "application/x-www-form-urlencoded"):
            form = _parse_params(body.decode("utf-8", errors="replace"))
        ans = self.replay.answer(method, host, path, query, form, headers)
        if ans.delay:
            time.sleep(ans.delay)
        if ans.drop:
            self.close_connection = True
            return
        try:
            self.send_response(ans.status)
            for name, value in ans.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(ans.body)))
            self.end_headers()
            if method != "HEAD" and ans.status not in (204, 304):
                if ans.drip:
                    self._drip(ans.body, ans.drip)
                else:
                    self.wfile.write(ans.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout tests)

    def _drip(self, body: bytes, every: float) -> None:
        """A server that never quite stalls: one byte per ``every`` seconds."""
        for i in range(len(body)):
            self.wfile.write(body[i : i + 1])
            self.wfile.flush()
            time.sleep(every)


def main(argv: list[str] | None = None) -> int:
    """Run the replay server in the foreground until interrupted."""
    parser = argparse.ArgumentParser(
        prog="python -m app.replay", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--port", type=int, default=8765, help="TCP port on 127.0.0.1 (0: any free)"
    )
    parser.add_argument("--snapshot", default="t1", help="corpus snapshot to serve (t1 or t2)")
    parser.add_argument("--root", type=Path, default=None, help="corpus folder (default: bundled)")
    args = parser.parse_args(argv)
    server = ReplayServer(args.root, snapshot=args.snapshot, port=args.port)
    if args.snapshot not in server.snapshots:
        parser.error(f"unknown snapshot {args.snapshot!r} (known: {', '.join(server.snapshots)})")
    try:
        server.start()
    except OSError as exc:
        parser.error(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}")
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
