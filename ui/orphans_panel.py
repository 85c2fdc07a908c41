"""Annotations that could not be placed on the open article: a list to place them from, by selecting text."""

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QHBoxLayout, QLabel, QListView, QMenu, QPushButton,
                               QStyle, QTabWidget, QVBoxLayout, QWidget)

from ui import safe, theme
from workbench.verdicts import LABELS

OrphanIdRole = Qt.ItemDataRole.UserRole + 1
QUOTE_PREVIEW = 120
CONTEXT = 32  # code points of context stored either side of the quote (the W3C TextQuoteSelector's)
TAB_TITLE = "Could not be placed"


def one_line(text: str, limit: int) -> str:
    """Text on one line, shortened with an ellipsis."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def origin(row: dict, version_numbers: dict[str, int]) -> str:
    """Where an orphan came from, for people: the version it was carried from, or the file and annotation."""
    if row["from_claim_id"]:
        previous = (row["source"] or "").removeprefix("version ").strip()
        number = version_numbers.get(previous)
        return f"carried from version {number}" if number else "carried from an earlier version"
    return f"from {row['source']}" if row["source"] else "imported"


def in_context(row: dict) -> str:
    """An orphan's quote between the words it had around it, and why it was not placed (plain text)."""
    prefix, suffix = row["prefix"] or "", row["suffix"] or ""
    before, after = " ".join(prefix.split()), " ".join(suffix.split())
    if len(prefix) >= CONTEXT and " " in before:  # the context was cut mid-word: whole words only
        before = before.split(" ", 1)[1]
    if len(suffix) >= CONTEXT and " " in after:
        after = after.rsplit(" ", 1)[0]
    gap = "" if after[:1] in ",.;:!?)’”" else " "  # no space before the punctuation that follows the quote
    return (f"…{before} «{' '.join(row['quote'].split())}»{gap}{after}…\n"
            f"Not placed: {row['reason'] or 'no reason given'}")


def describe(row: dict, version_numbers: dict[str, int]) -> str:
    """Everything about one orphan, as plain text: verdict, origin, the quote in its context, why, rationale."""
    lines = [f"{LABELS[row['verdict']]} · {origin(row, version_numbers)}", in_context(row)]
    if row["rationale"]:
        lines.append(f"Rationale: {one_line(row['rationale'], 300)}")
    return "\n".join(lines)


class WrappedLabel(QLabel):
    """A word-wrapped label that asks its layout for the height its text needs at its width."""

    def setText(self, text: str) -> None:
        super().setText(text)
        self._claim_height()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._claim_height()

    def _claim_height(self) -> None:
        self.setMinimumHeight(self.heightForWidth(self.width()) if self.text() else 0)


