"""Find in the article: a bar over the reader that highlights every match and steps through them."""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from workbench.find import Finder

TYPING_MS = 120


class FindBar(QWidget):
    """Type to find (case and accents ignored); Enter or F3 next, Shift+Enter or Shift+F3 previous, Esc closes."""

    closed = Signal()

    def __init__(self, reader, parent=None):
        super().__init__(parent)
        self.setObjectName("findBar")
        self.reader = reader
        self.matches: list[tuple[int, int]] = []
        self.current = -1
        self._finder: Finder | None = None
        self.field = QLineEdit()
        self.field.setObjectName("findField")
        self.field.setPlaceholderText("Find in this article")
        self.field.setClearButtonEnabled(True)
        self.count = QLabel()
        self.count.setObjectName("findCount")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        previous = self._button("↑", "Previous match (Shift+Enter, Shift+F3)", lambda: self.step(-1))
        following = self._button("↓", "Next match (Enter, F3)", lambda: self.step(+1))
        close = self._button("✕", "Close (Esc)", self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.field, 1)
        layout.addWidget(self.count)
        layout.addWidget(previous)
        layout.addWidget(following)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_MS)
        self._timer.timeout.connect(self.search)
        self.field.textChanged.connect(lambda _: self._timer.start())
        self.field.returnPressed.connect(lambda: self.step(+1))
        for keys, step in (("F3", +1), ("Shift+F3", -1), ("Shift+Return", -1), ("Shift+Enter", -1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.step(s))
        escape = QShortcut(QKeySequence("Esc"), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.close_bar)
        self.hide()

    def _button(self, text: str, tip: str, slot) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(lambda _=False: slot())
        return button

    def open(self, text: str | None = None) -> None:
        """Show the bar with the keyboard in it (and text to find, if given)."""
        self.show()
        if text is not None:
            self.field.setText(text)
            self.search()
        self.field.setFocus()
        self.field.selectAll()

    def close_bar(self) -> None:
        """Hide the bar and its highlights; the reader gets the keyboard back."""
        self.hide()
        self.reader.set_find_matches([], -1)
        self.reader.setFocus()
        self.closed.emit()

    def article_changed(self) -> None:
        """Another article is shown: search it afresh (when the bar is open)."""
        self._finder = None
        if self.isVisible():
            self.search()

    def search(self) -> None:
        """Find every match of the typed text and go to the first one at or after the caret."""
        self._timer.stop()
        body = self.reader.body
        if self._finder is None or self._finder.body is not body:
            self._finder = Finder(body)
        self.matches = self._finder.find(self.field.text())
        caret = self.reader.caret()
        self.current = next((i for i, (start, _) in enumerate(self.matches) if start >= caret), 0) if self.matches else -1
        self._show()

    def step(self, direction: int) -> None:
        """Go to the next (+1) or previous (-1) match, round the end."""
        if self._timer.isActive():
            self.search()
            return
        if self.matches:
            self.current = (self.current + direction) % len(self.matches)
            self._show()

    def _show(self) -> None:
        text = self.field.text().strip()
        if not text:
            self.count.setText("")
        elif not self.matches:
            self.count.setText("No match")
        else:
            self.count.setText(f"{self.current + 1} of {len(self.matches)}")
        self.reader.set_find_matches(self.matches, self.current)
