"""Typed functions the GUI calls instead of running SQL itself; each returns plain data.

``sources`` backs the Sources dialog's "Test now"; ``notice_list`` reads and writes what the
main window, its list and its sidebar show.
"""

from app.services.sources import SourceTest, test_source

__all__ = ["SourceTest", "test_source"]
