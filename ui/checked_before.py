"""The "Checked Before" tab: what the desk already knows about the selected claim or sentence.

A list model of matches (fact-checks and earlier verdicts), each painted in three lines: the
verdict it suggests with the published rating and the score, the text that was checked, and who
checked it when and where. Adopting a match is one action; the verdict it suggests is then offered
in a bar under the list, never set by itself. Links open through ui/safe.py only.
"""

from urllib.parse import urlsplit

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QPainter, QPalette
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QFrame, QHBoxLayout, QLabel, QListView, QPushButton,
                               QStyle, QStyledItemDelegate, QStyleOptionViewItem, QVBoxLayout, QWidget)

from ui import safe, theme
from ui.evidence_views import secondary_text
from workbench.checked_before import suggested_verdict
from workbench.verdicts import LABELS

MatchRole = Qt.ItemDataRole.UserRole + 1
AdoptedRole = Qt.ItemDataRole.UserRole + 2
PAD = 6
BADGE = 16
TEXT_PREVIEW = 300


def rating_text(match) -> str:
    """What a match says of the claim: the published rating, or the desk's verdict."""
    if match.kind == "claim":
        return f"{LABELS.get(match.verdict, match.verdict)} (this desk)"
    return match.verdict or "Not rated"


def source_text(match) -> str:
    """Who checked it, when and where: "Desk Check · 2024-03-06 · fc.example"."""
    host = urlsplit(match.url).hostname if match.url else None
    parts = [match.source or ("another article" if match.kind == "claim" else "unknown reviewer"), match.date, host]
    return " · ".join(p for p in parts if p)


def match_tooltip(match) -> str:
    """Everything about a match, as plain text."""
    lines = [f"{rating_text(match)} — score {match.score:.2f}", match.text]
    if match.title and match.title != match.text:
        lines.append(f"Headline: {match.title}")
    lines.append(source_text(match))
    if match.url:
        lines.append(match.url)
    if match.numbers_differ:
        lines.append("Its numbers differ from this text's: a changed figure?")
    return safe.tooltip("\n".join(lines))


