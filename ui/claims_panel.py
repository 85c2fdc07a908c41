"""The claims of the current article: a list model in reading order with a verdict filter and evidence counts."""

import html

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QHBoxLayout, QHeaderView, QLabel,
                               QTableView, QVBoxLayout, QWidget)

from ui import theme
from workbench.verdicts import DISPUTED, LABELS, VERDICTS, VERIFIED
from workbench.workspace import OpenArticle

ClaimIdRole = Qt.ItemDataRole.UserRole + 1
VerdictRole = Qt.ItemDataRole.UserRole + 2
EvidenceCountRole = Qt.ItemDataRole.UserRole + 3
UnsupportedRole = Qt.ItemDataRole.UserRole + 4
QUOTE_PREVIEW = 140
NEEDS_EVIDENCE = (VERIFIED, DISPUTED)
ICON_SIZE = QSize(32, 14)  # the verdict swatch, then room for the "no evidence" warning
ROW_GAP = 4  # pixels between two claims' rows


class ClaimListModel(QAbstractListModel):
    """The open article's shown claims as list rows, in reading order, labelled with their numbers.

    It holds no rows of its own: it adapts an OpenArticle's events to Qt's model signals and
    reads the article's rows, evidence counts and disagreements.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.article: OpenArticle | None = None
        self._slots = {"reset": self._reset, "inserting": self._inserting, "inserted": self._inserted,
                       "removing": self._removing, "removed": self._removed, "changed": self._changed,
                       "evidence": self._evidence, "disagreements": self._disagreements}

    def set_article(self, article: OpenArticle | None) -> None:
        """Show another open article's claims (None: none)."""
        self.beginResetModel()
        if self.article is not None:
            for name, slot in self._slots.items():
                getattr(self.article.events, name).disconnect(slot)
        self.article = article
        if article is not None:
            for name, slot in self._slots.items():
                getattr(article.events, name).connect(slot)
        self.endResetModel()

    @property
    def rows(self) -> list[dict]:
        """The shown claims in reading order."""
        return self.article.rows if self.article is not None else []

    def row_of(self, claim_id: str | None) -> int | None:
        """The row number of a claim, or None (found by binary search)."""
        return self.article.row_of(claim_id) if self.article is not None else None

    def _reset(self, _=None) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _inserting(self, index: int) -> None:
        self.beginInsertRows(QModelIndex(), index, index)

    def _inserted(self, _index: int) -> None:
        self.endInsertRows()

    def _removing(self, index: int) -> None:
        self.beginRemoveRows(QModelIndex(), index, index)

    def _removed(self, _index: int) -> None:
        self.endRemoveRows()

    def _changed(self, index: int) -> None:
        self.dataChanged.emit(self.index(index), self.index(index))

    def _claim_changed(self, claim_id: str) -> None:
        index = self.row_of(claim_id)
        if index is not None:
            self._changed(index)

    def _evidence(self, change: tuple[str, int]) -> None:
        self._claim_changed(change[0])

    def _disagreements(self, changed: dict) -> None:
        for claim_id in changed:
            self._claim_changed(claim_id)

    def unsupported(self, row: dict) -> bool:
        """Whether a claim is judged verified or disputed without any evidence."""
        return row["verdict"] in NEEDS_EVIDENCE and not self.article.evidence_count(row["id"])

    def disagreement(self, claim_id: str) -> str:
        """Each reviewer's verdict when reviewers disagree on this claim's text, else ''."""
        found = self.article.disagreements.get(claim_id) if self.article is not None else None
        return found.summary() if found else ""

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            quote = " ".join(row["quote"][:QUOTE_PREVIEW * 2].split())
            if len(quote) > QUOTE_PREVIEW:
                quote = quote[:QUOTE_PREVIEW - 1] + "…"
            flag = " · ⚑ reviewers disagree" if self.disagreement(row["id"]) else ""
            return (f"#{self.article.number(row['id'])} {LABELS[row['verdict']]}{self._evidence_text(row)}{flag}"
                    f"\n“{quote}”")
        if role == Qt.ItemDataRole.DecorationRole:
            return theme.flagged_swatch(row["verdict"], self._palette(), self.unsupported(row))
        if role == Qt.ItemDataRole.ToolTipRole:
            warning = ("<br>⚠ No evidence yet: add the sources behind this verdict (Ctrl+E)."
                       if self.unsupported(row) else "")
            summary = self.disagreement(row["id"])
            if summary:
                warning += f"<br>⚑ Reviewers disagree: {html.escape(summary)}"
            return (f"<qt><b>{html.escape(LABELS[row['verdict']])}</b>{html.escape(self._evidence_text(row))}"
                    f"{warning}<br>{html.escape(row['quote'])}</qt>")
        if role == ClaimIdRole:
            return row["id"]
        if role == VerdictRole:
            return row["verdict"]
        if role == EvidenceCountRole:
            return self.article.evidence_count(row["id"])
        if role == UnsupportedRole:
            return self.unsupported(row)
        return None

    def _evidence_text(self, row: dict) -> str:
        count = self.article.evidence_count(row["id"])
        if count:
            return f" · {count} source{'s' if count != 1 else ''}"
        return " · no evidence" if row["verdict"] in NEEDS_EVIDENCE else ""

    def _palette(self):
        return QApplication.palette()


