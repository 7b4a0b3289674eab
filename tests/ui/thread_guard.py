"""Qt's own cross-thread warnings turned into test failures (installed by tests/ui/conftest.py).

Qt prints these when a QObject, or its timer, is used or destroyed off its thread; in a user's
session the next thing may be a segmentation fault."""

from __future__ import annotations

import re

THREAD_WARNINGS = re.compile(
    r"from another thread"
    r"|in a different thread"
    r"|owned by a different thread"
    r"|Cannot move objects? (?:to|from) a different thread"
    r"|QBasicTimer can only be used with threads started with QThread"
    r"|Cannot queue arguments of type"
    r"|Timers can only be used with threads started with QThread",
    re.IGNORECASE,
)


def is_thread_warning(message: str) -> bool:
    """True for a Qt message that says an object was touched from the wrong thread."""
    return bool(THREAD_WARNINGS.search(message))
