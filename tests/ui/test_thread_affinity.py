"""Qt objects live and die on the GUI thread: the ops layer never lets a worker drop the last
reference to something a closure captured, and its debug check (on in tests) names the thread
that touched Qt."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from PySide6.QtCore import QObject, QTimer

from app.ui import ops
from app.ui.ops import Op
from tests.ui.conftest import wait_idle


class _Closed(QObject):
    """Stands for a dialog the user closed while its background work still runs."""

    def __init__(self):
        super().__init__()
        self.timer = QTimer(self)
        self.timer.start(10_000)  # a running timer: killed on the wrong thread, Qt aborts


def _op_on(tasks, obj: _Closed, go: threading.Event, kind: str = "read"):
    def work() -> str:
        go.wait(5)
        return obj.objectName()  # reads plain data; the closure keeps ``obj`` alive

    return Op(tasks, work, kind=kind).success(lambda _r: obj.objectName())


def test_a_closed_dialog_is_destroyed_on_the_gui_thread_not_in_the_worker(qtbot, tasks):
    obj = _Closed()
    died_on: list[str] = []
    weakref.finalize(obj, lambda: died_on.append(threading.current_thread().name))
    delivered, go = threading.Event(), threading.Event()
    future = _op_on(tasks, obj, go).run_in_background()
    # The worker thread lingers after the result is out (as a busy pool does), so the GUI
    # thread runs the callback first and the worker is the last to let go of its work item.
    future.add_done_callback(lambda _f: delivered.wait(5))
    del obj, future
    go.set()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    delivered.set()
    gc.collect()
    qtbot.waitUntil(lambda: bool(died_on), timeout=5000)
    assert died_on == [threading.main_thread().name]


def test_a_failed_op_releases_its_traceback_on_the_gui_thread(qtbot, tasks):
    obj = _Closed()
    died_on: list[str] = []
    weakref.finalize(obj, lambda: died_on.append(threading.current_thread().name))

    go = threading.Event()

    def make(o: _Closed):
        def work() -> None:
            go.wait(5)
            local = o  # the traceback's frame holds it
            raise ValueError(local.objectName() or "boom")

        return Op(tasks, work, kind="write").failure(lambda _e: None)

    delivered = threading.Event()
    future = make(obj).run_in_background()
    future.add_done_callback(lambda _f: delivered.wait(5))
    del obj, future
    go.set()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    delivered.set()
    gc.collect()
    qtbot.waitUntil(lambda: bool(died_on), timeout=5000)
    assert died_on == [threading.main_thread().name]


def test_the_thread_check_is_on_in_tests():
    assert ops.thread_checks_enabled()


def test_starting_an_op_off_the_gui_thread_is_refused(qtbot, tasks):
    errors: list[BaseException] = []

    def start() -> None:
        try:
            Op(tasks, lambda: 1, kind="read").run_in_background()
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=start)
    t.start()
    t.join()
    assert errors and isinstance(errors[0], ops.ThreadAffinityError)
    assert "GUI thread" in str(errors[0])


def test_work_that_returns_a_qt_object_is_reported(qtbot, tasks):
    failures: list[BaseException] = []
    Op(tasks, lambda: [QTimer()], kind="read").failure(failures.append).run_in_background()
    wait_idle(qtbot, tasks)
    assert failures and isinstance(failures[0], ops.ThreadAffinityError)


def test_callbacks_run_on_the_gui_thread(qtbot, tasks):
    seen: list[str] = []
    Op(tasks, lambda: threading.current_thread().name, kind="net").success(
        lambda worker: seen.extend([worker, threading.current_thread().name])
    ).run_in_background()
    wait_idle(qtbot, tasks)
    assert seen[0] != threading.main_thread().name
    assert seen[1] == threading.main_thread().name


@pytest.mark.parametrize(
    "message", ["QObject::killTimer: Timers cannot be stopped from another thread"]
)
def test_cross_thread_qt_warnings_are_recognised(message):
    from tests.ui.thread_guard import is_thread_warning

    assert is_thread_warning(message)
    assert not is_thread_warning("QFont::setPointSize: Point size <= 0 (-1)")


def test_a_result_for_a_widget_closed_meanwhile_is_dropped(qtbot, tasks):
    """A sidebar refresh that finishes after its window was destroyed must not touch it."""
    import shiboken6
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    go = threading.Event()

    def work() -> str:
        go.wait(5)
        return "late"

    errors: list[str] = []
    tasks.error.connect(errors.append)
    Op(tasks, work, kind="read").success(label.setText).failure(label.setText).run_in_background()
    shiboken6.delete(label)  # the window closed while the work ran
    go.set()
    wait_idle(qtbot, tasks)
    assert not shiboken6.isValid(label) and errors == []


def test_a_closure_over_a_closed_widget_is_not_called(qtbot, tasks):
    """A dialog's ``def done(result)`` that captured one of its labels: the dialog was deleted
    (Watch topics closed while its test ran), so the result is dropped, not set on a dead label."""
    import shiboken6
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    go = threading.Event()
    called: list[str] = []

    def work() -> str:
        go.wait(5)
        return "late"

    def done(result: str) -> None:
        called.append(result)
        label.setText(result)

    Op(tasks, work, kind="read").success(done).run_in_background()
    shiboken6.delete(label)
    go.set()
    wait_idle(qtbot, tasks)
    assert called == []
