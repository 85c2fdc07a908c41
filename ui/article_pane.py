"""The left pane: a search field, what to show and in which order, and the article list."""

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from ui.article_list import FILTERS, SORTS, ArticleList

SHORT_FILTERS = {"all": "All", "work": "To do", "pending": "Pending", "no_evidence": "No evidence",
                 "no_rationale": "No rationale", "disagreement": "Disagreeing"}
SHORT_SORTS = {"oldest": "Oldest", "newest": "Newest", "title": "Title", "date": "Date", "work": "Most to do"}


def _combo(name: str, short: dict[str, str], long: dict[str, str], tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for key, label in short.items():
        combo.addItem(label, key)
        combo.setItemData(combo.count() - 1, long[key], Qt.ItemDataRole.ToolTipRole)
    combo.setToolTip(tip)
    combo.setAccessibleName(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(4)
    combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return combo


class ArticlePane(QWidget):
    """Search, filter and sort above the article list; the choices are remembered."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("articlePane")
        self.search = QLineEdit()
        self.search.setObjectName("articleSearch")
        self.search.setPlaceholderText("Search articles")
        self.search.setToolTip("Show the articles whose title, publisher, author or web address hold these words")
        self.search.setClearButtonEnabled(True)
        self.need = _combo("articleFilter", SHORT_FILTERS, FILTERS, "Show which articles")
        self.order = _combo("articleSort", SHORT_SORTS, SORTS, "Sort articles by")
        self.list = ArticleList()
        choices = QHBoxLayout()
        choices.setContentsMargins(0, 0, 0, 0)
        choices.setSpacing(4)
        choices.addWidget(self.need, 3)
        choices.addWidget(self.order, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.search)
        layout.addLayout(choices)
        layout.addWidget(self.list, 1)
        self.search.textChanged.connect(self.list.set_search)
        self.search.returnPressed.connect(self._to_list)
        self.need.currentIndexChanged.connect(lambda _: self._chosen("articleFilter", self.need, self.list.set_need))
        self.order.currentIndexChanged.connect(lambda _: self._chosen("articleSort", self.order, self.list.set_order))
        self._restore()

    def _chosen(self, key: str, combo: QComboBox, apply) -> None:
        QSettings().setValue(key, combo.currentData())
        apply(combo.currentData())

    def _restore(self) -> None:
        for key, combo in (("articleFilter", self.need), ("articleSort", self.order)):
            index = combo.findData(QSettings().value(key, ""))
            if index > 0:
                combo.setCurrentIndex(index)

    def _to_list(self) -> None:
        """Enter in the search field: into the list, on the first article found (if the open one is not)."""
        self.list.setFocus()
        if not self.list.currentIndex().isValid() and self.list.model().rowCount():
            self.list.setCurrentIndex(self.list.model().index(0, 0))

    def show_need(self, need: str) -> None:
        """Filter the list by a FILTERS key, as if chosen in the combo box."""
        self.need.setCurrentIndex(self.need.findData(need))
