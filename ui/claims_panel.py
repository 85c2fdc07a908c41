"""The claims of the current article: a list model in reading order with a verdict filter and evidence counts."""

import html
from bisect import bisect_left

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QComboBox, QHBoxLayout, QLabel, QListView, QVBoxLayout,
                               QWidget)

from ui import theme
from workbench import order
from workbench.verdicts import DISPUTED, LABELS, VERDICTS, VERIFIED

ClaimIdRole = Qt.ItemDataRole.UserRole + 1
VerdictRole = Qt.ItemDataRole.UserRole + 2
EvidenceCountRole = Qt.ItemDataRole.UserRole + 3
UnsupportedRole = Qt.ItemDataRole.UserRole + 4
QUOTE_PREVIEW = 140
NEEDS_EVIDENCE = (VERIFIED, DISPUTED)
ICON_SIZE = QSize(32, 14)  # the verdict swatch, then room for the "no evidence" warning


class ClaimListModel(QAbstractListModel):
    """Rows of one article's live claims, numbered in reading order.

    Rows stay sorted by reading order; a parallel list of sort keys makes finding a row a
    binary search, and verdict counts are kept as rows change, so one change costs O(log n).
    Evidence counts come whole with the article and then one claim at a time.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []
        self._keys: list[tuple] = []
        self._key_of: dict[str, tuple] = {}
        self._counts = dict.fromkeys(VERDICTS, 0)
        self._evidence: dict[str, int] = {}
        self._disagree: dict[str, str] = {}

    def set_disagreements(self, summaries: dict[str, str]) -> None:
        """Mark the claims in a disagreement (claim id -> each reviewer's verdict, as text)."""
        touched = set(summaries) ^ set(self._disagree) | {k for k in summaries if self._disagree.get(k) != summaries[k]}
        self._disagree = dict(summaries)
        for claim_id in touched:
            index = self.row_of(claim_id)
            if index is not None:
                self.dataChanged.emit(self.index(index), self.index(index))

    def set_rows(self, rows: list[dict], evidence_counts: dict[str, int] | None = None) -> None:
        """Replace all rows (a new article), with each claim's evidence count."""
        self.beginResetModel()
        self._disagree = {}
        self._evidence = dict(evidence_counts or {})
        self.rows = sorted(rows, key=_reading_order)
        self._keys = [_reading_order(r) for r in self.rows]
        self._key_of = {r["id"]: k for r, k in zip(self.rows, self._keys)}
        self._counts = dict.fromkeys(VERDICTS, 0)
        for row in self.rows:
            self._counts[row["verdict"]] += 1
        self.endResetModel()

    def apply(self, changed: dict[str, dict | None]) -> None:
        """Update, insert or remove the given claims in place."""
        for claim_id, row in changed.items():
            index = self.row_of(claim_id)
            if index is not None:
                self._counts[self.rows[index]["verdict"]] -= 1
                if row is not None and _reading_order(row) == self._keys[index]:
                    self.rows[index] = row
                    self._counts[row["verdict"]] += 1
                    self.dataChanged.emit(self.index(index), self.index(index))
                    continue
                self.beginRemoveRows(QModelIndex(), index, index)
                del self.rows[index], self._keys[index], self._key_of[claim_id]
                self.endRemoveRows()
            if row is not None:
                key = _reading_order(row)
                at = bisect_left(self._keys, key)
                self.beginInsertRows(QModelIndex(), at, at)
                self.rows.insert(at, row)
                self._keys.insert(at, key)
                self._key_of[claim_id] = key
                self._counts[row["verdict"]] += 1
                self.endInsertRows()
        # Claim numbers after an insertion shift; the view repaints those rows by itself.

    def row_of(self, claim_id: str | None) -> int | None:
        """The row number of a claim, or None."""
        key = self._key_of.get(claim_id)
        return None if key is None else bisect_left(self._keys, key)

    def counts(self) -> dict[str, int]:
        """Claims by verdict."""
        return dict(self._counts)

    def has_evidence_count(self, claim_id: str) -> bool:
        """Whether the model knows how much evidence a claim has."""
        return claim_id in self._evidence

    def set_evidence_count(self, claim_id: str, count: int) -> None:
        """Record how much live evidence a claim has and repaint its row."""
        if self._evidence.get(claim_id) == count:
            return
        self._evidence[claim_id] = count
        row = self.row_of(claim_id)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))

    def evidence_count(self, claim_id: str) -> int:
        """Live evidence items of a claim, as last told."""
        return self._evidence.get(claim_id, 0)

    def unsupported(self, row: dict) -> bool:
        """Whether a claim is judged verified or disputed without any evidence."""
        return row["verdict"] in NEEDS_EVIDENCE and not self._evidence.get(row["id"], 0)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            quote = " ".join(row["quote"][:QUOTE_PREVIEW * 2].split())
            if len(quote) > QUOTE_PREVIEW:
                quote = quote[:QUOTE_PREVIEW - 1] + "…"
            flag = " · ⚑ reviewers disagree" if row["id"] in self._disagree else ""
            return f"{index.row() + 1}. {LABELS[row['verdict']]}{self._evidence_text(row)}{flag}\n“{quote}”"
        if role == Qt.ItemDataRole.DecorationRole:
            return theme.flagged_swatch(row["verdict"], self._palette(), self.unsupported(row))
        if role == Qt.ItemDataRole.ToolTipRole:
            warning = ("<br>⚠ No evidence yet: add the sources behind this verdict (Ctrl+E)."
                       if self.unsupported(row) else "")
            if row["id"] in self._disagree:
                warning += f"<br>⚑ Reviewers disagree: {html.escape(self._disagree[row['id']])}"
            return (f"<qt><b>{html.escape(LABELS[row['verdict']])}</b>{html.escape(self._evidence_text(row))}"
                    f"{warning}<br>{html.escape(row['quote'])}</qt>")
        if role == ClaimIdRole:
            return row["id"]
        if role == VerdictRole:
            return row["verdict"]
        if role == EvidenceCountRole:
            return self._evidence.get(row["id"], 0)
        if role == UnsupportedRole:
            return self.unsupported(row)
        return None

    def _evidence_text(self, row: dict) -> str:
        count = self._evidence.get(row["id"], 0)
        if count:
            return f" · {count} source{'s' if count != 1 else ''}"
        return " · no evidence" if row["verdict"] in NEEDS_EVIDENCE else ""

    def _palette(self):
        return QApplication.palette()


