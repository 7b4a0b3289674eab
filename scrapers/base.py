"""The contract every site module fulfils: metadata, list walking, pure parsers.

A source never touches the database or the GUI. The pipeline (app/pipeline) asks it for list
pages newest-first, stops when a page holds nothing unknown, then asks for details of new items.
Failures are typed so the pipeline can name a health state without guessing:

    BlockedError  -> ``blocked``  (WAF / CAPTCHA / JS challenge page, also with HTTP 200)
    LayoutError   -> ``broken``   (page answered but parsed to zero rows / required fields vanished;
                                   ParseBudgetExceeded: a page took too long to read)
    FetchError    -> ``error``    (network, 5xx after retries, refused 4xx, bad or too-deep JSON,
                                   a request past its total deadline)

The pipeline adds ``degraded`` (lists read, some detail pages or rows failed) and ``cancelled``
(stopped before the run finished); ``as_scrape_error`` types the failures a hostile page can
provoke in any parser (RecursionError, UnicodeError).

What counts as a changed layout (decided once for every source, checked by the held-out pages in
tests/fixtures/heldout):

- A list whose first page answers but yields no row, or holds article links in no row shape
  the parser knows, is a LayoutError — never an empty success. Later empty pages end paging.
- A detail page without the container its site keeps the document text in is a LayoutError,
  even when a title or a metadata table is still found: a title alone would pass for a
  document and silently lose its text, deadline and 文号. The pipeline then keeps the list item
  (with the list's title), marks its detail as failed and names the failure in the run report.
  A known container that is empty (an image-only 一图读懂 page) is a valid, empty body.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable
from urllib.parse import urlsplit


class HealthState(enum.StrEnum):
    """Named outcome of one run of a channel or a source (stored as its string value)."""

    NEVER_RUN = "never_run"
    OK = "ok"
    NO_NEW = "no_new"
    DEGRADED = "degraded"  # the lists were read, some detail pages (or rows) failed
    BROKEN = "broken"
    BLOCKED = "blocked"
    ERROR = "error"
    CANCELLED = "cancelled"  # stopped on request (or killed) before the run finished


# ---------------------------------------------------------------------------------------------
# Errors


class ScrapeError(Exception):
    """Something a source could not do; ``message`` is one sentence a user can act on."""

    state: ClassVar[HealthState] = HealthState.ERROR

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.url = url
        self.status = status


class FetchError(ScrapeError):
    """Network failure, timeout, 5xx after retries, a refused request or undecodable JSON."""

    state = HealthState.ERROR


class BlockedError(ScrapeError):
    """The site answered with a WAF block or JavaScript challenge instead of content."""

    state = HealthState.BLOCKED


class LayoutError(ScrapeError):
    """The page answered but did not have the expected structure (layout changed)."""

    state = HealthState.BROKEN


def decode_json(text: str, url: str, *, what: str = "", status: int | None = None) -> Any:
    """The one "decode a JSON body": BOM-tolerant; FetchError naming ``what`` (default: the host)
    and the URL when the body is not JSON or is nested too deeply to read."""
    what = what or urlsplit(url).hostname or url
    try:
        return json.loads(text.lstrip("\ufeff").strip())
    except ValueError:
        raise FetchError(
            f"{what} did not return valid JSON for {url}; the site may be down or changed.",
            url=url,
            status=status,
        ) from None
    except RecursionError:
        raise FetchError(
            f"{what} answered {url} with JSON nested too deeply to read; the site may be "
            "broken or hostile.",
            url=url,
            status=status,
        ) from None


class ParseBudgetExceeded(LayoutError):
    """A page took longer to parse than its budget (hostile or broken markup): ``broken``."""

    def __init__(self, message: str = "", **kw: Any):
        super().__init__(
            message
            or "a page took too long to read (fetch.parse_budget); its markup is broken or "
            "hostile, and the source needs an update if this persists.",
            **kw,
        )


def as_scrape_error(exc: BaseException, url: str | None = None) -> ScrapeError | None:
    """The typed error for a failure a parser let escape on a hostile page, else None.

    Deep nesting (RecursionError in json or a tree walk) and undecodable text (UnicodeError
    from a bogus charset) are properties of the page, not bugs to report: ``broken``.
    """
    if isinstance(exc, ScrapeError):
        return exc
    if isinstance(exc, RecursionError):
        return LayoutError(
            "a page is nested too deeply to be read; it is broken or hostile.", url=url
        )
    if isinstance(exc, UnicodeError):
        return LayoutError(
            "a page declares a character set that cannot decode it; it is broken.", url=url
        )
    return None


# ---------------------------------------------------------------------------------------------
# Data


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str


@dataclass
class ListItem:
    """One row of a list page or list API, as the site shows it."""

    url: str  # canonical absolute https URL (the key of a notice)
    title: str  # tags stripped, whitespace collapsed; the full title when the site gives one
    date: dt.date | None  # list date: publication date unless the source says otherwise
    channel: str = ""
    link_text: str | None = None  # visible link text when it differs from the title (truncated)
    # Source-specific list fields: plan_code, standard_number, stage, comment_deadline,
    # effective_date, doc_number ... (values are str or dt.date)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Notice:
    """What a detail page says about one document."""

    url: str
    title: str
    issuers: list[str] = field(default_factory=list)
    doc_number: str | None = None  # 文号 / 令号 / standard number when that is the document's id
    written_date: dt.date | None = None  # 成文日期
    published_date: dt.date | None = None  # 发布日期
    doc_type: str | None = None  # 公文种类 / 分类 (通知, 公告, 意见 ...)
    source_label: str | None = None  # 来源
    topic_class: str | None = None  # 主题分类
    index_number: str | None = None  # 索引号
    body: str = ""  # plain text, paragraphs separated by "\n"
    attachments: list[Attachment] = field(default_factory=list)
    comment_deadline: dt.date | None = None
    effective_date: dt.date | None = None  # 实施日期
    plan_code: str | None = None  # national standard plan number, e.g. 20221790-T-469
    standard_number: str | None = None  # e.g. GB 45438-2025
    stage: str | None = None  # plan stage / standard state as printed
    extra: dict[str, str] = field(default_factory=dict)  # other labelled fields, label -> value
    rules: list[str] = field(default_factory=list)  # which parse rules matched (diagnostics)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for k, v in d.items():
            if isinstance(v, dt.date):
                d[k] = v.isoformat()
        return d


@dataclass
class ListPage:
    """One page of a channel's list, newest items first."""

    url: str
    page: int
    items: list[ListItem]
    not_modified: bool = False  # conditional GET answered 304: nothing changed since last run
    # True when this page set is the whole list (a feed without paging): an item missing from it
    # has been removed from the site.
    complete: bool = False


