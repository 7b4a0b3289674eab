"""``regwatch report``: the deck, the document and the Markdown, opened and read field by field."""

from __future__ import annotations

import pytest
from docx import Document
from pptx import Presentation
from sqlalchemy import select

from app.cli import main
from app.report.model import ReportSelection
from app.report.service import load_report, set_report_section
from storage.models import ExportRecord
from tests.report.conftest import EVIL_TITLE

LAW_FIELDS = [
    "生成式人工智能服务管理暂行办法",
    "Releasing Date: 2023/07/13",
    "Issuing Authorities: CAC, NDRC, MOE, MOST, MIIT, MPS, NRTA",
    "Document No.: 第15号",
    "Stage: Final (effective 2023/08/15)",
    "Link: https://www.cac.gov.cn/2023-07/13/c_1.htm",
    "Key points:",
    "Security assessment before launch",
    "Algorithm filing",
    "Labelling of content",
]
DRAFT_FIELDS = [
    "Releasing Date: 2023/04/11",
    "Issuing Authorities: CAC",
    "Stage: Draft for comment (comment deadline 2023/05/10)",
]
PLAN_FIELDS = [
    "网络安全技术 人工智能生成合成内容标识方法",
    "Releasing Date: 2024/04/12",
    "Issuing Authorities: TC260",
    "Plan No.: 20241093-Q-469",
    "Stage: Published (mandatory, newly established)",
    "Mandatory; aligns with the CAC labelling measures",
]
STANDARD_FIELDS = [
    "Releasing Date: 2022/10/14",
    "Issuing Authorities: SAC, TC260",
    "Standard No.: GB/T 41819-2022",
    "Stage: In force (recommended, effective 2023/05/01)",
]
STANDARD_EN = "Information security technology - Requirements for face recognition data security"
SECTIONS = ["Laws & Regulations", "Policies & Initiatives", "Standardisation"]


