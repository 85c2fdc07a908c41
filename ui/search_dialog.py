"""The search window: full-text search across articles, claims, rationales and evidence, as a model and view."""

import html

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListView, QStyle, QStyledItemDelegate, QVBoxLayout

from workbench.search import MARK_CLOSE, MARK_OPEN

KIND_LABELS = {"article": "Article", "claim": "Claim", "evidence": "Evidence"}
HitRole = Qt.ItemDataRole.UserRole + 1
TYPING_MS = 150
LINES = 3  # a row shows the kind and title, then up to two lines of snippet


def snippet_html(snippet: str) -> str:
    """Escape a snippet and turn its match markers into bold text."""
    return html.escape(snippet).replace(MARK_OPEN, "<b>").replace(MARK_CLOSE, "</b>")


def hit_html(hit) -> str:
    """A result as rich text: the kind and title in bold, then the snippet (all database text escaped)."""
    return f"<b>{KIND_LABELS[hit.kind]}</b> · {html.escape(hit.title)}<br>{snippet_html(hit.snippet)}"


class HitModel(QAbstractListModel):
    """The hits of the last query."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hits: list = []

    def set_hits(self, hits: list) -> None:
        """Replace the results."""
        self.beginResetModel()
        self.hits = list(hits)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{KIND_LABELS[hit.kind]} · {hit.title}\n{hit.snippet.replace(MARK_OPEN, '').replace(MARK_CLOSE, '')}"
        if role == HitRole:
            return hit
        return None


class HitDelegate(QStyledItemDelegate):
    """Paints a hit as rich text, only for the rows on screen; every row is the same height."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._document = QTextDocument()
        self._document.setDocumentMargin(4)

    def sizeHint(self, option, index) -> QSize:
        return QSize(1, option.fontMetrics.lineSpacing() * LINES + 10)

    def paint(self, painter, option, index) -> None:
        hit = index.data(HitRole)
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget)
        self._document.setDefaultFont(option.font)
        self._document.setTextWidth(option.rect.width())
        self._document.setHtml(hit_html(hit))
        context = QAbstractTextDocumentLayout.PaintContext()
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        painter.translate(option.rect.topLeft())
        painter.setClipRect(QRectF(0, 0, option.rect.width(), option.rect.height()))
        self._document.documentLayout().draw(painter, context)
        painter.restore()


class SearchDialog(QDialog):
    """Type to search; Enter or double-click goes to the hit (the claim, its evidence, or the match in the article)."""

    hitActivated = Signal(object)  # workbench.search.Hit

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Search everything")
        self.setObjectName("searchDialog")
        self.resize(600, 520)
        self.search = None  # text -> hits (Workspace.search)
        self.query = QLineEdit()
        self.query.setObjectName("searchQuery")
        self.query.setPlaceholderText("Words in articles, claims, rationales or evidence")
        self.query.setClearButtonEnabled(True)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.model = HitModel(self)
        self.results = QListView()
        self.results.setObjectName("searchResults")
        self.results.setModel(self.model)
        self.results.setItemDelegate(HitDelegate(self.results))
        self.results.setUniformItemSizes(True)
        self.results.setAlternatingRowColors(True)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_MS)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _: self._timer.start())
        self.query.returnPressed.connect(self._activate_first)
        self.results.activated.connect(self._activate)
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.summary)
        layout.addWidget(self.results, 1)

    def show_for(self, search) -> None:
        """Show the window searching with search(text) (Workspace.search), the query selected for retyping."""
        self.search = search
        if self.isVisible():
            self.raise_()  # already open behind the main window
        self.show()
        self.activateWindow()
        self.query.setFocus()
        self.query.selectAll()
        self.run_search()

    def run_search(self) -> None:
        """Search now and list the hits."""
        self._timer.stop()
        text = self.query.text()
        hits = self.search(text) if self.search is not None else []
        self.model.set_hits(hits)
        self.summary.setText(f"{len(hits)} result{'s' if len(hits) != 1 else ''}" if text.strip() else "")

    def _activate_first(self) -> None:
        self.run_search()
        if self.model.rowCount():
            self._activate(self.model.index(0))

    def _activate(self, index) -> None:
        self.hitActivated.emit(index.data(HitRole))
