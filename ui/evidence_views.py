"""The evidence list's pieces: a painted row per item, list widgets that take dropped files, thumbnails."""

from collections import OrderedDict

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeDatabase, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QIcon, QImageReader, QKeySequence, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QListView, QListWidget, QSizePolicy, QStyle, QStyledItemDelegate,
                               QStyleOptionViewItem)

from ui import theme
from ui.delegates import draw_item_frame
from workbench.verdicts import DISPUTED, STANCE_LABELS, VERIFIED

EvidenceRole = Qt.ItemDataRole.UserRole + 1
AttachmentRole = Qt.ItemDataRole.UserRole + 2
PAD = 6
BADGE = 16
THUMB = 56
STANCE_GLYPHS = {"supports": "+", "refutes": "−", "context": "i"}  # the colour-free cue
STANCE_COLOURS = {"supports": VERIFIED, "refutes": DISPUTED}
RELIABILITY_TEXT = {"reliable": "reliable", "mixed": "mixed reliability", "unreliable": "unreliable",
                    "unknown": "reliability unknown"}
THUMBNAIL_CACHE_SIZE = 256
_thumbnails: OrderedDict[str, QPixmap | None] = OrderedDict()


def human_size(size: int) -> str:
    """A byte count as people read it: 812 bytes, 14 KB, 3.2 MB."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def first_line(text: str) -> str:
    """The first non-empty line of text, stripped."""
    return next((line.strip() for line in (text or "").splitlines() if line.strip()), "")


def evidence_heading(row: dict) -> str:
    """What names an evidence item in a list: its title, else its address, else a placeholder."""
    return first_line(row.get("title")) or row.get("url") or first_line(row.get("publisher")) or "(untitled)"


def meta_line(row: dict) -> str:
    """Publisher, stance, reliability and access date on one line."""
    parts = [first_line(row.get("publisher")), STANCE_LABELS.get(row["stance"], row["stance"]),
             RELIABILITY_TEXT.get(row["reliability"], row["reliability"]), row.get("accessed_on")]
    return " · ".join(p for p in parts if p)


def attachment_count_text(count: int) -> str:
    """"2 files" for the row's corner, or nothing."""
    return f"{count} file{'s' if count != 1 else ''}" if count else ""


def secondary_text(pal: QPalette, group=QPalette.ColorGroup.Active) -> QColor:
    """A quieter text colour that still reads well: two thirds text, one third background."""
    text, base = pal.color(group, QPalette.ColorRole.Text), pal.color(group, QPalette.ColorRole.Base)
    return QColor.fromRgbF(*(t * 0.66 + b * 0.34 for t, b in zip(text.getRgbF()[:3], base.getRgbF()[:3])))


