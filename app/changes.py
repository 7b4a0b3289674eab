"""What an operation changed, so each view refreshes only what it shows (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Changes:
    """A summary of one write. Views test the fields they depend on."""

    notices: frozenset[int] = field(default_factory=frozenset)  # user state or content changed
    added: bool = False  # notices were added or removed: lists must re-query their rows
    topics: bool = False  # topics or topic matches changed
    sources: bool = False  # source health changed
    config: bool = False  # the config file was rewritten

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            notices=self.notices | other.notices,
            added=self.added or other.added,
            topics=self.topics or other.topics,
            sources=self.sources or other.sources,
            config=self.config or other.config,
        )

    @property
    def empty(self) -> bool:
        return not (self.notices or self.added or self.topics or self.sources or self.config)