@dataclass(frozen=True)
class Channel:
    key: str
    name_zh: str
    name_en: str
    url: str  # the list (or shell) page a user would open in a browser
    enabled_by_default: bool = True
    date_kind: str = "publish"  # what ListItem.date means: publish | deadline | plan | issue | none


@dataclass(frozen=True)
class SourceInfo:
    key: str
    name_zh: str
    name_en: str
    home: str
    channels: tuple[Channel, ...]
    default_interval_minutes: int = 60
    # What the GUI may offer: "details", "attachments", "comment_deadlines", "paging",
    # "conditional", "cookies", "standards", "removal"
    capabilities: frozenset[str] = frozenset()

    def channel(self, key: str) -> Channel:
        for c in self.channels:
            if c.key == key:
                return c
        raise KeyError(f"source {self.key!r} has no channel {key!r}")


# ---------------------------------------------------------------------------------------------
# HTTP seen from a source


@dataclass
class Response:
    url: str  # the real URL asked for (never the mirror URL)
    status: int
    headers: Mapping[str, str]
    content: bytes
    text: str  # decoded: HTTP charset, then <meta charset>, GBK/GB2312 as GB18030, never Latin-1
    not_modified: bool = False

    def json(self) -> Any:
        """Parse the body as JSON (UTF-8 BOM stripped); FetchError when it is not JSON."""
        return decode_json(self.text, self.url, status=self.status)


