"""Correcting an article's details: title, web address, publisher, author and publication date."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

FIELDS = (("title", "&Title"), ("url", "&Web address"), ("publisher", "&Publisher"), ("author", "&Author"),
          ("published", "Publication &date"))


class ArticleDialog(QDialog):
    """The article's details as editable fields; `values()` gives what the reviewer typed."""

    def __init__(self, article: dict, parent=None, *, focus: str = "title"):
        super().__init__(parent)
        self.setObjectName("articleDialog")
        self.setWindowTitle("Article details")
        self.setMinimumWidth(520)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for key, label in FIELDS:
            edit = QLineEdit(article.get(key) or "")
            edit.setObjectName(f"article_{key}")
            self.fields[key] = edit
            form.addRow(label, edit)
        self.fields["url"].setPlaceholderText("https://… where the article was published")
        self.fields["author"].setPlaceholderText("Names separated by ; (people or organisations)")
        self.fields["published"].setPlaceholderText("YYYY-MM-DD, or YYYY-MM or YYYY; empty when unknown")
        note = QLabel("Leave the date empty when the article does not say it: a guessed date is worse than none.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.focus = self.fields[focus]

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.focus.setFocus()  # a field takes the keyboard only once its dialog is shown
        self.focus.selectAll()

    def values(self) -> dict[str, str]:
        """The fields as typed (checked by the workspace when saved)."""
        return {key: edit.text() for key, edit in self.fields.items()}
