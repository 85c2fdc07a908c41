"""How one article of the list is painted: title, source, badges of the work left, and a bar of verdicts."""

from urllib.parse import urlparse

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from ui import theme
from workbench.verdicts import DISPUTED, LABELS, PENDING, VERDICTS
from workbench.work_left import REASON_LABELS

ArticleRole = Qt.ItemDataRole.UserRole + 2
BADGE_ORDER = ("disagreement", "pending", "no_evidence", "no_rationale")  # the most urgent first


def source_line(article: dict) -> str:
    """Where an article comes from, for one line of a list: publisher or host, and date."""
    source = article.get("publisher") or (urlparse(article["url"]).hostname if article.get("url") else None)
    source = source or {"clipboard": "Pasted text"}.get(article.get("source_kind") or "", "Local file")
    date = article.get("published")
    return f"{source} · {date}" if date else source


def progress_text(counts: dict[str, int], waiting: int = 0) -> str:
    """'3 claims: 1 verified, 2 pending' style summary, and how many wait to be placed."""
    total = sum(counts.values())
    text = "No claims yet"
    if total:
        parts = [f"{counts[v]} {LABELS[v].lower()}" for v in VERDICTS if counts[v]]
        text = f"{total} claim{'s' if total != 1 else ''}: " + ", ".join(parts)
    return text + (f" · {waiting} to place" if waiting else "")


def version_text(row: dict) -> str:
    """'Version 2 of 3' (and whether a corrected version supersedes it), or '' for an article with one version."""
    version = row.get("version")
    if not version:
        return ""
    text = f"Version {version['number']} of {version['of']}"
    return text + (" · superseded by a corrected version" if version["superseded"] else " · the latest")


def work_summary(row: dict) -> str:
    """The line under an article with nothing left to do: 'No claims yet' or '✓ 3 claims, all done'."""
    total = sum(row["counts"].values())
    return f"✓ {total} claim{'s' if total != 1 else ''}, all done" if total else "No claims yet"


def work_text(work: dict[str, int]) -> str:
    """'Needs work: 2 pending, 1 reviewers disagree' for a tooltip; '' when nothing is left."""
    parts = [f"{work[r]} {REASON_LABELS[r].lower()}" for r in BADGE_ORDER if work.get(r)]
    return "Needs work: " + ", ".join(parts) if parts else ""


def badge_text(reason: str, count: int) -> str:
    """The short text of one badge: '⚑ 2', '3 pending', '1 no evidence'."""
    if reason == "disagreement":
        return f"⚑ {count}"
    return f"{count} {reason.replace('no_', 'no ')}"


def badges(work: dict[str, int], waiting: int = 0) -> list[tuple[str, str]]:
    """(reason, text) of the badges an article shows, most urgent first, then annotations waiting to be
    placed; none when nothing is left."""
    shown = [(reason, badge_text(reason, work[reason])) for reason in BADGE_ORDER if work.get(reason)]
    return shown + ([("orphans", f"{waiting} to place")] if waiting else [])


def badge_colours(reason: str, palette: QPalette) -> tuple[QColor, QColor, QColor]:
    """(fill, border, text) of a badge, readable on the list in light and dark palettes."""
    text = palette.color(QPalette.ColorRole.Text)
    if reason in ("disagreement", "pending"):
        verdict = DISPUTED if reason == "disagreement" else PENDING
        return theme.background(verdict, palette), theme.line_colour(verdict, palette), text
    return palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Mid), text