class Fetcher(Protocol):
    """The polite HTTP client as a source sees it (scrapers/http.py implements it)."""

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Response:
        """GET; raises FetchError / BlockedError. ``conditional`` sends stored validators."""
        ...

    def post(
        self,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response: ...


# ---------------------------------------------------------------------------------------------
# The protocol


@runtime_checkable
class Source(Protocol):
    info: ClassVar[SourceInfo]

    def list_pages(self, channel: Channel, fetcher: Fetcher) -> Iterator[ListPage]:
        """Yield the channel's list pages, newest first, until the list ends.

        The caller stops iterating as soon as a page holds no unknown item. Raise LayoutError
        when the *first* page answers but yields zero rows; an empty page after the first is the
        normal end of paging.
        """
        ...

    def fetch_detail(self, item: ListItem, fetcher: Fetcher) -> Notice:
        """Fetch and parse the detail page of ``item``.

        LayoutError when the page lacks the container of the document text (see the module
        docstring); the caller keeps ``item`` as it was listed.
        """
        ...

    def parse(self, content: bytes, url: str) -> list[ListItem] | Notice:
        """Pure parser: a saved list page, API response or detail page, chosen from ``url``."""
        ...


def fetch_page(
    fetcher: Fetcher,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    conditional: bool = False,
) -> Response:
    """GET ``url``; FetchError when the answer is an HTTP error (404 on a removed page …).

    The polite client already raises for most failures; this guards fetchers that hand back
    4xx/5xx answers, so an error page is never parsed as a (broken) document.
    """
    if conditional:
        resp = fetcher.get(url, headers=headers, conditional=True)
    else:  # fetchers written before conditional requests take no such argument
        resp = fetcher.get(url, headers=headers)
    if resp.status >= 400:
        raise FetchError(
            f"{url} answered HTTP {resp.status}; the page may have been removed or moved.",
            url=url,
            status=resp.status,
        )
    return resp


class BaseSource:
    """Default behaviour shared by sources: detail = GET (errors refused) + parse_detail."""

    info: ClassVar[SourceInfo]

    def fetch_detail(self, item: ListItem, fetcher: Fetcher) -> Notice:
        resp = fetch_page(fetcher, item.url)
        notice = self.parse_detail(resp.content, item.url)
        if not notice.title:
            notice.title = item.title
        return notice

    def parse_detail(self, content: bytes, url: str) -> Notice:  # pragma: no cover - abstract
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------
# Registry

_REGISTRY: dict[str, type[Source]] = {}


def register(key: str) -> Callable[[type[Source]], type[Source]]:
    """Class decorator: make a source available under ``key`` (must equal ``info.key``)."""

    def deco(cls: type[Source]) -> type[Source]:
        if cls.info.key != key:
            raise ValueError(f"register({key!r}) on a source whose info.key is {cls.info.key!r}")
        _REGISTRY[key] = cls
        return cls

    return deco


# Shared code, not sources: skipped by discovery so that listing the sources does not load the
# HTTP client (httpx) for commands that make no request. A source module that uses them still
# imports them itself.
_HELPER_MODULES = frozenset(
    {
        "base",
        "beijing",
        "charset",
        "custom",
        "dom",
        "http",
        "jpaas",
        "readable",
        "retry",
        "text",
        "waf",
        "watchdog",
    }
)


def _load_all() -> None:
    import importlib
    import pkgutil

    import scrapers

    for mod in pkgutil.iter_modules(scrapers.__path__):
        if not mod.name.startswith("_") and mod.name not in _HELPER_MODULES:
            importlib.import_module(f"scrapers.{mod.name}")


# User-defined sources (``[custom_sources.KEY]`` in the config): built from data, not classes,
# so they are kept apart from the registered modules and replaced as a whole whenever a config
# is loaded (one config is in use per process).
_CUSTOM: dict[str, Callable[[], Source]] = {}


def set_custom_sources(factories: Mapping[str, Callable[[], Source]]) -> None:
    """Replace the user-defined sources; a key of a registered module is refused (ValueError)."""
    if factories:  # an empty set needs no check (and no import of every site module)
        _load_all()
    clash = sorted(set(factories) & set(_REGISTRY))
    if clash:
        raise ValueError(f"custom source key {clash[0]!r} is the key of a built-in source")
    global _CUSTOM
    _CUSTOM = dict(factories)


def builtin_source_keys() -> list[str]:
    """Keys of the sources implemented by site modules, in display order."""
    _load_all()
    order = ["govcn", "cac", "miit", "sac", "std_samr", "tc260"]
    return sorted(_REGISTRY, key=lambda k: (order.index(k) if k in order else len(order), k))


def source_keys() -> list[str]:
    """Keys of all sources (built-in first, then user-defined ones), in a stable order."""
    return builtin_source_keys() + sorted(_CUSTOM)


def get_source(key: str) -> Source:
    """A fresh instance of the source known under ``key``; KeyError if unknown."""
    _load_all()
    try:
        return _REGISTRY[key]() if key in _REGISTRY else _CUSTOM[key]()
    except KeyError:
        known = ", ".join(source_keys())
        raise KeyError(f"unknown source {key!r} (known: {known})") from None