def _reading_order(row: dict) -> tuple:
    return order.claim_key(row)


class VerdictFilter(QSortFilterProxyModel):
    """Shows only claims with one verdict (or all)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.verdict: str | None = None

    def set_verdict(self, verdict: str | None) -> None:
        """Show claims with this verdict; None shows all."""
        self.beginFilterChange()
        self.verdict = verdict
        self.endFilterChange()

    def filterAcceptsRow(self, source_row, source_parent) -> bool:
        if self.verdict is None:
            return True
        return self.sourceModel().index(source_row, 0, source_parent).data(VerdictRole) == self.verdict


class ClaimsPanel(QWidget):
    """The claim list with its filter; emits the claim the reviewer picks."""

    claimSelected = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
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
        self.list = QListView()
        self.list.setObjectName("claimList")
        self.list.setModel(self.proxy)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Uniform two-line rows: a list of thousands of claims must not measure every row.
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setIconSize(ICON_SIZE)
        self.list.setSpacing(2)
        self.list.selectionModel().currentChanged.connect(self._current_changed)
        top = QHBoxLayout()
        top.addWidget(QLabel("Claims"))
        top.addStretch(1)
        top.addWidget(self.count)
        top.addWidget(self.filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.list)
        for signal in (self.model.modelReset, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._update_count)

    def _update_count(self, *args) -> None:
        self.count.setText(f"{len(self.model.rows)}")

    def _current_changed(self, current, previous) -> None:
        if current.isValid():
            self.claimSelected.emit(current.data(ClaimIdRole))

    def select(self, claim_id: str | None) -> None:
        """Make claim_id the current row without re-emitting if it already is."""
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
            self.list.setCurrentIndex(index)
        self.list.scrollTo(index)

    def visible_ids(self) -> list[str]:
        """Claim ids in reading order as filtered."""
        return [self.proxy.index(i, 0).data(ClaimIdRole) for i in range(self.proxy.rowCount())]