class MatchListModel(QAbstractListModel):
    """Matches, best first; a match already adopted as evidence of the claim says so."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.matches: list = []
        self.adopted: set[str] = set()  # urls already evidence of the claim

    def set_matches(self, matches) -> None:
        """Show other matches (best first)."""
        self.beginResetModel()
        self.matches = list(matches)
        self.endResetModel()

    def set_adopted(self, urls) -> None:
        """Mark the matches whose links are already evidence of the claim."""
        self.adopted = set(urls)
        if self.matches:
            self.dataChanged.emit(self.index(0), self.index(len(self.matches) - 1), [AdoptedRole])

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.matches)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.matches):
            return None
        match = self.matches[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{rating_text(match)} · {match.score:.2f} · {match.text[:TEXT_PREVIEW]}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return match_tooltip(match)
        if role == MatchRole:
            return match
        if role == AdoptedRole:
            return bool(match.url) and match.url in self.adopted
        return None


class MatchDelegate(QStyledItemDelegate):
    """Paints a match in three lines: verdict badge, rating and score; the text checked; source, date, site."""

    def sizeHint(self, option, index) -> QSize:
        return QSize(200, option.fontMetrics.lineSpacing() * 3 + 2 * PAD + 2)

    def paint(self, painter: QPainter, option, index) -> None:
        match = index.data(MatchRole)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        if match is None:
            return
        pal = opt.palette
        group = (QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        main = pal.color(group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        soft = main if selected else secondary_text(pal, group)
        fm = opt.fontMetrics
        line = fm.lineSpacing()
        rect = opt.rect.adjusted(PAD, PAD, -PAD, -PAD)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        verdict = suggested_verdict(match)
        badge = QRect(rect.left(), rect.top() + (line - BADGE) // 2, BADGE, BADGE)
        if verdict:
            painter.drawPixmap(badge, theme.swatch(verdict, pal, BADGE).pixmap(BADGE, BADGE))
        left = rect.left() + BADGE + PAD
        width = rect.right() - left
        score = f"{match.score:.2f}"
        score_width = fm.horizontalAdvance(score) + PAD
        painter.setPen(soft)
        painter.drawText(QRect(rect.right() - score_width, rect.top(), score_width, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, score)
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(main)
        head = rating_text(match) + ("  ⚠ other numbers" if match.numbers_differ else "")
        painter.drawText(QRect(left, rect.top(), width - score_width, line), Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(head, Qt.TextElideMode.ElideRight, width - score_width))
        italic = QFont(opt.font)
        italic.setItalic(True)
        painter.setFont(italic)
        text = " ".join(match.text[:TEXT_PREVIEW].split())
        painter.drawText(QRect(left, rect.top() + line, width, line), Qt.AlignmentFlag.AlignVCenter,
                         painter.fontMetrics().elidedText(f"“{text}”", Qt.TextElideMode.ElideRight, width))
        painter.setFont(opt.font)
        tag = "✓ evidence" if index.data(AdoptedRole) else ""
        tag_width = fm.horizontalAdvance(tag) + PAD if tag else 0
        painter.setPen(soft)
        painter.drawText(QRect(left, rect.top() + 2 * line, width - tag_width, line), Qt.AlignmentFlag.AlignVCenter,
                         fm.elidedText(source_text(match), Qt.TextElideMode.ElideRight, width - tag_width))
        if tag:
            painter.setPen(main)
            painter.drawText(QRect(rect.right() - tag_width, rect.top() + 2 * line, tag_width, line),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, tag)
        painter.restore()


def _button(text: str, tip: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setObjectName(name)
    return button


class CheckedBeforePanel(QWidget):
    """The list of matches for one claim or sentence, Adopt and Open Link, and the verdict offer."""

    adoptRequested = Signal(object)  # the Match to make evidence of the claim
    markRequested = Signal()  # mark the sentence shown as a claim
    verdictAccepted = Signal(str, str)  # claim id, the verdict offered
    countChanged = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.claim_id: str | None = None  # the claim whose matches are shown (None: a sentence, or nothing)
        self.offered: tuple[str, str] | None = None  # (claim id, verdict) offered in the bar
        self.subject = QLabel()
        self.subject.setObjectName("checkedSubject")
        self.subject.setTextFormat(Qt.TextFormat.PlainText)
        self.subject.setWordWrap(True)
        self.mark_button = _button("Mark as Claim", "Make this sentence a claim (then adopt a match for it)",
                                   "markSentence")
        self.mark_button.clicked.connect(lambda _=False: self.markRequested.emit())
        self.status = QLabel()
        self.status.setObjectName("checkedStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.model = MatchListModel(self)
        self.list = QListView()
        self.list.setObjectName("checkedList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(MatchDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setUniformItemSizes(True)
        self.list.doubleClicked.connect(lambda _index: self.open_link())
        self.list.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.adopt_button = _button("Adopt as Evidence", "Make the selected match evidence of this claim (Enter); "
                                    "its verdict is offered, not set", "adoptMatch")
        self.adopt_button.clicked.connect(lambda _=False: self.adopt())
        self.link_button = _button("Open Link", "Open the selected match's page in the browser (double-click)",
                                   "openMatchLink")
        self.link_button.clicked.connect(lambda _=False: self.open_link())
        adopt_key = QAction("Adopt as Evidence", self.list)
        adopt_key.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        adopt_key.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        adopt_key.triggered.connect(lambda _=False: self.adopt())
        self.list.addAction(adopt_key)
        self.offer = QFrame()
        self.offer.setObjectName("verdictOffer")
        self.offer.setFrameShape(QFrame.Shape.StyledPanel)
        self.offer_text = QLabel()
        self.offer_text.setTextFormat(Qt.TextFormat.PlainText)
        self.offer_text.setWordWrap(True)
        self.offer_accept = _button("", "Give the claim this verdict (undo takes it back)", "acceptOffer")
        self.offer_accept.clicked.connect(lambda _=False: self._accept_offer())
        self.offer_decline = _button("No", "Keep the claim's verdict as it is", "declineOffer")
        self.offer_decline.clicked.connect(lambda _=False: self.hide_offer())
        bar = QVBoxLayout(self.offer)
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.offer_text)
        answers = QHBoxLayout()
        answers.addStretch(1)
        answers.addWidget(self.offer_accept)
        answers.addWidget(self.offer_decline)
        bar.addLayout(answers)
        self.offer.hide()
        top = QHBoxLayout()
        top.addWidget(self.subject, 1)
        top.addWidget(self.mark_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.adopt_button)
        buttons.addWidget(self.link_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.offer)
        self.show_nothing()

    # -- what is shown ------------------------------------------------------------------------

    def show_nothing(self) -> None:
        """No claim or sentence selected."""
        self._show_subject(None, "Select a claim, or click a mark in the reader's margin, to see what the desk "
                                 "already knows about it.", sentence=False)
        self.status.hide()

    def show_waiting(self, claim_id: str | None, subject: str, *, sentence: bool = False) -> None:
        """A question is asked about a claim (or a sentence: claim_id None); its answer comes later."""
        self._show_subject(claim_id, subject, sentence=sentence)
        self.status.setText("Looking for fact-checks and earlier verdicts…")
        self.status.show()

    def _show_subject(self, claim_id: str | None, subject: str, *, sentence: bool) -> None:
        if claim_id != self.claim_id or sentence or claim_id is None:
            self.hide_offer()
            self.model.set_matches([])
            self.countChanged.emit(-1)
        self.claim_id = claim_id
        self.subject.setText(subject)
        self.mark_button.setVisible(sentence)
        self._update_buttons()

    def set_matches(self, matches, error: str | None = None) -> None:
        """The answer: matches best first (or why there is none)."""
        self.model.set_matches(matches)
        if matches:
            self.list.setCurrentIndex(self.model.index(0))
        if error:
            self.status.setText(f"Could not look: {error}")
        elif not matches:
            self.status.setText("Nothing the desk knows resembles this text.")
        self.status.setVisible(bool(error) or not matches)
        self.countChanged.emit(len(matches))
        self._update_buttons()

    def set_adopted(self, urls) -> None:
        """The links already evidence of the claim shown."""
        self.model.set_adopted(urls)
        self._update_buttons()

    def current_match(self):
        """The selected match, or None."""
        index = self.list.currentIndex()
        return index.data(MatchRole) if index.isValid() else None

    def _update_buttons(self) -> None:
        index = self.list.currentIndex()
        match = self.current_match()
        self.adopt_button.setEnabled(match is not None and self.claim_id is not None
                                     and not index.data(AdoptedRole))
        self.link_button.setEnabled(bool(match and match.url))

    # -- actions ------------------------------------------------------------------------------

    def adopt(self) -> None:
        """Ask to make the selected match evidence of the claim shown."""
        if self.adopt_button.isEnabled():
            self.adoptRequested.emit(self.current_match())

    def open_link(self) -> None:
        """Open the selected match's page in the browser (web and mail links only)."""
        match = self.current_match()
        if match and match.url:
            refusal = safe.open_link(match.url)
            if refusal:
                self.status.setText(f"Not opened: {refusal}")
                self.status.show()

    def offer_verdict(self, claim_id: str, verdict: str, match) -> None:
        """Offer the verdict a just-adopted match suggests (the reviewer decides)."""
        self.offered = (claim_id, verdict)
        label = LABELS[verdict]
        if match.kind == "fact_check":
            self.offer_text.setText(f"The fact-check rated it “{match.verdict}”: mark this claim {label}?")
        else:
            self.offer_text.setText(f"The desk judged it {label} before: mark this claim {label} too?")
        self.offer_accept.setText(f"Mark {label}")
        self.offer.show()

    def hide_offer(self) -> None:
        """Take the verdict offer away."""
        self.offered = None
        self.offer.hide()

    def _accept_offer(self) -> None:
        if self.offered:
            claim_id, verdict = self.offered
            self.hide_offer()
            self.verdictAccepted.emit(claim_id, verdict)
