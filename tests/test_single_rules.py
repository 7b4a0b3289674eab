"""Rules that used to exist in several disagreeing copies: each is pinned here, once."""

from __future__ import annotations

import pytest

from app.config import Config
from app.pipeline.cycle import effective_mirror
from scrapers.http import PoliteClient, resolve_mirror


# -- mirror precedence: explicit, then env REGWATCH_MIRROR, then config fetch.mirror ------------


def test_mirror_precedence_is_explicit_then_env_then_config(monkeypatch):
    monkeypatch.delenv("REGWATCH_MIRROR", raising=False)
    assert resolve_mirror(None, "") == ""
    assert resolve_mirror(None, "http://cfg:1") == "http://cfg:1"
    monkeypatch.setenv("REGWATCH_MIRROR", "http://env:2")
    assert resolve_mirror(None, "http://cfg:1") == "http://env:2"
    assert resolve_mirror("http://cli:3", "http://cfg:1") == "http://cli:3"
    assert resolve_mirror("", "http://cfg:1") == ""  # --mirror "" forces the live sites


def test_pipeline_and_client_from_config_pick_the_same_mirror(monkeypatch):
    cfg = Config()
    cfg.fetch.mirror = "http://127.0.0.1:9001"
    monkeypatch.setenv("REGWATCH_MIRROR", "http://127.0.0.1:9002")
    with PoliteClient.from_config(cfg.fetch) as client:  # what "Test now" uses
        assert client.mirror == effective_mirror(cfg, None) == "http://127.0.0.1:9002"
    monkeypatch.delenv("REGWATCH_MIRROR")
    with PoliteClient.from_config(cfg.fetch) as client:
        assert client.mirror == effective_mirror(cfg, None) == "http://127.0.0.1:9001"
    with PoliteClient.from_config(cfg.fetch, mirror="") as client:
        assert client.mirror == effective_mirror(cfg, "") == ""
