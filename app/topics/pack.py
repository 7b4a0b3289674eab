"""Topic packs: a TOML file of topics a team lead hands to colleagues (and the shipped defaults).

format = "regwatch-topics"
version = 1
[[topics]]
name = "Generative AI"
query = "生成式人工智能 OR 大模型"
# optional: enabled, notify, colour, sources, description, aliases
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import tomli_w

from app.topics.aliases import check_groups
from app.topics.errors import QueryError, TopicError
from app.topics.parser import parse

PACK_FORMAT = "regwatch-topics"
PACK_VERSION = 1
DEFAULT_COLOUR = "#3b82f6"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_KEYS = {"name", "query", "enabled", "notify", "colour", "sources", "description", "aliases"}


@dataclass
class TopicSpec:
    """A topic as the user edits it: what the editor, the CLI and packs exchange."""

    name: str
    query: str
    enabled: bool = True
    notify: bool = True
    colour: str = DEFAULT_COLOUR
    sources: list[str] | None = None  # None: every source
    description: str = ""
    aliases: list[list[str]] = field(default_factory=list)

    def validate(self) -> TopicSpec:
        """Normalise and check every field; TopicError / QueryError say what is wrong."""
        self.name = " ".join(str(self.name or "").split())
        if not self.name:
            raise TopicError("a topic needs a name")
        if len(self.name) > 200:
            raise TopicError(f"the topic name '{self.name[:40]}…' is longer than 200 characters")
        self.query = str(self.query or "").strip()
        try:
            parse(self.query)
        except QueryError as exc:
            raise QueryError(
                f"topic '{self.name}': {exc.reason}", exc.position, exc.query
            ) from None
        if not _COLOUR.match(self.colour or ""):
            raise TopicError(
                f"topic '{self.name}': colour must look like #3b82f6, not {self.colour!r}"
            )
        if self.sources is not None:
            if isinstance(self.sources, str) or not all(isinstance(s, str) for s in self.sources):
                raise TopicError(f"topic '{self.name}': sources must be a list of source keys")
            self.sources = sorted({s.strip() for s in self.sources if s.strip()}) or None
        self.aliases = [
            list(g) for g in check_groups(list(self.aliases or []), f"topic '{self.name}' aliases")
        ]
        self.description = str(self.description or "")
        return self

    @classmethod
    def of(cls, topic: Any) -> TopicSpec:
        """From a storage Topic (or anything with the same attributes)."""
        return cls(
            name=topic.name,
            query=topic.query,
            enabled=bool(topic.enabled),
            notify=bool(topic.notify),
            colour=topic.colour or DEFAULT_COLOUR,
            sources=list(topic.sources) if topic.sources else None,
            description=topic.description or "",
            aliases=[list(g) for g in (topic.aliases or [])],
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "query": self.query}
        if self.description:
            out["description"] = self.description
        out["enabled"] = self.enabled
        out["notify"] = self.notify
        out["colour"] = self.colour
        if self.sources:
            out["sources"] = list(self.sources)
        if self.aliases:
            out["aliases"] = [list(g) for g in self.aliases]
        return out


def loads_pack(text: str, where: str = "topic pack") -> list[TopicSpec]:
    """Parse and validate a pack; TopicError names the topic and key at fault."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TopicError(f"{where} is not valid TOML: {exc}") from None
    if data.get("format") != PACK_FORMAT:
        raise TopicError(
            f'{where} is not a regwatch topic pack (it needs format = "{PACK_FORMAT}")'
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise TopicError(f"{where} needs an integer version")
    if version > PACK_VERSION:
        raise TopicError(
            f"{where} has format version {version}; this regwatch reads up to {PACK_VERSION} — upgrade regwatch"
        )
    unknown = set(data) - {"format", "version", "topics"}
    if unknown:
        raise TopicError(f"{where} has unknown top-level keys: {', '.join(sorted(unknown))}")
    topics = data.get("topics", [])
    if not isinstance(topics, list):
        raise TopicError(f"{where}: 'topics' must be an array of tables ([[topics]])")
    specs: list[TopicSpec] = []
    seen: set[str] = set()
    for i, entry in enumerate(topics):
        label = f"{where} topic #{i + 1}"
        if not isinstance(entry, dict):
            raise TopicError(f"{label} must be a table")
        bad = set(entry) - _KEYS
        if bad:
            raise TopicError(
                f"{label} has unknown keys: {', '.join(sorted(bad))} (known: {', '.join(sorted(_KEYS))})"
            )
        for key in ("name", "query"):
            if not isinstance(entry.get(key), str):
                raise TopicError(f"{label} needs a '{key}' string")
        for key in ("enabled", "notify"):
            if key in entry and not isinstance(entry[key], bool):
                raise TopicError(f"{label}: '{key}' must be true or false")
        for key in ("colour", "description"):
            if key in entry and not isinstance(entry[key], str):
                raise TopicError(f"{label}: '{key}' must be a string")
        spec = TopicSpec(**entry).validate()
        if spec.name.casefold() in seen:
            raise TopicError(f"{where} has two topics named '{spec.name}'")
        seen.add(spec.name.casefold())
        specs.append(spec)
    return specs


def dumps_pack(specs: Iterable[TopicSpec]) -> str:
    """A pack's TOML text (round-trips through ``loads_pack``)."""
    doc = {
        "format": PACK_FORMAT,
        "version": PACK_VERSION,
        "topics": [s.to_dict() for s in specs],
    }
    header = "# regwatch topic pack: import with `regwatch topics import FILE`\n"
    return header + tomli_w.dumps(doc, multiline_strings=True)


@cache
def _default_pack_text() -> str:
    return resources.files("resources.topics").joinpath("default_topics.toml").read_text("utf-8")


def default_topics() -> list[TopicSpec]:
    """The topics regwatch ships (resources/topics/default_topics.toml), freshly validated."""
    return loads_pack(_default_pack_text(), "default_topics.toml")
