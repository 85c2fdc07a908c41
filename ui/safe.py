"""Text and files from a database on their way to the screen or the OS: plain text, and one gate to the opener.

A database may come from anyone (a merge, a sync). Nothing in it may become rich text in a label,
tooltip or message box, and nothing may reach the system's opener unless it is a web or mail link,
or a file of a kind that cannot run.
"""

import html
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from workbench.evidence import sniff_media_type

LINK_SCHEMES = ("http", "https", "mailto")
# Files the system viewer may show: documents and pictures that do not run code. By what the name
# says AND what the bytes are (a ".pdf" that is an executable is not a PDF).
VIEWABLE = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
            ".webp": "image/webp", ".pdf": "application/pdf"}
PLAIN_TEXT = (".txt", ".csv")


def tooltip(text: str) -> str:
    """A tooltip that shows text as it is: Qt would take text that looks like HTML for rich text."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def message(parent, title: str, text: str, icon=QMessageBox.Icon.Information) -> None:
    """A message box whose text is shown as plain text."""
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.exec()


def link_refusal(url: str) -> str | None:
    """Why a link must not be opened, or None for an http(s) or mailto link with somewhere to go."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return f"{url!r} is not a valid address"
    scheme = parts.scheme.lower()
    if scheme not in LINK_SCHEMES:
        return f"links starting with {scheme or 'nothing'}: are not opened; only web (http, https) and mail links are"
    if scheme != "mailto" and not parts.hostname:
        return f"{url!r} has no host name"
    return None


def open_link(url: str) -> str | None:
    """Open a web or mail link in the system's browser or mail program; else say why not (nothing opened)."""
    refusal = link_refusal(url)
    if refusal is None and not QDesktopServices.openUrl(QUrl(url.strip())):
        refusal = f"no program here opens {url}"
    return refusal


def viewable(filename: str, data: bytes) -> bool:
    """Whether a file may be opened with the system viewer: a picture, PDF or plain text, by name and bytes."""
    suffix = Path(filename).suffix.lower()
    if suffix in PLAIN_TEXT:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return b"\x00" not in data
    return suffix in VIEWABLE and sniff_media_type(data) == VIEWABLE[suffix] \
        and mimetypes.guess_type(filename, strict=False)[0] == VIEWABLE[suffix]


def open_file(path: Path) -> bool:
    """Hand a file already judged viewable to the system viewer."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
