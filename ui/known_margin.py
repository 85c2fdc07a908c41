"""A strip in the reader's left margin marking the sentences the desk already knows.

The strip is a widget of its own beside the reader's viewport (the reader's document is never
edited for it: see ui/article_view.py). It is there from the start, empty, so marks that arrive
later change no line of the article's layout. Each mark is a bar beside a sentence's lines in the
colour of the verdict its match suggests, with that verdict's glyph as the colour-free cue; its
tooltip (plain text) names the match; a click emits the mark.
"""

from bisect import bisect_left, bisect_right

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPainter, QPalette, QTextCursor
from PySide6.QtWidgets import QToolTip, QWidget

from ui import safe, theme
from ui.checked_before import rating_text, source_text
from workbench.checked_before import suggested_verdict

WIDTH = 16
BAR = 12


def mark_tooltip(known) -> str:
    """What a mark says under the pointer: the match, as plain text."""
    match = known.match
    kind = "A published fact-check" if match.kind == "fact_check" else "A claim this desk judged"
    return safe.tooltip(f"Checked before — {kind}: {rating_text(match)}\n“{' '.join(match.text.split())}”\n"
                        f"{source_text(match)}\nClick to see what the desk knows and to mark it as a claim.")


class KnownMargin(QWidget):
    """The marks beside the reader's lines; `set_marks` shows an article's known sentences."""

    markClicked = Signal(object)  # the KnownSentence under the click

    def __init__(self, reader):
        super().__init__(reader)
        self.reader = reader
        self.marks: list = []  # KnownSentence, by start
        self._starts: list[int] = []
        self.setObjectName("knownMargin")
        self.setMouseTracking(True)
        reader.setViewportMargins(WIDTH, 0, 0, 0)
        reader.installEventFilter(self)
        self._placing = QTimer(self)  # the viewport's geometry is final only after the reader's resize
        self._placing.setSingleShot(True)
        self._placing.setInterval(0)
        self._placing.timeout.connect(self._place)
        reader.verticalScrollBar().valueChanged.connect(lambda _value: self.update())
        reader.document().documentLayout().update.connect(lambda *_: self.update())
        self._place()

    def set_marks(self, marks) -> None:
        """Show these known sentences (code-point spans of the reader's body), or none."""
        self.marks = sorted(marks, key=lambda k: k.start)
        self._starts = [k.start for k in self.marks]
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.reader and event.type() == QEvent.Type.Resize:
            self._place()
            self._placing.start()
        return False

    def _place(self) -> None:
        viewport = self.reader.viewport().geometry()
        self.setGeometry(QRect(viewport.left() - WIDTH, viewport.top(), WIDTH, viewport.height()))

    # -- geometry -------------------------------------------------------------------------------

    def visible_marks(self) -> list[tuple[QRect, object]]:
        """(rectangle in this strip, mark) for each mark beside the lines on screen."""
        if not self.marks:
            return []
        lo, hi = self.reader.visible_range(margin=0.0)
        found = []
        for known in self.marks[max(0, bisect_left(self._starts, lo) - 1):bisect_right(self._starts, hi)]:
            if known.end < lo:
                continue
            top = self._cursor_rect(known.start).top()
            bottom = self._cursor_rect(known.end).bottom()
            found.append((QRect((WIDTH - BAR) // 2, top, BAR, max(bottom - top, 4)), known))
        return found

    def _cursor_rect(self, code_point: int) -> QRect:
        cursor = QTextCursor(self.reader.document())
        cursor.setPosition(self.reader.offsets.to_utf16(code_point))
        return self.reader.cursorRect(cursor)

    def mark_at(self, y: int):
        """The mark beside height y of the strip, or None."""
        return next((known for rect, known in self.visible_marks() if rect.top() - 2 <= y <= rect.bottom() + 2), None)

    # -- painting and the pointer ---------------------------------------------------------------

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.drawLine(self.width() - 1, 0, self.width() - 1, self.height())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        glyph_font = QFont(self.font())
        glyph_font.setBold(True)
        glyph_font.setPixelSize(BAR - 2)
        painter.setFont(glyph_font)
        for rect, known in self.visible_marks():
            verdict = suggested_verdict(known.match)
            if verdict:
                fill, line = theme.background(verdict, pal), theme.line_colour(verdict, pal)
                glyph = theme.STYLES[verdict].glyph
            else:  # a rating that reads as no verdict: neutral
                fill, line, glyph = pal.color(QPalette.ColorRole.AlternateBase), pal.color(QPalette.ColorRole.Text), "•"
            painter.setPen(line)
            painter.setBrush(fill)
            painter.drawRoundedRect(rect.adjusted(0, 0, -1, -1), 3, 3)
            painter.setPen(pal.color(QPalette.ColorRole.Text))
            painter.drawText(QRect(rect.left(), rect.top(), rect.width(), BAR), Qt.AlignmentFlag.AlignCenter, glyph)
        painter.end()

    def mouseMoveEvent(self, event) -> None:
        over = self.mark_at(event.position().toPoint().y()) is not None
        self.setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.ArrowCursor)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            known = self.mark_at(event.position().toPoint().y())
            if known is not None:
                self.markClicked.emit(known)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            known = self.mark_at(event.pos().y())
            if known is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), mark_tooltip(known), self)
            return True
        return super().event(event)
