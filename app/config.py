"""The TOML config file: typed sections, defaults written on first run, strict validation.

Unknown keys and wrongly typed values are reported with the full key name (``fetch.spacing``)
so a user can fix the file. Secrets are never stored here: they live in the OS keyring
(see app/secrets.py).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs

from app.custom_sources import install as install_custom_sources
from app.custom_sources import parse_custom_sources
from app.errors import UserError

APP_NAME = "regwatch"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir() -> Path:
    """Rebuildable files (the dictionary index); ``REGWATCH_CACHE_DIR`` overrides it."""
    env = os.environ.get("REGWATCH_CACHE_DIR")
    return Path(env) if env else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def default_config_path() -> Path:
    return config_dir() / "regwatch.toml"


# ---------------------------------------------------------------------------------------------
# Sections


@dataclass
class GeneralConfig:
    language: str = "en"  # en | zh_CN
    start_minimised: bool = False
    close_to_tray: bool = True
    user: str = ""  # team mode: who triages on this desktop (empty: the OS login name)


@dataclass
class HostConfig:
    spacing: float | None = None  # seconds between two requests to this host


@dataclass
class FetchConfig:
    spacing: float = 2.0  # minimum seconds between two requests to one host
    jitter: float = 0.5  # up to this many extra random seconds
    timeout: float = 30.0
    deadline: float = 120.0  # seconds one request may take in all (connect + every read)
    retries: int = 3
    max_bytes: int = 20_000_000
    max_details: int = 50  # detail pages fetched per source per cycle
    first_run_days: int = 30  # on a first run, details only for items this recent...
    first_run_max: int = 50  # ...or the newest N
    recheck_days: int = 30  # re-check details of items this recent...
    recheck_hours: int = 24  # ...at most this often (edits become versions)
    parse_budget: float = 30.0  # seconds to read one page before the source is called broken
    recheck_period_days: int = 30  # every stored notice's page re-checked within this period...
    recheck_per_run: int = 3  # ...a few per source per run, oldest-checked first
    mirror: str = ""  # e.g. http://127.0.0.1:8765: every https://HOST/PATH goes to MIRROR/HOST/PATH
    proxy: str = ""  # e.g. http://proxy.example:3128 (HTTP(S)_PROXY env vars also work)
    user_agent: str = ""  # empty: a current desktop browser's
    office_hours: str = "08:00-18:00"  # scheduled fetches only in this Beijing-time window
    office_days: str = "mon-fri"
    hosts: dict[str, HostConfig] = field(default_factory=dict)


@dataclass
class SourceConfig:
    enabled: bool = True
    interval: int | None = None  # minutes; None: the source's default
    channels: dict[str, bool] = field(default_factory=dict)  # channel key -> enabled


@dataclass
class ProviderConfig:
    base_url: str = ""
    model: str = ""
    region: str = ""  # Microsoft / Tencent region
    app_id: str = ""  # Baidu appid / Youdao appKey / Tencent SecretId (not secret)
    timeout: float = 20.0
    proxy: str = ""  # e.g. http://proxy.example:3128; empty: HTTP(S)_PROXY env vars
    retries: int = 2  # on 429, 5xx and timeouts, with backoff; never on quota errors


@dataclass
class TranslationConfig:
    provider: str = "offline"  # offline | openai | deepl | microsoft | google | libretranslate | baidu | youdao | tencent
    improve_partial: bool = True  # let the provider improve titles the offline engine left partial
    max_per_minute: int = 30
    providers: dict[str, ProviderConfig] = field(default_factory=dict)


@dataclass
class EmailScheduleConfig:
    enabled: bool = False
    frequency: str = "daily"  # daily | weekly
    time: str = "08:30"  # local time (this computer's time zone), not UTC
    weekday: str = "mon"
    topics: list[str] = field(default_factory=list)  # empty: flagged items not yet sent


@dataclass
class EmailConfig:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls | ssl | plain (plain only to localhost)
    username: str = ""
    sender: str = ""
    to: list[str] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)
    subject: str = "China regulatory watch: {count} items ({period})"
    cafile: str = ""  # extra CA certificate file to trust (a company relay's own CA)
    timeout: float = 30.0  # seconds
    attach: list[str] = field(default_factory=list)  # formats attached to digests: csv, xlsx, ics
    schedule: EmailScheduleConfig = field(default_factory=EmailScheduleConfig)


@dataclass
class NotificationsConfig:
    enabled: bool = True
    sound: bool = False


@dataclass
class Config:
    general: GeneralConfig = field(default_factory=GeneralConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    translation: TranslationConfig = field(default_factory=TranslationConfig)
    email: EmailConfig = field(default_factory=EmailConfig)
    notifications: NotificationsConfig = field(default_factory=NotificationsConfig)
    database: str = ""  # SQLAlchemy URL; empty: SQLite in the user data dir
    # [custom_sources.KEY]: read and checked by app/custom_sources.py (its own rules)
    custom_sources: dict[str, Any] = field(default_factory=dict, metadata={"internal": True})

    path: Path | None = field(default=None, compare=False, metadata={"internal": True})

    def source(self, key: str) -> SourceConfig:
        return self.sources.get(key) or SourceConfig()


_CHOICES = {
    "general.language": {"en", "zh_CN"},
    "translation.provider": {
        "offline",
        "openai",
        "deepl",
        "microsoft",
        "google",
        "libretranslate",
        "baidu",
        "youdao",
        "tencent",
    },
    "email.security": {"starttls", "ssl", "plain"},
    "email.schedule.frequency": {"daily", "weekly"},
    "email.schedule.weekday": {"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
}


# Values whose type is right but whose meaning can still be wrong. Keys are patterns: ``*``
# stands for a table key chosen by the user (a source, provider or host), ``[]`` for a list
# item. Each check returns None when the value is fine, else what it must be; checking here
# means a typo is reported when the file is loaded (by every command, before the database is
# touched), not hours later by the scheduler or once per request as a fetch "error" state.


def _url(schemes: tuple[str, ...], example: str) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if not value:
            return None  # empty: not used
        parts = urlsplit(value)
        if parts.scheme.lower() in schemes and parts.netloc:
            return None
        return f"empty or a URL like {example}"

    return check


def _range(
    low: float, high: float, unit: str = "", *, above: bool = False
) -> Callable[[Any], str | None]:
    """A check for a number from ``low`` (or more than ``low``, with ``above``) to ``high``.

    Every numeric key has an upper bound: a value that passes the type check but is absurd
    (a spacing of 1e308 s, 2**63 retries) breaks every fetch hours later (overflows, endless
    loops); refusing it when the file is loaded names the key and the range at once.
    """
    unit_text = f" {unit}" if unit else ""
    if above:
        wanted = f"more than {'zero' if low == 0 else f'{low:g}'} and at most {high:g}{unit_text}"
    else:
        wanted = f"from {low:g} to {high:g}{unit_text}"

    def check(value: Any) -> str | None:
        if value is None:
            return None
        if (value > low if above else value >= low) and value <= high:
            return None
        return wanted

    return check


_SECONDS_GAP = _range(0, 3600, "(seconds)")
_TIMEOUT = _range(0, 600, "(seconds)", above=True)
_RETRIES = _range(0, 10, "(attempts)")
_DAYS = _range(0, 36_500, "(days)")  # 100 years: "everything"
_COUNT = _range(0, 10_000)


def _clock_time(value: Any) -> str | None:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", value)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return None
    return "a time like 08:30"


def _office_hours(value: Any) -> str | None:
    # The scheduler's own parser decides (app.office_hours, shared with app.scheduling).
    if value == FetchConfig.office_hours:
        return None
    from app.office_hours import OfficeHours

    try:
        OfficeHours.parse(value, "")
    except UserError:
        return "a Beijing-time window like 08:00-18:00 (00:00-24:00: all day)"
    return None


def _office_days(value: Any) -> str | None:
    if value == FetchConfig.office_days:
        return None
    from app.office_hours import OfficeHours

    try:
        OfficeHours.parse(FetchConfig.office_hours, value)
    except UserError:
        return "days like mon-fri, mon,wed,fri or daily"
    return None


_HTTP_URL = _url(("http", "https"), "http://127.0.0.1:8765")
_PROXY_URL = _url(("http", "https", "socks5", "socks5h"), "http://proxy.example:3128")

_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "fetch.mirror": _HTTP_URL,
    "fetch.proxy": _PROXY_URL,
    "fetch.spacing": _SECONDS_GAP,
    "fetch.jitter": _SECONDS_GAP,
    "fetch.timeout": _TIMEOUT,
    "fetch.retries": _RETRIES,
    "fetch.max_bytes": _range(1_000, 2_000_000_000, "(bytes)"),
    "fetch.max_details": _COUNT,
    "fetch.first_run_days": _DAYS,
    "fetch.first_run_max": _COUNT,
    "fetch.recheck_days": _DAYS,
    "fetch.recheck_hours": _range(0, 8760, "(hours)"),
    "fetch.hosts.*.spacing": _SECONDS_GAP,
    "fetch.office_hours": _office_hours,
    "fetch.office_days": _office_days,
    "sources.*.interval": _range(1, 525_600, "(minutes)"),
    "translation.providers.*.base_url": _url(("http", "https"), "http://127.0.0.1:11434/v1"),
    "translation.providers.*.proxy": _PROXY_URL,
    "translation.max_per_minute": _COUNT,
    "translation.providers.*.timeout": _TIMEOUT,
    "translation.providers.*.retries": _RETRIES,
    "email.port": lambda v: None if 0 < v < 65536 else "a port number (1 to 65535)",
    "email.timeout": _TIMEOUT,
    "email.attach[]": lambda v: (
        None if v in ("csv", "xlsx", "ics", "md", "html") else "one of csv, xlsx, ics, md, html"
    ),
    "email.schedule.time": _clock_time,
}


def _known_table_keys(pattern: str, key: str) -> list[str] | None:
    """The keys allowed in a user-keyed table (sources, providers, channels); None: any."""
    if pattern == "translation.providers.*":
        return sorted(_CHOICES["translation.provider"] - {"offline"})
    if pattern == "sources.*":
        from scrapers.base import source_keys

        return source_keys()
    if pattern == "sources.*.channels.*":
        from scrapers.base import get_source

        source = key.split(".")[1]
        try:
            return [c.key for c in get_source(source).info.channels]
        except KeyError:
            return None  # the source itself is reported
    return None


# ---------------------------------------------------------------------------------------------
# Loading


def _type_name(tp: Any) -> str:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a) for a in typing.get_args(tp) if a is not type(None))
    if origin is list:
        return "a list"
    if origin is dict or dataclasses.is_dataclass(tp):
        return "a table"
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        tp, str(tp)
    )


def _convert(value: Any, tp: Any, key: str, pattern: str | None = None) -> Any:
    """``value`` checked against type ``tp``; ``key`` names it, ``pattern`` selects its checks."""
    pattern = pattern or key
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        errors = []
        for a in args:
            try:
                return _convert(value, a, key, pattern)
            except UserError as exc:
                errors.append(exc)
        if len(args) == 1:
            raise errors[0]
        raise UserError(f"config key '{key}' must be {_type_name(tp)}, not {value!r}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise UserError(f"config key '{key}' must be a table ([{key}]), not {value!r}")
        return _build(tp, value, key, pattern)
    if origin is dict:
        if not isinstance(value, dict):
            raise UserError(f"config key '{key}' must be a table, not {value!r}")
        _, vt = typing.get_args(tp)
        known = _known_table_keys(f"{pattern}.*", key) if value else None
        for k in value:
            if known is not None and str(k) not in known:
                raise UserError(
                    f"unknown name '{k}' in config table '{key}' (known: {', '.join(known)})"
                )
        return {str(k): _convert(v, vt, f"{key}.{k}", f"{pattern}.*") for k, v in value.items()}
    if origin is list:
        (it,) = typing.get_args(tp)
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise UserError(f"config key '{key}' must be a list, not {value!r}")
        return [_convert(v, it, f"{key}[{i}]", f"{pattern}[]") for i, v in enumerate(value)]
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if tp is bool and not isinstance(value, bool):
        raise UserError(f"config key '{key}' must be true or false, not {value!r}")
    if tp is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise UserError(f"config key '{key}' must be an integer, not {value!r}")
    if not isinstance(value, tp):
        raise UserError(f"config key '{key}' must be {_type_name(tp)}, not {value!r}")
    choices = _CHOICES.get(key)
    if choices and value not in choices:
        raise UserError(
            f"config key '{key}' must be one of {', '.join(sorted(choices))}, not {value!r}"
        )
    if tp is float and not math.isfinite(value):
        raise UserError(f"config key '{key}' must be a finite number, not {value!r}")
    if tp in (int, float) and value < 0:
        raise UserError(f"config key '{key}' must not be negative ({value!r})")
    check = _CHECKS.get(pattern)
    problem = check(value) if check else None
    if problem:
        raise UserError(f"config key '{key}' must be {problem}, not {value!r}")
    return value


def _build(cls: type, data: dict, prefix: str = "", pattern: str = "") -> Any:
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    kwargs = {}
    for key, value in data.items():
        full = f"{prefix}.{key}" if prefix else key
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise UserError(f"unknown config key '{full}' (known keys here: {known})")
        kwargs[key] = _convert(value, hints[key], full, f"{pattern}.{key}" if pattern else key)
    return cls(**kwargs)


def parse_config(text: str, path: Path | None = None) -> Config:
    """Parse and validate TOML text; UserError names the file, line or key at fault."""
    where = f" {path}" if path else ""
    text = text.removeprefix("\ufeff")  # a BOM, as Windows Notepad writes it
    try:
        data = tomllib.loads(text)
        # User-defined sources first: [sources.KEY] may name them.
        custom = parse_custom_sources(data.pop("custom_sources", {}))
        install_custom_sources(custom)
        cfg = _build(Config, data)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"config file{where} is not valid TOML: {exc}") from None
    except RecursionError:
        raise UserError(
            f"config file{where} nests arrays or tables too deeply to be a regwatch config"
        ) from None
    cfg.custom_sources = custom
    cfg.path = path
    return cfg


def load_config(path: str | os.PathLike | None = None, *, create: bool = True) -> Config:
    """Load the config file; on first run write the commented defaults and use them."""
    p = Path(path) if path else default_config_path()
    if not p.exists():
        if path and not create:
            raise UserError(f"config file {p} does not exist")
        if create:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(render_defaults(), encoding="utf-8")
            except OSError as exc:
                raise UserError(
                    f"cannot write the default config file {p}: {exc.strerror}"
                ) from None
        cfg = parse_config(render_defaults(), p)
        return cfg
    if p.is_dir():
        raise UserError(f"cannot read config file {p}: it is a directory, not a file")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"cannot read config file {p}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UserError(
            f"cannot read config file {p}: it is not UTF-8 text (byte {exc.start + 1} is not valid)"
        ) from None
    return parse_config(text, p)


# ---------------------------------------------------------------------------------------------
# The commented defaults file, generated from the dataclasses above (keys, order and default
# values), _CHOICES (the "a | b" lists) and the notes below: nothing is written down twice.

_HEADER = """\
# regwatch configuration (TOML). Every key is optional; the values shown are the defaults.
# Secrets (SMTP password, translation API keys) are never stored here: regwatch keeps them in
# the operating system's keyring.
"""

# What each key means, by dotted key. A test checks that every field has a note and no note is
# stale. A note may be "" when the key's name says it all.
_NOTES: dict[str, str] = {
    "database": 'SQLAlchemy URL; empty: SQLite (team mode: "postgresql://user@host/regwatch")',
    "general.language": "",
    "general.start_minimised": "",
    "general.close_to_tray": "closing the window keeps regwatch running in the tray",
    "general.user": "team mode: your name on a shared database (empty: the login name)",
    "fetch.spacing": "minimum seconds between two requests to the same host",
    "fetch.jitter": "plus up to this many random seconds",
    "fetch.timeout": "seconds per request",
    "fetch.deadline": "seconds one request may take in all (a slow-drip server is cut off)",
    "fetch.retries": "on timeouts, connection errors, 429 and 5xx (with backoff)",
    "fetch.max_bytes": "largest page or file read, in bytes",
    "fetch.max_details": "detail pages per source per cycle",
    "fetch.first_run_days": "on a first run fetch details only for items this recent...",
    "fetch.first_run_max": "...or the newest N; older ones are kept list-only",
    "fetch.recheck_days": "re-check recent items' pages for edits...",
    "fetch.recheck_hours": "...at most this often",
    "fetch.parse_budget": 'seconds to read one page; a page that takes longer is "broken"',
    "fetch.recheck_period_days": "re-check every stored notice's page for edits within this "
    "period...",
    "fetch.recheck_per_run": "...this many older ones per source per run, oldest-checked first",
    "fetch.mirror": 'e.g. "http://127.0.0.1:8765": https://HOST/PATH -> MIRROR/HOST/PATH',
    "fetch.proxy": 'e.g. "http://proxy.example:3128" (HTTP_PROXY/HTTPS_PROXY also work)',
    "fetch.user_agent": "empty: a current desktop browser's User-Agent",
    "fetch.office_hours": "scheduled fetches only in this window (Beijing time)",
    "fetch.office_days": "",
    "translation.provider": "",
    "translation.improve_partial": "let the provider improve titles the offline engine left "
    "partial",
    "translation.max_per_minute": "titles sent to the provider per minute at most",
    "email.host": "",
    "email.port": "",
    "email.security": "plain only to localhost",
    "email.username": "",
    "email.sender": "",
    "email.to": "",
    "email.cc": "",
    "email.subject": 'also {topics}, {deadlines_soon}, {date}; "" uses templates/subject.txt.j2',
    "email.cafile": "extra CA certificate file to trust (a company relay's own CA)",
    "email.timeout": "seconds",
    "email.attach": 'formats attached to digest emails: "csv", "xlsx", "ics", "md", "html"',
    "email.schedule.enabled": "",
    "email.schedule.frequency": "",
    "email.schedule.time": "local time (this computer's time zone), not UTC or Beijing time",
    "email.schedule.weekday": "",
    "email.schedule.topics": "empty: flagged items not yet sent",
    "notifications.enabled": "",
    "notifications.sound": "",
}

# Commented examples after a section, for the tables whose keys the user chooses.
_EXAMPLES: dict[str, str] = {
    "fetch": """\
