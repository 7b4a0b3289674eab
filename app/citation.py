"""A bilingual one-line reference to a notice, for e-mails and reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def citation(
    *,
    title: str,
    title_en: str | None,
    issuers: Sequence[str],
    doc_number: str | None,
    date: dt.date | None,
    url: str,
) -> str:
    """``English title — Chinese title, issuer, 文号, date, URL`` (missing parts left out)."""
    head = f"{title_en.strip()} — {title}" if title_en and title_en.strip() else title
    parts = [head]
    if issuers:
        parts.append("、".join(issuers))
    if doc_number:
        parts.append(doc_number)
    if date:
        parts.append(date.isoformat())
    parts.append(url)
    return ", ".join(parts)
