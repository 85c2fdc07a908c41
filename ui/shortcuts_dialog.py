"""Help ▸ Keyboard Shortcuts: every key of the window, read from its own menus, plus the list-only keys."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout

from ui.menus import shortcut_rows

# Keys that belong to one list and so are not in the menus.
LIST_KEYS = [
    ("Article list", "Delete the selected article", "Del"),
    ("Evidence list", "Edit the selected evidence", "Return"),
    ("Evidence list", "Remove the selected evidence", "Del"),
    ("Evidence list", "Move the selected evidence up / down", "Alt+Up, Alt+Down"),
    ("Evidence list", "Attach a pasted screenshot or files; a pasted link opens Add Evidence", "Ctrl+V"),
    ("Rationale", "Move to the next field (the rationale never takes a tab)", "Tab"),
    ("Could not be placed", "Dismiss the chosen one (Undo lists it again)", "Del"),
]


class ShortcutsDialog(QDialog):
    """A table of where, what and which keys."""

    def __init__(self, window):
        super().__init__(window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows(window) + LIST_KEYS
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Where", "What", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(640, 560)

    def keys(self) -> dict[str, str]:
        """What -> keys, as listed (for a quick look-up)."""
        return {self.table.item(r, 1).text(): self.table.item(r, 2).text() for r in range(self.table.rowCount())}
