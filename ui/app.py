"""Starting the desktop program: display check, application object, reviewer name, main window."""

import ctypes
import os
import sys
from pathlib import Path

from workbench import paths
from workbench.errors import WorkbenchError

ORGANISATION = "FactCheckWorkbench"
APPLICATION = "Fact-check Workbench"


# What Qt's xcb platform loads from the system: each Debian package with the libraries it provides
# (the NEEDED entries of PySide6's libqxcb.so, libQt6XcbQpa, the xcb GL integrations and QtGui,
# less what PySide6 bundles and what every Debian system has). README's apt line is apt_command();
# tests/install/test_system_packages.py checks both against the installed plugin.
XCB_PACKAGES = (
    ("libxcb1", ("libxcb.so.1",)),
    ("libxcb-cursor0", ("libxcb-cursor.so.0",)),
    ("libxcb-glx0", ("libxcb-glx.so.0",)),
    ("libxcb-icccm4", ("libxcb-icccm.so.4",)),
    ("libxcb-image0", ("libxcb-image.so.0",)),
    ("libxcb-keysyms1", ("libxcb-keysyms.so.1",)),
    ("libxcb-randr0", ("libxcb-randr.so.0",)),
    ("libxcb-render0", ("libxcb-render.so.0",)),
    ("libxcb-render-util0", ("libxcb-render-util.so.0",)),
    ("libxcb-shape0", ("libxcb-shape.so.0",)),
    ("libxcb-shm0", ("libxcb-shm.so.0",)),
    ("libxcb-sync1", ("libxcb-sync.so.1",)),
    ("libxcb-util1", ("libxcb-util.so.1",)),
    ("libxcb-xfixes0", ("libxcb-xfixes.so.0",)),
    ("libxcb-xkb1", ("libxcb-xkb.so.1",)),
    ("libxkbcommon0", ("libxkbcommon.so.0",)),
    ("libxkbcommon-x11-0", ("libxkbcommon-x11.so.0",)),
    ("libx11-6", ("libX11.so.6",)),
    ("libx11-xcb1", ("libX11-xcb.so.1",)),
    ("libgl1", ("libGL.so.1",)),
    ("libegl1", ("libEGL.so.1",)),
    ("libfontconfig1", ("libfontconfig.so.1",)),
    ("libfreetype6", ("libfreetype.so.6",)),
    ("libglib2.0-0", ("libglib-2.0.so.0", "libgthread-2.0.so.0")),
    ("libdbus-1-3", ("libdbus-1.so.3",)),
)
# Debian's Python 3.11 makes a virtual environment only with its venv package (tools/dev.py needs one).
PYTHON_PACKAGES = ("python3.11", "python3.11-venv")


def apt_command() -> str:
    """The one apt line that installs everything the README's set-up needs on Debian or Ubuntu."""
    return "sudo apt install " + " ".join(PYTHON_PACKAGES + tuple(package for package, _ in XCB_PACKAGES))


def missing_xcb_libraries() -> list[str]:
    """The libraries of XCB_PACKAGES that the dynamic loader cannot load here."""
    missing = []
    for _, libraries in XCB_PACKAGES:
        for library in libraries:
            try:
                ctypes.CDLL(library)
            except OSError:
                missing.append(library)
    return missing


def display_problem() -> str | None:
    """Why no window can be shown here, in one line, or None if a display looks usable."""
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform or sys.platform in ("win32", "darwin"):
        return None
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return ("no display found (DISPLAY and WAYLAND_DISPLAY are unset); run it on a desktop, "
                "or set QT_QPA_PLATFORM=offscreen to run without one")
    if os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        missing = missing_xcb_libraries()
        if missing:
            return (f"Qt's xcb platform needs system libraries that are missing here ({', '.join(missing)}); "
                    f"on Debian or Ubuntu: {apt_command()}; or set QT_QPA_PLATFORM to another platform")
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
    app.setStyleSheet(paths.resource_text("workbench.qss", package="ui"))
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
    store = open_database(db_path, reviewer=reviewer, remember=True)
    window = MainWindow(Workspace(store, reviewer))
    window.show()
    if os.environ.get("WORKBENCH_QUIT_WHEN_STARTED"):  # only for tests/install: start unattended, then quit
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, app.quit)  # fires once the event loop runs
    code = app.exec()
    store.close()  # if the window has not closed it: its identity is noted (checked_files)
    return code
