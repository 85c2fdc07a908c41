"""The article list: every article with what still needs work, searchable, filtered and sorted."""

import html
from bisect import bisect_left

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QListView

from ui.article_delegate import ArticleDelegate, ArticleRole, progress_text, source_line, version_text, work_text
from workbench.order import natural_key

__all__ = ["ArticleList", "ArticleListModel", "ArticleFilter", "ArticleIdRole", "ArticleRole", "source_line",
           "version_text"]

ArticleIdRole = Qt.ItemDataRole.UserRole + 1

# What the list can show (filter key -> label), and the orders it can sort by.
FILTERS = {"all": "All articles", "work": "Needing work", "pending": "Pending claims",
           "no_evidence": "No evidence", "no_rationale": "No rationale", "disagreement": "Disagreements"}
SORTS = {"oldest": "Oldest first", "newest": "Newest first", "title": "Title", "date": "Date published",
         "work": "Most work left"}


class ArticleListModel(QAbstractListModel):
    """Rows of live articles (without bodies), in the order they were added."""

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

    def set_counts(self, article_id: str, counts: dict[str, int], work: dict[str, int] | None = None) -> None:
        """Update one article's claims by verdict and, if given, its work left by reason."""
        row = self.row_of(article_id)
        if row is None:
            return
        new = {**self.rows[row], "counts": counts, **({"work": work} if work else {})}
        if new != self.rows[row]:
            self.rows[row] = new
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
            lines = [source_line(row), version_text(row), progress_text(row["counts"], row.get("orphans", 0)),
                     work_text(row.get("work") or {})]
            return (f"<qt><b>{html.escape(row['title'])}</b>"
                    + "".join(f"<br>{html.escape(line)}" for line in lines if line) + "</qt>")
        if role == ArticleIdRole:
            return row["id"]
        if role == ArticleRole:
            return row
        return None


def _order(row: dict) -> tuple:
    """An article's place in the list (articles.LIST_ORDER)."""
    return (row["created_at"], row["title"], row["id"])


def matches(row: dict, words: list[str]) -> bool:
    """Whether every typed word is in the article's title, publisher, author or web address."""
    where = " ".join(row.get(k) or "" for k in ("title", "publisher", "author", "url")).casefold()
    return all(word in where for word in words)


def sort_key(row: dict, order: str) -> tuple:
    """An article's key in one of the list's orders (SORTS); ties fall back to the order added."""
    added = _order(row)
    if order == "title":
        return (natural_key(row["title"]), added)
    if order == "date":  # newest publication first; articles without a date last
        published = row.get("published") or ""
        return (not published, tuple(-ord(c) for c in published), added)
    if order == "work":
        return (-sum((row.get("work") or {}).values()), natural_key(row["title"]), added)
    return added


