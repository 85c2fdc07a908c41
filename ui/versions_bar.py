"""The bar over the reader that says which version of an article is shown and moves to the others."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMenu, QToolButton


def version_label(number: int, row: dict) -> str:
    """One version as a menu line: number, title, the day it was added, its claims."""
    claims = row.get("claims", 0)
    return (f"Version {number}: {row['title']} · added {row['created_at'][:10]} · "
            f"{claims} claim{'s' if claims != 1 else ''}")


class VersionsBar(QFrame):
    """'Version 2 of 3' with Older and Newer buttons (Older also lists every version); hidden for an
    article with no other version."""

    versionChosen = Signal(str)  # the article id of the version to show

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("versionsBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.versions: list[dict] = []
        self.index = -1
        self.label = QLabel()
        self.label.setObjectName("versionLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.older = QToolButton()
        self.older.setObjectName("olderVersion")
        self.older.setText("◂ Older")
        self.older.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.older.clicked.connect(lambda: self._choose(self.index - 1))
        self.menu = QMenu(self.older)
        self.menu.setObjectName("versionsMenu")
        self.older.setMenu(self.menu)
        self.newer = QToolButton()
        self.newer.setObjectName("newerVersion")
        self.newer.setText("Newer ▸")
        self.newer.clicked.connect(lambda: self._choose(self.index + 1))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 3, 4, 3)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.older)
        layout.addWidget(self.newer)
        self.hide()

    def show_versions(self, versions: list[dict], current_id: str | None) -> None:
        """Show where current_id stands among versions (oldest first); hide when it has no other version."""
        ids = [v["id"] for v in versions]
        if len(versions) < 2 or current_id not in ids:
            self.versions, self.index = [], -1
            self.hide()
            return
        self.versions, self.index = versions, ids.index(current_id)
        latest = self.index == len(versions) - 1
        self.label.setText(f"Version {self.index + 1} of {len(versions)} · "
                           + ("the latest" if latest else "a newer version exists"))
        self.label.setToolTip("" if latest else "Newer ▸ (Ctrl+Shift+PgDown) shows the corrected text")
        self.older.setEnabled(self.index > 0)
        self.newer.setEnabled(not latest)
        self.older.setToolTip("The version before this one (Ctrl+Shift+PgUp); the arrow lists them all")
        self.newer.setToolTip("The version after this one (Ctrl+Shift+PgDown)")
        self.menu.clear()
        group = QActionGroup(self.menu)
        for number, row in enumerate(versions):
            action = self.menu.addAction(version_label(number + 1, row))
            action.setCheckable(True)
            action.setChecked(number == self.index)
            action.setActionGroup(group)
            action.triggered.connect(lambda _=False, n=number: self._choose(n))
        self.show()

    def neighbour(self, step: int) -> str | None:
        """The id of the version step places away (-1 older, +1 newer), or None."""
        index = self.index + step
        return self.versions[index]["id"] if self.versions and 0 <= index < len(self.versions) else None

    def _choose(self, index: int) -> None:
        if 0 <= index < len(self.versions) and index != self.index:
            self.versionChosen.emit(self.versions[index]["id"])
