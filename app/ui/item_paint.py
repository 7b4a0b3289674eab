"""What the list's and the sidebar's custom delegates share: the item's own background,
selection and focus drawn by the style, with the text left to the delegate."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget


def draw_item_frame(
    delegate: QStyledItemDelegate,
    painter: QPainter,
    option: QStyleOptionViewItem,
    index: QModelIndex,
) -> tuple[QStyleOptionViewItem, QStyle, QWidget | None] | None:
    """Draw the item without its text; the initialised option, style and widget for the rest
    (None when there is no style to draw with)."""
    opt = QStyleOptionViewItem(option)
    delegate.initStyleOption(opt, index)
    opt.text = ""
    widget = opt.widget
    style = widget.style() if widget is not None else None
    if style is None:
        return None
    style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
    return opt, style, widget
