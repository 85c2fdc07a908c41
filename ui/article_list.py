"""The article list: title, source and a bar of claims by verdict for every article."""

import html
from bisect import bisect_left
from urllib.parse import urlparse

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPalette, QPen
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate

from ui import theme
from workbench.verdicts import LABELS, VERDICTS

ArticleIdRole = Qt.ItemDataRole.UserRole + 1
ArticleRole = Qt.ItemDataRole.UserRole + 2


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


class ArticleListModel(QAbstractListModel):
    """Rows of live articles (without bodies)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []

    def set_rows(self, rows: list[dict]) -> None:
        """Replace the rows; a changed list keeps no stale row."""
        if [r["id"] for r in rows] == [r["id"] for r in self.rows]:
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0), self.index(len(rows) - 1))
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def set_counts(self, article_id: str, counts: dict[str, int]) -> None:
        """Update one article's progress."""
        row = self.row_of(article_id)
        if row is not None and self.rows[row]["counts"] != counts:
            self.rows[row] = {**self.rows[row], "counts": counts}
            self.dataChanged.emit(self.index(row), self.index(row))

    def apply(self, changed: dict[str, dict | None]) -> None:
        """New list rows for some articles (None: deleted), as an ArticlesChanged event carries them."""
        for article_id, row in changed.items():
            index = self.row_of(article_id)
            if index is not None and row is not None and _order(row) == _order(self.rows[index]):
                self.rows[index] = row
                self.dataChanged.emit(self.index(index), self.index(index))
                continue
            if index is not None:
                self.beginRemoveRows(QModelIndex(), index, index)
                del self.rows[index]
                self.endRemoveRows()
            if row is not None:
                index = bisect_left([_order(r) for r in self.rows], _order(row))
                self.beginInsertRows(QModelIndex(), index, index)
                self.rows.insert(index, row)
                self.endInsertRows()

    def row_of(self, article_id: str) -> int | None:
        """The row number of an article, or None."""
        return next((i for i, r in enumerate(self.rows) if r["id"] == article_id), None)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row["title"]
        if role == Qt.ItemDataRole.ToolTipRole:
            versions = f"<br>{html.escape(version_text(row))}" if row.get("version") else ""
            return (f"<qt><b>{html.escape(row['title'])}</b><br>{html.escape(source_line(row))}{versions}"
                    f"<br>{html.escape(progress_text(row['counts'], row.get('orphans', 0)))}</qt>")
        if role == ArticleIdRole:
            return row["id"]
        if role == ArticleRole:
            return row
        return None


def _order(row: dict) -> tuple:
    """An article's place in the list (articles.LIST_ORDER)."""
    return (row["created_at"], row["title"], row["id"])


class ArticleDelegate(QStyledItemDelegate):
    """Paints title, source line and a stacked verdict bar."""

    PAD = 8
    BAR = 6

    def sizeHint(self, option, index) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(200, self.PAD * 2 + metrics.height() * 3 + self.BAR + 6)

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
        dim = palette.color(text_role)
        dim.setAlpha(170)
        version = row.get("version")
        badge = self._paint_badge(painter, rect, version, dim, option.font) if version else 0
        superseded = bool(version and version["superseded"])
        bold = QFont(option.font)
        bold.setBold(True)
        bold.setItalic(superseded)  # an older version's title recedes
        painter.setFont(bold)
        painter.setPen(dim if superseded else palette.color(text_role))
        title = QFontMetrics(bold).elidedText(row["title"], Qt.TextElideMode.ElideRight, rect.width() - badge)
        painter.drawText(QRect(rect.left(), rect.top(), rect.width() - badge, metrics.height()), 0, title)
        painter.setFont(option.font)
        painter.setPen(dim)
        y = rect.top() + metrics.height()
        source = ("Superseded · " if superseded else "") + source_line(row)
        for line in (source, progress_text(row["counts"], row.get("orphans", 0))):
            painter.drawText(QRect(rect.left(), y, rect.width(), metrics.height()), 0,
                             metrics.elidedText(line, Qt.TextElideMode.ElideRight, rect.width()))
            y += metrics.height()
        self._paint_bar(painter, QRect(rect.left(), y + 3, rect.width(), self.BAR), row["counts"], palette)
        if option.state & QStyle.StateFlag.State_HasFocus:  # where the keyboard is, in light and dark
            pen = QPen(palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight))
            pen.setWidth(2)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.restore()

    def _paint_badge(self, painter, rect: QRect, version: dict, colour, font) -> int:
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


class ArticleList(QListView):
    """The list widget with its model and delegate."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("articleList")
        self.model_ = ArticleListModel(self)
        self.setModel(self.model_)
        self.setItemDelegate(ArticleDelegate(self))
        self.setUniformItemSizes(True)

    def current_id(self) -> str | None:
        """The id of the current article, or None."""
        index = self.currentIndex()
        return index.data(ArticleIdRole) if index.isValid() else None

    def neighbour_id(self, step: int) -> str | None:
        """The id of the article step rows from the current one, or None at either end."""
        row = self.currentIndex().row() + step
        return self.model_.rows[row]["id"] if self.currentIndex().isValid() and 0 <= row < len(self.model_.rows) else None

    def select_article(self, article_id: str) -> None:
        """Make an article the current row."""
        row = self.model_.row_of(article_id)
        if row is not None and self.currentIndex().row() != row:
            self.setCurrentIndex(self.model_.index(row))
