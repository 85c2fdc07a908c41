"""The article reader: the body as plain text with claims highlighted by verdict."""

import contextlib
import html
from bisect import bisect_left
from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QTextEdit, QToolTip

from ui import theme
from ui.utf16 import OffsetMap
from workbench.overlaps import segments
from workbench.text import snap_to_words
from workbench.verdicts import LABELS
from workbench.workspace import OpenArticle

TOOLTIP_RATIONALE_MAX = 400
PARAGRAPH_GAP = 9  # pixels between paragraphs
LINE_HEIGHT = 135  # percent
HIGHLIGHT_MARGIN = 1.0  # viewport heights of text highlighted above and below what is visible


class ArticleView(QTextEdit):
    """Read-only text of the open article, its claims highlighted by verdict.

    A QTextEdit (not QPlainTextEdit) so that paragraphs get spacing and line height. Its text is
    set once per article and never changed: highlights are extra selections for the claims in
    and around the visible part only, rebuilt when that part moves or an OpenArticle `repaint`
    event touches it. Changing the document instead (character formats) makes Qt walk every
    paragraph after the change, about 10 ms a verdict at 1 MB, and can stop its lazy layout of a
    long article for good.
    """

    claimClicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._loading = False  # show_article is replacing the text
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setMouseTracking(True)
        self.setAcceptRichText(False)
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.setFont(font)
        self.setObjectName("articleView")
        self.document().setUndoRedoEnabled(False)
        self.document().setDocumentMargin(18)
        self.article: OpenArticle | None = None
        self.body = ""
        self.offsets = OffsetMap("")
        self.current_claim: str | None = None
        self.highlighted = (0, 0)  # the code-point range whose claims carry highlights now
        self.find_matches: list[tuple[int, int]] = []  # in-article find: every match, and the current one
        self.find_current = -1
        self._formats: dict[tuple, QTextCharFormat] = {}
        # The selections of the last refresh, by (UTF-16 start, end, format): most are the same next
        # time (a key changes one claim), and making one costs more than finding it here.
        self._made: dict[tuple, QTextEdit.ExtraSelection] = {}
        self._making: dict[tuple, QTextEdit.ExtraSelection] = {}
        self._press_had_selection = False
        self.context_actions: list = []  # the window's claim actions, offered first in the context menu
        self._shown = 0  # counts the texts shown: a new one (even of the same size) is laid out anew
        self._visible: dict[float, tuple] = {}  # margin -> (what the range depends on, the range)
        self._held = 0  # inside one_refresh(): highlights are rebuilt once, at its end
        self._wanted = False
        self._laid_out = 0  # counts Qt's steps of laying the text out (it lays out lazily, a part at a time)
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.document().documentLayout().documentSizeChanged.connect(self._layout_grew)

    # -- content ---------------------------------------------------------------------------

    def show_article(self, article: OpenArticle | None) -> None:
        """Show an open article (None: nothing) and follow its changes."""
        if self.article is not None:
            self.article.events.repaint.disconnect(self._repaint)
            self.article.events.reset.disconnect(self._reset)
        self.article = article
        if article is not None:
            article.events.repaint.connect(self._repaint)
            article.events.reset.connect(self._reset)
        self.current_claim = None
        self.setExtraSelections([])
        self.highlighted = (0, 0)
        self.find_matches, self.find_current = [], -1
        self.body = article.body if article is not None else ""
        self._shown += 1
        self._made = {}  # their cursors belong to the text being replaced
        self.offsets = OffsetMap(self.body)
        # The text takes the current character format: a claim's, if the caret sat on one.
        self.setCurrentCharFormat(QTextCharFormat())
        self._loading = True  # a scroll bar coming or going resizes the view while the old text is still there
        try:
            self.setPlainText(self.body)
        finally:
            self._loading = False
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        block = QTextBlockFormat()
        block.setBottomMargin(PARAGRAPH_GAP)
        block.setLineHeight(LINE_HEIGHT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.mergeBlockFormat(block)
        cursor.endEditBlock()
        self.refresh_highlights()

    def _repaint(self, span: tuple[int, int]) -> None:
        lo, hi = span
        if self.current_claim is not None and self.article.claim(self.current_claim) is None:
            self.current_claim = None
        if lo < self.highlighted[1] and hi > self.highlighted[0] or self.current_claim is not None:
            self.refresh_highlights()

    def _reset(self, _=None) -> None:
        self.refresh_colours()

    def _scrolled(self, _value=None) -> None:
        lo, hi = self.visible_range(margin=0.0)
        if lo < self.highlighted[0] or hi > self.highlighted[1]:
            self.refresh_highlights()

    def _layout_grew(self, _size=None) -> None:
        """Qt laid out more of the text (or laid it out again): the visible range is found afresh."""
        self._laid_out += 1

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._loading:
            self.refresh_highlights()

    def visible_range(self, margin: float = HIGHLIGHT_MARGIN) -> tuple[int, int]:
        """The code points shown in the viewport, widened by margin viewport heights above and below."""
        viewport = self.viewport()
        # Finding it takes a while on a long article: the answer is kept while the text, its layout
        # and the scrolled position stay as they are (asking Qt for the document's size instead of
        # counting its layout steps would lay out the whole article).
        scrolled = self.verticalScrollBar().value()
        key = (margin, scrolled, viewport.size(), self._laid_out, self._shown)
        if self._visible.get(margin, (None,))[0] != key:
            extra = int(viewport.height() * margin)
            top = self._position_at_height(scrolled - extra, end=False)
            bottom = self._position_at_height(scrolled + viewport.height() + extra, end=True)
            self._visible[margin] = (key, (self.offsets.to_code_point(top), self.offsets.to_code_point_end(bottom) + 1))
        return self._visible[margin][1]

    def _position_at_height(self, y: float, *, end: bool) -> int:
        """The UTF-16 position where the line at document height y starts (or, if end, ends).

        Qt's own hit test tries every paragraph after the point unless the point lies on text (4 ms
        at 3,000,000 characters); this one halves the paragraphs by their last layout, then checks
        the paragraph found against its current layout, falling back on Qt's answer if they differ
        (a layout Qt has not finished redoing after a resize)."""
        document = self.document()
        layout = document.documentLayout()
        lo, hi = 0, document.blockCount() - 1
        while lo < hi:  # the last laid-out paragraph that starts at or above y
            middle = (lo + hi + 1) // 2
            lines = document.findBlockByNumber(middle).layout()
            if lines.lineCount() and lines.position().y() <= y:
                lo = middle
            else:
                hi = middle - 1
        block = document.findBlockByNumber(lo)
        box = layout.blockBoundingRect(block)  # lays out up to this paragraph, if Qt has not yet
        following = block.next()
        below = layout.blockBoundingRect(following).top() if following.isValid() else float("inf")
        lines = block.layout()
        if not lines.lineCount() or not (box.top() <= y < below or (lo == 0 and y < box.top())):
            point = QPoint(self.viewport().width() if end else 0, int(y) - self.verticalScrollBar().value())
            return self.cursorForPosition(point).position()
        first, last = 0, lines.lineCount() - 1
        while first < last:  # the last line that starts at or above y (one paragraph may be the whole article)
            middle = (first + last + 1) // 2
            if lines.position().y() + lines.lineAt(middle).y() <= y:
                first = middle
            else:
                last = middle - 1
        line = lines.lineAt(first)
        return block.position() + line.textStart() + (line.textLength() if end else 0)

    @contextlib.contextmanager
    def one_refresh(self):
        """Rebuild the highlights once, at the end, however many changes come in between (an action
        that changes claims, then selects one)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
            if not self._held and self._wanted:
                self.refresh_highlights()

    def refresh_highlights(self) -> None:
        """Highlight the claims in and around the visible text, and frame the current claim."""
        self._wanted = bool(self._held)
        if self._held:
            return
        if self.article is None:
            self.setExtraSelections([])
            return
        lo, hi = self.visible_range()
        self._making = {}
        touching = self.article.spans_touching(lo, hi)
        verdicts = {row["id"]: row["verdict"] for row in touching}
        selections = []
        for start, end, keys in segments((row["start"], row["end"], row["id"]) for row in touching):
            start, end = max(start, lo), min(end, hi)
            if start < end:  # the claim that started last lies on top
                selections += self._selections(start, end, self._format(verdicts[keys[-1]], len(keys) > 1))
        current = self.article.claim(self.current_claim) if self.current_claim else None
        if current is not None:
            frame = self._kept(("current",), self._current_format)
            selections += self._selections(current["start"], current["end"], frame)
        first = bisect_left(self.find_matches, (lo,))
        for index in range(max(0, first - 1), len(self.find_matches)):
            start, end = self.find_matches[index]
            if start >= hi:
                break
            if end > lo:
                shown = index == self.find_current
                selections += self._selections(start, end, self._kept(("find", shown), lambda: self._find_format(shown)))
        self.highlighted = (lo, hi)
        self._made = self._making
        self.setExtraSelections(selections)

    def set_find_matches(self, matches: list[tuple[int, int]], current: int) -> None:
        """Highlight in-article find matches (sorted code-point ranges) and bring the current one into view."""
        self.find_matches, self.find_current = matches, current
        if 0 <= current < len(matches):  # the caret goes there, unselected, so the match shows in its colour
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.offsets.to_utf16(matches[current][1]))
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
            cursor.setPosition(self.offsets.to_utf16(matches[current][0]))
            self.setTextCursor(cursor)
        self.refresh_highlights()

    def _find_format(self, current: bool) -> QTextCharFormat:
        fmt = QTextCharFormat()
        dark = theme.is_dark(self.palette())
        fmt.setBackground(QColor(("#b36b00" if current else "#6b5a1e") if dark else ("#ff9632" if current else "#ffe680")))
        if current:
            fmt.setForeground(QColor("#000000" if not dark else "#ffffff"))
        return fmt

    def _selections(self, start: int, end: int, fmt: QTextCharFormat) -> list[QTextEdit.ExtraSelection]:
        """[start, end) (code points) in this format, one selection per paragraph it covers.

        Qt measures a selection that crosses paragraphs by the whole document's frame, which lays
        out the whole article (a third of a second at 1,000,000 characters) before the first paint."""
        found = []
        first, last = self.offsets.to_utf16(start), self.offsets.to_utf16(end)
        block = self.document().findBlock(first)
        while block.isValid() and first < last:
            stop = min(last, block.position() + block.length() - 1)  # the paragraph separator stays unselected
            if first < stop:
                key = (first, stop, id(fmt))
                selection = self._made.get(key, self._making.get(key))
                if selection is None:
                    selection = QTextEdit.ExtraSelection()
                    selection.cursor = QTextCursor(self.document())
                    selection.cursor.setPosition(first)
                    selection.cursor.setPosition(stop, QTextCursor.MoveMode.KeepAnchor)
                    selection.format = fmt
                self._making[key] = selection
                found.append(selection)
            block = block.next()
            first = block.position()
        return found

    def _format(self, verdict: str, overlapped: bool) -> QTextCharFormat:
        return self._kept((verdict, overlapped),
                          lambda: theme.char_format(verdict, self.palette(), overlapped=overlapped))

    def _kept(self, key: tuple, make) -> QTextCharFormat:
        """One format object per key until the palette changes (selections are kept by their format's identity)."""
        if key not in self._formats:
            self._formats[key] = make()
        return self._formats[key]

    def _current_format(self) -> QTextCharFormat:
        highlight = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        highlight.setAlpha(110)
        fmt = QTextCharFormat()
        fmt.setBackground(highlight)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(self.palette().color(QPalette.ColorRole.Highlight))
        fmt.setFontWeight(600)
        return fmt

    def _select(self, cursor: QTextCursor, start: int, end: int) -> None:
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)

    def refresh_colours(self) -> None:
        """Redraw every highlight (a palette change, or a reset of the open article)."""
        self._formats, self._made = {}, {}
        if self.current_claim is not None and (self.article is None or self.article.claim(self.current_claim) is None):
            self.current_claim = None
        self.refresh_highlights()

    # -- selection and the current claim ------------------------------------------------

    def selected_range(self) -> tuple[int, int] | None:
        """The selected text as a code-point range snapped to whole words, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self.offsets.to_code_point(cursor.selectionStart())
        end = self.offsets.to_code_point_end(cursor.selectionEnd())
        start, end = snap_to_words(self.body, start, end)
        return (start, end) if start < end else None

    def select_range(self, start: int, end: int) -> None:
        """Select [start, end) (code points), as a reviewer would with the mouse."""
        cursor = QTextCursor(self.document())
        self._select(cursor, start, end)
        self.setTextCursor(cursor)

    def caret(self) -> int:
        """The caret's position in code points."""
        return self.offsets.to_code_point(self.textCursor().position())

    def claims_at_point(self, point) -> list[str]:
        """Ids of the claims under a viewport point, innermost first."""
        if self.article is None:
            return []
        position = self.offsets.to_code_point(self.cursorForPosition(point).position())
        return self.article.claims_at(position)

    def set_current_claim(self, claim_id: str | None, *, scroll: bool = True) -> None:
        """Mark one claim as current (a frame over its text) and bring it into view."""
        claim = self.article.claim(claim_id) if self.article is not None else None
        self.current_claim = claim["id"] if claim else None
        if scroll and claim:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.offsets.to_utf16(claim["start"]))
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        self.refresh_highlights()

    # -- mouse and tooltips ------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        self._press_had_selection = self.textCursor().hasSelection()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        hits = self.claims_at_point(event.position().toPoint())
        if not hits:
            return
        # A second click on overlapping claims moves to the next one under the pointer.
        index = (hits.index(self.current_claim) + 1) % len(hits) if self.current_claim in hits else 0
        self.claimClicked.emit(hits[index])

    def context_menu(self):
        """The right-click menu: the claim actions, then Qt's own (Copy, Select All)."""
        menu = self.createStandardContextMenu()
        first = menu.actions()[0] if menu.actions() else None
        for action in self.context_actions:
            menu.insertAction(first, action)
        if self.context_actions:
            menu.insertSeparator(first)
        return menu

    def contextMenuEvent(self, event) -> None:
        # The claim under the pointer becomes current first, so the menu's verdicts act on it.
        hits = self.claims_at_point(event.pos()) if event.reason() == event.Reason.Mouse else []
        if hits and self.current_claim not in hits:
            self.claimClicked.emit(hits[0])
        menu = self.context_menu()
        menu.exec(event.globalPos())
        menu.deleteLater()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            self._show_tooltip(event)
            return True
        return super().event(event)

    def _show_tooltip(self, event) -> None:
        hits = self.claims_at_point(self.viewport().mapFromGlobal(event.globalPos()))
        if not hits:
            QToolTip.hideText()
            return
        QToolTip.showText(event.globalPos(), claim_tooltip([self.article.claim(h) for h in hits]), self)


def claim_tooltip(claims: list[dict]) -> str:
    """Rich-text tooltip for the claims under the pointer; all database text is escaped."""
    parts = []
    for claim in claims:
        rationale = claim.get("rationale") or ""
        if len(rationale) > TOOLTIP_RATIONALE_MAX:
            rationale = rationale[:TOOLTIP_RATIONALE_MAX] + "…"
        glyph = theme.STYLES[claim["verdict"]].glyph
        text = f"<b>{glyph} {html.escape(LABELS[claim['verdict']])}</b>"
        if rationale:
            text += "<br>" + html.escape(rationale).replace("\n", "<br>")
        else:
            text += "<br><i>No rationale yet</i>"
        parts.append(text)
    return "<qt>" + "<hr>".join(parts) + "</qt>"
