"""Optional topic packs: the seed audience's other subjects, offered but not installed by default.

Each pack is a topic pack file in resources/topics/packs/ (the same format users import). The
first-run dialog lists their topics unticked next to the defaults; the topics dialog adds a
whole pack; ``regwatch topics import`` takes the file path as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from app.topics.pack import TopicSpec, loads_pack


@dataclass(frozen=True)
class OptionalPack:
    """A shipped pack: ``key`` names its file (``packs/<key>.toml``)."""

    key: str
    name_en: str
    name_zh: str

    def text(self) -> str:
        return (
            resources.files("resources.topics.packs")
            .joinpath(f"{self.key}.toml")
            .read_text("utf-8")
        )

    def topics(self) -> list[TopicSpec]:
        return loads_pack(self.text(), f"packs/{self.key}.toml")


OPTIONAL_PACKS: tuple[OptionalPack, ...] = (
    OptionalPack("iot", "Internet of Things", "物联网"),
    OptionalPack("telecom", "5G & telecommunications", "5G与电信"),
    OptionalPack("vehicles", "Connected & automated vehicles", "智能网联汽车与自动驾驶"),
    OptionalPack("medical_devices", "Medical devices", "医疗器械"),
    OptionalPack("green_tech", "Green technology", "绿色技术"),
    OptionalPack("standardisation", "Standardisation policy & reform", "标准化改革"),
)


def optional_pack(key: str) -> OptionalPack:
    for pack in OPTIONAL_PACKS:
        if pack.key == key:
            return pack
    raise KeyError(key)


@cache
def _all_optional() -> tuple[tuple[str, TopicSpec], ...]:
    return tuple((p.key, spec) for p in OPTIONAL_PACKS for spec in p.topics())


def optional_topics() -> list[tuple[str, TopicSpec]]:
    """(pack key, topic) for every topic of every optional pack, freshly copied."""
    return [(key, TopicSpec(**spec.to_dict())) for key, spec in _all_optional()]
