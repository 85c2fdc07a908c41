"""Article ▸ Compare With…: the open article and another side by side, sentences aligned, differences marked.

The comparison runs as a workspace Task (off the GUI thread, with progress in the status bar).
N and P go to the next and previous difference; M marks the current row's claims on the aligned
words of the other article (one undoable step; Ctrl+Z here undoes it too).
"""

import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView,
                               QLabel, QMenu, QPushButton, QTreeView, QVBoxLayout)

from ui.compare_view import ComparisonDelegate, ComparisonModel, legend_html

STATUS_PREVIEW = 120


def _quoted(text: str) -> str:
    text = " ".join(text.split())
    return "“" + (text if len(text) <= STATUS_PREVIEW else text[:STATUS_PREVIEW - 1] + "…") + "”"


class ComparisonTree(QTreeView):
    """The aligned sentences; a right-click asks the dialog for its menu."""

    menuRequested = Signal(object)  # the QContextMenuEvent

    def contextMenuEvent(self, event) -> None:
        self.menuRequested.emit(event)


class CompareDialog(QDialog):
    """Compares the window's open article (left) with another one chosen here (right)."""

    @classmethod
    def open_for(cls, window) -> "CompareDialog":
        """Show a comparison for the window's open article, closing one shown before (one at a time)."""
        for shown in window.findChildren(cls):
            shown.close()
        dialog = cls(window)
        dialog.show()
        return dialog

    def __init__(self, window):
        super().__init__(window)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a comparison of long articles is large
        self.window = window
        self.qt = window.qt
        self.left = window.article["id"]
        self.left_title = window.article["title"]
        self.right: str | None = None
        self.setWindowTitle(f"Compare “{self.left_title[:60]}”")
        self.setObjectName("compareDialog")
        self.heading = QLabel("Compare the open article with:")
        self.choice = QComboBox()
        self.choice.setObjectName("compareWith")
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.choice.setMinimumContentsLength(30)
        for row in window.workspace.list_articles():
            if row["id"] != self.left:
                self.choice.addItem(row["title"], row["id"])
        self.legend = QLabel()
        self.legend.setObjectName("compareLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)  # static text: the legend is no database text
        self.legend.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.model = ComparisonModel(self)
        self.view = ComparisonTree()
        self.view.setObjectName("comparison")
        self.view.setModel(self.model)
        self.view.setItemDelegate(ComparisonDelegate(self.view))
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(False)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Per row, not per pixel: per pixel would size every row of a long article before the first paint.
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.view.header().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.header().setStretchLastSection(True)
        self.view.header().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.menuRequested.connect(self._context_menu)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self.view.doItemsLayout)  # row heights follow the column widths
        self.view.header().sectionResized.connect(lambda *_: self._relayout.start())
        self.status = QLabel()
        self.status.setObjectName("compareStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.actions_ = self._make_actions()
        buttons = QHBoxLayout()
        for name in ("previous", "next", "carry"):
            button = QPushButton(self.actions_[name].text())
            button.setAutoDefault(False)  # Enter in the dialog presses nothing by surprise
            button.setObjectName(f"compare_{name}")
            button.setToolTip(self.actions_[name].toolTip())
            button.clicked.connect(self.actions_[name].trigger)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.choice, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.legend)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self._paint_legend()
        size = window.size()
        self.resize(int(size.width() * 0.9), int(size.height() * 0.9))
        self.qt.undoChanged.connect(self._read_claims)  # a claim carried here, undone or redone
        self.qt.claimsChanged.connect(self._claims_changed)
        self.qt.reloaded.connect(self._read_claims)
        self.qt.destroyed.connect(self.close)  # another database was opened
        last = QSettings().value(f"compareWith/{self.left}")
        index = self.choice.findData(last) if last else -1
        self.choice.setCurrentIndex(max(index, 0))
        self.choice.currentIndexChanged.connect(lambda _i: self._start())
        self._start()

    def _make_actions(self) -> dict[str, QAction]:
        made = {}
        for name, text, key, tip, slot in (
                ("next", "&Next Difference", "N", "Go to the next difference (N)", lambda: self.step(+1)),
                ("previous", "&Previous Difference", "P", "Go to the previous difference (P)", lambda: self.step(-1)),
                ("carry", "&Mark on the Other Side", "M",
                 "Mark this row's claims on the aligned words of the other article (M); undo takes it back",
                 self.carry_claims),
                ("undo", "Undo", QKeySequence.StandardKey.Undo, None, lambda: self.window.actions_["undo"].trigger()),
                ("redo", "Redo", "Ctrl+Shift+Z", None, lambda: self.window.actions_["redo"].trigger())):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if tip:
                action.setToolTip(tip)
            action.triggered.connect(lambda _=False, slot=slot: slot())
            self.addAction(action)
            made[name] = action
        return made

    # -- the comparison ---------------------------------------------------------------------

    def _start(self) -> None:
        """Compare the open article with the one chosen (in the background)."""
        self.right = self.choice.currentData()
        self.model.set_comparison(None, ("", ""))
        if self.right is None:
            self.status.setText("There is no other article to compare with.")
            return
        QSettings().setValue(f"compareWith/{self.left}", self.right)
        self.status.setText("Comparing…")
        right, title = self.right, self.choice.currentText()
        task = self.window.workspace.compare_task(self.left, right)
        self.window.tasks.start(task, lambda done: self._compared(done, right, title))

    def _compared(self, task, right: str, title: str) -> None:
        if not shiboken6.isValid(self) or right != self.right:
            return  # the dialog was closed, or another article was chosen meanwhile
        if task.error or task.result is None:
            self.status.setText(f"Could not compare: {task.error or 'stopped'}")
            return
        self.model.set_comparison(task.result, (self.left_title, title))
        self._read_claims()
        pairs = task.result.pairs
        both = sum(1 for p in pairs if p.left and p.right)
        self.summary.setText(f"{both} sentences aligned, {len(self.model.differences)} differences; "
                             f"{sum(1 for p in pairs if not p.right)} sentences only on the left, "
                             f"{sum(1 for p in pairs if not p.left)} only on the right.")
        self.status.setText("N and P go to the next and previous difference; M marks this row's claims on "
                            "the other side.")
        self.view.setFocus()
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def _claims_changed(self, event) -> None:
        if event.article_id in (self.left, self.right):
            self._read_claims()

    def _read_claims(self, _state=None) -> None:
        if self.model.comparison is None or self.right is None:
            return
        workspace = self.window.workspace
        self.model.set_claims(workspace.numbered_claims(self.left), workspace.numbered_claims(self.right))

    def _paint_legend(self) -> None:
        self.legend.setText(legend_html(self.palette()))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._paint_legend()

    # -- moving and marking -------------------------------------------------------------------

    def step(self, direction: int) -> None:
        """Go to the next (+1) or previous (-1) difference after the current row."""
        differences = self.model.differences
        if not differences:
            self.status.setText("These two articles have no differing words in aligned sentences.")
            return
        row = self.view.currentIndex().row()
        if 0 <= self.model.current < len(differences) and differences[self.model.current][0] == row:
            number = self.model.current + direction
        elif direction > 0:  # from a row that shows none yet: its own first difference, else the next row's
            number = next((n for n, (r, _) in enumerate(differences) if r >= row), len(differences))
        else:
            number = next((n for n in range(len(differences) - 1, -1, -1) if differences[n][0] < row), -1)
        if not 0 <= number < len(differences):
            self.status.setText("No more differences that way.")
            return
        self.model.set_current(number)
        row, n = differences[number]
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        difference = self.model.pair(row).differences[n]
        kinds = ", ".join(sorted(difference.kinds))
        self.status.setText(f"Difference {number + 1} of {len(differences)}: "
                            f"{_quoted(difference.left_text) if difference.left_text else 'nothing'} → "
                            f"{_quoted(difference.right_text) if difference.right_text else 'nothing'}"
                            + (f" ({kinds})" if kinds else ""))

    def carry_claims(self) -> None:
        """Mark the current row's claims on the aligned words of the other article."""
        index = self.view.currentIndex()
        if self.model.comparison is None or not index.isValid():
            return
        row = index.row()
        claim_ids = [c["id"] for column in (0, 1) for _, c in self.model.cell_claims(self.model.index(row, column))]
        if not claim_ids:
            self.status.setText("This row has no claim to mark on the other side. Mark one in the reader first.")
            return
        made = self.qt.act(self.window.workspace.carry_claims, self.model.comparison, self.left, self.right, claim_ids)
        if made is None:
            return
        if made:
            noun = "claim" if len(made) == 1 else "claims"
            self.status.setText(f"Marked {len(made)} {noun} on the other side. Undo (Ctrl+Z) takes it back.")
        else:
            self.status.setText("Already marked on the other side.")

    def show_in_reader(self, index) -> None:
        """Open the sentence of a cell in the main window's reader, selected."""
        span = self.model.sentence_span(index)
        if span is None:
            return
        self.window.go_to(self.left if index.column() == 0 else self.right, None)
        self.window.reader.select_range(*span)
        self.window.reader.ensureCursorVisible()

    def _context_menu(self, event) -> None:
        index = self.view.indexAt(event.pos())
        if index.isValid():
            self.view.setCurrentIndex(index)
        menu = QMenu(self.view)
        menu.addAction(self.actions_["carry"])
        shown = menu.addAction("Show in the Reader")
        shown.setEnabled(index.isValid() and self.model.sentence_span(index) is not None)
        shown.triggered.connect(lambda _=False: self.show_in_reader(index))
        menu.addSeparator()
        menu.addActions([self.actions_["next"], self.actions_["previous"]])
        menu.exec(event.globalPos())
        menu.deleteLater()
