"""Sentences the layers below write in English, shown in the UI language.

Scrapers, the pipeline and the topic parser stay free of UI concerns: they report plain English
sentences ("3 new items.", "the query is empty"). The UI turns each known sentence shape into
its translation here, one table of templates; a sentence no template knows is shown unchanged
(the technical detail — URLs, HTTP phrases, exception names — is kept as it was written).
Placeholders: ``{n}`` is a number, any other name is text (translated again, so nested
sentences such as a retried page's cause are translated too).
"""

from __future__ import annotations

import re
from functools import cache

from app.ui.labels import chinese_ui, tr

# The English sentence shapes (keys of the translation table).
TEMPLATES = (
    # pipeline / health
    "{n} new items.",
    "{n} new item.",
    "No new items.",
    "{n} detail pages could not be read and will be retried (first: {cause}).",
    "({n} more channels too.)",
    "({n} more channel too.)",
    "{n} detail page could not be read and will be retried (first: {cause}).",
    "Stopped on request while reading this list.",
    "Stopped on request before the run began.",
    "Stopped on request before the run finished.",
    "Stopped on request before {host} had answered.",
    "Could not connect to {where} after {n} attempts ({exc}); check that the mirror is running "
    "or remove the mirror setting.",
    "Could not connect to {where} after {n} attempts ({exc}); check your network or proxy "
    "settings.",
    "the mirror {url} (for {host})",
    "HTTP {phrase} from {host}: the site refused the request (missing Referer or cookie?).",
    "HTTP {phrase} from {host}: the page does not exist (moved or removed?).",
    "HTTP {phrase} from {host}: the site does not accept this kind of request (API changed?).",
    "HTTP {phrase} from {host}: the request failed.",
    "Request to {host} failed: {exc}.",
    # topic query errors
    "the query is empty",
    "a query must be text",
    "empty parentheses",
    'empty "phrase"',
    "empty /regex/",
    "the query ends where a term is expected",
    "a field prefix cannot follow another one",
    "a term cannot contain control characters",
    "this ')' has no matching '('",
    "this /regex/ matches empty text, so it would match everything",
    "this /regex/ repeats a repetition (like (a+)+) and could take forever",
    "'*' must follow a word (as in model*)",
    "the '(' at column {n} is never closed (add ')')",
    "this {what} is never closed (add {close})",
    "the query is longer than {n} characters",
    "this /regex/ is longer than {n} characters",
    "the query nests NOT and parentheses more than {n} deep",
    "unexpected '{token}'",
    "'{token}' needs a term before it",
    "'{token}' needs a term after it, not {what}",
    "'{token}:' must be followed by a term or (",
    "'{token}:' must be followed directly by a term or (",
    "'{token}' must be followed directly by the term to {what}",
    "unknown field '{token}:' (fields: {fields})",
    "invalid /regex/: {detail}",
)


GREEDY = {"cause", "detail"}


def _pattern(template: str) -> re.Pattern[str]:
    out, pos = [], 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out.append(re.escape(template[pos : m.start()]))
        name = m.group(1)
        if name == "n":
            out.append(rf"(?P<{name}>\d[\d,]*)")
        else:  # a nested sentence ends at the template's own end, not at its first ")."
            out.append(rf"(?P<{name}>.+)" if name in GREEDY else rf"(?P<{name}>.+?)")
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out))


@cache
def _compiled() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((t, _pattern(t)) for t in sorted(TEMPLATES, key=len, reverse=True))


@cache
def _names() -> tuple[tuple[str, str], ...]:
    """English source and channel names → Chinese ones, longest first."""
    from scrapers.base import get_source, source_keys

    pairs: dict[str, str] = {}
    for key in source_keys():
        try:
            info = get_source(key).info
        except KeyError:
            continue
        if info.name_zh:
            pairs[info.name_en] = info.name_zh
        for c in info.channels:
            if c.name_zh and c.name_en:
                pairs[c.name_en] = c.name_zh
    return tuple(sorted(pairs.items(), key=lambda kv: len(kv[0]), reverse=True))


def message_label(text: str, _depth: int = 0) -> str:
    """``text`` with every known sentence shape (and source/channel name) translated."""
    if not text or not chinese_ui() or _depth > 3:
        return text
    for template, rx in _compiled():
        translated = tr(template)
        if translated == template:
            continue

        def fill(m: re.Match[str], translated: str = translated) -> str:
            out = translated
            for name, value in m.groupdict().items():
                if name != "n":
                    value = message_label(value, _depth + 1)
                out = out.replace("{" + name + "}", value)
            return out

        text = rx.sub(fill, text)
    for en, zh in _names():
        text = text.replace(en, zh)
    return text
