"""The notice list widget and its two layouts.

*Reading* (the default): rows three lines high; the English title (up to two lines, the
document's own name first when the full title does not fit) above the Chinese title in grey, and
a side column with date, short source, flag/note markers, status, comment deadline and topic
chips. *Compact*: one line per notice, every column, for scanning many rows. Both are the same
``QTableView`` over the same lazy model, so selection, sorting and paging work alike.
"""

from __future__ import annotations

import re
from enum import StrEnum

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QProxyStyle,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionHeader,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.ui.item_paint import draw_item_frame
from app.ui.notice_model import (
    COLUMNS,
    ROW_ROLE,
    STATUS_LABELS,
    NoticeRow,
    deadline_colour,
    deadline_text,
)


class ListLayout(StrEnum):
    READING = "reading"
    COMPACT = "compact"


LAYOUT_SETTING = "ui_list_layout"  # the user's choice, remembered in the database's settings
COL = {key: i for i, (key, _) in enumerate(COLUMNS)}
READING_COLUMNS = (COL["date"], COL["title_en"])  # side column, titles
SIDE_WIDTH = 168
COMPACT_WIDTHS = (84, 74, 160, 204, 90, 22, 64, 22, 84)
MIN_EN_WIDTH = 260
GREY = QColor("#6b7280")
PAD = 4

_TOKENS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]|\S+\s*|\s+")


def take_lines(text: str, metrics: QFontMetrics, width: int, n: int) -> tuple[list[str], str]:
    """Up to ``n`` full lines of ``text`` (English breaks between words, Chinese between
    characters) and the text left over."""
    lines: list[str] = []
    line = ""
    tokens = _TOKENS.findall(text)
    for i, tok in enumerate(tokens):
        if metrics.horizontalAdvance(line + tok.rstrip()) <= width or not line:
            line += tok
            continue
        lines.append(line.rstrip())
        if len(lines) == n:
            return lines, "".join(tokens[i:])
        line = tok
    if line.strip():
        if len(lines) == n:
            return lines, line
        lines.append(line.rstrip())
    return lines, ""


def wrap(text: str, metrics: QFontMetrics, width: int, max_lines: int) -> list[str]:
    """``text`` in at most ``max_lines`` lines of ``width`` pixels; the last line is elided
    when text is left over."""
    lines, rest = take_lines(text, metrics, width, max_lines)
    if rest:
        joint = "" if _TOKENS.match(rest) and len(_TOKENS.match(rest).group()) == 1 else " "
        last = lines[-1] + joint + rest if lines else rest
        lines[-1:] = [metrics.elidedText(last, Qt.TextElideMode.ElideRight, width)]
    return lines


def fits(text: str, metrics: QFontMetrics, width: int, lines: int) -> bool:
    """True when ``text`` wraps into ``lines`` lines without being cut."""
    return len(wrap(text, metrics, width, lines + 1)) <= lines


def reading_lines(
    row: NoticeRow, en_metrics: QFontMetrics, zh_metrics: QFontMetrics, width: int, lines: int = 3
) -> tuple[list[str], list[str]]:
    """(English lines, Chinese lines) of a reading row ``width`` pixels wide.

    The English title keeps its full form when it fits two lines, else leads with the document's
    own name ("Guidelines for … (MIIT notice)"); the Chinese title gets the lines left over."""
    zh = ("[removed] " if row.removed else "") + row.title
    if not row.title_en:
        return [], wrap(zh, zh_metrics, width, lines)
    en_lines = wrap(row.title_en, en_metrics, width, lines - 1)
    if not fits(row.title_en, en_metrics, width, lines - 1):
        en_lines = keep_tag(*row.lead_parts, en_metrics, width, lines - 1)
    return en_lines, wrap(zh, zh_metrics, width, lines - len(en_lines))


def keep_tag(name: str, tag: str, metrics: QFontMetrics, width: int, lines: int) -> list[str]:
    """The document name wrapped and cut so that the frame tag "(MIIT notice)" still ends
    the last line: the part of a title that tells rows apart is never the part cut off."""
    full = f"{name} ({tag})" if tag else name
    if not tag or fits(full, metrics, width, lines):
        return wrap(full, metrics, width, lines)
    suffix = f" ({tag})"
    head, rest = take_lines(name, metrics, width, lines - 1)
    if not rest:  # the name fits in the lines before the last: the tag gets the last one
        return [*head, metrics.elidedText(suffix.strip(), Qt.TextElideMode.ElideRight, width)]
    room = max(width - metrics.horizontalAdvance(suffix), 0)
    return [*head, metrics.elidedText(rest.strip(), Qt.TextElideMode.ElideRight, room) + suffix]


def row_height(font: QFont, lines: int = 3) -> int:
    """Room for ``lines`` lines; Chinese glyphs come from a taller fallback font."""
    return round(QFontMetrics(font).lineSpacing() * 1.2) * lines + 2 * PAD


