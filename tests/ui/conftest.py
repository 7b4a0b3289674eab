"""Fixtures for the GUI tests: a seeded SQLite database and a main window over it."""

from __future__ import annotations

import pytest

from app.config import Config
from app.demo.sample_data import load_sample
from storage.db import Database
from tests.ui.thread_guard import is_thread_warning


@pytest.fixture(autouse=True)
def _qt_stays_on_its_thread(qtlog):
    """Fail a GUI test on Qt's cross-thread warnings (a destroyed timer's "Timers cannot be
    stopped from another thread" is the step before a segmentation fault)."""
    yield
    bad = [r.message for r in qtlog.records if is_thread_warning(r.message)]
    assert not bad, "Qt was touched from the wrong thread: " + "; ".join(bad)


@pytest.fixture
def db(tmp_path):
    database = Database.open(f"sqlite:///{tmp_path / 'gui.sqlite3'}")
    yield database
    database.close()


@pytest.fixture
def seeded_db(db):
    with db.write() as s:
        load_sample(s)
    return db


@pytest.fixture
def tasks(qapp):
    from app.ui.ops import TaskManager

    tm = TaskManager()
    yield tm
    tm.shutdown(wait=True)


@pytest.fixture
def config(tmp_path):
    cfg = Config()
    cfg.path = tmp_path / "regwatch.toml"
    return cfg


def wait_idle(qtbot, tasks, timeout=5000):
    """Until every background task has reported back on the GUI thread."""
    qtbot.waitUntil(lambda: not tasks.busy, timeout=timeout)


@pytest.fixture
def window(qtbot, seeded_db, config, tasks):
    from app.ui.main_window import MainWindow

    w = MainWindow(seeded_db, config, tasks)
    w.mark_read_delay_ms = 0
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.rowCount() > 0, timeout=5000)
    wait_idle(qtbot, tasks)
    return w


@pytest.fixture
def replay():
    """The offline corpus on a real socket (snapshot t1)."""
    from app.demo.replay import ReplayServer

    with ReplayServer(snapshot="t1") as server:
        yield server


@pytest.fixture
def live_config(config, replay):
    """A config fetching from the replay server, fast (no spacing), all day."""
    f = config.fetch
    f.mirror, f.spacing, f.jitter, f.retries, f.timeout = replay.url, 0.0, 0.0, 1, 10.0
    f.office_hours, f.office_days = "00:00-24:00", "*"
    return config
