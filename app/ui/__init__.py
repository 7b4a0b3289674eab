"""The desktop app (the only package that imports PySide6)."""

from __future__ import annotations

import ctypes
import sys

PAD = 1 << 40


def _pad_singleton_refcounts() -> bool:
    """Work around PySide6 builds that return None/True to Python without a new reference.

    PySide6 6.12 (as installed here) returns ``None`` from every void method, and ``True``
    from ``Signal.emit``, without incrementing the reference count. On Python 3.12+ these
    singletons are immortal and nothing happens; on 3.11 every call takes one reference away
    and a long session (or test run) ends with "Fatal Python error: none_dealloc". The
    singletons are never freed anyway, so when the leak is detected their reference counts
    are padded far beyond any session's number of calls. Returns True if it padded.
    """
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(16):
        probe.setObjectName("probe")
        probe.ping.emit()
    lost = sys.getrefcount(None) < none_before - 8 or sys.getrefcount(True) < true_before - 8
    probe.deleteLater()
    if lost:
        for obj in (None, True, False):
            ctypes.c_ssize_t.from_address(id(obj)).value += PAD
    return lost


REFCOUNT_WORKAROUND = _pad_singleton_refcounts()
