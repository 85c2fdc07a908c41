"""File ▸ Export Report: options beside a live preview of the rendered report, then Save."""

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QRadioButton, QTextBrowser, QVBoxLayout,
                               QWidget)

from workbench import annotations, claimreview, report
from workbench.errors import WorkbenchError

# format -> (label, file suffix, file-dialog filter)
FORMATS = {
    "markdown": ("Markdown report", ".md", "Markdown (*.md)"),
    "html": ("HTML report", ".html", "HTML (*.html)"),
    "pdf": ("PDF report", ".pdf", "PDF (*.pdf)"),
    "claimreview": ("ClaimReview JSON-LD", ".jsonld", "JSON-LD (*.jsonld *.json)"),
    "annotations": ("W3C Web Annotations", ".jsonld", "JSON-LD (*.jsonld *.json)"),
}
PREVIEW_MS = 150


def render(store, fmt: str, options: report.ReportOptions) -> str | bytes:
    """The export in one format: text, or the PDF's bytes."""
    if fmt == "markdown":
        return report.build_markdown(store, options)
    if fmt == "html":
        return report.build_html(store, options)
    if fmt == "pdf":
        from ui.pdf import render_pdf

        return render_pdf(report.build_html(store, options))[0]
    if fmt == "claimreview":
        return claimreview.build_claimreview(store, options)
    return annotations.dumps(annotations.export_collection(store, options.article_id))


class ExportDialog(QDialog):
    """Choose scope, pending claims and format; see the report as it will read; save it."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.setWindowTitle("Export Report")
        self.setObjectName("exportDialog")
        self.resize(1000, 680)
        self.this_article = QRadioButton("This article")
        self.all_articles = QRadioButton("All articles")
        self.scope = QButtonGroup(self)
        self.scope.addButton(self.this_article)
        self.scope.addButton(self.all_articles)
        self.this_article.setEnabled(window.article is not None)
        (self.this_article if window.article else self.all_articles).setChecked(True)
        self.pending = QCheckBox("Include pending claims")
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for key, (label, _, _) in FORMATS.items():
            self.format.addItem(label, key)
        self.status = QLabel()
        self.status.setWordWrap(True)
        options = QWidget()
        form = QFormLayout(options)
        scope_box = QVBoxLayout()
        scope_box.addWidget(self.this_article)
        scope_box.addWidget(self.all_articles)
        form.addRow("Scope", scope_box)
        form.addRow("", self.pending)
        form.addRow("Format", self.format)
        form.addRow(self.status)
        options.setMaximumWidth(300)
        self.preview = QTextBrowser()
        self.preview.setObjectName("exportPreview")
        self.preview.setOpenLinks(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(options, 0, Qt.AlignmentFlag.AlignTop)
        body.addWidget(self.preview, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_MS)
        self._timer.timeout.connect(self.refresh)
        for signal in (self.scope.buttonToggled, self.pending.toggled, self.format.currentIndexChanged):
            signal.connect(lambda *_: self._timer.start())
        self.refresh()

    def options(self) -> report.ReportOptions:
        """The report options the dialog shows now."""
        article = self.window.article if self.this_article.isChecked() else None
        return report.ReportOptions(article_id=article["id"] if article else None,
                                    include_pending=self.pending.isChecked(),
                                    reviewer=self.window.workspace.reviewer_name)

    def refresh(self) -> None:
        """Render the preview for the current options."""
        self._timer.stop()
        store, fmt, options = self.window.workspace.store, self.format.currentData(), self.options()
        try:
            if fmt in ("markdown", "html", "pdf"):
                self.preview.setHtml(report.build_html(store, options))
            else:
                mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
                self.preview.setCurrentFont(mono)
                self.preview.setPlainText(render(store, fmt, options))
        except WorkbenchError as error:
            self.preview.setPlainText(str(error))
        label = FORMATS[fmt][0]
        self.status.setText(f"The preview shows the {label} as it will read." if fmt in ("markdown", "html", "pdf")
                            else f"The preview shows the {label} text.")

    def save(self) -> None:
        """Ask where, then write the export."""
        fmt = self.format.currentData()
        _, suffix, file_filter = FORMATS[fmt]
        article = self.window.article if self.this_article.isChecked() else None
        stem = "fact-check-" + (article["id"][:8] if article else "report")
        path, _ = QFileDialog.getSaveFileName(self, "Save export", str(Path.home() / f"{stem}{suffix}"), file_filter)
        if not path:
            return
        try:
            data = render(self.window.workspace.store, fmt, self.options())
            if isinstance(data, bytes):
                Path(path).write_bytes(data)
            else:
                Path(path).write_text(data, encoding="utf-8")
        except (WorkbenchError, OSError) as error:
            self.window.show_error(f"{path}: could not write the export ({error})")
            return
        self.window.statusBar().showMessage(f"Saved {path}", 8000)
        self.accept()
