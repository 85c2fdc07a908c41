"""The article reader: the body as plain text with claims highlighted by verdict."""

import html
from bisect import bisect_left, insort

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QColor, QPalette, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QTextEdit, QToolTip

from ui import theme
from ui.utf16 import OffsetMap
from workbench.overlaps import segments
from workbench.text import snap_to_words
from workbench.verdicts import LABELS

TOOLTIP_RATIONALE_MAX = 400
PARAGRAPH_GAP = 9  # pixels between paragraphs
LINE_HEIGHT = 135  # percent


class ArticleView(QTextEdit):
    """Read-only text of one article; only ranges whose claims changed are re-formatted.

    A QTextEdit (not QPlainTextEdit) so that paragraphs get spacing and line height; its
    layout is lazy, so opening a long article costs only what is on screen.
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
        self.body = ""
        self.offsets = OffsetMap("")
        self.claims: dict[str, dict] = {}
        # (start, end, id) sorted, and the longest claim: a range query looks only at nearby claims.
        self._spans: list[tuple[int, int, str]] = []
        self._longest = 0
        self.current_claim: str | None = None
        self._press_had_selection = False
        self.context_actions: list = []  # the window's claim actions, offered first in the context menu

    # -- content ---------------------------------------------------------------------------

    def show_article(self, body: str, claims: list[dict]) -> None:
        """Show a new article with its claims, formatted in one pass."""
        self.current_claim = None
        self.setExtraSelections([])
        self.body = body
        self.offsets = OffsetMap(body)
        self.claims = {c["id"]: c for c in claims}
        self._spans = sorted((c["start"], c["end"], c["id"]) for c in claims)
        self._longest = max((c["end"] - c["start"] for c in claims), default=0)
        self.setPlainText(body)
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        block = QTextBlockFormat()
        block.setBottomMargin(PARAGRAPH_GAP)
        block.setLineHeight(LINE_HEIGHT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.mergeBlockFormat(block)
        cursor.endEditBlock()
        self._format_range(0, len(body), clear=False)

    def clear_article(self) -> None:
        """Show nothing."""
        self.show_article("", [])

    def update_claims(self, changed: dict[str, dict | None]) -> None:
        """Apply new rows (None: gone) for some claims, re-formatting only the ranges they touch."""
        lo, hi = len(self.body), 0
        for claim_id, row in changed.items():
            for version in (self.claims.get(claim_id), row):
                if version:
                    lo, hi = min(lo, version["start"]), max(hi, version["end"])
            old = self.claims.pop(claim_id, None)
            if old is not None:
                del self._spans[bisect_left(self._spans, (old["start"], old["end"], claim_id))]
            if row is not None:
                self.claims[claim_id] = row
                insort(self._spans, (row["start"], row["end"], claim_id))
                self._longest = max(self._longest, row["end"] - row["start"])
        if lo < hi:
            self._format_range(lo, hi, clear=True)
        if self.current_claim not in self.claims:
            self.current_claim = None
        self._show_current()

    def _format_range(self, lo: int, hi: int, *, clear: bool) -> None:
        palette = self.palette()
        spans = self.spans_touching(lo, hi)
        formats: dict[tuple[str, bool], QTextCharFormat] = {}
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        if clear:
            self._select(cursor, lo, hi)
            cursor.setCharFormat(QTextCharFormat())
        for start, end, keys in segments(spans):
            start, end = max(start, lo), min(end, hi)
            if start >= end:
                continue
            top = self.claims[keys[-1]]  # the claim that started last lies on top
            self._select(cursor, start, end)
            key = (top["verdict"], len(keys) > 1)
            if key not in formats:
                formats[key] = theme.char_format(key[0], palette, overlapped=key[1])
            cursor.setCharFormat(formats[key])
        cursor.endEditBlock()

    def _select(self, cursor: QTextCursor, start: int, end: int) -> None:
        cursor.setPosition(self.offsets.to_utf16(start))
        cursor.setPosition(self.offsets.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)

    def refresh_colours(self) -> None:
        """Re-format everything after a palette change."""
        self._format_range(0, len(self.body), clear=True)
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

    def spans_touching(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """(start, end, id) of the claims that overlap [lo, hi), found by binary search."""
        first = bisect_left(self._spans, (lo - self._longest,))
        last = bisect_left(self._spans, (hi,))
        return [span for span in self._spans[first:last] if span[1] > lo]

    def claims_at(self, position: int) -> list[str]:
        """Ids of the claims covering a code-point position, innermost (shortest) first."""
        hits = [self.claims[cid] for _, _, cid in self.spans_touching(position, position + 1)]
        return [c["id"] for c in sorted(hits, key=lambda c: (c["end"] - c["start"], c["start"]))]

    def set_current_claim(self, claim_id: str | None, *, scroll: bool = True) -> None:
        """Mark one claim as current (a frame over its text) and bring it into view."""
        self.current_claim = claim_id if claim_id in self.claims else None
        self._show_current()
        if scroll and self.current_claim:
            claim = self.claims[self.current_claim]
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.offsets.to_utf16(claim["start"]))
            self.setTextCursor(cursor)
            self.ensureCursorVisible()

    def _show_current(self) -> None:
        if not self.current_claim:
            self.setExtraSelections([])
            return
        claim = self.claims[self.current_claim]
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
        position = self.offsets.to_code_point(self.cursorForPosition(event.position().toPoint()).position())
        hits = self.claims_at(position)
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
        cursor = self.cursorForPosition(self.viewport().mapFromGlobal(event.globalPos()))
        hits = self.claims_at(self.offsets.to_code_point(cursor.position()))
        if not hits:
            QToolTip.hideText()
            return
        QToolTip.showText(event.globalPos(), claim_tooltip([self.claims[h] for h in hits]), self)


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
