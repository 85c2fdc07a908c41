"""The dark palette, for reviewers who work in the evening or on a dark desktop."""

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

_DEFAULT: dict[int, QPalette] = {}


def dark_palette() -> QPalette:
    """A calm dark palette with enough contrast for long reading."""
    p = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: "#202225", roles.WindowText: "#e6e6e6", roles.Base: "#17181a",
        roles.AlternateBase: "#25272b", roles.Text: "#e8e8e8", roles.Button: "#2b2d31",
        roles.ButtonText: "#e6e6e6", roles.Highlight: "#3d7bd9", roles.HighlightedText: "#ffffff",
        roles.ToolTipBase: "#2b2d31", roles.ToolTipText: "#f0f0f0", roles.PlaceholderText: "#8a8d93",
        roles.Link: "#7fb2ff", roles.Mid: "#3a3d42", roles.Dark: "#111214", roles.Light: "#45484e",
        roles.BrightText: "#ffffff",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    for role in (roles.Text, roles.WindowText, roles.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7277"))
    return p


def apply(app: QApplication, dark: bool) -> None:
    """Use the dark palette, or go back to the style's own palette."""
    if not _DEFAULT:
        _DEFAULT[0] = app.palette()
    app.setStyle(QStyleFactory.create("Fusion"))
    app.setPalette(dark_palette() if dark else _DEFAULT[0])
    # A style sheet resolves palette(...) colours when it is applied: apply it again, or widgets it
    # styles keep the old palette's colours (light labels on a dark window).
    app.setStyleSheet(app.styleSheet())
