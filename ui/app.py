"""Starting the desktop program: display check, application object, reviewer name, main window."""

import ctypes.util
import os
import sys
from pathlib import Path

from workbench import paths
from workbench.errors import WorkbenchError

ORGANISATION = "FactCheckWorkbench"
APPLICATION = "Fact-check Workbench"


def display_problem() -> str | None:
    """Why no window can be shown here, in one line, or None if a display looks usable."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform or sys.platform in ("win32", "darwin"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("no display found (DISPLAY and WAYLAND_DISPLAY are unset); run it on a desktop, "
                "or set QT_QPA_PLATFORM=offscreen to run without one")
    if os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        missing = [lib for lib in ("xcb-cursor", "xcb-icccm", "xcb-keysyms") if not ctypes.util.find_library(lib)]
        if missing:
            return ("Qt's xcb platform needs the system libraries " + ", ".join(f"lib{m}" for m in missing)
                    + " (Debian: apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1); "
                    "or set QT_QPA_PLATFORM to another platform")
    return None


def ask_reviewer(settings) -> str | None:
    """The reviewer's name from settings, asking once on first run."""
    from PySide6.QtWidgets import QInputDialog

    name = (settings.value("reviewer") or "").strip()
    while not name:
        name, ok = QInputDialog.getText(None, "Welcome to the Fact-check Workbench",
                                        "Your name, as it will appear on your claims and verdicts:")
        if not ok:
            return None
        name = name.strip()
    settings.setValue("reviewer", name)
    return name


def create_application(argv: list[str] | None = None):
    """The QApplication with its organisation and name set (for QSettings)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APPLICATION)
    style_sheet = paths.RESOURCES_DIR / "workbench.qss"
    if style_sheet.exists():
        app.setStyleSheet(style_sheet.read_text(encoding="utf-8"))
    return app


def run(db_path: Path) -> int:
    """Open db_path (created with the sample articles if new) in the main window; return the exit code."""
    problem = display_problem()
    if problem:
        raise WorkbenchError(problem)
    from PySide6.QtCore import QSettings

    from ui import palette
    from ui.main_window import MainWindow
    from workbench.seeds import open_database
    from workbench.workspace import Workspace

    app = create_application()
    settings = QSettings()
    if settings.value("darkTheme", False, type=bool):
        palette.apply(app, True)
    reviewer = ask_reviewer(settings)
    if reviewer is None:
        return 0
    store = open_database(db_path, reviewer=reviewer)
    window = MainWindow(Workspace(store, reviewer))
    window.show()
    return app.exec()