def thumbnail(sha256: str, load_bytes) -> QPixmap | None:
    """A small picture of image bytes, decoded at thumbnail size and cached by content; None if not an image."""
    if sha256 in _thumbnails:
        _thumbnails.move_to_end(sha256)
        return _thumbnails[sha256]
    buffer = QBuffer()
    buffer.setData(QByteArray(load_bytes()))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    reader.setAutoTransform(True)  # phone photos carry their orientation in EXIF
    size = reader.size()
    if size.isValid() and (size.width() > THUMB * 2 or size.height() > THUMB * 2):
        reader.setScaledSize(size.scaled(THUMB * 2, THUMB * 2, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    pixmap = None
    if not image.isNull():
        pixmap = QPixmap.fromImage(image).scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                                 Qt.TransformationMode.SmoothTransformation)
    _thumbnails[sha256] = pixmap
    while len(_thumbnails) > THUMBNAIL_CACHE_SIZE:
        _thumbnails.popitem(last=False)
    return pixmap


def file_icon(media_type: str, style) -> QIcon:
    """The desktop theme's icon for a media type, or the style's plain file icon."""
    fallback = style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
    mime = QMimeDatabase().mimeTypeForName(media_type or "application/octet-stream")
    if mime.isValid():
        return QIcon.fromTheme(mime.iconName(), QIcon.fromTheme(mime.genericIconName(), fallback))
    return fallback


def local_paths(mime) -> list[str]:
    """The local files named by dragged or pasted data."""
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []


def web_links(mime) -> list[str]:
    """The web addresses named by dragged data (a link dragged from a browser)."""
    if not mime.hasUrls():
        return []
    return [url.toString() for url in mime.urls() if url.scheme() in ("http", "https")]


class EvidenceDelegate(QStyledItemDelegate):
    """Paints an evidence item in three lines: stance badge and linked title, details, excerpt."""

    linkClicked = Signal(str)

    def sizeHint(self, option, index) -> QSize:
        return QSize(200, option.fontMetrics.lineSpacing() * 3 + 2 * PAD + 2)

    def paint(self, painter: QPainter, option, index) -> None:
        row = index.data(EvidenceRole)
        opt = draw_item_frame(self, painter, option, index)
        if not row:
            return
        pal = opt.palette
        group = (QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        main = pal.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        soft = main if selected else secondary_text(pal, group)
        link = main if selected else pal.color(group, QPalette.ColorRole.Link)
        fm = opt.fontMetrics
        line = fm.lineSpacing()
        rect = opt.rect.adjusted(PAD, PAD, -PAD, -PAD)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._badge(painter, QRect(rect.left(), rect.top() + (line - BADGE) // 2, BADGE, BADGE), row["stance"], pal)
        painter.setFont(opt.font)
        left = rect.left() + BADGE + PAD
        count = attachment_count_text(len(row.get("attachments", ())))
        count_width = fm.horizontalAdvance(count) + PAD if count else 0
        if count:
            painter.setPen(soft)
            painter.drawText(QRect(rect.right() - count_width, rect.top(), count_width, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, count)
        title_font = QFont(opt.font)
        title_font.setUnderline(bool(row.get("url")))
        painter.setFont(title_font)
        painter.setPen(link if row.get("url") else main)
        width = rect.right() - left - count_width
        painter.drawText(QRect(left, rect.top(), width, line), Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(evidence_heading(row), Qt.TextElideMode.ElideRight, width))
        painter.setFont(opt.font)
        painter.setPen(soft)
        width = rect.right() - left
        painter.drawText(QRect(left, rect.top() + line, width, line), Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(meta_line(row), Qt.TextElideMode.ElideRight, width))
        excerpt = first_line(row.get("excerpt"))
        third = f"“{excerpt}”" if excerpt else first_line(row.get("note"))
        if third:
            italic = QFont(opt.font)
            italic.setItalic(bool(excerpt))
            painter.setFont(italic)
            painter.setPen(main)
            painter.drawText(QRect(left, rect.top() + 2 * line, width, line), Qt.AlignmentFlag.AlignVCenter,
                             painter.fontMetrics().elidedText(third, Qt.TextElideMode.ElideRight, width))
        painter.restore()

    def _badge(self, painter: QPainter, box: QRect, stance: str, pal: QPalette) -> None:
        verdict = STANCE_COLOURS.get(stance)
        if verdict:
            painter.setBrush(theme.background(verdict, pal))
            painter.setPen(theme.line_colour(verdict, pal))
        else:
            painter.setBrush(pal.color(QPalette.ColorRole.AlternateBase))
            painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.drawRoundedRect(box.adjusted(0, 0, -1, -1), 3, 3)
        bold = QFont(painter.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(pal.color(QPalette.ColorRole.Text))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, STANCE_GLYPHS.get(stance, "?"))

    def title_rect(self, option, index) -> QRect:
        """Where the title text of a row is drawn (for clicks on the link)."""
        row = index.data(EvidenceRole) or {}
        fm = option.fontMetrics
        rect = option.rect.adjusted(PAD, PAD, -PAD, -PAD)
        left = rect.left() + BADGE + PAD
        return QRect(left, rect.top(), min(fm.horizontalAdvance(evidence_heading(row)), rect.right() - left),
                     fm.lineSpacing())


class DropList(QListWidget):
    """A list that takes dropped files (and links), saying on which row they fell (-1: empty space)."""

    filesDropped = Signal(list, int)  # local paths, row under the drop
    linkDropped = Signal(str)
    takesLinks = False

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.hint = ""

    def _wanted(self, mime) -> bool:
        return bool(local_paths(mime) or (self.takesLinks and web_links(mime)))

    def dragEnterEvent(self, event) -> None:
        if self._wanted(event.mimeData()):
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        mime = event.mimeData()
        paths = local_paths(mime)
        if not self._wanted(mime):
            event.ignore()
            return
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        if paths:
            item = self.itemAt(event.position().toPoint())
            self.filesDropped.emit(paths, self.row(item) if item else -1)
        else:
            self.linkDropped.emit(web_links(mime)[0])

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.count() == 0 and self.hint:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.viewport().rect().adjusted(PAD * 2, PAD, -PAD * 2, -PAD),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.hint)
            painter.end()


class EvidenceList(DropList):
    """The claim's evidence items; Delete, Enter, Alt+Up/Down and Ctrl+V act on the selected one."""

    removeRequested = Signal()
    editRequested = Signal()
    moveRequested = Signal(int)  # -1 up, +1 down
    pasteRequested = Signal()
    takesLinks = True

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("evidenceList")
        self.setItemDelegate(EvidenceDelegate(self))
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setMouseTracking(True)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 2 * PAD + 8)  # one item

    def keyPressEvent(self, event) -> None:
        alt = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier == Qt.KeyboardModifier.AltModifier
        if event.matches(QKeySequence.StandardKey.Paste):
            self.pasteRequested.emit()
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
            self.removeRequested.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self.editRequested.emit()
        elif alt and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self.moveRequested.emit(-1 if event.key() == Qt.Key.Key_Up else 1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        index = self.indexAt(event.position().toPoint())
        row = index.data(EvidenceRole) if index.isValid() else None
        if event.button() == Qt.MouseButton.LeftButton and row and row.get("url") and not event.modifiers():
            option = QStyleOptionViewItem()
            self.initViewItemOption(option)
            option.rect = self.visualRect(index)
            if self.itemDelegate().title_rect(option, index).contains(event.position().toPoint()):
                self.itemDelegate().linkClicked.emit(row["url"])

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        index = self.indexAt(event.position().toPoint())
        row = index.data(EvidenceRole) if index.isValid() else None
        over_link = False
        if row and row.get("url"):
            option = QStyleOptionViewItem()
            self.initViewItemOption(option)
            option.rect = self.visualRect(index)
            over_link = self.itemDelegate().title_rect(option, index).contains(event.position().toPoint())
        if over_link:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.viewport().unsetCursor()


class AttachmentStrip(DropList):
    """The selected item's attachments as thumbnails or file icons, left to right."""

    removeRequested = Signal()
    openRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("attachmentStrip")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.viewport().setAcceptDrops(True)  # a static list turns drops off; files may still land here
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(True)
        self.setSpacing(2)
        line = self.fontMetrics().lineSpacing()
        self.setGridSize(QSize(THUMB + 64, THUMB + 2 * line + 8))
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumHeight(THUMB // 2 + self._scrollbar())  # a small window scrolls the strip instead
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.fit_height()

    def _scrollbar(self) -> int:
        return self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)

    def fit_height(self) -> None:
        """As tall as one row of attachments, plus a scroll bar only when they do not fit across."""
        wide = self.count() * (self.gridSize().width() + 2 * self.spacing()) > self.viewport().width()
        self.setMaximumHeight(self.gridSize().height() + 2 * self.frameWidth() + 4
                              + (self._scrollbar() if wide else 0))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_height()

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and not event.modifiers():
            self.removeRequested.emit()
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self.openRequested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

