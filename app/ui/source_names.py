"""Source names as the window shows them: full names in the UI language for tooltips and the
detail pane, short ones ("CAC", "MIIT") for the list's Source column and the sidebar."""

from __future__ import annotations


def source_display_names(language: str = "en") -> dict[str, str]:
    """Each source's name in the UI language (Chinese names in the Chinese UI)."""
    from scrapers.base import get_source, source_keys

    out = {}
    for key in source_keys():
        try:
            info = get_source(key).info
            out[key] = info.name_zh if language.startswith("zh") and info.name_zh else info.name_en
        except KeyError:
            pass
    return out


def short_source_names(names: dict[str, str]) -> dict[str, str]:
    """ "Cyberspace Administration of China (CAC)" → "CAC", for the narrow Source column."""
    out = {}
    for key, name in names.items():
        short = name.rsplit("(", 1)[1].rstrip(")") if name.endswith(")") else key
        out[key] = short.removesuffix(".gov.cn") if short.count(".") > 1 else short
    return out
