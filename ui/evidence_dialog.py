"""The dialog to add or edit an evidence item, and the chooser of a claim to copy evidence to."""

import datetime

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QCompleter, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QVBoxLayout)

from ui import safe, theme
from workbench import evidence
from workbench.errors import WorkbenchError
from workbench.verdicts import DISPUTED, LABELS, RELIABILITY, RELIABILITY_LABELS, STANCE_LABELS, STANCES

SourceRole = Qt.ItemDataRole.UserRole + 1
NO_DATE = QDate(1900, 1, 1)  # the minimum of the date field, shown as "not recorded"
KNOWN_SOURCES_LIMIT = 500


def source_label(source: dict) -> str:
    """One line naming a known source: title, publisher and address, whichever are there."""
    head = " — ".join(part for part in (source.get("title"), source.get("publisher")) if part)
    url = source.get("url") or ""
    return f"{head} · {url}" if head and url else head or url


class EvidenceDialog(QDialog):
    """Fields of one evidence item; OK checks the URL and stays open, with the reason, if it is bad."""

    def __init__(self, known_sources, parent=None, *, values: dict | None = None, editing: bool = False):
        """known_sources(text, limit) lists sources used before (Workspace.known_sources)."""
        super().__init__(parent)
        self.setObjectName("evidenceDialog")
        self.setWindowTitle("Edit Evidence" if editing else "Add Evidence")
        values = values or {}
        self.known = QComboBox()
        self.known.setObjectName("knownSource")
        self.known.setEditable(True)
        self.known.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.known.setMaxVisibleItems(12)
        self.known.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.known.setMinimumContentsLength(30)
        self._fill_known(known_sources)
        self.url = QLineEdit(values.get("url", ""))
        self.url.setObjectName("evidenceUrl")
        self.url.setPlaceholderText("https://…")
        self.url.textEdited.connect(lambda _: self._show_error(""))
        self.url_error = QLabel()
        self.url_error.setObjectName("urlError")
        self.url_error.setWordWrap(True)
        self.url_error.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
        self.url_error.hide()
        self.title_ = QLineEdit(values.get("title", ""))
        self.title_.setObjectName("evidenceTitle")
        self.publisher = QLineEdit(values.get("publisher", ""))
        self.publisher.setObjectName("evidencePublisher")
        self.publisher.setPlaceholderText("Newspaper, agency, institution or person")
        self.excerpt = QPlainTextEdit(values.get("excerpt", ""))
        self.excerpt.setObjectName("evidenceExcerpt")
        self.excerpt.setTabChangesFocus(True)
        self.excerpt.setPlaceholderText("The passage that bears on the claim, quoted exactly")
        self.note = QPlainTextEdit(values.get("note", ""))
        self.note.setObjectName("evidenceNote")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("How you found it, whom you called, caveats")
        for edit in (self.excerpt, self.note):
            edit.setMinimumHeight(edit.fontMetrics().lineSpacing() * 3 + 12)
        self.stance = _choice_combo("evidenceStance", STANCES, STANCE_LABELS, values.get("stance", "supports"))
        self.reliability = _choice_combo("evidenceReliability", RELIABILITY, RELIABILITY_LABELS,
                                         values.get("reliability", "unknown"))
        self.accessed = QDateEdit()
        self.accessed.setObjectName("evidenceAccessed")
        self.accessed.setCalendarPopup(True)
        self.accessed.setDisplayFormat("yyyy-MM-dd")
        self.accessed.setMinimumDate(NO_DATE)
        self.accessed.setSpecialValueText("not recorded")
        accessed = values.get("accessed_on")
        self.accessed.setDate(NO_DATE if accessed == "" else
                              QDate.fromString(accessed, "yyyy-MM-dd") if accessed else QDate.currentDate())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Save" if editing else "Add")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Known source:", self.known)
        form.addRow("&URL:", self.url)
        form.addRow("", self.url_error)
        form.addRow("&Title:", self.title_)
        form.addRow("&Publisher:", self.publisher)
        form.addRow("&Excerpt:", self.excerpt)
        form.addRow("&Note:", self.note)
        form.addRow("&Stance:", self.stance)
        form.addRow("&Reliability:", self.reliability)
        form.addRow("&Accessed:", self.accessed)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, min(self.sizeHint().height(), 520))
        self._first_field = self.title_ if values.get("url") and not values.get("title") else self.url

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._first_field.setFocus()

    def _fill_known(self, known_sources) -> None:
        model = QStandardItemModel(self.known)
        for source in known_sources("", KNOWN_SOURCES_LIMIT):
            item = QStandardItem(source_label(source))
            item.setData(source, SourceRole)
            item.setToolTip(safe.tooltip(source_label(source)))
            model.appendRow(item)
        self.known.setModel(model)
        self.known.setCurrentIndex(-1)
        self.known.lineEdit().setPlaceholderText(
            "Type to find a source used before…" if model.rowCount() else "No sources used yet")
        self.known.setEnabled(model.rowCount() > 0)
        completer = QCompleter(model, self.known)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.known.setCompleter(completer)
        self.known.activated.connect(self._use_known)

    def _use_known(self, row: int) -> None:
        source = self.known.itemData(row, SourceRole)
        if not source:
            return
        self.url.setText(source["url"])
        self.title_.setText(source["title"])
        self.publisher.setText(source["publisher"])
        self.reliability.setCurrentIndex(max(0, self.reliability.findData(source["reliability"])))
        self._show_error("")
        self.excerpt.setFocus()

    def _show_error(self, message: str) -> None:
        colours = self.url_error.palette()
        colours.setColor(colours.ColorRole.WindowText, theme.line_colour(DISPUTED, self.palette()))
        self.url_error.setPalette(colours)
        self.url_error.setText(f"⚠ {message}" if message else "")
        self.url_error.setVisible(bool(message))

    def values(self) -> dict:
        """The fields as evidence.add_evidence takes them (the URL unchecked)."""
        date = self.accessed.date()
        return {
            "url": self.url.text().strip(),
            "title": self.title_.text().strip(),
            "publisher": self.publisher.text().strip(),
            "excerpt": self.excerpt.toPlainText().strip(),
            "note": self.note.toPlainText().strip(),
            "stance": self.stance.currentData(),
            "reliability": self.reliability.currentData(),
            "accessed_on": "" if date == NO_DATE else datetime.date(date.year(), date.month(), date.day()).isoformat(),
        }

    def accept(self) -> None:
        """Close only with a usable URL; otherwise say why under the field and stay open."""
        try:
            url = evidence.check_url(self.url.text())
        except WorkbenchError as error:
            self._show_error(str(error))
            self.url.setFocus()
            self.url.selectAll()
            return
        if url != self.url.text():
            self.url.setText(url)  # e.g. "www.example.org" became "https://www.example.org"
        super().accept()


