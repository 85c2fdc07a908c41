"""The PDF report: the HTML report laid out by Qt's rich text engine, paginated here, written by QPdfWriter.

A4 portrait, 18 mm margins, "Page N" centred in the bottom margin. The report is laid out a chunk
of claims at a time (CHUNK claims in one QTextDocument of unbounded height), so time grows with
the number of claims and memory stays that of one chunk. Each chunk is cut into pages here, at a
line boundary: never inside a line, and never between a heading and the first two lines of what
follows it (Qt's rich text ignores `page-break-after: avoid`), so no heading is left at a page's
foot. Page numbers carry no total: it is not known until the last chunk is laid out.

Text is searchable as typed: the fonts' ligatures (fi, fl, ffi) are switched off, so the PDF holds
"f" and "i", not U+FB01. Block quotes get their left bar drawn here (Qt's rich text draws no
borders on blocks). Works inside the desktop program and from the command line: without a running
Qt application it creates a QGuiApplication, on the offscreen platform unless QT_QPA_PLATFORM says
otherwise.
"""

import bisect
import datetime
import os
import re
import sys
import uuid
from pathlib import Path

from workbench import exporters
from workbench.errors import WorkbenchError

MARGIN_MM = 18.0
FOOTER_MM = 8.0  # the page number sits this far below the text area, inside the bottom margin
RESOLUTION = 300  # dots per inch of the PDF's coordinate system; the output itself is vector
BASE_FONT_PT = 10.5
LAYOUT_DPM = round(96 / 0.0254)  # the layout's 96 dots per inch, in dots per metre
CHUNK = 100  # claims laid out in one document
KEEP_LINES = 2  # lines of the block after a heading that stay on the heading's page
BAR_GAP, BAR_WIDTH = 9.0, 3.0  # the quote bar, left of the quote's text (layout pixels)
NO_LIGATURES = ("liga", "clig", "dlig", "hlig")

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


def font(family: str, points: float):
    """A QFont with ligatures off, so that the PDF's text is the text."""
    from PySide6.QtGui import QFont

    result = QFont(family)
    result.setPointSizeF(points)
    for tag in NO_LIGATURES:
        result.setFeature(QFont.Tag(tag), 0)
    return result


class Paginator:
    """Places laid-out chunks on PDF pages and paints them."""

    def __init__(self, device, title: str, document_id: uuid.UUID | None = None):
        from PySide6.QtCore import QMarginsF
        from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPdfWriter

        _application()
        self.writer = QPdfWriter(device)
        self.writer.setResolution(RESOLUTION)
        self.writer.setTitle(title)
        self.writer.setCreator("Fact-check Workbench")
        if document_id is not None:
            from PySide6.QtCore import QUuid

            self.writer.setDocumentId(QUuid(str(document_id)))
        self.writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                              QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                              QPageLayout.Unit.Millimeter))
        # Lay out at 96 dots per inch, as on a screen (Qt's CSS lengths are in those pixels), and
        # scale the painter to the writer's resolution.
        self.screen = QImage(1, 1, QImage.Format.Format_RGB32)
        self.screen.setDotsPerMeterX(LAYOUT_DPM)
        self.screen.setDotsPerMeterY(LAYOUT_DPM)
        self.scale = RESOLUTION / self.screen.logicalDpiY()
        self.paint_rect = self.writer.pageLayout().paintRectPixels(RESOLUTION)
        self.width = self.paint_rect.width() / self.scale
        self.height = self.paint_rect.height() / self.scale
        self.painter = QPainter()
        if not self.painter.begin(self.writer):
            raise WorkbenchError("Qt could not start writing the PDF")
        self.pages, self.used = 1, 0.0  # pages started; height used on the current page

    def add(self, html: str) -> None:
        """Lay out one chunk of the report and paint it onto pages."""
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.documentLayout().setPaintDevice(self.screen)
        document.setDefaultFont(font("DejaVu Serif", BASE_FONT_PT))
        document.setDocumentMargin(0)
        document.setHtml(html)
        document.setTextWidth(self.width)
        height = document.size().height()  # lays the whole chunk out
        forbidden, bars = _geometry(document)
        top = 0.0
        while height - top > 0.5:
            room = self.height - self.used
            cut = height if height - top <= room else _cut(forbidden, top, top + room)
            if cut <= top + 0.5:
                if self.used > 0:
                    self._new_page()
                    continue
                cut = top + room  # nothing fits on a whole page: split where the page ends
            self._paint(document, bars, top, cut)
            self.used += cut - top
            top = cut
            if top < height - 0.5:
                self._new_page()

    def _paint(self, document, bars: list, top: float, bottom: float) -> None:
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QColor

        painter = self.painter
        painter.save()
        painter.scale(self.scale, self.scale)
        painter.translate(0, self.used - top)
        # A line touching the edge only is outside: Qt would draw it clipped, and its text would be
        # in the PDF twice.
        document.drawContents(painter, QRectF(0, top + 0.01, self.width, bottom - top - 0.02))
        for x, bar_top, bar_bottom in bars:
            if bar_bottom > top and bar_top < bottom:
                painter.fillRect(QRectF(x, max(bar_top, top), BAR_WIDTH, min(bar_bottom, bottom) - max(bar_top, top)),
                                 QColor("#9a9a9a"))
        painter.restore()

    def _footer(self) -> None:
        from PySide6.QtCore import QRectF, Qt

        gap = FOOTER_MM / 25.4 * RESOLUTION
        self.painter.setFont(font("DejaVu Sans", 8))
        self.painter.setPen(Qt.GlobalColor.darkGray)
        self.painter.drawText(QRectF(0, self.paint_rect.height() + gap / 4, self.paint_rect.width(), gap),
                              Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, f"Page {self.pages}")

    def _new_page(self) -> None:
        self._footer()
        self.writer.newPage()
        self.pages += 1
        self.used = 0.0

    def finish(self) -> int:
        """Close the PDF; return its number of pages."""
        self._footer()
        self.painter.end()
        return self.pages


