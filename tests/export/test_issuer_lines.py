"""The digest's "Issuer:" line and the detail pane's Issuer row: English first, Chinese kept."""

from __future__ import annotations

from app.export.digest import Selection
from app.export.service import load_digest
from app.export.text import render_html, render_markdown, render_text
from app.ui.notice_detail import load_detail
from app.ui.notice_html import issuer_html, render
from tests.report.conftest import seed


def test_digest_issuer_lines_show_abbreviations_with_the_chinese(seeded):
    digest = load_digest(seeded.db, Selection(flagged=True))
    text = render_text(digest)
    assert "  Issuer: CAC (国家互联网信息办公室); MIIT (工业和信息化部)\n" in text
    assert "- **Issuer:** CAC (国家互联网信息办公室); MIIT (工业和信息化部)\n" in render_markdown(
        digest
    )
    html = render_html(digest)
    assert '<span title="Cyberspace Administration of China">CAC</span>' in html
    assert '<span lang="zh-CN" style="color:#6b7280;">(工业和信息化部)</span>' in html


def test_detail_pane_issuer_row_is_english_with_the_official_name_on_hover(tmp_path):
    html = issuer_html(["工业和信息化部办公厅", "<b>某协会"])
    assert html == (
        '<span title="General Office of the Ministry of Industry and Information Technology">'
        'MIIT General Office</span> <span style="color:#6b7280">(工业和信息化部办公厅)</span>, '
        "&lt;b&gt;某协会"
    )
    seeded = seed(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    with seeded.db.read() as s:
        detail = load_detail(s, seeded.ids["law"])
    page = render(detail)
    assert '<span title="National Radio and Television Administration">NRTA</span>' in page
    assert "(国家广播电视总局)" in page
    seeded.db.close()
