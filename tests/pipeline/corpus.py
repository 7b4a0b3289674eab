"""Reading the corpus oracle (expected.json) in terms of registered sources and channels."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from app.config import SourceConfig, parse_config
from scrapers.base import get_source, source_keys
from tests.pipeline.conftest import EXPECTED, TEST_CONFIG
from tests.pipeline_sources import TEST_SOURCES


def _list_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}{parts.path}"


def channel_map(source_key: str) -> dict[str, str]:
    """channel key -> expected.json list key, by list URL (or ``<source>_<channel>``)."""
    info = (
        TEST_SOURCES[source_key].info if source_key in TEST_SOURCES else get_source(source_key).info
    )
    out: dict[str, str] = {}
    for ch in info.channels:
        for ek, meta in EXPECTED["sources"].items():
            if ek == f"{source_key}_{ch.key}" or _list_key(ch.url) == _list_key(
                meta.get("list_url", "")
            ):
                out[ch.key] = ek
                break
    return out


def corpus_sources(include_stand_ins: bool = True) -> list[str]:
    """Registered sources that list pages of the corpus (plus the stand-ins, if asked)."""
    keys = [k for k in source_keys() if k not in TEST_SOURCES and channel_map(k)]
    stand_ins = [k for k in TEST_SOURCES if channel_map(k)]  # not the made-up paged site
    return keys + (stand_ins if include_stand_ins else [])


def all_channels_config(keys):
    """A test config with exactly the channels the oracle describes enabled."""
    cfg = parse_config(TEST_CONFIG)
    for key in keys:
        info = TEST_SOURCES[key].info if key in TEST_SOURCES else get_source(key).info
        mapped = channel_map(key)  # channels outside the oracle (e.g. a search API) stay off
        cfg.sources[key] = SourceConfig(channels={c.key: c.key in mapped for c in info.channels})
    return cfg


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def assert_state(rep, want: str) -> None:
    """``rep`` ended in ``want``; or ``degraded`` only because detail pages the corpus does
    not hold answered 404 (the lists themselves were read)."""
    if rep.state == "degraded" and want in ("ok", "no_new"):
        assert rep.details_failed and "404" in (rep.first_detail_error or ""), rep.message
        assert (rep.new > 0) == (want == "ok"), rep.message
        return
    assert rep.state == want, rep.message