def _geometry(document) -> tuple[list[tuple[float, float]], list[tuple[float, float, float]]]:
    """Where a page may not be cut (merged open intervals) and the quote bars (x, top, bottom)."""
    from PySide6.QtGui import QTextFormat

    layout = document.documentLayout()
    spans: list[tuple[float, float]] = []
    bars = []
    heading_top = None
    block = document.begin()
    while block.isValid():
        rect = layout.blockBoundingRect(block)
        lines = block.layout()
        count = lines.lineCount()
        for n in range(count):
            line = lines.lineAt(n)
            spans.append((rect.top() + line.y(), rect.top() + line.y() + line.height()))
        if heading_top is not None and count:  # keep the heading with the start of what follows
            line = lines.lineAt(min(KEEP_LINES, count) - 1)
            spans.append((heading_top, rect.top() + line.y() + line.height()))
            heading_top = None
        fmt = block.blockFormat()
        if fmt.headingLevel() and count:
            heading_top = rect.top()
        level = fmt.property(QTextFormat.Property.BlockQuoteLevel)
        if level and count:
            x = rect.left() + lines.lineAt(0).x() - BAR_GAP
            bars.append((x, rect.top(), rect.top() + lines.lineAt(count - 1).y() + lines.lineAt(count - 1).height()))
        block = block.next()
    spans.sort()
    merged: list[tuple[float, float]] = []
    for start, end in spans:
        if merged and start < merged[-1][1] - 0.01:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged, bars


def _cut(forbidden: list[tuple[float, float]], top: float, limit: float) -> float:
    """The lowest place at or above limit where a page may end (top if there is none)."""
    index = bisect.bisect_left(forbidden, (limit, float("inf"))) - 1
    if index >= 0 and forbidden[index][0] < limit < forbidden[index][1]:
        limit = forbidden[index][0]
    return max(limit, top)


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}Z\)")
_XMP_DATE = re.compile(rb'xmp:(CreateDate|ModifyDate|MetadataDate)="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"')
ID_NAMESPACE = uuid.UUID("0f3b6c2e-8d41-5a7e-9b12-4c5d6e7f8a90")


def dated(data: bytes, when: datetime.datetime) -> bytes:
    """PDF bytes with Qt's creation and modification times replaced by when (same lengths)."""
    when = when.astimezone(datetime.timezone.utc)
    pdf_date = when.strftime("D:%Y%m%d%H%M%SZ").encode()
    xmp_date = when.strftime("%Y-%m-%dT%H:%M:%S+00:00").encode()
    data = _PDF_DATE.sub(lambda m: b"/" + m.group(1) + b" (" + pdf_date + b")", data)
    return _XMP_DATE.sub(lambda m: b"xmp:" + m.group(1) + b'="' + xmp_date + b'"', data)


def write_pdf_report(store, options, out, *, progress=None, cancelled=None) -> list[str]:
    """The PDF exporter: write the report as a PDF to the binary stream out; return the warnings."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    from workbench.report import Progress, scope
    from workbench.report_html import DOCUMENT_END, body_parts, document_start, title_of

    found = scope(store, options)
    run = Progress(found.total, progress, cancelled)
    start = document_start(title_of(found, options))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    # The same database and options give the same bytes: a document id derived from them, and the
    # report's date in place of Qt's clock.
    document_id = uuid.uuid5(ID_NAMESPACE, f"{store.database_id}|{options.article_id}|{options.include_pending}|"
                                           f"{options.generated.isoformat()}|{options.attachments}")
    pages = Paginator(buffer, title_of(found, options), document_id)
    written = 0  # bytes of the buffer already copied to out

    def flush() -> None:
        nonlocal written
        chunk = bytes(data.mid(written).data())  # QPdfWriter appends; what it wrote stays as written
        out.write(dated(chunk, options.generated))
        written += len(chunk)

    parts, claims = [], 0
    try:
        for kind, part in body_parts(store, options, found, run):
            if parts and claims >= CHUNK and kind in ("article", "claim"):
                pages.add(start + "".join(parts) + DOCUMENT_END)
                flush()
                parts, claims = [], 0
            parts.append(part)
            claims += kind == "claim"
        pages.add(start + "".join(parts) + DOCUMENT_END)
    finally:
        pages.finish()
        flush()
        buffer.close()
    run.check()
    return run.warnings


def render_pdf(html: str, *, title: str = "Fact-check report") -> tuple[bytes, int]:
    """The PDF bytes of one HTML document, and its number of pages."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pages = Paginator(buffer, title)
    try:
        pages.add(html)
    finally:
        count = pages.finish()
        buffer.close()
    return bytes(data.data()), count


def write_pdf(html: str, path: str | Path, *, title: str = "Fact-check report") -> int:
    """Write one HTML document as a PDF file at path; return its number of pages."""
    data, pages = render_pdf(html, title=title)
    path = Path(path)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise WorkbenchError(f"{path}: cannot write ({error.strerror})") from None
    return pages


def register() -> None:
    """Add the PDF to the exporters (the console script and the Export dialog call this)."""
    exporters.register(exporters.Exporter("pdf", "PDF report", ".pdf", "PDF (*.pdf)", True, write_pdf_report, "html"))
