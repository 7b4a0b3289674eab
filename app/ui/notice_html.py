"""The detail pane's HTML, built from escaped text only.

Scraped content is untrusted: every scraped string goes through ``html.escape``; the only markup
is ours. Links are emitted only for http(s) URLs; internal actions use the ``action:`` scheme,
handled by the pane itself. The browser widget additionally refuses to load any resource.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from urllib.parse import urlsplit

from app.translation.result import provenance_label as translation_label
from app.ui.notice_detail import NoticeDetail

PROVENANCE = {"glossary": "glossary", "dictionary": "dictionary", "human": "human"}


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def provenance_label(provider: str | None, complete: bool) -> str:
    """glossary / dictionary / machine (provider) / human, as the translation service labels it."""
    if not provider:
        return "untranslated"
    if provider in PROVENANCE:
        label = PROVENANCE[provider]
    else:
        label = f"machine ({provider})"
    return label if complete or provider == "human" else f"{label}, partial"


WORD_JOINER = "\u2060"
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def keep_together(word: str) -> str:
    """A short Chinese label that must not wrap inside ("编辑", "[术语表]"): Chinese text may
    break between any two characters, and Qt's rich text ignores CSS white-space on inline
    spans, so the characters are joined with U+2060 WORD JOINER (invisible, never a break)."""
    return WORD_JOINER.join(word) if _CJK.search(word) else word


def provenance_text(label: str, tr=lambda s: s) -> str:
    """ "machine (deepl), partial" in the UI language: each part translated on its own."""
    parts = []
    for part in label.split(", "):
        m = re.fullmatch(r"machine \((.+)\)", part)
        if m:
            name = tr("offline engine") if m.group(1) == "offline" else m.group(1)
            part = tr("machine ({provider})").replace("{provider}", name)
        parts.append(tr(part) if not m else part)
    return tr(", ").join(parts)


def spans_for(text: str, terms: list[dict], field: str) -> list[tuple[int, int, str]]:
    """(start, end, colour) of fired terms in ``text``; offsets re-found if they went stale."""
    spans = []
    for t in terms:
        if t.get("field") != field:
            continue
        start, end, term = t.get("start"), t.get("end"), t.get("term") or ""
        colour = t.get("_colour", "#fde68a")
        if (
            isinstance(start, int)
            and isinstance(end, int)
            and text[start:end].lower() == term.lower()
        ):
            spans.append((start, end, colour))
            continue
        if term:
            at = text.lower().find(term.lower())
            if at >= 0:
                spans.append((at, at + len(term), colour))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for s, e, c in spans:
        if merged and s < merged[-1][1]:
            ps, pe, pc = merged[-1]
            merged[-1] = (ps, max(pe, e), pc)
        else:
            merged.append((s, e, c))
    return merged


def highlight(text: str, spans: list[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for s, e, colour in spans:
        out.append(escape(text[pos:s]))
        out.append(f'<span style="background-color:{colour}">{escape(text[s:e])}</span>')
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)


def _tint(colour: str) -> str:
    """A light background for a topic colour (highlights must keep text readable)."""
    c = colour.lstrip("#")
    if len(c) != 6:
        return "#fde68a"
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    mix = lambda v: int(v * 0.35 + 255 * 0.65)  # noqa: E731
    return f"#{mix(r):02x}{mix(g):02x}{mix(b):02x}"


# Where a term fired, for "matched because" (notice fields by their reader's name).
FIELD_NAMES = {
    "title": "title",
    "title_en": "English title",
    "body": "text",
    "doc_number": "document number",
    "issuer": "issuer",
    "issuers": "issuer",
    "source": "source",
    "doc_type": "type",
}


def because_text(terms: tuple[dict, ...] | list[dict], *, tr=lambda s: s) -> str:
    """ "AI (English title, via 人工智能), 数据安全 (title)": each fired term once, with the
    query term it came from when an alias fired; ``tr`` translates the field names."""
    fields = {k: keep_together(tr(v)) for k, v in FIELD_NAMES.items()}  # "标题" never splits
    seen: dict[tuple[str, str, str], None] = {}
    for t in terms:
        if not isinstance(t, dict):
            continue
        term, field, via = str(t.get("term", "")), str(t.get("field", "")), t.get("via") or ""
        via = str(via).split(":", 1)[1] if ":" in str(via) else str(via)  # "title:人脸识别"
        seen.setdefault((term, fields.get(field, field), str(via)), None)
    parts = []
    for term, field, via in seen:
        notes = [field] if field else []
        if via and via.casefold() != term.casefold():
            notes.append(tr("via {term}").replace("{term}", via))
        sep = tr(", ")
        where = tr("{term} ({notes})").replace("{notes}", sep.join(notes))
        parts.append(where.replace("{term}", term) if notes else term)
    return tr(", ").join(parts)


def deadline_text(deadline, *, today=None, tr=lambda s: s) -> str:
    """ "2025-10-01 (in 12 days)", "… (today)", "… (closed)": is there still time to comment?"""
    if deadline is None:
        return ""
    today = today or dt.date.today()
    days = (deadline - today).days
    if days < 0:
        state = tr("closed")
    elif days == 0:
        state = tr("today")
    elif days == 1:
        state = tr("tomorrow")
    else:
        state = tr("in {n} days").replace("{n}", str(days))
    return f"{deadline.isoformat()} ({state})"


class _Html(str):
    """A meta value that is already our own escaped markup."""


def issuer_html(issuers) -> _Html:
    """ "MIIT (工业和信息化部), CAC (…)": English short names, the official English name on
    hover, the Chinese as the site wrote it in brackets."""
    # Imported on first use: importing it with this module made tests/ui/test_dialogs.py
    # crash intermittently in Qt's event processing (a latent object-lifetime problem that
    # import timing exposes, not understood yet); keep until that is found.
    from app.translation.issuer_names import issuer_names

    parts = []
    for n in issuer_names(issuers):
        if not n.known:
            parts.append(escape(n.zh))
            continue
        parts.append(
            f'<span title="{escape(n.full)}">{escape(n.short)}</span>'
            f' <span style="color:#6b7280">({escape(n.zh)})</span>'
        )
    return _Html(", ".join(parts))


def render(d: NoticeDetail, *, source_name: str = "", tr=lambda s: s, body_en=None) -> str:
    """The pane's HTML; ``body_en`` (a BodyTranslation) adds the English text below the body."""
    terms = [
        {**t, "_colour": _tint(hit.colour)}
        for hit in d.topics
        for t in hit.terms
        if isinstance(t, dict)
    ]
    h: list[str] = []
    if d.removed:
        when = f" ({d.removed_at:%Y-%m-%d})" if d.removed_at else ""
        h.append(
            '<table width="100%" cellpadding="6" style="background-color:#fee2e2"><tr><td>'
            f"<b>{escape(tr('Removed from the site'))}{when}</b> — "
            f"{escape(tr('this notice is no longer listed; the stored copy is shown.'))}"
            "</td></tr></table>"
        )
    h.append(
        f'<h2 style="margin-bottom:2px">{highlight(d.title, spans_for(d.title, terms, "title"))}</h2>'
    )
    prov = d.title_en_label or provenance_label(d.title_en_provider, d.title_en_complete)
    if d.title_en and not d.title_en_complete and d.title_en_label not in ("", "human"):
        prov += ", partial"
    en = (
        highlight(d.title_en, spans_for(d.title_en, terms, "title_en"))
        if d.title_en
        else (f"<i>{escape(tr('No English title yet'))}</i>")
    )
    h.append(
        f'<h3 style="margin-top:2px; color:#374151">{en} '
        f'<span style="font-size:small; color:#6b7280">'
        f"{escape(keep_together('[' + provenance_text(prov, tr) + ']'))}</span> "
        f'<a href="action:edit-translation" style="font-size:small">'
        f"{escape(keep_together(tr('edit')))}</a></h3>"
    )
    meta = [
        (tr("Source"), source_name or d.source),
        (tr("Issuer"), issuer_html(d.issuers)),
        (tr("Document number (文号)"), d.doc_number or d.standard_number or ""),
        (tr("Written"), d.written_date.isoformat() if d.written_date else ""),
        (
            tr("Published"),
            (d.published_date or d.sort_date).isoformat()
            if (d.published_date or d.sort_date)
            else "",
        ),
        (tr("Type"), d.doc_type or ""),
        (tr("Comment deadline"), deadline_text(d.comment_deadline, tr=tr)),
        (tr("Effective"), d.effective_date.isoformat() if d.effective_date else ""),
        (tr("Plan number"), d.plan_code or ""),
        (tr("Stage"), d.stage or ""),
        (tr("Status"), tr(d.status.replace("_", " ").capitalize()) + (" ⚑" if d.flagged else "")),
        (tr("Emailed"), d.exported),
        *((tr(k), v) for k, v in d.extra),
    ]
    rows = "".join(
        f'<tr><td style="color:#6b7280; padding-right:12px">{escape(k)}</td>'
        f"<td>{v if isinstance(v, _Html) else escape(v)}</td></tr>"
        for k, v in meta
        if v
    )
    h.append(f'<table cellspacing="0" cellpadding="1">{rows}</table>')
    if d.note:
        h.append(f'<p style="background-color:#fef9c3">📝 {escape(d.note)}</p>')
    if d.topics:
        h.append(f"<h4>{escape(tr('Topics'))}</h4><ul>")
        for hit in d.topics:
            because = because_text(hit.terms, tr=tr) or tr("the topic query")
            h.append(
                f'<li><span style="color:{escape(hit.colour)}">■</span> <b>{escape(hit.name)}</b> — '
                f"{escape(tr('matched because: {terms}').replace('{terms}', because))}</li>"
            )
        h.append("</ul>")
    h.append(f"<h4>{escape(tr('Text'))}</h4>")
    if d.body.strip():
        body = highlight(d.body, spans_for(d.body, terms, "body"))
        h.append("".join(f"<p>{line}</p>" for line in body.split("\n") if line.strip()))
    else:
        h.append(f"<p><i>{escape(tr('The text has not been fetched yet.'))}</i></p>")
    if body_en is not None:
        label = translation_label(body_en.provider)
        if not body_en.complete:
            label += ", partial"
        h.append(
            f"<h4>{escape(tr('English text'))} "
            f'<span style="font-size:small; color:#6b7280">'
            f"{escape(keep_together('[' + provenance_text(label, tr) + ']'))}</span></h4>"
        )
        if getattr(body_en, "literal", False):
            note = tr(
                "Literal English, sentence by sentence, from the offline engine. For fluent "
                "text choose a translation provider in Settings → Translation."
            )
            h.append(f'<p style="color:#6b7280"><i>{escape(note)}</i></p>')
        h.append("".join(f"<p>{escape(en)}</p>" for _zh, en in body_en.sentences if en.strip()))
    if d.attachments:
        h.append(f"<h4>{escape(tr('Attachments'))}</h4><ul>")
        for name, url in d.attachments:
            label = escape(name or url)
            h.append(
                f'<li><a href="{escape(url)}">{label}</a></li>'
                if is_web_url(url)
                else f"<li>{label}</li>"
            )
        h.append("</ul>")
    if d.duplicates:
        h.append(f"<h4>{escape(tr('Also published on'))}</h4><ul>")
        for source, title, url in d.duplicates:
            link = f'<a href="{escape(url)}">{escape(url)}</a>' if is_web_url(url) else escape(url)
            h.append(f"<li>{escape(source)}: {escape(title)}<br>{link}</li>")
        h.append("</ul>")
    if d.versions:
        h.append(f"<h4>{escape(tr('Versions'))} ({len(d.versions)})</h4>")
        for v in d.versions:
            h.append(f"<p><b>{v.recorded_at:%Y-%m-%d %H:%M}</b> — {escape(tr(v.kind))}</p><pre>")
            for line in v.diff:
                colour = (
                    "#166534"
                    if line.startswith("+")
                    else "#991b1b"
                    if line.startswith("-")
                    else "#374151"
                )
                h.append(f'<span style="color:{colour}">{escape(line)}</span>\n')
            h.append("</pre>")
    link = f'<a href="{escape(d.url)}">{escape(d.url)}</a>' if is_web_url(d.url) else escape(d.url)
    h.append(f'<p style="color:#6b7280; font-size:small">{link}</p>')
    return "\n".join(h)
