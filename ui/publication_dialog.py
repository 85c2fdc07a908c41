"""File ▸ Publication Settings: who publishes the fact checks and where their pages are, saved per database.

The ClaimReview export (the Export dialog, and `workbench export -f claimreview`) uses them: the
publisher becomes each review's author Organization, the review-page template its `url`, which
Google requires. They are checked as `workbench publish DB --publisher …` checks them; a wrong
value is named in one sentence and nothing is saved.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QLineEdit, QVBoxLayout

from ui import theme
from workbench.errors import WorkbenchError
from workbench.publication import Publication
from workbench.verdicts import DISPUTED

EXAMPLE_SITE = "https://factdesk.example.org"
HINT = ("{claim_id} becomes each claim's id and {article_id} its article's. Without {claim_id} all reviews "
        "share one page, each at its #claim-… anchor. It must be on the publisher's site.")
EXAMPLE_IDS = ("CLAIM-ID", "ARTICLE-ID")  # stand-ins when the open article has no claim


def missing(publication: Publication) -> list[str]:
    """What Google's ClaimReview rules ask for that these settings lack, a sentence each (none: all set)."""
    gaps = []
    if not publication.review_url:
        gaps.append("Google requires each review's own page (url): set the review page address.")
    if not publication.publisher:
        gaps.append("Google recommends the publishing organisation as each review's author: set the publisher.")
    elif not publication.publisher_url:
        gaps.append("Google recommends the publisher's web site with its name.")
    return gaps


class PublicationDialog(QDialog):
    """The three publication settings as fields; OK saves them through the workspace or says what is wrong."""

    def __init__(self, workspace, parent=None):
        super().__init__(parent)
        self.workspace = workspace
        opened = workspace.article
        self.example_ids = (opened.rows[0]["id"], opened.id) if opened is not None and opened.rows else EXAMPLE_IDS
        self.setObjectName("publicationDialog")
        self.setWindowTitle("Publication Settings")
        self.setMinimumWidth(560)
        current = workspace.publication()
        intro = QLabel("Who publishes these fact checks, and where. Saved in this database; the ClaimReview "
                       "export uses them so that search engines accept the reviews.")
        intro.setWordWrap(True)
        self.publisher = self._field("publisher", current.publisher, "The organisation, e.g. Fact Desk")
        self.publisher_url = self._field("publisherUrl", current.publisher_url, EXAMPLE_SITE)
        self.review_url = self._field("reviewUrl", current.review_url, EXAMPLE_SITE + "/fact-checks/{claim_id}")
        self.example = QLabel()  # how the template reads, and the page it gives one claim
        self.example.setObjectName("reviewUrlExample")
        self.example.setTextFormat(Qt.TextFormat.PlainText)
        self.example.setWordWrap(True)
        self.example.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setObjectName("publicationError")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.hide()
        form = QGridLayout()  # (a QFormLayout gives the wrapped hint more height than it needs)
        for row, (text, edit) in enumerate((("&Publisher:", self.publisher), ("&Web site:", self.publisher_url),
                                            ("&Review pages:", self.review_url))):
            label = QLabel(text)
            label.setBuddy(edit)
            form.addWidget(label, row, 0)
            form.addWidget(edit, row, 1)
        form.addWidget(self.example, 3, 1)
        form.setColumnStretch(1, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.review_url.textChanged.connect(self._show_example)
        self._show_example()
        self.adjustSize()

    def _field(self, name: str, text: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(lambda _text: self.error.hide())
        return edit

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.publisher.setFocus()  # a field takes the keyboard only once its dialog is shown

    def values(self) -> Publication:
        """The settings as typed (checked when saved)."""
        return Publication(self.publisher.text(), self.publisher_url.text(), self.review_url.text())

    def _show_example(self) -> None:
        """The page the template gives one claim, as the reviewer types it."""
        template = Publication(review_url=self.review_url.text().strip())
        try:
            url = template.review_url_for(*self.example_ids)
        except (ValueError, IndexError, KeyError):  # a brace not closed yet, an unknown name
            url = ""
        self.example.setText(HINT + (f"\nA review's page: {url}" if url else ""))
        self._fit()

    def _fit(self) -> None:
        """Grow to the height the wrapped lines need at this width (Qt sizes a dialog only once)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.heightForWidth(self.width())
        if needed > self.height():
            self.resize(self.width(), needed)

    def accept(self) -> None:
        """Save the settings; if one is wrong, say which in the dialog and save nothing."""
        try:
            self.saved = self.workspace.set_publication(self.values())
        except WorkbenchError as error:
            self._show_error(str(error))
            return
        super().accept()

    def _show_error(self, text: str) -> None:
        palette = self.error.palette()
        palette.setColor(QPalette.ColorRole.WindowText, theme.line_colour(DISPUTED, self.palette()))
        self.error.setPalette(palette)
        self.error.setText(text[:1].upper() + text[1:] + ". Nothing was saved.")
        self.error.show()
        self._fit()
