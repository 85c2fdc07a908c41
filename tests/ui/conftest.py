"""GUI test fixtures: isolated settings, a main window on a fresh database, pointer helpers."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from ui import palette
from ui.app import create_application
from ui.main_window import MainWindow
from workbench.workspace import Workspace
from workbench.articles import add_article
from workbench.seeds import open_database

EMOJI_BODY = ("Emoji first 😀😀 then 👩‍👩‍👧 a family.\n"
              "The minister said 40% of 𝔘nicode readers agree, which is unverified.\n"
              "Final paragraph with ordinary words.")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory):
    """QSettings in a temporary folder, so tests never see a real user's settings."""
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    create_application()
    QSettings().clear()
    QSettings().setValue("reviewer", "Ana")
    yield folder
    palette.apply(QApplication.instance(), False)  # a test that switched to dark leaves the next one light


@pytest.fixture
def window(qtbot, db_path):
    """The main window on a new database holding the seeds and one article with emoji."""
    store = open_database(db_path, reviewer="Ana")
    add_article(store, EMOJI_BODY, reviewer_id=store.reviewer("Ana"), title="Emoji article")
    win = MainWindow(Workspace(store, "Ana"))
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def open_titled(window, title: str) -> dict:
    """Open the article with this title and return its row."""
    row = next(r for r in window.article_list.model_.rows if r["title"] == title)
    window.article_list.setCurrentIndex(window.article_list.index_of(row["id"]))
    assert window.article["id"] == row["id"]
    return window.article


def point_at(reader, code_point: int):
    """The viewport point in the middle of the character at a code-point offset."""
    cursor = QTextCursor(reader.document())
    cursor.setPosition(reader.offsets.to_utf16(code_point))
    reader.setTextCursor(cursor)
    reader.ensureCursorVisible()
    left = reader.cursorRect(cursor)
    cursor.setPosition(reader.offsets.to_utf16(code_point + 1))
    right = reader.cursorRect(cursor)
    x = (left.x() + right.x()) // 2 if right.y() == left.y() else left.x() + 2
    return left.center().__class__(x, left.center().y())


def select_with_mouse(qtbot, reader, start: int, end: int) -> None:
    """Click before the first character and shift-click after the last, as a person selects."""
    start_cursor = QTextCursor(reader.document())
    start_cursor.setPosition(reader.offsets.to_utf16(start))
    end_cursor = QTextCursor(reader.document())
    end_cursor.setPosition(reader.offsets.to_utf16(end))
    reader.setTextCursor(start_cursor)
    reader.ensureCursorVisible()
    first = reader.cursorRect(start_cursor).center()
    last = reader.cursorRect(end_cursor).center()
    qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, pos=last)


def wait_for_tasks(qtbot, window) -> None:
    """Wait until the window's background imports and merges have ended."""
    qtbot.waitUntil(lambda: not window.tasks.busy(), timeout=30_000)
