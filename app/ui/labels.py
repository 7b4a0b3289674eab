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
    """The short display name of a source ("CAC"), never its key unless nothing else is known
    (a widget given no names still asks the source registry)."""
    return names.get(key) or source_name(key, short=True, language=ui_language())


def source_name(key: str, *, short: bool = False, language: str = "en") -> str:
    """A registered source's name from its metadata ("Cyberspace Administration of China
    (CAC)", short: "CAC"; Chinese names in the Chinese UI); the key only for a source nothing
    is known about."""
    from scrapers.base import get_source

    try:
        info = get_source(key).info
    except KeyError:
        return key
    if language.startswith("zh") and info.name_zh:
        return info.name_zh
    name = info.name_en
    if short and name.endswith(")"):
        abbr = name.rsplit("(", 1)[1].rstrip(")")
        return abbr.removesuffix(".gov.cn") if abbr.count(".") > 1 else abbr
    return name


def ui_language() -> str:
    """ "zh_CN" when the Chinese translation is installed, else "en"."""
    return "zh_CN" if tr("Inbox") != "Inbox" else "en"


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


def channel_label(source: str, channel: str) -> str:
    """A channel's name ("Policies and regulations" / "政策法规"), never its key ("zcfg")."""
    from scrapers.base import get_source

    try:
        ch = get_source(source).info.channel(channel)
    except (KeyError, LookupError, ValueError):
        return channel
    if ui_language().startswith("zh") and ch.name_zh:
        return ch.name_zh
    return tr(ch.name_en)


PROVIDER_NAMES = {
    "offline": "Offline (built in, no setup)",
    "deepl": "DeepL",
    "openai": "OpenAI",
    "google": "Google Translate",
    "microsoft": "Microsoft Translator",
    "libretranslate": "LibreTranslate",
    "baidu": "Baidu Translate",
    "youdao": "Youdao Translate",
    "tencent": "Tencent Translate",
    "ollama": "Ollama",
}


def provider_label(key: str | None) -> str:
    """A translation provider's product name ("DeepL", "Offline (built in, no setup)")."""
    if not key:
        return ""
    return tr(PROVIDER_NAMES.get(key, key.replace("_", " ").capitalize()))


SECURITY_NAMES = {
    "starttls": "STARTTLS: encrypted after connecting (port 587)",
    "ssl": "SSL/TLS: encrypted from the start (port 465)",
    "plain": "None: not encrypted (a relay on this computer only)",
}
SECURITY_NAMES["tls"] = SECURITY_NAMES["ssl"]
SECURITY_NAMES["none"] = SECURITY_NAMES["plain"]


def security_label(key: str) -> str:
    """The SMTP security choices in words, not config values."""
    return tr(SECURITY_NAMES.get(key, key))


def test_summary(result, source: str) -> str:
    """ "OK — Policies and regulations: 20 rows on the first list page" for a Sources-dialog
    test (``app.services.SourceTest``), in words: no state or channel keys."""
    head = health_label(result.state)
    if result.channel:
        head += " — " + channel_label(source, result.channel)
    if result.state == "ok":
        found = result.found or len(result.rows)
        return f"{head}: " + tr("{n} rows on the first list page").replace("{n}", str(found))
    return f"{head}: {result.message}" if result.message else head
