"""``[custom_sources.KEY]``: user-defined sources read from the config, checked when it loads.

Every mistake is found when the file is read (by every command, before any request) and named
in one line with the full key: a key that is not lower-case letters, digits and ``_`` or that
is a built-in source's, an unknown field, a wrong type, a list URL that is not http(s), a CSS
selector the parser cannot compile. Source packs (``format = "regwatch-sources"``) carry the same
tables, so a definition moves between a config file, a pack and the Sources dialog unchanged.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import tomli_w

from app.errors import UserError
from scrapers.base import builtin_source_keys, set_custom_sources

if TYPE_CHECKING:
    from scrapers.custom import CustomDefinition

# scrapers.custom (bs4, soupsieve: ~0.5 s to import) is imported by the functions that build
# definitions, so every command that loads a config without custom sources starts as fast as before.

PACK_FORMAT = "regwatch-sources"
PACK_VERSION = 1
COMMUNITY_NOTE = "community definition, check it works for you"

_KEY = re.compile(r"^[a-z0-9_]+$")
_FIELDS = frozenset(
    {"name", "list_url", "format", "item", "title", "link", "date", "next_page"}
    | {"detail_body", "interval", "items", "url"}
)
_HTML_ONLY = {"item", "link", "next_page"}
_JSON_ONLY = {"items", "url"}
_SELECTORS = ("item", "title", "link", "date", "next_page", "detail_body")


def _fail(where: str, problem: str) -> UserError:
    return UserError(f"config key '{where}' {problem}")


def parse_definition(key: str, table: Any, prefix: str = "custom_sources") -> CustomDefinition:
    """One ``[custom_sources.KEY]`` table checked and turned into a definition."""
    from scrapers.custom import FORMATS, CustomDefinition, selector_problem

    where = f"{prefix}.{key}"
    if not _KEY.match(key):
        raise _fail(where, "must be named with lower-case letters, digits and _ only")
    if key in builtin_source_keys():
        raise _fail(where, f"uses the key of the built-in source '{key}'; choose another key")
    if not isinstance(table, dict):
        raise _fail(where, f"must be a table ([{where}]), not {table!r}")
    unknown = sorted(set(table) - _FIELDS)
    if unknown:
        raise UserError(
            f"unknown config key '{where}.{unknown[0]}' (known keys here: {', '.join(sorted(_FIELDS))})"
        )
    for name, value in table.items():
        if name == "interval":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise _fail(f"{where}.interval", f"must be at least 1 (minutes), not {value!r}")
        elif not isinstance(value, str):
            raise _fail(f"{where}.{name}", f"must be a string, not {value!r}")
    fmt = table.get("format", "html")
    if fmt not in FORMATS:
        raise _fail(f"{where}.format", f"must be one of {', '.join(FORMATS)}, not {fmt!r}")
    for name in ("name", "list_url"):
        if not str(table.get(name, "")).strip():
            raise _fail(f"{where}.{name}", "is required")
    parts = urlsplit(table["list_url"].strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise _fail(f"{where}.list_url", f"must be an http(s) URL, not {table['list_url']!r}")
    wrong = sorted(set(table) & (_JSON_ONLY if fmt == "html" else _HTML_ONLY))
    if wrong:
        other = "json" if fmt == "html" else "html"
        raise _fail(f"{where}.{wrong[0]}", f'is only used with format = "{other}"')
    if fmt == "html":
        if not str(table.get("item", "")).strip():
            raise _fail(f"{where}.item", "is required: a CSS selector matching one notice")
        for name in _SELECTORS:
            value = str(table.get(name, "")).strip()
            if value and (problem := selector_problem(value)):
                raise _fail(f"{where}.{name}", f"is not a valid CSS selector ({problem})")
    elif table.get("detail_body") and (problem := selector_problem(table["detail_body"])):
        raise _fail(f"{where}.detail_body", f"is not a valid CSS selector ({problem})")
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in table.items()}
    return CustomDefinition(key=key, **values)


def parse_custom_sources(table: Any, prefix: str = "custom_sources") -> dict[str, CustomDefinition]:
    """Every definition of a ``custom_sources`` table (UserError on the first mistake)."""
    if not isinstance(table, dict):
        raise UserError(f"config key '{prefix}' must be a table, not {table!r}")
    return {str(k): parse_definition(str(k), v, prefix) for k, v in table.items()}


def install(definitions: Mapping[str, CustomDefinition]) -> None:
    """Make ``definitions`` the user-defined sources of this process (replacing earlier ones)."""
    set_custom_sources({k: _factory(d) for k, d in definitions.items()})


def _factory(defn: CustomDefinition):
    from scrapers.custom import CustomSource

    return lambda: CustomSource(defn)


def tables(definitions: Iterable[CustomDefinition]) -> dict[str, dict[str, Any]]:
    """Definitions as the ``custom_sources`` TOML table (for the config file and packs)."""
    return {d.key: d.to_table() for d in definitions}


# ---------------------------------------------------------------------------------------------
# Packs


def loads_pack(text: str, where: str = "source pack") -> dict[str, CustomDefinition]:
    """A source pack's definitions; UserError names the key at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{where} is not valid TOML: {exc}") from None
    if data.get("format") != PACK_FORMAT:
        raise UserError(
            f'{where} is not a regwatch source pack (it needs format = "{PACK_FORMAT}")'
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > PACK_VERSION:
        raise UserError(f"{where} needs version = {PACK_VERSION} (this regwatch reads up to it)")
    unknown = set(data) - {"format", "version", "note", "custom_sources"}
    if unknown:
        raise UserError(f"{where} has unknown top-level keys: {', '.join(sorted(unknown))}")
    try:
        return parse_custom_sources(data.get("custom_sources", {}))
    except UserError as exc:
        raise UserError(f"{where}: {exc.message}") from None


def dumps_pack(definitions: Iterable[CustomDefinition], note: str = "") -> str:
    """A pack's TOML text (round-trips through ``loads_pack``)."""
    doc: dict[str, Any] = {"format": PACK_FORMAT, "version": PACK_VERSION}
    if note:
        doc["note"] = note
    doc["custom_sources"] = tables(definitions)
    header = (
        "# regwatch source pack: add it in Sources → Import, or paste the\n"
        "# [custom_sources.KEY] tables into regwatch.toml\n"
    )
    return header + tomli_w.dumps(doc)


@cache
def _shipped_text() -> str:
    return resources.files("resources.sources").joinpath("community.toml").read_text("utf-8")


def community_definitions() -> dict[str, CustomDefinition]:
    """The definitions shipped in resources/sources/community.toml (community-maintained)."""
    return loads_pack(_shipped_text(), "community.toml")