class VerdictFilter(QSortFilterProxyModel):
    """Shows only claims with one verdict (or all), and always the claim being worked on.

    The current claim stays listed after its verdict changes, so giving a verdict never moves
    the selection (and the next typing) to another claim; it drops out when the reviewer moves on.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.verdict: str | None = None
        self.pinned: str | None = None

    def set_verdict(self, verdict: str | None) -> None:
        """Show claims with this verdict; None shows all."""
        self.beginFilterChange()
        self.verdict = verdict
        self.endFilterChange()

    def pin(self, claim_id: str | None) -> None:
        """Keep this claim listed whatever its verdict (the current claim)."""
        before, self.pinned = self.pinned, claim_id
        if before == claim_id or self.verdict is None:
            return
        source = self.sourceModel()
        for changed in (before, claim_id):  # only these two rows are filtered again
            row = source.row_of(changed) if changed else None
            if row is not None:
                source.dataChanged.emit(source.index(row), source.index(row))

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        if self.verdict is None:
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        return index.data(VerdictRole) == self.verdict or index.data(ClaimIdRole) == self.pinned


class ClaimTable(QTableView):
    """The claim rows as a list: one column, no headers, no grid, every row two lines high.

    A table rather than a QListView: a table places its rows by its vertical header, which takes a
    new row in place, where a QListView lays every row out again after each one inserted (4 ms at
    15,000 claims, on every mark, deletion and undo).
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.hide()
        self.horizontalHeader().setStretchLastSection(True)  # rows as wide as the list: quotes are elided
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)  # Tab moves on to the next part of the window, as everywhere
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setIconSize(ICON_SIZE)

    def moveCursor(self, action, modifiers):
        """Home and End go to the first and last claim, as in a list (in a table they go to the
        row's first and last column, which here is the row itself)."""
        if action in (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd):
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(action, modifiers)

    def setModel(self, model) -> None:
        super().setModel(model)
        for signal in (model.modelReset, model.rowsInserted, model.layoutChanged):
            signal.connect(self._fit_rows)

    def _fit_rows(self, *_args) -> None:
        """Every row as high as the first needs (they all hold two lines beside the swatch), with a gap."""
        header = self.verticalHeader()
        if self.model().rowCount() and (height := self.sizeHintForRow(0) + ROW_GAP) != header.defaultSectionSize():
            header.setDefaultSectionSize(height)


class ClaimsPanel(QWidget):
    """The claim list with its filter; emits the claim the reviewer picks."""

    claimSelected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._selecting = False  # select() is moving the current row (not the reviewer)
        self.model = ClaimListModel(self)
        self.proxy = VerdictFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QComboBox()
        self.filter.setObjectName("verdictFilter")
        self.filter.addItem("All verdicts", None)
        for verdict in VERDICTS:
            self.filter.addItem(LABELS[verdict], verdict)
        self.filter.currentIndexChanged.connect(lambda _: self.proxy.set_verdict(self.filter.currentData()))
        self.count = QLabel()
        self.waiting = 0  # claims that could not be placed, waiting beside the list
        self.list = ClaimTable()
        self.list.setObjectName("claimList")
        self.list.setModel(self.proxy)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        top = QHBoxLayout()
        self.title = QLabel("Claims")  # hidden while a "Claims" tab names the list
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.count)
        top.addWidget(self.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list)
        for signal in (self.proxy.modelReset, self.proxy.rowsInserted, self.proxy.rowsRemoved,
                       self.proxy.layoutChanged):
            signal.connect(self._update_count)

    def _update_count(self, *args) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = f"{shown} of {total}" if shown != total else f"{total}"
        self.count.setText(text + (f" · {self.waiting} to place" if self.waiting else ""))

    def set_waiting(self, count: int) -> None:
        """Say how many claims could not be placed and wait to be (beside the count)."""
        self.waiting = count
        self._update_count()

    def _current_changed(self, current, previous) -> None:
        if current.isValid() and not self._selecting:
            self.claimSelected.emit(current.data(ClaimIdRole))

    def select(self, claim_id: str | None) -> None:
        """Make claim_id the current row without re-emitting if it already is."""
        self.proxy.pin(claim_id)
        row = self.model.row_of(claim_id) if claim_id else None
        if row is None:
            self.list.selectionModel().clearCurrentIndex()
            self.list.clearSelection()
            return
        index = self.proxy.mapFromSource(self.model.index(row))
        if not index.isValid():  # filtered out: show all rather than hide the current claim
            self.filter.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(row))
        if self.list.currentIndex() != index:
            self._selecting = True  # the window chose it: telling the window back would select it twice
            try:
                self.list.setCurrentIndex(index)
            finally:
                self._selecting = False
        self.list.scrollTo(index)

    def accepts(self, row: dict) -> bool:
        """Whether the verdict filter lets a claim through (N and P move among these)."""
        return self.proxy.verdict is None or row["verdict"] == self.proxy.verdict