class _RowDelegate(QStyledItemDelegate):
    """Draws the selection/background as Qt would, then the row's own text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        drawn = draw_item_frame(self, painter, option, index)
        if drawn is None:
            return
        opt, style, widget = drawn
        if not isinstance(row, NoticeRow):
            return
        painter.save()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        self.draw(painter, opt, row, selected)
        painter.restore()

    @staticmethod
    def pen(opt: QStyleOptionViewItem, selected: bool, colour: QColor | None = None) -> QColor:
        if selected:
            return opt.palette.highlightedText().color()
        return colour if colour is not None else opt.palette.text().color()

    def draw(self, p: QPainter, opt: QStyleOptionViewItem, row: NoticeRow, selected: bool) -> None:
        raise NotImplementedError


class ReadingTitleDelegate(_RowDelegate):
    """English title (bold while unread) over the Chinese title in grey."""

    def draw(self, p: QPainter, opt: QStyleOptionViewItem, row: NoticeRow, selected: bool) -> None:
        rect = opt.rect.adjusted(PAD + 2, PAD, -PAD, -PAD)
        en_font = QFont(opt.font)
        en_font.setBold(not row.read)
        zh_font = QFont(opt.font)
        en_m, zh_m = QFontMetrics(en_font), QFontMetrics(zh_font)
        en_lines, zh_lines = reading_lines(row, en_m, zh_m, rect.width())
        step = rect.height() // 3
        y = rect.top()
        p.setFont(en_font)
        removed = QColor("#9ca3af") if row.removed else None
        p.setPen(self.pen(opt, selected, removed))
        for line in en_lines:
            p.drawText(QRect(rect.left(), y, rect.width(), step), _LEFT, line)
            y += step
        p.setFont(zh_font if en_lines else en_font)
        p.setPen(self.pen(opt, selected, GREY if en_lines else removed))
        for line in zh_lines:
            p.drawText(QRect(rect.left(), y, rect.width(), step), _LEFT, line)
            y += step


_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ReadingSideDelegate(_RowDelegate):
    """Date and source; flag, note, status and deadline markers; topic chips."""

    def __init__(self, view: NoticeTable):
        super().__init__(view)
        self.view = view

    def draw(self, p: QPainter, opt: QStyleOptionViewItem, row: NoticeRow, selected: bool) -> None:
        model = self.view.model()
        rect = opt.rect.adjusted(PAD + 2, PAD, -PAD, -PAD)
        font = QFont(opt.font)
        small = QFont(opt.font)
        small.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        m = QFontMetrics(font)
        step = rect.height() // 3
        line = QRect(rect.left(), rect.top(), rect.width(), step)
        p.setFont(font)
        p.setPen(self.pen(opt, selected))
        p.drawText(line, _LEFT, row.date.isoformat() if row.date else "")
        source = getattr(model, "source_names", {}).get(row.source, row.source)
        p.setPen(self.pen(opt, selected, GREY))
        p.drawText(line, _RIGHT, m.elidedText(source, Qt.TextElideMode.ElideRight, 64))
        # line 2: markers and status, or the comment deadline
        line.translate(0, step)
        marks = ("⚑ " if row.flagged else "") + ("✎ " if row.has_note else "")
        if marks:
            p.setPen(self.pen(opt, selected, QColor("#dc2626") if row.flagged else None))
            p.drawText(line, _LEFT, marks)
        left = line.adjusted(m.horizontalAdvance(marks), 0, 0, 0)
        today = model.today() if hasattr(model, "today") else None
        if row.deadline is not None and today is not None:
            p.setPen(self.pen(opt, selected, QColor(deadline_colour(row.deadline, today))))
            p.setFont(small)
            p.drawText(left, _LEFT, deadline_text(row.deadline, today, model.tr))
        elif row.status != "new" or row.exported:
            p.setPen(self.pen(opt, selected, GREY))
            p.setFont(small)
            text = model.tr(STATUS_LABELS.get(row.status, row.status))
            p.drawText(left, _LEFT, text + (" ✉" if row.exported else ""))
        # line 3: topic chips
        line.translate(0, step)
        p.setFont(small)
        sm = QFontMetrics(small)
        x = line.left()
        for n, (name, colour) in enumerate(row.topics):
            label = sm.elidedText(name, Qt.TextElideMode.ElideMiddle, 110)
            w = sm.horizontalAdvance(label) + 10
            more = f"+{len(row.topics) - n}"
            if n and x + min(w, 60) + sm.horizontalAdvance(" +9") > line.right():
                p.setPen(self.pen(opt, selected, GREY))
                p.drawText(line.adjusted(x - line.left(), 0, 0, 0), _LEFT, more)
                break
            w = min(w, line.right() - x)
            chip = QRect(x, line.top() + 1, w, step - 2)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(colour).lighter(170) if not selected else QColor(colour))
            p.drawRoundedRect(chip, 4, 4)
            p.setPen(self.pen(opt, selected, QColor(colour).darker(160)))
            p.drawText(
                chip.adjusted(5, 0, -3, 0),
                _LEFT,
                sm.elidedText(name, Qt.TextElideMode.ElideMiddle, chip.width() - 8),
            )
            x += w + 4


class CompactTitleDelegate(QStyledItemDelegate):
    """The English title cell of the compact table: the full title when it fits the column,
    else the document's own name first, so rows cut at the same width still differ."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        row = index.data(ROW_ROLE)
        if isinstance(row, NoticeRow) and row.lead_en:
            width = option.rect.width() - 8
            if QFontMetrics(option.font).horizontalAdvance(row.title_en) > width:
                option.text = row.lead_en


