"""Which notice actions can run now, and what state the menu shows.

Actions on the selected rows (read, flag, status, note) are disabled while no row is selected;
actions on the notice being read (open, cite, translate, edit translation) while the pane is
empty. Flag and the Status items are checkable and show the notice being read: a glance at
the Notice menu or the toolbar says whether it is flagged and what its status is.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMainWindow

ON_SELECTION = ("act_read", "act_flag", "act_note")
ON_DETAIL = ("act_open", "act_cite", "act_translate", "act_edit_tr")


class ActionStates:
    """Keeps the window's notice actions enabled and checked to match the selection."""

    def __init__(self, window: QMainWindow):
        self.w = window
        self._flag: QAction = window.act_flag
        self._flag.setCheckable(True)
        self._status: dict[str, QAction] = dict(window.status_actions)
        self._group = QActionGroup(window)
        self._group.setExclusive(True)
        for a in self._status.values():
            a.setCheckable(True)
            self._group.addAction(a)
        sel = window.table.selectionModel()
        sel.selectionChanged.connect(lambda *_: self.update())
        sel.currentChanged.connect(lambda *_: self.update())
        window.model.modelReset.connect(self.update)
        window.detail.loaded.connect(lambda _d: self.update())
        self.update()

    def _actions(self, names: tuple[str, ...]) -> list[QAction]:
        return [a for n in names if isinstance(a := getattr(self.w, n, None), QAction)]

    def update(self) -> None:
        w = self.w
        has_rows = bool(w.table.selectionModel().hasSelection() or w.current_id() is not None)
        d = w.detail.detail
        for a in self._actions(ON_SELECTION):
            a.setEnabled(has_rows)
        for a in self._status.values():
            a.setEnabled(has_rows)
        for a in self._actions(ON_DETAIL):
            a.setEnabled(d is not None)
        self._flag.setChecked(bool(d is not None and d.flagged))
        current = self._status.get(d.status) if d is not None else None
        if current is not None:
            current.setChecked(True)
        else:
            # An exclusive group keeps one item checked: lift that while nothing is shown.
            self._group.setExclusive(False)
            for a in self._status.values():
                a.setChecked(False)
            self._group.setExclusive(True)
