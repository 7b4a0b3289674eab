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
    from storage.models import Topic

    ctx = prepare(tmp_path, "http://127.0.0.1:8765")
    try:
        assert ctx.config.fetch.mirror == "http://127.0.0.1:8765"
        assert ctx.config.fetch.office_days == "*"
        assert str(tmp_path) in ctx.db_url
        with ctx.db.read() as s:
            assert s.query(Topic).count() == 4
    finally:
        ctx.close()