# Per-host spacing, e.g.
# [fetch.hosts."www.cac.gov.cn"]
# spacing = 5.0

# Per-source settings: enabled, interval (minutes) and channels, e.g.
# [sources.govcn]
# enabled = true
# interval = 60
# channels = { zuixin = true, gwywj = true, bmwj = false }
""",
    "translation": """\
# Provider settings; API keys go to the OS keyring (service "regwatch", user
# "translation:<provider>"), never here. Every provider takes timeout, proxy and retries.
# [translation.providers.openai]
# base_url = "http://127.0.0.1:11434/v1"   # Ollama, llama.cpp, vLLM or a hosted API
# model = "qwen2.5:7b"
# [translation.providers.deepl]            # Free keys (ending ":fx") use api-free.deepl.com
# [translation.providers.microsoft]
# region = "westeurope"
# [translation.providers.libretranslate]
# base_url = "http://127.0.0.1:5000"
# [translation.providers.baidu]
# app_id = "2015063000000001"
# [translation.providers.youdao]
# app_id = "your appKey"
# [translation.providers.tencent]
# app_id = "your SecretId"
# region = "ap-beijing"
""",
}

_CHOICE_ORDER = {"translation.provider": ["offline"]}  # shown first; the rest sorted


def _field_line(key: str, name: str, value: Any) -> str:
    import tomli_w

    line = tomli_w.dumps({name: value}).strip()
    note = _NOTES[key]
    if key in _CHOICES:
        first = _CHOICE_ORDER.get(key, [])
        shown = first + sorted(c for c in _CHOICES[key] if c not in first)
        if key == "email.schedule.weekday":
            shown = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        note = " | ".join(shown) + (f" ({note})" if note else "")
    if not note:
        return line
    return f"{line.ljust(26)} # {note}" if len(line) < 26 else f"{line}   # {note}"


def _section(cls: Any, prefix: str, out: list[str]) -> None:
    tables = []
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        key = f"{prefix}.{f.name}" if prefix else f.name
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(default):
            tables.append((key, type(default)))
        elif isinstance(default, dict):
            continue  # user-keyed tables: shown by _EXAMPLES
        else:
            out.append(_field_line(key, f.name, default))
    if prefix in _EXAMPLES:
        out.extend(["", _EXAMPLES[prefix].rstrip("\n")])
    for key, sub in tables:
        out.extend(["", f"[{key}]"])
        _section(sub, key, out)


def render_defaults() -> str:
    """The commented defaults file written on first run (parses back to ``Config()``)."""
    out = [_HEADER.rstrip("\n"), ""]
    _section(Config, "", out)
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"


def documented_keys() -> set[str]:
    """Every dotted key the defaults file shows (for the tests that keep _NOTES in step)."""
    keys: set[str] = set()

    def walk(cls: Any, prefix: str) -> None:
        for f in dataclasses.fields(cls):
            if f.metadata.get("internal"):
                continue
            key = f"{prefix}.{f.name}" if prefix else f.name
            default = (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
            )
            if dataclasses.is_dataclass(default):
                walk(type(default), key)
            elif not isinstance(default, dict):
                keys.add(key)

    walk(Config, "")
    return keys


def __getattr__(name: str) -> Any:
    # DEFAULT_CONFIG_TEXT is rendered on first use: most commands never need it.
    if name == "DEFAULT_CONFIG_TEXT":
        return render_defaults()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
