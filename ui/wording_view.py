"""A carried claim's old and new wording side by side, the words that changed marked in plain text."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QTextEdit

from ui import theme

VISIBLE_LINES = 3  # each side grows to this many lines, then scrolls
# (light, dark) backgrounds: text that went, text that came; each also has a colour-free cue
REMOVED = ("#fbd0cc", "#6b2521")
ADDED = ("#c9ecd2", "#1d5230")
METHODS = {"approximate": "carried approximately", "by hand": "placed by hand", "exact": "carried exactly",
           "position": "carried by position"}


def how_carried(method: str, score: float | None) -> str:
    """How a carried claim was placed, for people: 'carried approximately, score 0.96'."""
    text = METHODS.get(method, method)
    return f"{text}, score {score:.2f}" if score is not None else text


class WordingSide(QTextEdit):
    """One side: read-only text, its pieces inserted as plain text with a format each (never markup)."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().setDocumentMargin(2)
        self.fitted = None  # called when the width changes: the panel makes both sides one height

    def show_pieces(self, caption: str, pieces: list[tuple[str, bool]], marked: QTextCharFormat) -> None:
        """Show a bold caption, then (text, differs) pieces, the differing ones in the marked format."""
        self.clear()
        cursor = QTextCursor(self.document())
        plain = QTextCharFormat()
        bold = QTextCharFormat()
        bold.setFontWeight(700)
        cursor.insertText(caption + "  ", bold)
        for text, differs in pieces:
            cursor.insertText(text, marked if differs else plain)

    def wanted_height(self) -> int:
        """As tall as the text at the present width, up to VISIBLE_LINES lines."""
        self.document().setTextWidth(self.viewport().width())
        line = self.fontMetrics().lineSpacing()
        height = min(self.document().size().height(), line * VISIBLE_LINES + 4)
        return int(max(height, line + 4)) + 2 * self.frameWidth()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width() and self.fitted is not None:
            self.fitted()


class WordingPanel(QFrame):
    """Shown for a carried claim whose quote changed: before and now, side by side, with how it was carried."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("wording")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel()
        self.heading.setObjectName("wordingHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        self.before = WordingSide("wordingBefore")
        self.now = WordingSide("wordingNow")
        layout = QGridLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.heading, 0, 0, 1, 2)
        self.before.setToolTip("The claim's words in the earlier version; struck out: words that went")
        self.now.setToolTip("Its words in this version; underlined: words that came")
        layout.addWidget(self.before, 1, 0)
        layout.addWidget(self.now, 1, 1)
        for side in (self.before, self.now):
            side.fitted = self._fit
        layout.setColumnStretch(0, 1)
        layout.setColumnStretch(1, 1)
        self.wording = None
        self.hide()

    def show_wording(self, wording) -> None:
        """Show a versions.Wording (old, new, pieces, method, score), or hide for None."""
        self.wording = wording
        if wording is None:
            self.hide()
            return
        self.heading.setText(f"Reworded · {how_carried(wording.method, wording.score)}")
        self.before.show_pieces("Before", [(old, kind != "same") for kind, old, _ in wording.pieces if old],
                                self._format(REMOVED, QTextCharFormat.setFontStrikeOut))
        self.now.show_pieces("Now", [(new, kind != "same") for kind, _, new in wording.pieces if new],
                             self._format(ADDED, QTextCharFormat.setFontUnderline))
        self.show()
        self._fit()

    def _fit(self) -> None:
        """Both sides as tall as the longer one needs (up to VISIBLE_LINES lines), side by side."""
        height = max(self.before.wanted_height(), self.now.wanted_height())
        for side in (self.before, self.now):
            side.setFixedHeight(height)

    def _format(self, colours: tuple[str, str], cue) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(colours[1] if theme.is_dark(self.palette()) else colours[0]))
        cue(fmt, True)
        return fmt

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange and self.wording is not None:
            self.show_wording(self.wording)  # the marks' colours follow the theme