class ArticleDelegate(QStyledItemDelegate):
    """Paints title, source line, badges of what needs work and a stacked verdict bar."""

    PAD = 8
    BAR = 6

    def sizeHint(self, option, index) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(150, self.PAD * 2 + metrics.height() * 4 + 8 + self.BAR + 6)

    def paint(self, painter, option, index) -> None:
        row = index.data(ArticleRole)
        palette = option.palette
        painter.save()
        selected = option.state & QStyle.StateFlag.State_Selected
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = option.rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        metrics = QFontMetrics(option.font)
        line = metrics.height()
        dim = palette.color(text_role)
        dim.setAlpha(170)
        version = row.get("version")
        badge = self._paint_version(painter, rect, version, dim, option.font) if version else 0
        superseded = bool(version and version["superseded"])
        bold = QFont(option.font)
        bold.setBold(True)
        bold.setItalic(superseded)  # an older version's title recedes
        painter.setFont(bold)
        painter.setPen(dim if superseded else palette.color(text_role))
        title = QFontMetrics(bold).elidedText(row["title"], Qt.TextElideMode.ElideRight, rect.width() - badge)
        painter.drawText(QRect(rect.left(), rect.top(), rect.width() - badge, line), 0, title)
        painter.setFont(option.font)
        painter.setPen(dim)
        source = ("Superseded · " if superseded else "") + source_line(row)
        painter.drawText(QRect(rect.left(), rect.top() + line, rect.width(), line), 0,
                         metrics.elidedText(source, Qt.TextElideMode.ElideRight, rect.width()))
        y = rect.top() + 2 * line + 2
        shown = badges(row.get("work") or {}, row.get("orphans", 0))
        if shown:  # on two lines at most, so that a narrow list still shows every reason
            self._paint_badges(painter, QRect(rect.left(), y, rect.width(), 2 * line + 6), shown, palette, metrics)
        else:
            painter.drawText(QRect(rect.left(), y, rect.width(), line + 2), Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(work_summary(row), Qt.TextElideMode.ElideRight, rect.width()))
        self._paint_bar(painter, QRect(rect.left(), y + 2 * line + 10, rect.width(), self.BAR), row["counts"], palette)
        if option.state & QStyle.StateFlag.State_HasFocus:  # where the keyboard is, in light and dark
            pen = QPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight))
            pen.setWidth(2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.restore()

    def _paint_badges(self, painter, rect: QRect, shown, palette, metrics, lines: int = 2) -> None:
        """Badges left to right on up to two lines; those left over are counted in a last '+N' badge."""
        height = metrics.height() + 2
        x, line = rect.left(), 0

        def width_of(text: str) -> int:
            return metrics.horizontalAdvance(text) + 12

        for number, (reason, text) in enumerate(shown):
            width, rest = width_of(text), len(shown) - number - 1
            reserve = width_of(f"+{rest}") + 4 if rest else 0
            fits = x + width + (reserve if line == lines - 1 else 0) <= rect.right()
            if not fits and x > rect.left() and line < lines - 1:
                x, line = rect.left(), line + 1
                fits = x + width + reserve <= rect.right()
            y = rect.top() + line * (height + 2)
            if not fits and line == lines - 1:
                self._pill(painter, QRect(x, y, width_of(f"+{rest + 1}"), height), "", f"+{rest + 1}", palette, metrics)
                return
            self._pill(painter, QRect(x, y, min(width, rect.right() - x), height), reason, text, palette, metrics)
            x += width + 4

    def _pill(self, painter, rect: QRect, reason: str, text: str, palette, metrics) -> None:
        fill, border, ink = badge_colours(reason, palette)
        painter.setPen(QPen(border, 1))
        painter.setBrush(fill)
        radius = rect.height() / 2
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
        painter.setPen(ink)
        painter.drawText(rect.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width() - 10))

    def _paint_version(self, painter, rect: QRect, version: dict, colour, font) -> int:
        """'v2' in a small frame at the right of the title line; returns the width it takes, with a gap."""
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * 0.85)
        metrics = QFontMetrics(small)
        text = f"v{version['number']}"
        width = metrics.horizontalAdvance(text) + 8
        height = QFontMetrics(font).height()
        box = QRect(rect.right() - width + 1, rect.top() + 1, width, height - 2)
        painter.setFont(small)
        painter.setPen(colour)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(box, 3, 3)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        return width + 6

    def _paint_bar(self, painter, rect: QRect, counts: dict[str, int], palette) -> None:
        total = sum(counts.values())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Mid))
        painter.drawRect(rect)
        x = rect.left()
        for verdict in VERDICTS:
            if not total or not counts[verdict]:
                continue
            width = round(rect.width() * counts[verdict] / total)
            painter.setBrush(theme.line_colour(verdict, palette))
            painter.drawRect(QRect(x, rect.top(), width, rect.height()))
            x += width
