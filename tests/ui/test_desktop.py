"""Desktop manners: first-run name, restored geometry, recent files, import and open from menus."""

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from tests.ui.conftest import wait_for_tasks
from ui.app import ask_reviewer
from ui.main_window import MainWindow
from workbench.seeds import open_database
from workbench.workspace import Workspace


def test_first_run_asks_the_name_once(qtbot):
    settings = QSettings()
    settings.remove("reviewer")

    def answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("  Maria Ortiz ")
        dialog.accept()

    QTimer.singleShot(0, answer)
    assert ask_reviewer(settings) == "Maria Ortiz"
    assert QSettings().value("reviewer") == "Maria Ortiz"
    assert ask_reviewer(settings) == "Maria Ortiz"  # no dialog the second time


def test_geometry_is_restored(qtbot, window, db_path):
    window.resize(760, 540)  # the offscreen screen is 800x600; restoreGeometry keeps windows on it
    window.close()
    second = MainWindow(Workspace(open_database(db_path, reviewer="Ana"), "Ana"))
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (760, 540)
    second.close()


def test_import_from_the_file_menu_and_recent_files(qtbot, window, tmp_path, monkeypatch):
    article = tmp_path / "menu.md"
    article.write_text("# Menu import\n\nThe **mayor** said [the report](https://x.org) was late.",
                       encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(article)], ""))
    window.actions_["import"].trigger()
    wait_for_tasks(qtbot, window)
    assert window.article["title"] == "Menu import"
    assert "**" not in window.reader.body and "the report" in window.reader.body

    other = tmp_path / "other.db"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    window.actions_["open_db"].trigger()  # a new file: created with the sample articles
    assert window.workspace.store.path == other
    assert len(window.article_list.model_.rows) == 2
    recent = [a.text() for a in window.recent_menu.actions()]
    assert str(other) in recent[0] and len(recent) == 2


def test_refused_database_keeps_the_current_one(qtbot, window, tmp_path, monkeypatch):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 100)
    shown = []
    monkeypatch.setattr(window, "show_error", shown.append)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    current = window.workspace.store.path
    window.actions_["open_db"].trigger()
    assert window.workspace.store.path == current
    assert shown and "not a SQLite database" in shown[0]
    assert bad.read_bytes() == b"garbage" * 100
