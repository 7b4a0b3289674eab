"""Which .pptx/.docx a review is built on: the organisation's own, else the clean default.

Like the digest's Jinja templates, a file of the same name in ``<config dir>/templates/``
(report.pptx, report.docx) replaces the one shipped in resources/report/. The renderers use
the template's slide layouts and styles by their standard names and remove any slides or body
text it carries, so a corporate master with its logo, colours and footer just works.
"""

from __future__ import annotations

from pathlib import Path

import resources

DEFAULTS = Path(resources.__file__).with_name("report")


def template_path(fmt: str, override_dir: Path | None = None) -> Path:
    """The report.<fmt> template to use: the user's (config dir) if present, else ours."""
    if override_dir is None:
        from app.config import config_dir

        override_dir = config_dir() / "templates"
    own = Path(override_dir) / f"report.{fmt}"
    return own if own.is_file() else DEFAULTS / f"report.{fmt}"