class ArticleFilter(QSortFilterProxyModel):
    """The articles matching the search words and the filter, in the chosen order."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.words: list[str] = []
        self.need = "all"
        self.order = "oldest"
        self.setDynamicSortFilter(True)

    def set_search(self, text: str) -> None:
        """Show only articles whose title, publisher, author or web address hold every word."""
        words = text.casefold().split()
        if words != self.words:
            self.beginFilterChange()
            self.words = words
            self.endFilterChange()

    def set_need(self, need: str) -> None:
        """Show every article ("all"), those needing any work ("work"), or those with one reason."""
        if need != self.need:
            self.beginFilterChange()
            self.need = need
            self.endFilterChange()

    def set_order(self, order: str) -> None:
        """Sort by one of SORTS."""
        self.order = order
        self.invalidate()
        self.sort(0, Qt.SortOrder.DescendingOrder if order == "newest" else Qt.SortOrder.AscendingOrder)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        row = self.sourceModel().rows[source_row]
        work = row.get("work") or {}
        if self.need == "work" and not any(work.values()) or self.need not in ("all", "work") and not work.get(self.need):
            return False
        return matches(row, self.words)

    def lessThan(self, left, right) -> bool:
        rows = self.sourceModel().rows
        order = "oldest" if self.order == "newest" else self.order
        return sort_key(rows[left.row()], order) < sort_key(rows[right.row()], order)


class ArticleList(QListView):
    """The list view over the filtered, sorted articles; says which article the reviewer chose."""

    articleChosen = Signal(str)  # the reviewer moved to another article (not the list changing under them)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("articleList")
        self.model_ = ArticleListModel(self)
        self.proxy = ArticleFilter(self)
        self.proxy.setSourceModel(self.model_)
        self.proxy.sort(0)
        self.setModel(self.proxy)
        self.setItemDelegate(ArticleDelegate(self))
        self.setUniformItemSizes(True)
        self._open_id: str | None = None
        self._quiet = 0
        self.selectionModel().currentChanged.connect(self._current_changed)

    def _current_changed(self, current, _previous) -> None:
        article_id = current.data(ArticleIdRole) if current.isValid() else None
        if not self._quiet and article_id and article_id != self._open_id:
            self._open_id = article_id
            self.articleChosen.emit(article_id)

    def _changing(self, change, *args) -> None:
        """Change the rows or the filter without it counting as a choice; the open article stays current."""
        self._quiet += 1
        try:
            change(*args)
            self._restore_current()
        finally:
            self._quiet -= 1

    def _restore_current(self) -> None:
        index = self.index_of(self._open_id)
        if index.isValid():
            if self.currentIndex() != index:
                self.setCurrentIndex(index)
            self.scrollTo(index)
        elif self.currentIndex().isValid():  # the open article is filtered out: nothing looks chosen
            self.selectionModel().clear()

    # -- changes to the rows or the view ----------------------------------------------------------

    def set_rows(self, rows: list[dict]) -> None:
        """Show these articles (Workspace.list_articles rows)."""
        self._changing(self.model_.set_rows, rows)

    def apply(self, changed: dict[str, dict | None]) -> None:
        """Apply an ArticlesChanged event's rows."""
        self._changing(self.model_.apply, changed)

    def set_counts(self, event) -> None:
        """Apply a CountsChanged event."""
        self._changing(self.model_.set_counts, event.article_id, event.counts, event.work)

    def set_search(self, text: str) -> None:
        """Filter by words typed in the search field."""
        self._changing(self.proxy.set_search, text)

    def set_need(self, need: str) -> None:
        """Filter by what needs work (a FILTERS key)."""
        self._changing(self.proxy.set_need, need)

    def set_order(self, order: str) -> None:
        """Sort by a SORTS key."""
        self._changing(self.proxy.set_order, order)

    # -- reading -------------------------------------------------------------------------------------

    def index_of(self, article_id: str | None) -> QModelIndex:
        """The view's index of an article, invalid if it is not shown."""
        row = self.model_.row_of(article_id) if article_id else None
        return self.proxy.mapFromSource(self.model_.index(row)) if row is not None else QModelIndex()

    def shown_ids(self) -> list[str]:
        """The ids of the articles shown, top to bottom."""
        return [self.proxy.index(r, 0).data(ArticleIdRole) for r in range(self.proxy.rowCount())]

    def current_id(self) -> str | None:
        """The id of the current article, or None."""
        index = self.currentIndex()
        return index.data(ArticleIdRole) if index.isValid() else None

    def neighbour_id(self, step: int) -> str | None:
        """The id of the article shown step rows from the open one, or None at either end."""
        index = self.index_of(self._open_id)
        row = index.row() + step
        return self.proxy.index(row, 0).data(ArticleIdRole) if index.isValid() and 0 <= row < self.proxy.rowCount() \
            else None

    def select_article(self, article_id: str | None) -> None:
        """Make the open article the current row (when it is shown)."""
        self._open_id = article_id
        self._quiet += 1
        try:
            self._restore_current()
        finally:
            self._quiet -= 1
