"""Export formats, registered by name: ``render(digest, "csv")`` → bytes.

Adding a format = one function decorated with ``@register(...)`` in a module listed in
``_MODULES``. The CLI's ``--format`` choices and the GUI's save dialog read this registry.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.export.digest import Digest


@dataclass(frozen=True)
class RenderOptions:
    """What some formats need beyond the digest (the message headers of an .eml)."""

    sender: str = ""
    to: Sequence[str] = ()
    cc: Sequence[str] = ()
    subject_format: str = ""  # config email.subject; empty: the subject template
    attach: Sequence[str] = ()  # formats attached to an .eml / email (csv, xlsx, ics, …)
    unsent: bool = True  # X-Unsent: 1 (Outlook opens the .eml as a draft to send)
    extra: dict[str, str] = field(default_factory=dict)


Renderer = Callable[[Digest, RenderOptions], bytes]


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    mime: str  # "type/subtype"
    description: str
    render: Renderer


_FORMATS: dict[str, Format] = {}
_MODULES = ("app.export.text", "app.export.tables", "app.export.calendar", "app.export.eml")


def register(name: str, *, extension: str, mime: str, description: str):
    """Decorator: make ``fn(digest, options) -> bytes`` the renderer of format ``name``."""

    def deco(fn: Renderer) -> Renderer:
        _FORMATS[name] = Format(name, extension, mime, description, fn)
        return fn

    return deco


def _load() -> None:
    for mod in _MODULES:
        importlib.import_module(mod)


def formats() -> dict[str, Format]:
    """All registered formats by name."""
    _load()
    return dict(_FORMATS)


def get_format(name: str) -> Format:
    """The format called ``name``; KeyError naming the known ones otherwise."""
    _load()
    try:
        return _FORMATS[name]
    except KeyError:
        raise KeyError(f"unknown export format {name!r} (known: {', '.join(_FORMATS)})") from None


def render(digest: Digest, name: str, options: RenderOptions | None = None) -> bytes:
    """The digest in format ``name``, as the bytes of a file."""
    return get_format(name).render(digest, options or RenderOptions())
