"""The Chinese UI shows no English of its own: every window, dialog, menu, tooltip, status line,
progress bar, notification and message box is walked offscreen after a real fetch from the
replay server (one source made to fail), and each string is checked for English words.

Notice content (titles, bodies, their English translations), the user's topic names and query
terms, and proper nouns/acronyms/addresses are allowed; anything else is reported with the path
of the widget that shows it, so a new untranslated string is found at once.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.ui.i18n import install_translator, remove_translator
from storage.models import Notice, Topic
from tests.ui.conftest import wait_idle
from tests.ui.ui_texts import Text, collect, english_words, offenders


def _content(db, extra: tuple[str, ...] = ()) -> set[str]:
    """The user's data as the UI may show it: notices, their translations, topics and terms."""
    out: set[str] = set(extra)
    with db.read() as s:
        for n in s.query(Notice):
            out.update([n.title, n.title_en or "", n.url, n.doc_number or "", n.doc_type or ""])
            out.update(line.strip() for line in (n.body or "").split("\n"))
            out.update(str(i) for i in n.issuers or [])
            out.update(str(a.get("name") or "") for a in n.attachments or [] if isinstance(a, dict))
            out.update(str(v) for v in (n.extra or {}).values() if isinstance(v, str | int))
            out.update(str(x) for v in (n.extra or {}).values() if isinstance(v, list) for x in v)
            out.update(n.channels or [])
            for v in n.versions:
                out.update(v.title.split("\n") + v.body.split("\n"))
            for m in n.matches:
                for t in m.terms or []:
                    if isinstance(t, dict):
                        out.update([str(t.get("term") or ""), str(t.get("via") or "")])
                        out.update(str(t.get("via") or "").split(":", 1))
            for note in n.notes:  # user content, with its author
                out.update([note.text, note.user])
        for t in s.query(Topic):
            out.update([t.name, t.description or "", t.query])
            out.update(w for w in re.findall(r'"([^"]+)"', t.query))
            out.update(
                w
                for w in re.findall(r"[A-Za-z][\w*-]*", t.query)
                if w not in {"OR", "AND", "NOT", "NEAR"}
            )
    from app.topics import default_topics
    from app.topics.packs import optional_topics
    from app.translation.issuer_names import issuer_names

    # the default and optional topics the welcome dialog offers: topic names, the user's data
    out.update(t.name for t in default_topics())
    out.update(t.name for _key, t in optional_topics())

    with db.read() as s:
        for n in s.query(Notice):
            for name in issuer_names(n.issuers or []):
                if name.known:
                    out.update([name.short, name.full])
    return {c.strip() for c in out if c and c.strip()}


# Syntax examples shown as placeholders (CSS selectors, JSON paths, file names): not words.
EXAMPLES = ("ul.list > li", "span.date", "a.next", "data.list", "most_tztg", "page.html?id={id}")


class MessageBoxes:
    """A recording hook at the QMessageBox boundary: a box the app shows is read, then answered
    with Cancel/No, so the walk continues without a human."""

    def __init__(self, monkeypatch):
        self.texts: list[Text] = []
        monkeypatch.setattr(QMessageBox, "exec", lambda box: self._exec(box))
        for name in ("question", "warning", "information", "critical"):
            monkeypatch.setattr(QMessageBox, name, staticmethod(self._static(name)))

    def _read(self, box: QMessageBox) -> None:
        path = f"QMessageBox[{box.windowTitle()!r}]"
        self.texts += collect(box)
        self.texts += [Text(path + ".informative", box.informativeText())]
        self.texts += [Text(path + ".button", b.text()) for b in box.buttons()]

    def _exec(self, box: QMessageBox) -> int:
        self._read(box)
        return int(QMessageBox.StandardButton.Cancel)  # nothing clicked: the app reads Cancel

    def _static(self, name: str):
        def show(parent, title, text, buttons=QMessageBox.StandardButton.Ok, default=None):
            box = QMessageBox(parent)
            box.setWindowTitle(title)
            box.setText(text)
            box.setStandardButtons(buttons)
            self._read(box)
            box.deleteLater()
            return QMessageBox.StandardButton.No

        return show


@pytest.fixture
def zh(qapp):
    translator = install_translator(qapp, "zh_CN")
    yield
    remove_translator(qapp, translator)


