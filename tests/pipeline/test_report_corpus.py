"""From the replay corpus: fetch every site, flag a handful of notices, write the review deck.

The notices, issuers, numbers and dates are what the real parsers made of the recorded pages;
nothing is seeded by hand except the flags and one note.
"""

from __future__ import annotations

from docx import Document
from pptx import Presentation
from sqlalchemy import select

from app.report.model import ReportSelection
from app.report.service import load_report, write_report
from storage.models import Notice
from tests.pipeline.corpus import all_channels_config, corpus_sources
from tests.seed import give_state

WANTED = {  # a substring of the Chinese title -> the section it must land in
    "生成式人工智能服务管理暂行办法": "Laws & Regulations",
    "促进和规范数据跨境流动规定": "Laws & Regulations",
    "人形机器人创新发展指导意见": "Policies & Initiatives",
    "全球人工智能治理倡议": "Policies & Initiatives",
    "人工智能生成合成内容标识方法": "Standardisation",
    "人脸识别数据安全要求": "Standardisation",
}


def _flag_wanted(db) -> dict[str, int]:
    chosen: dict[str, int] = {}
    with db.write() as s:
        for n in s.scalars(select(Notice).where(Notice.duplicate_of_id.is_(None))):
            key = next((k for k in WANTED if k in n.title), None)
            if key is None or key in chosen or ("关于批准" in n.title or "贯彻实施" in n.title):
                continue
            chosen[key] = n.id
            give_state(s, n.id, flagged=True, note="Key point one\n- Key point two")
    return chosen


def test_review_deck_from_the_demo_corpus(sqlite_db, fetch, tmp_path):
    keys = corpus_sources(include_stand_ins=False)
    fetch(sqlite_db, keys, config=all_channels_config(keys))
    chosen = _flag_wanted(sqlite_db)
    assert set(chosen) == set(WANTED)

    report = load_report(sqlite_db, ReportSelection(flagged=True), title="Review of AI in China")
    sections = {s.title: {i.notice_id for i in s.items} for s in report.sections}
    for key, nid in chosen.items():
        assert nid in sections[WANTED[key]], key
    genai = next(i for i in report.items if i.notice_id == chosen["生成式人工智能服务管理暂行办法"])
    assert genai.authorities_line == "CAC, NDRC, MOE, MOST, MIIT, MPS, NRTA"
    assert genai.release_date.isoformat() == "2023-07-13"
    assert genai.key_points == ["Key point one", "Key point two"]

    deck = write_report(sqlite_db, report, "pptx", tmp_path / "review.pptx")
    slides = {s.shapes.title.text: s for s in Presentation(str(deck)).slides if s.shapes.title}
    body = [
        p.text
        for sh in slides[genai.title].shapes
        if sh.has_text_frame and sh != slides[genai.title].shapes.title
        for p in sh.text_frame.paragraphs
    ]
    assert "Releasing Date: 2023/07/13" in body
    assert "Issuing Authorities: CAC, NDRC, MOE, MOST, MIIT, MPS, NRTA" in body
    assert f"Document No.: {genai.doc_number}" in body and genai.doc_number
    for title in (
        "Summary",
        "Laws & Regulations",
        "Policies & Initiatives",
        "Standardisation",
        "Standardisation: standards and plans",
    ):
        assert title in slides, title
    table = next(
        sh.table for sh in slides["Standardisation: standards and plans"].shapes if sh.has_table
    )
    numbers = [table.cell(r, 1).text for r in range(1, len(table.rows))]
    assert "GB/T 41819-2022" in numbers and "20241093-Q-469" in numbers

    doc = Document(str(write_report(sqlite_db, report, "docx", tmp_path / "review.docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Issuing Authorities: CAC, NDRC, MOE, MOST, MIIT, MPS, NRTA" in paragraphs
    md = write_report(sqlite_db, report, "md", tmp_path / "review.md").read_text(encoding="utf-8")
    assert md.count("- **Releasing Date:**") == report.count == len(WANTED)
