"""Display forms of a stored English title for a narrow list: the document's own name first.

Every MIIT or CAC title reads "Notice of the Ministry of … on Issuing the …": in a list cut to
one line the rows look identical. ``lead_title`` turns the stored translation (never a new
translation) round: "Guidelines for … (MIIT notice)", keeping the issuer as its customary
abbreviation from the notice's Chinese issuer field, so rows differ where they are cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.translation.issuer_names import issuer_names

# Verbs of the issuing frames (frames.py renders 印发/发布/征求意见/贯彻实施/批准发布 this way).
_VERB_TAGS = (
    ("Printing and Distributing", ""),
    ("Issuing", ""),
    ("Publishing", ""),
    ("Releasing", ""),
    ("Publicly Soliciting Comments on", "call for comments"),
    ("Soliciting Comments on", "call for comments"),
    ("Approving the Release of", "approval"),
    ("Implementing", "implementation"),
    ("Forwarding", "forwarded"),
)
_FRAME = re.compile(
    r"^(?P<genre>(?:[A-Z][a-z]+ )?(?:Notice|Announcement|Circular|Opinions|Decision|Reply|"
    r"Order|Letter|Communiqué|Bulletin))(?: of (?P<issuer>.+?))? on (?P<rest>.+)$"
)
_MAX_ISSUERS = 2  # more bodies show as "MIIT +6"


def issuer_abbreviation(issuers: Iterable[str] | str) -> str:
    """ "MIIT", "CAC, MPS", "MIIT +6": the bodies of a notice's Chinese issuer field, short."""
    names = [n.short for n in issuer_names(issuers) if n.known]
    if len(names) > _MAX_ISSUERS:
        return f"{names[0]} +{len(names) - 1}"
    return ", ".join(names)


def lead_title(title_en: str, issuers: Iterable[str] | str = ()) -> str:
    """The title with the document (or subject) first and the frame as a short tag:

    "Notice of the Ministry of Industry and Information Technology on Issuing the Guidelines
    for X" → "Guidelines for X (MIIT notice)". Titles outside the frames come back unchanged.
    """
    name, tag = lead_parts(title_en, issuers)
    return f"{name} ({tag})" if tag else name


def lead_parts(title_en: str, issuers: Iterable[str] | str = ()) -> tuple[str, str]:
    """(the document's own name, the frame's short tag "MIIT notice"); tag "" outside frames.
    A list that must cut the title cuts the name and keeps the tag, so rows still differ."""
    m = _FRAME.match(title_en.strip())
    if not m:
        return title_en, ""
    genre, rest = m.group("genre").lower(), m.group("rest")
    for verb, tag in _VERB_TAGS:
        if rest.startswith(verb + " "):
            rest = rest[len(verb) + 1 :]
            if tag:
                genre = tag
            break
    if rest.startswith("the "):
        rest = rest[4:]
    rest = rest[:1].upper() + rest[1:]
    who = issuer_abbreviation(issuers) if issuers else ""
    if not who and m.group("issuer") and len(m.group("issuer")) <= 24:
        who = m.group("issuer").removeprefix("the ")
    return rest, f"{who} {genre}" if who else genre
