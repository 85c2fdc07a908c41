"""The search window: full-text search across articles, claims, rationales and evidence."""

import html

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from workbench.search import MARK_CLOSE, MARK_OPEN

KIND_LABELS = {"article": "Article", "claim": "Claim", "evidence": "Evidence"}


def snippet_html(snippet: str) -> str:
    """Escape a snippet and turn its match markers into bold text."""
    return html.escape(snippet).replace(MARK_OPEN, "<b>").replace(MARK_CLOSE, "</b>")


class SearchDialog(QDialog):
    """Type to search; Enter or double-click opens the article at the claim."""

    hitActivated = Signal(str, str)  # article id, claim id ("" for a whole article)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Search")
        self.setObjectName("searchDialog")
        self.resize(560, 480)
        self.search = None  # text -> hits (Workspace.search)
        self.query = QLineEdit()
        self.query.setObjectName("searchQuery")
        self.query.setPlaceholderText("Words in articles, claims, rationales or evidence")
        self.query.setClearButtonEnabled(True)
        self.summary = QLabel()
        self.results = QListWidget()
        self.results.setObjectName("searchResults")
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.run_search)
        self.query.textChanged.connect(lambda _: self._timer.start())
        self.query.returnPressed.connect(self._activate_first)
        self.results.itemActivated.connect(self._activate)
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
        self.results.clear()
        text = self.query.text()
        hits = self.search(text) if self.search is not None else []
        for hit in hits:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, (hit.article_id, hit.claim_id or ""))
            label = QLabel(f"<b>{KIND_LABELS[hit.kind]}</b> · {html.escape(hit.title)}<br>{snippet_html(hit.snippet)}")
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setContentsMargins(4, 4, 4, 4)
            item.setSizeHint(label.sizeHint())
            self.results.addItem(item)
            self.results.setItemWidget(item, label)
        self.summary.setText(f"{len(hits)} result{'s' if len(hits) != 1 else ''}" if text.strip() else "")

    def _activate_first(self) -> None:
        self.run_search()
        if self.results.count():
            self._activate(self.results.item(0))

    def _activate(self, item: QListWidgetItem) -> None:
        article_id, claim_id = item.data(Qt.ItemDataRole.UserRole)
        self.hitActivated.emit(article_id, claim_id)
