"""Two articles side by side: a table model of aligned sentences and a delegate that marks what differs.

Each row is a pair of aligned sentences (either side may be missing). Within a pair, the differing
words are shaded; names, numbers and dates among them each get their own colour AND a cue that
needs no colour (names underlined, numbers bold, dates in italics with a dotted underline); the
current difference is drawn in the selection colours. Claims of either article show as verdict
badges in the cell's gutter.
"""

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QTextCharFormat, QTextCursor, QTextDocument, QTextOption
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui import safe, theme
from ui.evidence_views import secondary_text
from ui.utf16 import OffsetMap
from workbench.verdicts import LABELS

SpansRole = Qt.ItemDataRole.UserRole + 1  # [(start, end, kind)] within the sentence, kind "changed" first
CurrentRole = Qt.ItemDataRole.UserRole + 2  # (start, end) of the current difference within the sentence, or None
ClaimsRole = Qt.ItemDataRole.UserRole + 3  # [(number, claim row)] of the claims touching the sentence
PAD = 6
GUTTER = 22
MISSING = "— not in this article —"


@dataclass(frozen=True)
class KindStyle:
    """How one kind of difference looks: shading per palette, and the cue that needs no colour."""

    light: str
    dark: str
    label: str
    cue: str  # said in the legend


KINDS = {
    "changed": KindStyle("#ffe9a8", "#5c4a12", "Changed words", "shaded"),
    "name": KindStyle("#cfe0ff", "#23406b", "Names", "underlined"),
    "number": KindStyle("#ffd3c2", "#6b2f1f", "Numbers", "bold"),
    "date": KindStyle("#d2f0d8", "#1f5230", "Dates", "italic, dotted underline"),
}


def kind_format(kind: str, palette: QPalette, current: bool = False) -> QTextCharFormat:
    """The character format of one kind of difference (the current one in the selection colours)."""
    dark = theme.is_dark(palette)
    style = KINDS[kind]
    fmt = QTextCharFormat()
    fmt.setBackground(palette.color(QPalette.ColorRole.Highlight) if current else QColor(style.dark if dark else style.light))
    fmt.setForeground(palette.color(QPalette.ColorRole.HighlightedText if current else QPalette.ColorRole.Text))
    if kind == "name":
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    elif kind == "number":
        fmt.setFontWeight(QFont.Weight.Bold)
    elif kind == "date":
        fmt.setFontItalic(True)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
    return fmt


def legend_html(palette: QPalette) -> str:
    """The legend: each kind written in its own format (static text, no database text)."""
    dark = theme.is_dark(palette)
    css = {"changed": "", "name": "text-decoration: underline;", "number": "font-weight: bold;",
           "date": "font-style: italic; text-decoration: underline dotted;"}
    text = palette.color(QPalette.ColorRole.Text).name()
    parts = [f'<span style="background-color: {(s.dark if dark else s.light)}; color: {text}; {css[kind]}">'
             f'&nbsp;{s.label}&nbsp;</span> {s.cue}' for kind, s in KINDS.items()]
    return " &nbsp; ".join(parts)


