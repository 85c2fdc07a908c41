"""Child process for the kill test: marks claims through the window and reports each one shown."""

import os
import sys
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from ui.app import create_application  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from workbench.workspace import Workspace  # noqa: E402
from workbench.seeds import open_database  # noqa: E402


def main() -> None:
    db_path, settings_dir = Path(sys.argv[1]), sys.argv[2]
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)
    app = create_application()
    window = MainWindow(Workspace(open_database(db_path, reviewer="Kim"), "Kim"))
    window.show()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.reader.setFocus()
    body = window.article["body"]
    words = [i for i in range(1, len(body) - 12) if body[i - 1] == " " and body[i].isalpha()]
    for n, start in enumerate(words):
        window.reader.select_range(start, start + 5)
        QTest.keyClick(window.reader, Qt.Key.Key_Return)
        QTest.keyClick(window.reader, [Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3][n % 3])
        app.processEvents()
        claim = window.workspace.article.claim(window.current_claim)
        print(f"{claim['id']}\t{claim['verdict']}", flush=True)


if __name__ == "__main__":
    main()
