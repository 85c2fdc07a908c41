"""Where file dialogs open: the folder last used for that kind of file, else the reviewer's Documents."""

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths


def documents() -> Path:
    """The reviewer's Documents folder (their home when the system names none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def last_folder(kind: str) -> Path:
    """The folder last used for kind ("databases", "articles", "attachments", ...), if it still exists."""
    saved = QSettings().value(f"lastFolder/{kind}", "")
    return Path(saved) if saved and Path(saved).is_dir() else documents()


def remember_folder(kind: str, path: str | Path) -> None:
    """Remember the folder of path (a file, or a folder itself) for the next dialog of this kind."""
    path = Path(path)
    QSettings().setValue(f"lastFolder/{kind}", str(path if path.is_dir() else path.parent))


def visible_folder(kind: str) -> Path:
    """The folder last used for kind, unless it lies inside a hidden folder (then Documents): where
    a file is saved for people to find and send."""
    folder = last_folder(kind)
    return documents() if any(part.startswith(".") for part in folder.parts) else folder