def _choice_combo(name: str, keys, labels: dict, current: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    for key in keys:
        combo.addItem(labels[key], key)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class ClaimChooser(QDialog):
    """Pick a claim of any article (by number and quote) to copy evidence to; this article first."""

    def __init__(self, articles: list[dict], current_article: str, claims_of, skip: str, parent=None):
        """claims_of(article id) gives [(number, claim row), ...] in reading order; skip is the source claim."""
        super().__init__(parent)
        self.setObjectName("claimChooser")
        self.setWindowTitle("Copy Evidence to Claim")
        self.claims_of, self.skip = claims_of, skip
        self.article = QComboBox()
        self.article.setObjectName("chooserArticle")
        for row in articles:
            self.article.addItem(row["title"], row["id"])
        self.list = QListWidget()
        self.list.setObjectName("claimChoices")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setSpacing(2)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Copy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.list.currentItemChanged.connect(lambda current, _: self.ok.setEnabled(current is not None))
        label = QLabel("Copy the selected evidence, with its attachments, to a claim of:")
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.article)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        self.resize(520, 400)
        self.article.currentIndexChanged.connect(lambda _: self._fill())
        self.article.setCurrentIndex(max(0, self.article.findData(current_article)))
        self._fill()

    def _fill(self) -> None:
        self.list.clear()
        for number, claim in self.claims_of(self.article.currentData()):
            if claim["id"] == self.skip:
                continue
            quote = " ".join(claim["quote"].split())
            if len(quote) > 160:
                quote = quote[:159] + "…"
            item = QListWidgetItem(theme.swatch(claim["verdict"], self.palette()),
                                   f"#{number} {LABELS[claim['verdict']]}\n“{quote}”")
            item.setData(Qt.ItemDataRole.UserRole, claim)
            self.list.addItem(item)

    def chosen(self) -> dict | None:
        """The chosen claim's row, or None."""
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None
