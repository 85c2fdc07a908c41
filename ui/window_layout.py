"""How the main window sits on the screen and shares its width among list, reader and claims panel."""

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSplitter, QWidget


def keep_reader_wide(splitter: QSplitter, article_pane: QWidget) -> None:
    """A narrower window never squeezes the reader to keep the article list wide (the list gives up to 20%)."""
    sizes = splitter.sizes()
    cap = max(article_pane.minimumSizeHint().width(), round(splitter.width() * 0.2))
    if len(sizes) == 3 and sizes[0] > cap:
        splitter.setSizes([cap, sizes[1] + sizes[0] - cap, sizes[2]])


def default_splitter_sizes(splitter: QSplitter, window_width: int) -> None:
    """Article list, reader and claims in proportion to the window: the reader gets the most."""
    width = window_width - 2 * splitter.handleWidth()
    articles = max(150, min(260, round(width * 0.19)))
    claims = max(330, min(440, round(width * 0.33)))
    splitter.setSizes([articles, max(200, width - articles - claims), claims])


def fit_on_screen(window: QWidget) -> None:
    """Keep the whole window, frame and status bar included, inside the screen's free area."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    area = screen.availableGeometry()
    frame = window.frameGeometry().size() - window.geometry().size()  # title bar and borders
    width = min(window.width(), area.width() - frame.width())
    height = min(window.height(), area.height() - frame.height())
    window.resize(width, height)
    x = min(max(window.x(), area.left()), area.right() + 1 - width - frame.width())
    y = min(max(window.y(), area.top()), area.bottom() + 1 - height - frame.height())
    window.move(x, y)