@pytest.fixture
def run(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    cfg = tmp_path / "regwatch.toml"
    cfg.write_text("", encoding="utf-8")

    def _run(*argv):
        try:
            return main(["--db", seeded.url, "--config", str(cfg), "report", *argv])
        except SystemExit as exc:  # argparse refuses a bad value before main's handler
            return exc.code

    return _run


def _slides(path) -> list[tuple[str, str, list[str], object]]:
    """(layout, title, every paragraph of the other text shapes, slide) per slide."""
    out = []
    for slide in Presentation(str(path)).slides:
        title = slide.shapes.title.text if slide.shapes.title is not None else ""
        lines = []
        for shape in slide.shapes:
            if shape.has_text_frame and shape != slide.shapes.title:
                lines += [p.text for p in shape.text_frame.paragraphs]
        out.append((slide.slide_layout.name, title, lines, slide))
    return out


def _table_rows(slide) -> list[list[list[str]]]:
    return [
        [[c.text for c in row.cells] for row in shape.table.rows]
        for shape in slide.shapes
        if shape.has_table
    ]


def test_pptx_deck_has_sections_instrument_slides_standards_table_and_summary(
    run, tmp_path, capsys
):
    out = tmp_path / "review.pptx"
    assert run("--flagged", "--format", "pptx", "--out", str(out), "--title", "Review of AI") == 0
    assert f"to {out} as pptx" in capsys.readouterr().out
    slides = _slides(out)
    layouts = [s[0] for s in slides]
    titles = [s[1] for s in slides]
    assert titles[0] == "Review of AI" and layouts[0] == "Title Slide"
    assert "6 instruments released 2022/10/14 – 2024/04/12" in slides[0][2][0]
    # sections in the fixed order, each announced by a section header
    headers = [t for layout, t, _, _ in slides if layout == "Section Header"]
    assert headers == SECTIONS
    by_title = {t: (lines, slide) for _, t, lines, slide in slides}
    law, law_slide = by_title["Interim Measures for the Management of Generative AI Services"]
    assert law == LAW_FIELDS
    links = [
        r.hyperlink.address
        for sh in law_slide.shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
        if r.hyperlink.address
    ]
    assert links == ["https://www.cac.gov.cn/2023-07/13/c_1.htm"]
    draft = by_title[next(t for t in titles if t.startswith("Notice on Soliciting Comments"))][0]
    assert all(f in draft for f in DRAFT_FIELDS)
    plan = by_title["Cybersecurity technology—Labeling method for AI-generated content"][0]
    assert all(f in plan for f in PLAN_FIELDS)
    standard = by_title[STANDARD_EN][0]
    assert all(f in standard for f in STANDARD_FIELDS)
    # an unsafe link is shown, never linked; an unknown issuer stays Chinese
    evil = by_title[EVIL_TITLE][0]
    assert "Issuing Authorities: 某某协会" in evil and "Releasing Date: not stated" in evil
    assert not [
        r
        for sh in by_title[EVIL_TITLE][1].shapes
        if sh.has_text_frame
        for p in sh.text_frame.paragraphs
        for r in p.runs
        if r.hyperlink.address
    ]
    # order within and across sections: laws (draft 2023/04 before the final 2023/07)
    order = [t for t in titles if t in by_title and by_title[t][0][:1]]
    assert (
        titles.index("Laws & Regulations")
        < titles.index("Interim Measures for the Management of Generative AI Services")
        < titles.index("Policies & Initiatives")
        < titles.index("Standardisation")
    )
    assert order  # the slides were read
    # the standards table
    table_slide = by_title["Standardisation: standards and plans"][1]
    (table,) = _table_rows(table_slide)
    assert table == [
        ["No.", "Plan / standard No.", "English name", "Stage"],
        ["1", "GB/T 41819-2022", STANDARD_EN, "In force (recommended, effective 2023/05/01)"],
        [
            "2",
            "20241093-Q-469",
            "Cybersecurity technology—Labeling method for AI-generated content",
            "Published (mandatory, newly established)",
        ],
    ]
    # the summary: counts per section and per issuer
    sections, issuers = _table_rows(by_title["Summary"][1])
    assert sections == [
        ["Section", "Instruments"],
        ["Laws & Regulations", "2"],
        ["Policies & Initiatives", "2"],
        ["Standardisation", "2"],
        ["Total", "6"],
    ]
    assert issuers[0] == ["Issuing authority", "Instruments"]
    assert issuers[1:4] == [["CAC", "2"], ["MIIT", "2"], ["TC260", "2"]]
    assert ["某某协会", "1"] in issuers and ["SAC", "1"] in issuers
    # the timeline chart: per month from 2022-10 to 2024-04 (19 months), one series per section
    timeline = next(s for _, t, _, s in slides if t.startswith("Timeline of release dates"))
    chart = next(sh.chart for sh in timeline.shapes if sh.has_chart)
    plot = chart.plots[0]
    cats = list(plot.categories)
    assert cats[0] == "2022-10" and cats[-1] == "2024-04" and len(cats) == 19
    values = {s.name: list(s.values) for s in plot.series}
    assert list(values) == SECTIONS
    assert values["Laws & Regulations"][cats.index("2023-07")] == 1
    assert values["Standardisation"][cats.index("2022-10")] == 1
    assert sum(sum(v) for v in values.values()) == 5  # the undated item is said, not drawn
    assert any(
        "1 instruments without a release date" in line
        for line in [
            p.text for sh in timeline.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
        ]
    )


def test_docx_document_carries_the_same_fields(run, tmp_path):
    out = tmp_path / "review.docx"
    assert run("--flagged", "--format", "docx", "--out", str(out)) == 0
    doc = Document(str(out))
    paragraphs = [p.text for p in doc.paragraphs]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert [h for h in headings if h in SECTIONS] == SECTIONS
    at = paragraphs.index("Interim Measures for the Management of Generative AI Services")
    assert paragraphs[at + 1 : at + 1 + len(LAW_FIELDS)] == LAW_FIELDS
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert bullets[:3] == [
        "Security assessment before launch",
        "Algorithm filing",
        "Labelling of content",
    ]
    for fields in (DRAFT_FIELDS, PLAN_FIELDS, STANDARD_FIELDS):
        assert all(f in paragraphs for f in fields)
    link_xml = doc.element.body.xml
    assert "w:hyperlink" in link_xml and "javascript:" not in {
        r.target_ref for r in doc.part.rels.values() if r.is_external
    }
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    assert tables[0][-1] == ["Total", "6"]
    assert tables[1][1] == ["CAC", "2"]
    assert tables[3][0] == ["No.", "Plan / standard No.", "English name", "Stage"]
    assert tables[3][1][1] == "GB/T 41819-2022" and tables[3][2][1] == "20241093-Q-469"
    # the timeline: one row per month 2022-10 … 2024-04, a coloured block per instrument
    timeline = tables[2]
    assert timeline[0] == ["Month", "Instruments", "Count"] and len(timeline) == 20
    assert timeline[1] == ["2022-10", "█", "1"] and timeline[-1] == ["2024-04", "█", "1"]
    assert sum(int(r[2]) for r in timeline[1:]) == 5  # the undated one is said, not drawn
    assert "1 instruments without a release date are not shown." in paragraphs
    assert not doc.inline_shapes


def test_markdown_has_the_fields_and_escapes_scraped_text(run, tmp_path):
    out = tmp_path / "review.md"
    assert run("--flagged", "--format", "md", "--out", str(out), "--title", "Review") == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Review\n")
    for line in (
        "- **Releasing Date:** 2023/07/13",
        "- **Issuing Authorities:** CAC, NDRC, MOE, MOST, MIIT, MPS, NRTA",
        "- **Link:** <https://www.cac.gov.cn/2023-07/13/c_1.htm>",
        "  - Algorithm filing",
        "| 20241093-Q-469 | Cybersecurity technology—Labeling method for AI-generated content "
        "| Published (mandatory, newly established) |",
    ):
        assert line in text
    assert (
        text.index("## Laws & Regulations")
        < text.index("## Policies & Initiatives")
        < text.index("## Standardisation")
    )
    # scraped text is escaped: no HTML, no link; an unsafe URL is shown, never linked
    assert "<script>" not in text and "\\[x\\](javascript:alert(1))" in text
    assert "- **Link:** javascript:alert(1)\n" in text and "<javascript:" not in text


def test_nothing_to_report_exits_1_and_writes_nothing(run, tmp_path, capsys):
    out = tmp_path / "none.pptx"
    assert run("--status", "escalated", "--format", "pptx", "--out", str(out)) == 1
    assert not out.exists()
    assert "nothing to report" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--flagged", "--since", "2024-01-01", "--until", "2023-01-01"],
        ["--topic", "No such topic"],
        ["--status", "urgent"],
        ["--flagged", "--since", "2024-13-01"],
        ["--flagged", "--topic", "AI"],
        ["--flagged", "--title", "  "],
    ],
)
def test_user_mistakes_exit_2_in_one_line_and_write_nothing(run, tmp_path, capsys, argv):
    out = tmp_path / "r.md"
    assert run(*argv, "--format", "md", "--out", str(out)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("regwatch: error:")
    assert not out.exists()


def test_missing_output_directory_is_a_user_mistake(run, tmp_path):
    assert run("--flagged", "--format", "pptx", "--out", str(tmp_path / "no" / "r.pptx")) == 2


def test_topic_status_and_dates_select_instruments(run, seeded, tmp_path):
    out = tmp_path / "t.md"
    assert run("--topic", "AI", "--format", "md", "--out", str(out)) == 0
    assert "Humanoid Robots" in out.read_text(encoding="utf-8")
    assert run("--status", "closed", "--format", "md", "--out", str(out)) == 0
    assert "无关的通知" in out.read_text(encoding="utf-8")
    report = load_report(
        seeded.db,
        ReportSelection(
            flagged=True,
            since=__import__("datetime").date(2023, 7, 1),
            until=__import__("datetime").date(2023, 12, 31),
        ),
    )
    assert {i.title_zh for i in report.items} == {
        "生成式人工智能服务管理暂行办法",
        "工业和信息化部关于印发《人形机器人创新发展指导意见》的通知",
    }
    with seeded.db.read() as s:
        channels = {r.channel for r in s.scalars(select(ExportRecord))}
    assert channels == {"report-md"}


def test_the_users_section_wins_and_can_be_taken_back(seeded):
    nid = seeded.ids["policy"]
    assert set_report_section(seeded.db, [nid], "standards") == 1
    report = load_report(seeded.db, ReportSelection(flagged=True))
    item = next(i for i in report.items if i.notice_id == nid)
    assert (item.section, item.auto_section) == ("standards", "policies")
    set_report_section(seeded.db, [nid], None)
    item = next(
        i for i in load_report(seeded.db, ReportSelection(flagged=True)).items if i.notice_id == nid
    )
    assert item.section == "policies"
    with pytest.raises(ValueError):
        set_report_section(seeded.db, [nid], "misc")


def test_an_organisations_templates_replace_ours(run, tmp_path):
    own = tmp_path / "xdg" / "regwatch" / "templates"
    own.mkdir(parents=True)
    prs = Presentation()  # 4:3, with a sample slide that must not reach the review
    sample = prs.slides.add_slide(prs.slide_layouts[0])
    sample.shapes.title.text = "ACME sample slide"
    prs.save(str(own / "report.pptx"))
    doc = Document()
    doc.sections[0].header.paragraphs[0].text = "ACME Standards Liaison"
    doc.add_paragraph("Template body text")
    doc.save(str(own / "report.docx"))

    assert run("--flagged", "--format", "pptx", "--out", str(tmp_path / "r.pptx")) == 0
    deck = Presentation(str(tmp_path / "r.pptx"))
    assert deck.slide_width == prs.slide_width  # their master, not ours (16:9)
    assert "ACME sample slide" not in [s.shapes.title.text for s in deck.slides if s.shapes.title]
    assert run("--flagged", "--format", "docx", "--out", str(tmp_path / "r.docx")) == 0
    out = Document(str(tmp_path / "r.docx"))
    assert out.sections[0].header.paragraphs[0].text == "ACME Standards Liaison"
    assert "Template body text" not in [p.text for p in out.paragraphs]


def test_a_broken_organisation_template_is_named(run, tmp_path, capsys):
    own = tmp_path / "xdg" / "regwatch" / "templates"
    own.mkdir(parents=True)
    (own / "report.pptx").write_bytes(b"not a zip")
    assert run("--flagged", "--format", "pptx", "--out", str(tmp_path / "r.pptx")) == 2
    assert "report template" in capsys.readouterr().err
    assert not (tmp_path / "r.pptx").exists()


def test_status_help_names_every_triage_status():
    from app.commands.report import STATUS_HELP
    from storage.models import TRIAGE_STATUSES

    assert STATUS_HELP.replace(" or ", ", ").split(", ") == list(TRIAGE_STATUSES)
