"""The To Do window: every claim, across all articles, that still needs work, with the reason; opens it."""

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QHeaderView, QLabel, QTreeView, QVBoxLayout

from ui import safe
from workbench.order import natural_key
from workbench.verdicts import LABELS
from workbench.work_left import REASON_LABELS, REASONS

COLUMNS = ("Article", "Claim", "Needs")
ToDoRole = Qt.ItemDataRole.UserRole + 1


class ToDoModel(QAbstractTableModel):
    """The claims needing work (work_left.ToDo), by article title, then reading order; one reason or all."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.by_article: dict[str, list] = {}
        self.titles: dict[str, str] = {}
        self.reason = ""  # "" : every reason
        self.items: list = []

    def set_items(self, items: list, titles: dict[str, str]) -> None:
        """Show these items (of every article)."""
        self.by_article = {}
        for item in items:
            self.by_article.setdefault(item.article_id, []).append(item)
        self.titles = dict(titles)
        self._refill()

    def replace_article(self, article_id: str, items: list, title: str | None) -> None:
        """New items for one article (title None: the article is gone)."""
        self.by_article.pop(article_id, None)
        self.titles.pop(article_id, None)
        if title is not None:
            self.titles[article_id] = title
            if items:
                self.by_article[article_id] = list(items)
        self._refill()

    def set_reason(self, reason: str) -> None:
        """Show only claims needing work for one reason ("": all)."""
        self.reason = reason
        self._refill()

    def _refill(self) -> None:
        order = sorted(self.by_article, key=lambda a: (natural_key(self.titles.get(a, "")), a))
        self.beginResetModel()
        self.items = [item for a in order for item in self.by_article[a]
                      if not self.reason or self.reason in item.reasons]
        self.endResetModel()

    def row_of(self, claim_id: str | None) -> int | None:
        """The row of a claim, or None."""
        return next((i for i, item in enumerate(self.items) if item.claim_id == claim_id), None)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return self.titles.get(item.article_id, "")
            if index.column() == 1:
                return f"#{item.number} {LABELS[item.verdict]} · “{' '.join(item.quote.split())}”"
            return ", ".join(REASON_LABELS[r] for r in item.reasons)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 1:
            return safe.tooltip(" ".join(item.quote.split()))
        if role == ToDoRole:
            return item
        return None


class ToDoDialog(QDialog):
    """Lists every claim that needs work; Enter or a double-click opens the article at the claim."""

    claimActivated = Signal(str, str)  # article id, claim id

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("toDoDialog")
        self.setWindowTitle("To Do — claims that need work")
        self.workspace = window.workspace
        self.model = ToDoModel(self)
        self.reason = QComboBox()
        self.reason.setObjectName("toDoReason")
        self.reason.addItem("Everything", "")
        for reason in REASONS:
            self.reason.addItem(REASON_LABELS[reason], reason)
        self.reason.currentIndexChanged.connect(lambda _: self._reason_chosen())
        self.count = QLabel()
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.view = QTreeView()
        self.view.setObjectName("toDoList")
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setModel(self.model)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(0, 220)
        self.view.activated.connect(self._open)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:"))
        top.addWidget(self.reason)
        top.addStretch(1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.resize(820, 480)
        qt = window.qt
        qt.countsChanged.connect(lambda event: self.refresh_article(event.article_id))
        qt.articlesChanged.connect(lambda event: [self.refresh_article(a) for a in event.rows])
        qt.reloaded.connect(lambda _event: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Read every article's claims that need work afresh."""
        titles = {row["id"]: row["title"] for row in self.workspace.list_articles()}
        self._keeping(self.model.set_items, self.workspace.to_do(), titles)

    def refresh_article(self, article_id: str) -> None:
        """Re-read one article's claims that need work (its title, and whether it still exists, too)."""
        rows = self.workspace.article_rows([article_id])
        row = rows.get(article_id)
        items = self.workspace.to_do([article_id]) if row else []
        self._keeping(self.model.replace_article, article_id, items, row["title"] if row else None)

    def _keeping(self, change, *args) -> None:
        """Change the rows, keeping the claim that was current (if it is still listed)."""
        current = self.view.currentIndex().data(ToDoRole)
        change(*args)
        row = self.model.row_of(current.claim_id if current else None)
        if row is not None:
            self.view.setCurrentIndex(self.model.index(row, 0))
        shown = len(self.model.items)
        self.count.setText(f"{shown:,} claim{'s' if shown != 1 else ''}")

    def _reason_chosen(self) -> None:
        self._keeping(self.model.set_reason, self.reason.currentData())

    def _open(self, index) -> None:
        if index.isValid():
            item = self.model.items[index.row()]
            self.claimActivated.emit(item.article_id, item.claim_id)


def show_to_do(window) -> ToDoDialog:
    """Open (or raise) the window's To Do list, made afresh for another database."""
    dialog = getattr(window, "todo_dialog", None)
    if dialog is None or dialog.workspace is not window.workspace:
        if dialog is not None:
            dialog.deleteLater()
        window.todo_dialog = dialog = ToDoDialog(window)
        dialog.claimActivated.connect(window.go_to)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
