"""The screenshot command renders a non-trivial PNG; the demo prepares an isolated setup."""

from __future__ import annotations

from PySide6.QtGui import QImage

from app.cli import main


def test_screenshot_command_renders_a_filled_window(qapp, seeded_db, tmp_path, capsys):
    out = tmp_path / "shot.png"
    assert main(["screenshot", str(out), "--size", "1200x800", "--db", seeded_db.url]) == 0
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1200, 800)
    colours = {img.pixel(x, y) for x in range(0, 1200, 7) for y in range(0, 800, 7)}
    assert len(colours) > 50  # text, icons, selection: not a blank or flat image
    # the screenshot never marks anything read
    from storage.queries import NoticeFilter, count_notices

    with seeded_db.read() as s:
        assert count_notices(NoticeFilter(unread=False), s) == 0


def test_demo_prepares_temp_config_pointing_at_the_mirror(tmp_path):
    from app.commands.demo import prepare
    from storage.models import Notice, Setting, Topic

    ctx = prepare(tmp_path, "http://127.0.0.1:8765")
    try:
        assert ctx.config.fetch.mirror == "http://127.0.0.1:8765"
        assert ctx.config.fetch.office_days == "*" and ctx.config.fetch.spacing <= 0.1
        assert str(tmp_path) in ctx.db_url
        with ctx.db.read() as s:  # empty: the real first fetch fills it
            assert s.query(Notice).count() == 0 and s.query(Topic).count() == 0
            assert s.get(Setting, "first_run_done") is not None
    finally:
        ctx.close()


def test_demo_fetches_for_real_then_switches_to_the_later_snapshot(qtbot, qapp, tmp_path):
    """What ``regwatch demo`` does, driven piece by piece without blocking in app.exec()."""
    from app.commands import demo
    from app.ui.demo import install_demo
    from app.ui.main import build_desktop
    from storage.models import Notice, TopicMatch

    server, ctx = demo.start(tmp_path, "t1")
    desktop = None
    try:
        desktop = build_desktop(ctx, schedule=False, first_run=False)
        action = install_demo(desktop, server)
        w, fetcher = desktop.window, desktop.fetcher
        w.mark_read_delay_ms = 10**9
        qtbot.addWidget(w)
        w.show()
        bars = []
        fetcher.progress.connect(lambda *a: bars.append(set(w.fetch_status.bars)))
        with qtbot.waitSignal(fetcher.cycle_done, timeout=60000) as sig:
            fetcher.fetch(None)
        first, _ = sig.args
        assert not first.error and first.new > 20
        assert any(len(b) > 1 for b in bars)  # one progress bar per running source
        w.sidebar.select_kind("all")
        qtbot.waitUntil(lambda: w.model.rowCount() == first.new, timeout=10000)
        with ctx.db.read() as s:
            assert s.query(TopicMatch).count() > 0  # default topics installed and matched
            assert s.query(Notice).filter(Notice.title_en.is_(None)).count() == 0
        rows = [w.model.row_at(r) for r in range(w.model.rowCount())]
        assert all(r.title_en for r in rows) and any(r.topics for r in rows)
        # the grouped notification reached the user (tray, or the status bar without one)
        assert first.notification and " new: " in first.notification
        assert w.fetch_status.message.full_text == first.notification
        assert w.fetch_status.message.toolTip() == first.notification

        with qtbot.waitSignal(fetcher.cycle_done, timeout=60000) as sig:
            action.trigger()
        second, changes = sig.args
        assert server.snapshot == "t2" and not action.isEnabled()
        assert second.new > 0 and changes.added
        qtbot.waitUntil(lambda: w.model.rowCount() == first.new + second.new, timeout=10000)
        with ctx.db.read() as s:
            newest = {
                n.id for n in s.query(Notice).filter(Notice.first_seen >= second.report.started_at)
            }
        assert newest == set(second.report.new_ids)
    finally:
        if desktop is not None:
            desktop.shutdown()
        server.stop()
        ctx.close()


def test_screenshot_renders_in_the_configured_language(qapp, seeded_db, tmp_path, monkeypatch):
    """Documentation screenshots for both languages: a zh_CN config gives a Chinese window."""
    import app.ui.screenshot as screenshot

    menus: dict[str, list[str]] = {}

    class Observed(screenshot.MainWindow):
        def close(self):
            menus[language] = [a.text() for a in self.menuBar().actions()]
            return super().close()

    monkeypatch.setattr(screenshot, "MainWindow", Observed)
    for language in ("en", "zh_CN"):
        cfg = tmp_path / f"{language}.toml"
        cfg.write_text(f'[general]\nlanguage = "{language}"\n', encoding="utf-8")
        argv = ["--config", str(cfg), "screenshot", str(tmp_path / f"{language}.png")]
        assert main([*argv, "--size", "900x600", "--db", seeded_db.url]) == 0
    assert menus["en"][0].replace("&", "") == "File"
    assert menus["zh_CN"][0].startswith("文件")
    # the translation does not stay installed after the render
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("MainWindow", "&File") == "&File"