def test_chinese_ui_shows_no_english_of_its_own(
    qtbot, zh, db, live_config, tasks, replay, monkeypatch, tmp_path
):
    from app.ui.dialogs.custom_source import CustomSourceDialog
    from app.ui.dialogs.first_run import FirstRunDialog
    from app.ui.dialogs.settings import SettingsDialog
    from app.ui.dialogs.sources import SourcesDialog
    from app.ui.dialogs.topics import TopicsDialog
    from app.ui.dialogs.translation_edit import TranslationEditDialog
    from app.ui.fetch import FetchController
    from app.ui.main_window import MainWindow
    from app.ui.tray import Tray

    boxes = MessageBoxes(monkeypatch)
    live_config.general.language = "zh_CN"
    texts: list[Text] = []
    content: set[str] = set(EXAMPLES)
    fetcher = FetchController(db, lambda: w.config, tasks)
    w = MainWindow(db, live_config, tasks, fetcher)
    w.mark_read_delay_ms = 10**9
    qtbot.addWidget(w)
    w.resize(1280, 720)
    w.show()
    wait_idle(qtbot, tasks)
    texts += collect(w)  # the empty window: its empty-list hint

    # A real fetch: progress bars while it runs, the notification and status line after it.
    def on_progress(*_a) -> None:
        for key, bar in w.fetch_status.bars.items():
            texts.append(Text(f"FetchStatus.bar[{key}]", bar.text()))
            texts.append(Text(f"FetchStatus.bar[{key}].toolTip", bar.toolTip()))
        texts.append(Text("FetchStatus.message", w.fetch_status.message.full_text))

    fetcher.progress.connect(on_progress)
    with qtbot.waitSignal(fetcher.cycle_done, timeout=60000) as sig:
        w.fetch_now()
    outcome = sig.args[0]
    assert outcome.new > 0 and outcome.notification
    texts.append(Text("notification", outcome.notification))
    tray = Tray(w)
    tray.set_unread(3)
    texts += [Text("Tray.toolTip", tray.tooltip)]
    if getattr(tray, "_menu", None) is not None:
        texts += collect(tray._menu)
    wait_idle(qtbot, tasks)

    # One source fails (its server refuses): health state in the sidebar, the failure summary.
    bad = live_config.model_copy(deep=True) if hasattr(live_config, "model_copy") else None
    import copy

    bad = copy.deepcopy(live_config)
    bad.fetch.mirror = "http://127.0.0.1:9"  # nothing listens on the discard port
    w.config = bad
    with qtbot.waitSignal(fetcher.cycle_done, timeout=60000):
        fetcher.fetch(["cac"])
    w.config = live_config
    wait_idle(qtbot, tasks)
    texts.append(Text("FetchStatus.message(after failure)", w.fetch_status.message.full_text))

    # A notice with topics, extra fields and a note, flagged, in the detail pane.
    w.sidebar.select_kind("all")
    wait_idle(qtbot, tasks)
    qtbot.waitUntil(lambda: w.model.rowCount() > 0 and not w.model.loading, timeout=10000)
    with db.read() as s:
        samr = (
            s.query(Notice.id).filter(Notice.source == "samr", Notice.extra != {}).first()
            or s.query(Notice.id).filter(Notice.extra != {}).first()
        )
        matched = s.query(Notice.id).filter(Notice.matches.any()).first()
    for nid in {samr[0] if samr else None, matched[0] if matched else None} - {None}:
        row = w.model.row_of(nid)
        if row is None:
            continue
        w.select_row(row)
        qtbot.waitUntil(lambda nid=nid: w.detail.detail is not None and w.detail.detail.id == nid)
        w.toggle_flag()
        wait_idle(qtbot, tasks)
        from app.triage import set_state

        w.write(lambda s, nid=nid: set_state(s, [nid], note="brief the lead"))
        wait_idle(qtbot, tasks)
        w.translate_body()
        qtbot.waitUntil(lambda: not tasks.busy, timeout=60000)
        assert nid in w.detail.body_en, w.statusBar().currentMessage()
        wait_idle(qtbot, tasks)
        texts += collect(w)
        content.update(en for _zh, en in w.detail.body_en[nid].sentences)
    w.copy_citation()
    texts.append(Text("statusBar(citation)", w.statusBar().currentMessage()))
    # status lines of the scheduler's jobs
    from types import SimpleNamespace

    from app.ui.main import _on_improved, job_label
    from app.ui.scheduler import DIGEST_JOB, IMPROVE_JOB

    _on_improved(w, SimpleNamespace(improved=3))
    texts.append(Text("statusBar(titles improved)", w.statusBar().currentMessage()))
    texts += [Text(f"job_label({j})", job_label(j)) for j in (DIGEST_JOB, IMPROVE_JOB, "cac")]
    wait_idle(qtbot, tasks)
    w.table.selectAll()
    w.toggle_read()
    wait_idle(qtbot, tasks)
    texts.append(Text("statusBar(bulk)", w.statusBar().currentMessage()))
    for kind in ("inbox", "flagged"):
        w.sidebar.select_kind(kind)
        wait_idle(qtbot, tasks)
        texts.append(Text(f"NoticeTable.empty_text[{kind}]", w.empty_text()))
    # the Qt-made context menus of a line edit and the detail browser
    for menu in (
        w.search.createStandardContextMenu(),
        w.detail.browser.createStandardContextMenu(),
    ):
        texts += collect(menu)
        menu.deleteLater()

    # Every dialog, opened non-modally.
    opened = []

    def dialog(dlg):
        opened.append(dlg)
        dlg.show()
        wait_idle(qtbot, tasks)
        return dlg

    settings = dialog(SettingsDialog(live_config, tasks, w))
    for i in range(settings.provider.count()):
        settings.provider.setCurrentIndex(i)
        texts += collect(settings)
    sources = dialog(SourcesDialog(db, live_config, tasks, w))
    for i in range(sources.tree.topLevelItemCount()):
        sources.tree.setCurrentItem(sources.tree.topLevelItem(i))
        texts += collect(sources)
    sources.add_community()
    texts += collect(sources)
    for key, d in sources.custom.items():  # the user's own sources: their names are data
        content.update([key, d.name])
    # channel keys, shown as "[zcfg]" in tooltips: the identifiers the config file uses
    from scrapers.base import get_source, source_keys

    content.update(f"[{c.key}]" for k in source_keys() for c in get_source(k).info.channels)
    texts += collect(dialog(CustomSourceDialog(live_config, tasks, None, set(), w)))

    topics = dialog(TopicsDialog(db, tasks, w))
    topics.list.setCurrentRow(0)
    qtbot.waitUntil(lambda: bool(topics.hits.text()) and topics.sample.count() > 0, timeout=20000)
    texts += collect(topics)
    # the alias expansion lists the glossary's terms (data): "title:人工智能 → AI, A.I."
    for line in topics.expanded.text().split("\n"):
        term, _arrow, alternatives = line.partition(" → ")
        content.update([term, *alternatives.split(", ")])
    topics.query.setPlainText('(人工智能 OR "generative AI"')  # a query error, with its place
    qtbot.waitUntil(lambda: bool(topics.syntax.text()), timeout=5000)
    texts += collect(topics)
    topics.query.setPlainText("")
    texts += collect(topics)
    topics.ask_unsaved()
    topics.confirm_delete(topics.name.text())
    topics.ask_conflict(["AI standards"])

    email = dialog(w.email_dialog())
    qtbot.waitUntil(lambda: email.current is not None, timeout=5000)
    # the digest itself is written in English for its European readers: content, not UI
    content.add(email.current.subject)
    content.update(email.browser.toPlainText().split("\n"))
    texts += collect(email)
    report = dialog(w.report_dialog())
    for i in range(report.kind.count()):
        report.kind.setCurrentIndex(i)
        wait_idle(qtbot, tasks)
        texts += collect(report)
    texts += collect(dialog(FirstRunDialog(db, live_config, tasks, w)))
    texts += collect(dialog(TranslationEditDialog("标题", "Title", "offline", w)))
    # Qt's own file dialog (Import/Export/Save as…), as a desktop without a native one shows it
    from PySide6.QtWidgets import QFileDialog

    files = dialog(QFileDialog(w, "", str(tmp_path), "*.toml"))
    files.setOption(QFileDialog.Option.DontUseNativeDialog)
    texts += collect(files)
    content.update(Path.home().parts)  # folder names in its places list are the user's
    texts += boxes.texts
    texts += collect(w)
    for dlg in opened:
        dlg.close()
    wait_idle(qtbot, tasks)

    content |= _content(db)
    bad_lines = offenders(texts, content)
    assert not bad_lines, (
        f"{len(bad_lines)} English strings in the Chinese UI (widget path: text → words):\n"
        + "\n".join(bad_lines)
    )