class OrphanListModel(QAbstractListModel):
    """The open article's waiting orphans, oldest first, as two-line rows."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []
        self.version_numbers: dict[str, int] = {}  # article id -> its version number, for "carried from"

    def set_rows(self, rows: list[dict], version_numbers: dict[str, int] | None = None) -> None:
        """Show these orphans (an OrphansChanged event's rows, or those read when an article opens)."""
        self.beginResetModel()
        self.rows = list(rows)
        if version_numbers is not None:
            self.version_numbers = version_numbers
        self.endResetModel()

    def row_of(self, orphan_id: str | None) -> int | None:
        """The row of an orphan, or None."""
        return next((i for i, r in enumerate(self.rows) if r["id"] == orphan_id), None)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (f"{LABELS[row['verdict']]} · {origin(row, self.version_numbers)}\n"
                    f"“{one_line(row['quote'], QUOTE_PREVIEW)}”")
        if role == Qt.ItemDataRole.DecorationRole:
            return theme.swatch(row["verdict"], QApplication.palette())
        if role == Qt.ItemDataRole.ToolTipRole:
            return safe.tooltip(describe(row, self.version_numbers))
        if role == OrphanIdRole:
            return row["id"]
        return None


class OrphansPanel(QWidget):
    """The list, the chosen one in full, and Place Here / Dismiss."""

    placeRequested = Signal(str)  # orphan id: place it on the reader's selection
    dismissRequested = Signal(str)  # orphan id

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = OrphanListModel(self)
        self.hint = QLabel("Select its place in the article, then Place Here.")
        self.hint.setObjectName("orphanHint")
        self.hint.setWordWrap(True)
        self.list = QListView()
        self.list.setObjectName("orphanList")
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setWordWrap(False)
        self.list.setSpacing(2)
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)  # a row of two lines at least
        self.model.modelReset.connect(self._fit_rows)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.selectionModel().currentChanged.connect(lambda *_: self._show_current())
        self.model.modelReset.connect(self._show_current)
        self.details = WrappedLabel()
        self.details.setObjectName("orphanDetails")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.place = QPushButton("Place Here")
        self.place.setObjectName("placeHere")
        self.place.setToolTip("Make it a claim on the text selected in the article (Ctrl+Enter)")
        self.place.clicked.connect(lambda: self._request(self.placeRequested))
        self.dismiss = QPushButton("Dismiss")
        self.dismiss.setObjectName("dismissOrphan")
        self.dismiss.setToolTip("Stop listing it (Delete in the list; Undo lists it again)")
        self.dismiss.clicked.connect(lambda: self._request(self.dismissRequested))
        dismiss_key = QAction("Dismiss", self.list)
        dismiss_key.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        dismiss_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        dismiss_key.triggered.connect(lambda _=False: self._request(self.dismissRequested))
        self.list.addAction(dismiss_key)
        buttons = QHBoxLayout()
        buttons.addWidget(self.place)
        buttons.addWidget(self.dismiss)
        buttons.addWidget(self.hint, 1)  # beside the buttons: the list itself gets the height
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.details)
        layout.addLayout(buttons)
        self._show_current()

    def _fit_rows(self) -> None:
        """Room for two whole rows when two or more wait: never half a row over a scroll bar."""
        shown = min(2, self.model.rowCount())
        if shown:
            row = self.list.sizeHintForRow(0) + 2 * self.list.spacing()
            self.list.setMinimumHeight(shown * row + self.list.spacing() + 2 * self.list.frameWidth())

    def current_id(self) -> str | None:
        """The orphan chosen in the list, or None."""
        index = self.list.currentIndex()
        return index.data(OrphanIdRole) if index.isValid() else None

    def select(self, orphan_id: str | None) -> None:
        """Make an orphan the current row (the first one if it is gone)."""
        row = self.model.row_of(orphan_id)
        if row is None and self.model.rows:
            row = 0
        if row is not None:
            self.list.setCurrentIndex(self.model.index(row))

    def set_rows(self, rows: list[dict], version_numbers: dict[str, int] | None = None) -> None:
        """Show other orphans, keeping the chosen one chosen if it is still there."""
        chosen = self.current_id()
        self.model.set_rows(rows, version_numbers)
        self.select(chosen)

    def _show_current(self) -> None:
        index = self.list.currentIndex()
        row = self.model.rows[index.row()] if index.isValid() else None
        self.details.setText(in_context(row) if row else "")
        self.details.setToolTip(safe.tooltip(describe(row, self.model.version_numbers)) if row else "")
        self.details.setVisible(row is not None)
        self.place.setEnabled(row is not None)
        self.dismiss.setEnabled(row is not None)

    def _request(self, signal) -> None:
        orphan_id = self.current_id()
        if orphan_id:
            signal.emit(orphan_id)

    def context_menu(self) -> QMenu:
        """The list's right-click menu: Place Here and Dismiss for the chosen one."""
        menu = QMenu(self.list)
        menu.addAction("Place Here", lambda: self._request(self.placeRequested))
        menu.addAction("Dismiss", lambda: self._request(self.dismissRequested))
        return menu

    def _context_menu(self, point) -> None:
        index = self.list.indexAt(point)
        if not index.isValid():
            return
        self.list.setCurrentIndex(index)
        menu = self.context_menu()
        menu.exec(self.list.viewport().mapToGlobal(point))
        menu.deleteLater()


class ClaimTabs(QTabWidget):
    """The claim list, and beside it, only while some wait, the annotations that could not be placed."""

    def __init__(self, claims_panel: QWidget, orphans: OrphansPanel, parent=None):
        super().__init__(parent)
        self.setObjectName("claimTabs")
        self.setDocumentMode(True)
        self.setTabBarAutoHide(True)  # one tab (nothing waits): no tab bar at all
        self.claims_panel, self.orphans = claims_panel, orphans
        self.addTab(claims_panel, "Claims")
        orphans.model.modelReset.connect(self._update)
        self._update()

    def _update(self) -> None:
        waiting = len(self.orphans.model.rows)
        shown = self.indexOf(self.orphans) >= 0
        if waiting and not shown:
            warning = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self.addTab(self.orphans, warning, "")
        elif not waiting and shown:
            self.removeTab(self.indexOf(self.orphans))
        if waiting:
            self.setTabText(self.indexOf(self.orphans), f"{TAB_TITLE} ({waiting})")
        self.claims_panel.set_waiting(waiting)
        self.claims_panel.title.setVisible(not waiting)  # the tab says "Claims" then

    def show_orphans(self) -> None:
        """Bring the waiting annotations to the front (when there are any)."""
        if self.indexOf(self.orphans) >= 0:
            self.setCurrentWidget(self.orphans)
