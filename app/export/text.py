"""The human-readable renderings: HTML (email and file), plain text, Markdown, subject line.

Wording lives in Jinja2 templates in resources/templates/; a file of the same name in
``<config dir>/templates/`` overrides it, so an organisation can change the text without
touching code. HTML templates autoescape; scraped titles and user notes are untrusted.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

import resources
from app.export.digest import Digest
from app.export.registry import RenderOptions, register

TEMPLATES = Path(resources.__file__).with_name("templates")
_CRLF = re.compile(r"[\r\n\t\v\f\x00\u0085\u2028\u2029]+")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!])")
_MD_LINE_START = re.compile(r"^(\s*)([-+>=]|\d+[.)])")


def one_line(text: Any) -> str:
    """Text with CR/LF and other line breaks folded to single spaces (headers, subjects)."""
    return " ".join(_CRLF.sub(" ", str(text or "")).split())


def nl2br(text: Any) -> Markup:
    """Escape, then keep the user's line breaks (Outlook ignores CSS white-space)."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return Markup("<br>").join(escape(line) for line in lines)


def md_escape(text: Any) -> str:
    """Markdown-escape untrusted text so it cannot become links, HTML or headings."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    for line in lines:
        line = _MD_SPECIAL.sub(r"\\\1", line)
        line = _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        out.append(line)
    # A backslash at the end of a line is a hard break; indent to stay inside the list item.
    return "\\\n  ".join(out)


def indent_text(text: Any, prefix: str = "    ") -> str:
    """Plain-text multi-line value indented under its label."""
    lines = str(text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return ("\n" + prefix).join(lines)


def _autoescape(name: str | None) -> bool:
    return name is not None and ".html" in name


@lru_cache(maxsize=4)
def environment(override_dir: str | None = None) -> jinja2.Environment:
    """The template environment: the user's override dir first, then the built-in templates."""
    loaders: list[jinja2.BaseLoader] = []
    if override_dir is None:
        from app.config import config_dir

        override_dir = str(config_dir() / "templates")
    if override_dir and Path(override_dir).is_dir():
        loaders.append(jinja2.FileSystemLoader(override_dir))
    loaders.append(jinja2.FileSystemLoader(str(TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=_autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(one_line=one_line, nl2br=nl2br, md=md_escape, indent_text=indent_text)
    return env


def render_template(name: str, digest: Digest, **extra: Any) -> str:
    return environment().get_template(name).render(digest=digest, **extra)


class _PlainFormatter(string.Formatter):
    """str.format that only allows plain names: no attribute or index access from config."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier():
            raise KeyError(field_name)
        return super().get_field(field_name, args, kwargs)


def render_subject(digest: Digest, subject_format: str = "") -> str:
    """The subject: config ``email.subject`` (``{count}``, ``{period}``, ``{topics}``,
    ``{deadlines_soon}``, ``{date}``) if set, else subject.txt.j2; always one line."""
    if subject_format.strip():
        try:
            subject = _PlainFormatter().vformat(subject_format, (), digest.template_vars())
        except (KeyError, IndexError, ValueError) as exc:
            from app.errors import UserError

            raise UserError(
                f"config key 'email.subject' has an unknown placeholder or a stray brace ({exc}); "
                "use {count}, {period}, {topics}, {deadlines_soon}, {date} or {title}"
            ) from None
    else:
        subject = render_template("subject.txt.j2", digest)
    return one_line(subject)[:250]


def render_html(digest: Digest, *, email: bool = False) -> str:
    return render_template("digest.html.j2", digest, email=email)


def render_text(digest: Digest) -> str:
    return render_template("digest.txt.j2", digest)


def render_markdown(digest: Digest) -> str:
    return render_template("digest.md.j2", digest)


@register("html", extension=".html", mime="text/html", description="standalone HTML page")
def _html(digest: Digest, _options: RenderOptions) -> bytes:
    return render_html(digest).encode("utf-8")


@register("md", extension=".md", mime="text/markdown", description="Markdown")
def _md(digest: Digest, _options: RenderOptions) -> bytes:
    return render_markdown(digest).encode("utf-8")


@register("txt", extension=".txt", mime="text/plain", description="plain text")
def _txt(digest: Digest, _options: RenderOptions) -> bytes:
    return render_text(digest).encode("utf-8")