def test_the_checker_finds_english_and_allows_content_and_names():
    assert english_words("获取完成：3 条新通知") == []
    assert english_words("Fetch finished: 3 new.") == ["Fetch", "finished", "new"]
    assert english_words("国家网信办 (CAC) https://www.cac.gov.cn/x.htm Ctrl+Shift+C") == []
    assert english_words("SMTP 服务器 liaison@example.org /tmp/a/b.eml") == []
    assert english_words("匹配原因：generative AI (English title)", ["generative AI"]) == ["title"]


def _breaks_inside(doc, word: str) -> list[int]:
    """Line starts that fall inside an occurrence of ``word`` in the laid-out ``doc``."""
    bad = []
    block = doc.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        starts = [layout.lineAt(i).textStart() for i in range(layout.lineCount())]
        at = text.find(word)
        while at >= 0:
            bad += [s for s in starts if at < s < at + len(word)]
            at = text.find(word, at + 1)
        block = block.next()
    return bad


def test_short_words_never_break_inside(qtbot, zh, seeded_db):
    """ "[术语表]" and "编辑" after the English title stay whole at every pane width (Chinese
    text may wrap between any two characters, so the pane keeps them on one line)."""
    from PySide6.QtGui import QTextDocument

    from app.ui.labels import tr
    from app.ui.notice_detail import load_detail
    from app.ui.notice_html import WORD_JOINER, keep_together, render

    with seeded_db.read() as s:
        d = load_detail(s, s.query(Notice.id).first()[0])
    english = (
        "Measures for the Security Management of the Application of Face Recognition Technology"
    )
    d = replace(
        d, title_en=english, title_en_label="", title_en_provider="glossary", title_en_complete=True
    )
    html = render(d, tr=tr)
    shown = ("[" + tr("glossary") + "]", tr("edit"))
    assert shown == ("[术语表]", "编辑")
    doc = QTextDocument()
    doc.setHtml(html)
    plain = doc.toPlainText().replace(WORD_JOINER, "")
    assert all(w in plain for w in shown)
    words = tuple(keep_together(w) for w in shown)  # as laid out
    for width in range(100, 720):  # narrower than any pane: a word may have to break
        doc.setTextWidth(width)
        doc.size()  # lays the document out
        for w in words:
            assert not _breaks_inside(doc, w), f"{w!r} broken at width {width}"


