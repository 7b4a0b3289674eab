"""Writing the config file back (from the settings and sources dialogs), validated first."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import tomli_w

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


def config_to_toml(cfg: Config) -> str:
    doc = _plain(cfg)
    if cfg.custom_sources:  # kept apart from the dataclass sections: see app/custom_sources.py
        doc["custom_sources"] = tables(cfg.custom_sources.values())
    return tomli_w.dumps(doc)


def save_config(cfg: Config, path: str | os.PathLike | None = None) -> Config:
    """Validate ``cfg`` (UserError names the bad key), then replace the file atomically."""
    target = Path(path or cfg.path or default_config_path())
    text = "# regwatch configuration (written by the settings dialog)\n" + config_to_toml(cfg)
    saved = parse_config(text, target)  # the same validation a hand-edited file gets
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return saved
