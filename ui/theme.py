"""Verdict colours and cues for light and dark palettes: colour plus a second, colour-free cue."""

from dataclasses import dataclass
from functools import lru_cache

from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap, QTextCharFormat
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyle

from workbench.verdicts import DISPUTED, PENDING, UNVERIFIABLE, VERIFIED


@dataclass(frozen=True)
class VerdictStyle:
    """How one verdict looks: background and underline colours per palette, underline style, glyph."""

    light: str
    dark: str
    line_light: str
    line_dark: str
    underline: QTextCharFormat.UnderlineStyle
    glyph: str


STYLES = {
    PENDING: VerdictStyle("#fff1a8", "#5a4d00", "#9a7400", "#e8c547",
                          QTextCharFormat.UnderlineStyle.DotLine, "•"),
    VERIFIED: VerdictStyle("#c9ecd2", "#1d5230", "#1a7f37", "#5fd38a",
                           QTextCharFormat.UnderlineStyle.SingleUnderline, "✓"),
    DISPUTED: VerdictStyle("#fbc9c4", "#6b2521", "#c8231f", "#ff8a80",
                           QTextCharFormat.UnderlineStyle.WaveUnderline, "✗"),
    UNVERIFIABLE: VerdictStyle("#ddd3f5", "#43346b", "#6f42c1", "#b69cff",
                               QTextCharFormat.UnderlineStyle.DashUnderline, "?"),
}


def is_dark(palette: QPalette) -> bool:
    """Whether a palette is dark (light text on a dark window)."""
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


def background(verdict: str, palette: QPalette) -> QColor:
    """The highlight background of a verdict in this palette."""
    style = STYLES[verdict]
    return QColor(style.dark if is_dark(palette) else style.light)


def line_colour(verdict: str, palette: QPalette) -> QColor:
    """The strong (underline, swatch border) colour of a verdict in this palette."""
    style = STYLES[verdict]
    return QColor(style.line_dark if is_dark(palette) else style.line_light)


def char_format(verdict: str, palette: QPalette, *, overlapped: bool = False) -> QTextCharFormat:
    """The reader's format for text under a claim; overlapped text is shaded deeper."""
    fmt = QTextCharFormat()
    colour = background(verdict, palette)
    if overlapped:
        colour = colour.lighter(125) if is_dark(palette) else colour.darker(118)
    fmt.setBackground(colour)
    fmt.setUnderlineStyle(STYLES[verdict].underline)
    fmt.setUnderlineColor(line_colour(verdict, palette))
    return fmt


def swatch(verdict: str, palette: QPalette, size: int = 14) -> QIcon:
    """A small icon: the verdict's colour with its glyph, for lists and buttons."""
    return _swatch(verdict, palette.color(QPalette.ColorRole.Base).name(),
                   palette.color(QPalette.ColorRole.Text).name(), size, is_dark(palette))


@lru_cache(maxsize=64)
def _swatch(verdict: str, base: str, text: str, size: int, dark: bool) -> QIcon:
    style = STYLES[verdict]
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor(style.line_dark if dark else style.line_light))
    painter.setBrush(QColor(style.dark if dark else style.light))
    painter.drawRoundedRect(0, 0, size - 1, size - 1, 3, 3)
    painter.setPen(QColor(text))
    painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, STYLES[verdict].glyph)
    painter.end()
    return QIcon(pixmap)


def flagged_swatch(verdict: str, palette: QPalette, warning: bool, size: int = 14) -> QIcon:
    """A list icon two swatches wide: the verdict's swatch, then the style's warning sign if warning."""
    return _flagged(verdict, palette.color(QPalette.ColorRole.Base).name(),
                    palette.color(QPalette.ColorRole.Text).name(), size, is_dark(palette), warning)


@lru_cache(maxsize=64)
def _flagged(verdict: str, base: str, text: str, size: int, dark: bool, warning: bool) -> QIcon:
    pixmap = QPixmap(size * 2 + 4, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.drawPixmap(0, 0, _swatch(verdict, base, text, size, dark).pixmap(size, size))
    if warning:
        sign = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        painter.drawPixmap(size + 4, 0, sign.pixmap(size, size))
    painter.end()
    return QIcon(pixmap)
