"""Writing the config file back (from the settings and sources dialogs), validated first.

An existing file is edited in place with tomlkit, so the user's comments, order and layout
survive a save: changed values are replaced where they stand, keys the dialogs set away from
their default are added, and entries the dialogs removed (a provider, a source's interval, a
custom source) are deleted. A new file is written whole."""

from __future__ import annotations

import dataclasses
import os
import typing
from pathlib import Path
from typing import Any

import tomli_w
import tomlkit
from tomlkit.container import Container
from tomlkit.items import InlineTable, Table

from app.config import Config, default_config_path, parse_config
from app.custom_sources import tables


def _plain(value: Any) -> Any:
    """Dataclasses to dicts with TOML-representable values (None has no TOML form: dropped)."""
    if dataclasses.is_dataclass(value):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.metadata.get("internal") and getattr(value, f.name) is not None
        }
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


HEADER = "# regwatch configuration (written by the settings dialog)\n"


def config_to_toml(cfg: Config) -> str:
    return tomli_w.dumps(_document(cfg))


def _document(cfg: Config) -> dict[str, Any]:
    doc = _plain(cfg)
    if cfg.custom_sources:  # kept apart from the dataclass sections: see app/custom_sources.py
        doc["custom_sources"] = tables(cfg.custom_sources.values())
    return doc


def _unwrap(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


_TABLES = (dict, Container, Table, InlineTable)


def _merge(target: Any, new: dict[str, Any], defaults: dict[str, Any] | None) -> None:
    """Bring the tomlkit table ``target`` in line with ``new``, touching only what changed."""
    for key, value in new.items():
        default = defaults.get(key, defaults.get("*")) if defaults is not None else None
        if key in target:
            current = target[key]
            if isinstance(value, dict) and isinstance(current, _TABLES):
                _merge(current, value, default if isinstance(default, dict) else None)
            elif _unwrap(current) != value:
                target[key] = value
        elif isinstance(value, dict) and isinstance(default, dict):
            table = tomlkit.table()
            _merge(table, value, default)  # only what differs from the defaults
            if len(table):
                target[key] = table
        elif defaults is None or key not in defaults or value != default:
            target[key] = value
    for key in [k for k in target if k not in new]:
        del target[key]


def _defaults(cls: Any) -> dict[str, Any]:
    """The default value of every key of ``cls``; a user-keyed table of dataclasses (sources,
    providers, hosts) gets ``{"*": defaults of one entry}``."""
    out: dict[str, Any] = {}
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            out[f.name] = _defaults(tp)
        elif typing.get_origin(tp) is dict:
            _, entry = typing.get_args(tp)
            out[f.name] = {"*": _defaults(entry)} if dataclasses.is_dataclass(entry) else {}
        else:
            value = getattr(cls(), f.name)
            if value is not None:
                out[f.name] = _plain(value)
    return out


def merge_into(text: str, cfg: Config) -> str:
    """``text`` (an existing config file) edited to hold ``cfg``, comments and layout kept."""
    doc = tomlkit.parse(text)
    _merge(doc, _document(cfg), _defaults(Config))
    return tomlkit.dumps(doc)


def save_config(cfg: Config, path: str | os.PathLike | None = None) -> Config:
    """Validate ``cfg`` (UserError names the bad key), then replace the file atomically,
    keeping the comments and layout of the file it replaces."""
    target = Path(path or cfg.path or default_config_path())
    old = None
    if target.is_file():
        try:
            old = target.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            old = None  # unreadable: written whole (it was validated when loaded, if it loaded)
    if old is not None:
        try:
            text = merge_into(old, cfg)
        except tomlkit.exceptions.TOMLKitError:
            old = None
    if old is None:
        text = HEADER + config_to_toml(cfg)
    saved = parse_config(text, target)  # the same validation a hand-edited file gets
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return saved
