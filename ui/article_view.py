"""The article reader: the body as plain text with claims highlighted by verdict."""

import html
from PySide6.QtCore import QEvent, Qt, Signal
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


class ArticleView(QTextEdit):
    """Read-only text of the open article, highlights drawn from its OpenArticle.

    A QTextEdit (not QPlainTextEdit) so that paragraphs get spacing and line height; its
    layout is lazy, so opening a long article costs only what is on screen. Only the range an
    OpenArticle `repaint` event names is re-formatted.
    """

    claimClicked = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
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
        self._press_had_selection = False
        self.context_actions: list = []  # the window's claim actions, offered first in the context menu

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
        self.body = article.body if article is not None else ""
        self.offsets = OffsetMap(self.body)
        # The text takes the current character format: a claim's, if the caret sat on one.
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(self.body)
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        block = QTextBlockFormat()
        block.setBottomMargin(PARAGRAPH_GAP)
        block.setLineHeight(LINE_HEIGHT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.mergeBlockFormat(block)
        cursor.endEditBlock()
        self._format_range(0, len(self.body), clear=False)

    def _repaint(self, span: tuple[int, int]) -> None:
        self._format_range(*span, clear=True)
        if self.current_claim is not None and self.article.claim(self.current_claim) is None:
            self.current_claim = None
        self._show_current()

    def _reset(self, _=None) -> None:
        self.refresh_colours()

    def _format_range(self, lo: int, hi: int, *, clear: bool) -> None:
        if self.article is None or lo >= hi:
            return
        palette = self.palette()
        touching = self.article.spans_touching(lo, hi)
        verdicts = {row["id"]: row["verdict"] for row in touching}
        formats: dict[tuple[str, bool], QTextCharFormat] = {}
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        if clear:
            self._select(cursor, lo, hi)
            cursor.setCharFormat(QTextCharFormat())
        for start, end, keys in segments((row["start"], row["end"], row["id"]) for row in touching):
            start, end = max(start, lo), min(end, hi)
            if start >= end:
                continue
            key = (verdicts[keys[-1]], len(keys) > 1)  # the claim that started last lies on top
            if key not in formats:
                formats[key] = theme.char_format(key[0], palette, overlapped=key[1])
            self._select(cursor, start, end)
            cursor.setCharFormat(formats[key])
        cursor.endEditBlock()

    def _select(self, cursor: QTextCursor, start: int, end: int) -> None:
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)

    def refresh_colours(self) -> None:
        """Re-format everything (a palette change, or a reset of the open article)."""
        self._format_range(0, len(self.body), clear=True)
        if self.current_claim is not None and (self.article is None or self.article.claim(self.current_claim) is None):
            self.current_claim = None
        self._show_current()

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
        self._show_current()
        if scroll and claim:
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.offsets.to_utf16(claim["start"]))
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    def _show_current(self) -> None:
        claim = self.article.claim(self.current_claim) if self.article is not None and self.current_claim else None
        if claim is None:
            self.setExtraSelections([])
            return
        selection = QTextEdit.ExtraSelection()
        selection.cursor = QTextCursor(self.document())
        self._select(selection.cursor, claim["start"], claim["end"])
        highlight = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        highlight.setAlpha(110)
        fmt = QTextCharFormat()
        fmt.setBackground(highlight)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(self.palette().color(QPalette.ColorRole.Highlight))
        fmt.setFontWeight(600)
        selection.format = fmt
        self.setExtraSelections([selection])

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