def _tr_literals() -> dict[str, str]:
    """Every string literal passed to ``tr()`` in app/ui, with where it is."""
    import ast
    from pathlib import Path

    found: dict[str, str] = {}
    for path in sorted((Path(__file__).resolve().parents[2] / "app" / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            arg = node.args[0]
            if name in ("tr", "_tr") and isinstance(arg, ast.Constant):
                found.setdefault(str(arg.value), f"{path.name}:{node.lineno}")
    return found


def test_every_ui_string_has_a_chinese_translation():
    """Each tr("…") literal and each label table the UI translates has a zh_CN entry (the walk
    above finds what is shown; this finds what a state the walk does not reach would show)."""
    from app.report.sections import SECTION_TITLES
    from app.ui.dialogs.custom_source import _FIELDS
    from app.ui.i18n import load_table
    from app.ui.labels import PROVIDER_NAMES, SECURITY_NAMES
    from app.ui.main_window import DATE_PRESETS
    from app.ui.messages import TEMPLATES
    from app.ui.notice_detail import EXTRA_LABELS
    from app.ui.notice_html import FIELD_NAMES
    from app.ui.notice_model import STATUS_LABELS

    table = load_table("zh_CN")
    needed = dict(_tr_literals())
    tables = (
        SECTION_TITLES.values(),
        [label for label, _days in DATE_PRESETS],
        STATUS_LABELS.values(),
        [v for v in EXTRA_LABELS.values() if v],
        FIELD_NAMES.values(),
        TEMPLATES,
        [label for _f, label, _hint, _fmts in _FIELDS],
        [v for v in {**PROVIDER_NAMES, **SECURITY_NAMES}.values() if english_words(v)],
    )
    for labels in tables:
        for text in labels:
            needed.setdefault(text, "label table")
    missing = [f"{where}: {text!r}" for text, where in needed.items() if text not in table]
    assert not missing, "no zh_CN translation for:\n" + "\n".join(missing)


def test_a_field_stored_under_both_keys_is_shown_once_with_one_label(zh):
    """std.samr's "制修订" and the parser's std_form are one field: one row, labelled 制修订
    (never "文号 (文号)"-style doubles)."""
    from app.ui.labels import tr
    from app.ui.notice_detail import visible_extra

    rows = visible_extra({"std_form": "制定", "制修订": "制定", "ta_name": "TC260"})
    assert rows == (("New or revision (制修订)", "制定"), ("Technical committee", "TC260"))
    assert [tr(label) for label, _v in rows] == ["制修订", "归口单位"]
    assert tr("Document number (文号)") == "文号"
