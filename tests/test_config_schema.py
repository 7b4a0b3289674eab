"""The config schema lives in app.config's dataclasses: the defaults file is generated from them,
and a save edits the user's file in place (comments and layout kept)."""

from __future__ import annotations

import re

from app.config import (
    _CHOICES,
    _NOTES,
    DEFAULT_CONFIG_TEXT,
    Config,
    documented_keys,
    load_config,
    parse_config,
)
from app.config_write import merge_into, save_config

USER_FILE = """\
# My regwatch settings -- edited by hand, please keep these notes.
database = ""   # SQLite for now

[fetch]
# Be gentle with gov.cn.
spacing = 4.0        # seconds
office_hours = "07:00-19:00"  # Brussels morning overlaps Beijing afternoon

# Sources I care about
[sources.govcn]
interval = 120       # every two hours
channels = { zuixin = true, bmwj = false }  # bmwj is noisy

[translation]
provider = "deepl"   # the company account

[translation.providers.deepl]
timeout = 10.0       # fail fast

[email]
host = "smtp.example.eu"   # relay
to = ["team@example.eu"]   # whole team
"""


def _comments(text: str) -> list[str]:
    return [m.group(0).strip() for m in re.finditer(r"#[^\n]*", text)]


def test_defaults_file_is_generated_from_the_dataclasses():
    assert parse_config(DEFAULT_CONFIG_TEXT) == Config()
    assert set(_NOTES) == documented_keys()  # every key explained, no stale notes
    for key, choices in _CHOICES.items():
        line = next(
            ln for ln in DEFAULT_CONFIG_TEXT.splitlines() if ln.startswith(key.split(".")[-1] + " ")
        )
        assert all(c in line for c in choices), (key, line)


def test_config_provider_choices_are_the_registered_providers():
    from app.translation.providers import provider_names

    assert _CHOICES["translation.provider"] == {"offline", *provider_names()}


def test_merge_keeps_every_comment_and_changes_only_what_changed():
    cfg = parse_config(USER_FILE)
    cfg.fetch.spacing = 6.0
    cfg.sources["govcn"].interval = None  # back to the source's default: the key goes
    cfg.translation.providers.pop("deepl")
    cfg.email.port = 465  # a default changed: the key is added
    text = merge_into(USER_FILE, cfg)
    assert parse_config(text) == cfg
    kept = _comments(text)
    for comment in _comments(USER_FILE):
        if comment not in ("# every two hours", "# fail fast"):  # their keys were removed
            assert comment in kept, comment
    assert "spacing = 6.0        # seconds" in text
    assert "interval" not in text and "[translation.providers.deepl]" not in text
    assert "port = 465" in text and "[general]" not in text  # untouched defaults not added


def test_unchanged_save_rewrites_the_file_byte_for_byte(tmp_path):
    path = tmp_path / "regwatch.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    save_config(load_config(path), path)
    assert path.read_text(encoding="utf-8") == USER_FILE
