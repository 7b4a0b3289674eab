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

from app.translation.result import provenance_label
from app.ui.labels import provider_label, ui_language
from app.ui.labels import source_name as registry_source_name
from app.ui.notice_detail import NoticeDetail
from app.ui.times import local_date, local_time
from storage.search import search_terms

SEARCH_COLOUR = "#facc15"  # search hits: stronger than the topic tints, so they stand out


def is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# The pane's link that opens Settings on the translation provider (handled by DetailPane).
SETTINGS_TRANSLATION = "settings-translation"


def _doc_number_label(tr) -> str:
    """ "Document number (文号)" in English; just "文号" where the translation already says it."""
    label = tr("Document number")
    return label if "文号" in label else f"{label} (文号)"


def _emailed(d: NoticeDetail, tr) -> str:
    """ "2026-11-24 09:12 CET to a@example.eu": when (local time) and where it was emailed."""
    if d.exported_at is None:
        return ""
    when = local_time(d.exported_at)
    if not d.exported_to:
        return when
    return tr("{when} to {who}").replace("{when}", when).replace("{who}", d.exported_to)


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
            key = m.group(1)
            name = tr("offline engine") if key == "offline" else provider_label(key)
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
    return merge_spans(spans)


def search_spans(text: str, query: str) -> list[tuple[int, int, str]]:
    """(start, end, colour) of every occurrence of every search term in ``text``, matched as
    the search matches: case-insensitive, whole words at Latin edges, substrings in Chinese."""
    spans = []
    for term in search_terms(query):
        left = r"(?<![A-Za-z0-9])" if term[0].isascii() and term[0].isalnum() else ""
        right = r"(?![A-Za-z0-9])" if term[-1].isascii() and term[-1].isalnum() else ""
        for m in re.finditer(left + re.escape(term) + right, text, re.IGNORECASE):
            spans.append((m.start(), m.end(), SEARCH_COLOUR))
    return spans


def merge_spans(*groups: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One sorted list without overlaps: an overlap keeps the colour of the span that starts
    first, and at the same start that of the earlier group (search hits before topic tints)."""
    merged: list[tuple[int, int, str]] = []
    ranked = sorted((span[0], g, span) for g, group in enumerate(groups) for span in group)
    for _start, _g, (s, e, c) in ranked:
        if merged and s < merged[-1][1]:
            ps, pe, pc = merged[-1]
            merged[-1] = (ps, max(pe, e), pc)
        else:
            merged.append((s, e, c))
    return merged


def marked(text: str, terms: list[dict], field: str, search: str) -> str:
    """Escaped ``text`` with topic terms tinted and search hits marked."""
    spans = spans_for(text, terms, field)
    if search.strip():
        spans = merge_spans(search_spans(text, search), spans)
    return highlight(text, spans)


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


def team_rows(d: NoticeDetail, tr=lambda s: s) -> list[tuple[str, str]]:
    """Who flagged and who set the status (team mode); nothing when nobody did."""
    rows = []
    if d.flagged_by:
        rows.append((tr("Flagged by"), ", ".join(d.flagged_by)))
    if d.status_by and d.status != "new":
        rows.append((tr("Status set by"), d.status_by))
    return rows


def notes_html(d: NoticeDetail) -> list[str]:
    """The team's notes with author and time (user text: escaped); the reader's own note is in
    the note editor below the text, so it is not repeated here."""
    return [
        '<p style="background-color:#fef9c3">📝 '
        f'<b>{escape(user)}</b> <span style="color:#6b7280; font-size:small">'
        f"{at:%Y-%m-%d %H:%M}</span><br>{escape(text)}</p>"
        for user, text, at in d.notes
        if text.strip() and user != d.user
    ]


def render(
    d: NoticeDetail, *, source_name: str = "", tr=lambda s: s, body_en=None, search: str = ""
) -> str:
    """The pane's HTML; ``body_en`` (a BodyTranslation) adds the English text below the body;
    the terms of ``search`` (the list's search box) are marked in titles and text."""
    terms = [
        {**t, "_colour": _tint(hit.colour)}
        for hit in d.topics
        for t in hit.terms
        if isinstance(t, dict)
    ]
    h: list[str] = []
    if d.removed:
        when = f" ({local_date(d.removed_at)})" if d.removed_at else ""
        h.append(
            '<table width="100%" cellpadding="6" style="background-color:#fee2e2"><tr><td>'
            f"<b>{escape(tr('Removed from the site'))}{when}</b> — "
            f"{escape(tr('this notice is no longer listed; the stored copy is shown.'))}"
            "</td></tr></table>"
        )
    h.append(f'<h2 style="margin-bottom:2px">{marked(d.title, terms, "title", search)}</h2>')
    prov = d.title_en_label or provenance_label(d.title_en_provider, d.title_en_complete)
    if d.title_en and not d.title_en_complete and d.title_en_label not in ("", "human"):
        prov += ", partial"
    en = (
        marked(d.title_en, terms, "title_en", search)
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
        (_doc_number_label(tr), d.doc_number or d.standard_number or ""),
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
        *team_rows(d, tr),
        (tr("Emailed"), _emailed(d, tr)),
        *((tr(label), value) for label, value in d.extra),
    ]
    rows = "".join(
        f'<tr><td style="color:#6b7280; padding-right:12px">{escape(k)}</td>'
        f"<td>{v if isinstance(v, _Html) else escape(v)}</td></tr>"
        for k, v in meta
        if v
    )
    h.append(f'<table cellspacing="0" cellpadding="1">{rows}</table>')
    h.extend(notes_html(d))
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
        body = marked(d.body, terms, "body", search)
        h.append("".join(f"<p>{line}</p>" for line in body.split("\n") if line.strip()))
    else:
        h.append(f"<p><i>{escape(tr('The text has not been fetched yet.'))}</i></p>")
    if body_en is not None:
        label = provenance_label(body_en.provider)
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
            link = tr("Choose a translation provider…")
            h.append(
                f'<p style="color:#6b7280"><i>{escape(note)}</i> '
                f'<a href="action:{SETTINGS_TRANSLATION}">{escape(link)}</a></p>'
            )
        h.append(
            "".join(
                f"<p>{highlight(en, search_spans(en, search))}</p>"
                for _zh, en in body_en.sentences
                if en.strip()
            )
        )
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
            name = registry_source_name(source, short=True, language=ui_language())
            h.append(f"<li>{escape(name)}: {escape(title)}<br>{link}</li>")
        h.append("</ul>")
    if d.versions:
        h.append(f"<h4>{escape(tr('Versions'))} ({len(d.versions)})</h4>")
        for v in d.versions:
            h.append(
                f"<p><b>{escape(local_time(v.recorded_at))}</b> — {escape(tr(v.kind))}</p><pre>"
            )
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
