"""The PDF report: the HTML report laid out by Qt's rich text engine and written by QPdfWriter.

A4 portrait, 18 mm margins, page numbers ("2 / 5") centred in the bottom margin. Works inside
the desktop program and from the command line: without a running Qt application it creates a
QGuiApplication, on the offscreen platform unless QT_QPA_PLATFORM says otherwise (a PDF needs
no window, and the command line must not depend on a display or its libraries).
"""

import os
import sys
from pathlib import Path

from workbench.errors import WorkbenchError

MARGIN_MM = 18.0
FOOTER_MM = 8.0  # the page number sits this far below the text area, inside the bottom margin
RESOLUTION = 300  # dots per inch of the PDF's coordinate system; the output itself is vector
BASE_FONT_PT = 10.5
LAYOUT_DPM = round(96 / 0.0254)  # the layout's 96 dots per inch, in dots per metre

_app = None  # the QGuiApplication this module created, kept alive


def _application():
    """The running Qt application, or a new offscreen QGuiApplication."""
    global _app
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        argv = [sys.argv[0] if sys.argv and sys.argv[0] else "workbench"]
        if not os.environ.get("QT_QPA_PLATFORM"):
            argv += ["-platform", "offscreen"]
        app = _app = QGuiApplication(argv)
    return app


def render_pdf(html: str, *, title: str = "Fact-check report") -> tuple[bytes, int]:
    """The PDF bytes of an HTML document, and its number of pages."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSizeF, Qt
    from PySide6.QtGui import (QFont, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter,
                               QTextDocument)

    _application()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(RESOLUTION)
    writer.setTitle(title)
    writer.setCreator("Fact-check Workbench")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    # Lay the document out at 96 dots per inch, as on a screen (Qt's CSS lengths are in those
    # pixels), and scale the painter to the writer's resolution.
    screen = QImage(1, 1, QImage.Format.Format_RGB32)
    screen.setDotsPerMeterX(LAYOUT_DPM)
    screen.setDotsPerMeterY(LAYOUT_DPM)
    scale = RESOLUTION / screen.logicalDpiY()
    paint_rect = writer.pageLayout().paintRectPixels(RESOLUTION)
    page = QSizeF(paint_rect.width() / scale, paint_rect.height() / scale)
    footer_gap = FOOTER_MM / 25.4 * RESOLUTION

    document = QTextDocument()
    document.documentLayout().setPaintDevice(screen)
    font = QFont("DejaVu Serif")
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(BASE_FONT_PT)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setHtml(html)
    document.setPageSize(page)
    keep_headings_with_text(document, page.height())
    pages = document.pageCount()

    painter = QPainter()
    if not painter.begin(writer):
        raise WorkbenchError("Qt could not start writing the PDF")
    footer_font = QFont("DejaVu Sans")
    footer_font.setPointSizeF(8)
    try:
        for index in range(pages):
            if index:
                writer.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.translate(0, -index * page.height())
            document.drawContents(painter, QRectF(0, index * page.height(), page.width(), page.height()))
            painter.restore()
            painter.setFont(footer_font)
            painter.setPen(Qt.GlobalColor.darkGray)
            painter.drawText(QRectF(0, paint_rect.height() + footer_gap / 4, paint_rect.width(), footer_gap),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                             f"{index + 1} / {pages}")
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data()), pages


def keep_headings_with_text(document, page_height: float) -> None:
    """Start a new page before any heading that would end a page without two lines of its text.

    Qt's rich text ignores `page-break-after: avoid`; this does its work on the laid-out document.
    """
    from PySide6.QtGui import QTextCursor, QTextFormat

    layout = document.documentLayout()
    block = document.begin()
    while block.isValid():
        following = block.next()
        if block.blockFormat().headingLevel() and following.isValid():
            top = layout.blockBoundingRect(block).top()
            lines = following.layout()
            last = lines.lineAt(min(1, lines.lineCount() - 1)) if lines.lineCount() else None
            bottom = layout.blockBoundingRect(following).top() + (last.y() + last.height() if last else 0)
            if top % page_height > 1 and int(top // page_height) != int((bottom - 1) // page_height):
                fmt = block.blockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).setBlockFormat(fmt)
                document.markContentsDirty(block.position(), document.characterCount() - block.position())
        block = following


def write_pdf(html: str, path: str | Path, *, title: str = "Fact-check report") -> int:
    """Write the HTML document as a PDF file at path; return its number of pages."""
    data, pages = render_pdf(html, title=title)
    path = Path(path)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot write ({error.strerror})") from None
    return pages
