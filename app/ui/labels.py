"""Words the user reads for internal names: health states, fetch phases, source names.

Internal keys (``no_new``, ``govcn``, channel keys such as ``zcfg``) never reach the screen;
these functions turn them into translated phrases (``tr`` here goes through the installed
JSON translator like any widget's ``tr``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def tr(text: str) -> str:
    return QCoreApplication.translate("regwatch", text)


def health_label(state: str) -> str:
    """ "blocked" → "blocked (the site refused us)" style short words, translated."""
    labels = {
        "ok": tr("OK"),
        "no_new": tr("no new notices"),
        "never_run": tr("not fetched yet"),
        "running": tr("fetching"),
        "broken": tr("broken page"),
        "blocked": tr("blocked by the site"),
        "error": tr("error"),
        "degraded": tr("partly failing"),
        "interrupted": tr("interrupted"),
        "cancelled": tr("cancelled"),
    }
    return labels.get(state, state.replace("_", " "))


def phase_label(phase: str, done: int = 0, total: int = 0) -> str:
    """What a source is doing, for its progress bar and the status line."""
    if phase == "start":
        return tr("starting")
    if phase == "list":
        return tr("reading the lists ({n} pages)").replace("{n}", str(done))
    if phase == "details":
        if total:
            return (
                tr("reading notices {n}/{m}").replace("{n}", str(done)).replace("{m}", str(total))
            )
        return tr("reading notices")
    return tr("working")


def source_label(key: str, names: dict[str, str]) -> str:
    """The short display name of a source ("CAC"), never its key unless nothing else is known."""
    return names.get(key) or key


def chinese_ui() -> bool:
    """True when the installed translator is the Chinese one."""
    return tr("Inbox") != "Inbox"


def bilingual(name_en: str, name_zh: str) -> str:
    """ "State Council documents (国务院文件)" in English, "国务院文件" in the Chinese UI."""
    if not name_zh or name_zh == name_en:
        return name_en or name_zh
    return name_zh if chinese_ui() else f"{name_en} ({name_zh})"


def channel_names(source: str) -> dict[str, str]:
    """Channel key → its name for the UI (``bilingual``); {} for an unknown source."""
    from scrapers.base import get_source

    try:
        info = get_source(source).info
    except KeyError:
        return {}
    return {c.key: bilingual(c.name_en, c.name_zh) for c in info.channels}


def source_display_name(source: str) -> str:
    """A source's full name in the UI language ("国家互联网信息办公室" / "Cyberspace …")."""
    from scrapers.base import get_source

    try:
        info = get_source(source).info
    except KeyError:
        return source
    return info.name_zh if chinese_ui() and info.name_zh else info.name_en


PROVIDER_NAMES = {
    "offline": "Offline engine (no setup)",
    "deepl": "DeepL",
    "google": "Google Cloud Translation",
    "microsoft": "Microsoft Translator",
    "openai": "OpenAI-compatible server",
    "libretranslate": "LibreTranslate",
    "baidu": "Baidu Translate",
    "tencent": "Tencent Machine Translation",
    "youdao": "Youdao",
    "ollama": "Ollama",
}

SECURITY_NAMES = {
    "starttls": "STARTTLS (port 587)",
    "ssl": "SSL/TLS (port 465)",
    "tls": "SSL/TLS (port 465)",
    "plain": "None (unencrypted)",
    "none": "None (unencrypted)",
}


def provider_label(key: str) -> str:
    """A translation provider's name for the user, never its config key."""
    return tr(PROVIDER_NAMES.get(key, key))


def security_label(key: str) -> str:
    return tr(SECURITY_NAMES.get(key, key))