class SortArrowStyle(QProxyStyle):
    """Header arrows that point the way the list runs: newest first (descending) points down.
    Qt draws ascending as a down arrow (a Windows convention); this header turns it round."""

    def drawPrimitive(self, element, option, painter, widget=None) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(
            option, QStyleOptionHeader
        ):
            opt = QStyleOptionHeader(option)
            up, down = (
                QStyleOptionHeader.SortIndicator.SortUp,
                QStyleOptionHeader.SortIndicator.SortDown,
            )
            opt.sortIndicator = down if option.sortIndicator == up else up
            super().drawPrimitive(element, opt, painter, widget)
            return
        super().drawPrimitive(element, option, painter, widget)


class NoticeTable(QTableView):
    """The notice list; while it has no rows it says why, and what to do about it."""

    empty_text = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.layout_mode = ListLayout.COMPACT
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSortingEnabled(True)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.horizontalHeader().setMinimumSectionSize(20)
        self._arrow_style = SortArrowStyle()
        self.horizontalHeader().setStyle(self._arrow_style)
        self._side = ReadingSideDelegate(self)
        self._titles = ReadingTitleDelegate(self)
        self._compact_title = CompactTitleDelegate(self)

    def set_layout_mode(self, mode: ListLayout) -> None:
        """Switch between the reading and the compact layout (same model, same selection)."""
        self.layout_mode = ListLayout(mode)
        header = self.horizontalHeader()
        reading = self.layout_mode is ListLayout.READING
        for col in range(len(COLUMNS)):
            self.setColumnHidden(col, reading and col not in READING_COLUMNS)
            self.setItemDelegateForColumn(col, None)
        if reading:
            self.setItemDelegateForColumn(COL["date"], self._side)
            self.setItemDelegateForColumn(COL["title_en"], self._titles)
            header.setSectionResizeMode(COL["date"], QHeaderView.ResizeMode.Fixed)
            header.resizeSection(COL["date"], SIDE_WIDTH)
            self.verticalHeader().setDefaultSectionSize(row_height(self.font()))
        else:
            self.setItemDelegateForColumn(COL["title_en"], self._compact_title)
            for col, width in enumerate(COMPACT_WIDTHS):
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(col, width)
            self.verticalHeader().setDefaultSectionSize(24)
        # The English title takes the width the others leave: no horizontal scroll bar.
        header.setSectionResizeMode(COL["title_en"], QHeaderView.ResizeMode.Stretch)
        if not reading:
            self._share_title_width()
        model = self.model()
        if model is not None and hasattr(model, "reading"):
            model.reading = reading
            model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        self.viewport().update()

    def _share_title_width(self) -> None:
        """Compact: the Chinese title takes 40% of the width the other columns leave and the
        English title the rest; when that would squeeze the English title below
        MIN_EN_WIDTH the list scrolls sideways instead."""
        fixed = sum(
            w
            for c, w in enumerate(COMPACT_WIDTHS)
            if c not in (COL["title"], COL["title_en"]) and not self.isColumnHidden(c)
        )
        free = self.viewport().width() - fixed
        header = self.horizontalHeader()
        zh = max(120, int(free * 0.4))
        if free - zh < MIN_EN_WIDTH:
            header.setSectionResizeMode(COL["title_en"], QHeaderView.ResizeMode.Interactive)
            header.resizeSection(COL["title"], 140)
            header.resizeSection(COL["title_en"], MIN_EN_WIDTH)
            return
        header.resizeSection(COL["title"], zh)
        header.setSectionResizeMode(COL["title_en"], QHeaderView.ResizeMode.Stretch)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.layout_mode is ListLayout.COMPACT:
            self._share_title_width()

    def set_empty_text(self, text: str) -> None:
        self.empty_text = text
        self.viewport().update()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is None or model.rowCount() or not self.empty_text:
            return
        if getattr(model, "loading", False):
            return
        p = QPainter(self.viewport())
        p.setPen(self.palette().placeholderText().color())
        rect = self.viewport().rect().adjusted(24, 24, -24, -24)
        p.drawText(
            rect,
            int(
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
            ),
            self.empty_text,
        )
        p.end()