class ComparisonModel(QAbstractTableModel):
    """A Comparison's pairs as rows of two columns (the two articles), with claims and the current difference."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.comparison = None
        self.titles = ("", "")
        self.claims: tuple[list, list] = ([], [])  # (number, row) of each side's live claims
        self.differences: list[tuple[int, int]] = []  # (row, index within the pair) in reading order
        self.current = -1

    def set_comparison(self, comparison, titles: tuple[str, str]) -> None:
        """Show another comparison (None: nothing)."""
        self.beginResetModel()
        self.comparison = comparison
        self.titles = titles
        self.differences = [(row, n) for row, pair in enumerate(comparison.pairs if comparison else ())
                            for n in range(len(pair.differences))]
        self.current = -1
        self.endResetModel()

    def set_claims(self, left: list, right: list) -> None:
        """Each side's claims as (number, row), in reading order."""
        self.claims = (left, right)
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 1), [ClaimsRole])

    def set_current(self, number: int) -> None:
        """Make difference `number` (in reading order) the current one."""
        rows = {self.differences[n][0] for n in (self.current, number) if 0 <= n < len(self.differences)}
        self.current = number
        for row in rows:
            self.dataChanged.emit(self.index(row, 0), self.index(row, 1), [CurrentRole])

    def pair(self, row: int):
        """The Pair of a row."""
        return self.comparison.pairs[row]

    def sentence_span(self, index: QModelIndex) -> tuple[int, int] | None:
        """The sentence of a cell as a code-point range of its article, or None."""
        pair = self.pair(index.row())
        return pair.left if index.column() == 0 else pair.right

    def cell_claims(self, index: QModelIndex) -> list:
        """(number, row) of the claims touching a cell's sentence."""
        span = self.sentence_span(index)
        if span is None:
            return []
        return [(n, c) for n, c in self.claims[index.column()] if c["start"] < span[1] and span[0] < c["end"]]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.comparison is None else len(self.comparison.pairs)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < 2:
            return self.titles[section]
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self.rowCount() or not 0 <= index.column() < 2:
            return None
        span = self.sentence_span(index)
        text = (self.comparison.left, self.comparison.right)[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text[span[0]:span[1]] if span else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index)
        if role == SpansRole:
            return self._spans(index) if span else []
        if role == CurrentRole:
            return self._current(index)
        if role == ClaimsRole:
            return self.cell_claims(index)
        return None

    def _spans(self, index: QModelIndex) -> list[tuple[int, int, str]]:
        offset = self.sentence_span(index)[0]
        side = ("left", "right")[index.column()]
        runs, words = [], []
        for difference in self.pair(index.row()).differences:
            run = getattr(difference, side)
            if run:
                runs.append((run[0] - offset, run[1] - offset, "changed"))
            words += [(s - offset, e - offset, kind) for s, e, kind in getattr(difference, f"{side}_words")]
        return runs + words

    def _current(self, index: QModelIndex):
        if not 0 <= self.current < len(self.differences):
            return None
        row, number = self.differences[self.current]
        span = self.sentence_span(index)
        if row != index.row() or span is None:
            return None
        run = getattr(self.pair(row).differences[number], ("left", "right")[index.column()])
        return (run[0] - span[0], run[1] - span[0]) if run else None

    def _tooltip(self, index: QModelIndex) -> str | None:
        lines = [f"Claim {n} ({LABELS[c['verdict']]}): “{' '.join(c['quote'].split())}”"
                 for n, c in self.cell_claims(index)]
        if self.sentence_span(index) is None:
            lines.append(f"This sentence of “{self.titles[1 - index.column()]}” has no counterpart here.")
        return safe.tooltip("\n".join(lines)) if lines else None


class ComparisonDelegate(QStyledItemDelegate):
    """Paints a sentence with its differences marked, and its claims as badges in a gutter."""

    def __init__(self, view):
        super().__init__(view)
        self.view = view

    def document(self, index: QModelIndex, palette: QPalette, width: int) -> QTextDocument:
        """The cell's sentence as a document laid out to width, differences formatted."""
        doc = QTextDocument()
        doc.setDefaultFont(self.view.font())
        doc.setDocumentMargin(0)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        doc.setDefaultTextOption(option)
        text = index.data(Qt.ItemDataRole.DisplayRole) or MISSING
        doc.setPlainText(text)
        doc.setTextWidth(max(width, 40))
        cursor = QTextCursor(doc)
        if not index.data(Qt.ItemDataRole.DisplayRole):
            missing = QTextCharFormat()
            missing.setFontItalic(True)
            missing.setForeground(secondary_text(palette))
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.mergeCharFormat(missing)
            return doc
        offsets = OffsetMap(text)
        spans = index.data(SpansRole) or ()
        current = index.data(CurrentRole)
        formats = [(start, end, kind_format(kind, palette)) for start, end, kind in spans]
        if current:  # the current difference, and the names, numbers and dates inside it
            formats += [(start, end, kind_format(kind, palette, current=True)) for start, end, kind
                        in [(*current, "changed"), *(s for s in spans if s[2] != "changed"
                                                      and current[0] <= s[0] < current[1])]]
        for start, end, fmt in formats:
            cursor.setPosition(offsets.to_utf16(start))
            cursor.setPosition(offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        return doc

    def _text_width(self, index: QModelIndex) -> int:
        return self.view.header().sectionSize(index.column()) - GUTTER - 2 * PAD

    def sizeHint(self, option, index) -> QSize:
        doc = self.document(index, option.palette, self._text_width(index))
        return QSize(self.view.header().sectionSize(index.column()), int(doc.size().height()) + 2 * PAD)

    def paint(self, painter: QPainter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        painter.save()
        rect = opt.rect
        for n, (number, claim) in enumerate(index.data(ClaimsRole) or ()):
            box = QRect(rect.left() + 3, rect.top() + PAD + n * 18, 16, 16)
            if box.bottom() > rect.bottom():
                break
            painter.drawPixmap(box, theme.swatch(claim["verdict"], opt.palette, 16).pixmap(16, 16))
        doc = self.document(index, opt.palette, rect.width() - GUTTER - 2 * PAD)
        if opt.state & QStyle.StateFlag.State_Selected:  # the row's text stays legible on the selection
            painter.fillRect(rect.adjusted(GUTTER, 0, 0, 0), opt.palette.color(QPalette.ColorRole.Base))
            painter.setPen(opt.palette.color(QPalette.ColorRole.Highlight))
            painter.drawRect(rect.adjusted(GUTTER, 0, -1, -1))
        painter.translate(rect.left() + GUTTER + PAD, rect.top() + PAD)
        doc.drawContents(painter)
        painter.restore()
