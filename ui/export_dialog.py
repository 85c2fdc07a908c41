"""File ▸ Export Report: options beside a live preview, then Save; the work runs off the GUI thread.

The formats are workbench.exporters' registry (the PDF registers itself from ui/pdf.py). The
preview and the export are rendered by a worker thread on its own read connection to the
database, with a progress bar and Cancel, so the window keeps painting. The preview shows the
first PREVIEW_CLAIMS claims and flags verified or disputed claims with neither evidence nor
rationale (the saved file has no flags). The dialog remembers its choices and the folder last
saved to (QSettings). A report can be saved with its attachments: copied into an `attachments`
folder beside it and linked, or (HTML) with its images embedded in the one file.
"""

import io
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QRadioButton,
                               QTextBrowser, QVBoxLayout, QWidget)

from ui import pdf
from ui.folders import last_folder, remember_folder
from workbench import exporters, report
from workbench.errors import WorkbenchError
from workbench.report_html import write_preview
from workbench.workspace.tasks import on_own_connection

PREVIEW_MS = 150
PREVIEW_CLAIMS = 300
ATTACHMENT_CHOICES = (("names", "Attachments listed by name"), ("folder", "With the files, in a folder beside it"),
                      ("embed", "With images embedded (HTML)"))


class Job(QObject):
    """One preview or export, run on a worker thread with its own connection to the database."""

    progressed = Signal(int, int)
    finished = Signal(object, list)  # the preview's text (or the saved path), the warnings
    failed = Signal(str)

    def __init__(self, path: Path, work):
        super().__init__()
        self.path, self.work = path, work
        self.stop = threading.Event()

    def run(self) -> None:
        """Do the work (on the worker thread); report the outcome by signal."""
        try:
            result, warnings = on_own_connection(self.path, lambda store: self.work(
                store, lambda done, total: self.progressed.emit(done, total), self.stop.is_set))
        except report.Cancelled:
            self.failed.emit("")
        except (WorkbenchError, OSError) as error:
            self.failed.emit(str(error))
        else:
            self.finished.emit(result, warnings)


class ExportDialog(QDialog):
    """Choose scope, pending claims, format and attachments; see the report as it will read; save it."""

    def __init__(self, window):
        super().__init__(window)
        pdf.register()
        self.window = window
        self.settings = QSettings()
        self.setWindowTitle("Export Report")
        self.setObjectName("exportDialog")
        self.resize(1000, 680)
        self.this_article = QRadioButton("This article")
        self.all_articles = QRadioButton("All articles")
        self.scope = QButtonGroup(self)
        self.scope.addButton(self.this_article)
        self.scope.addButton(self.all_articles)
        self.this_article.setEnabled(window.article is not None)
        every = self.settings.value("export/scope", "this") == "all"
        (self.all_articles if every or window.article is None else self.this_article).setChecked(True)
        self.pending = QCheckBox("Include pending claims")
        self.pending.setChecked(self.settings.value("export/pending", False, type=bool))
        self.format = QComboBox()
        self.format.setObjectName("exportFormat")
        for exporter in exporters.available():
            self.format.addItem(exporter.label, exporter.name)
        self.format.setCurrentIndex(max(0, self.format.findData(self.settings.value("export/format", "markdown"))))
        self.attachments = QComboBox()
        for key, label in ATTACHMENT_CHOICES:
            self.attachments.addItem(label, key)
        self.attachments.setCurrentIndex(max(0, self.attachments.findData(self.settings.value("export/attachments",
                                                                                             "names"))))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel = QPushButton("Cancel")
        self.cancel.setVisible(False)
        self.cancel.clicked.connect(self.cancel_job)
        options = QWidget()
        form = QFormLayout(options)
        scope_box = QVBoxLayout()
        scope_box.addWidget(self.this_article)
        scope_box.addWidget(self.all_articles)
        form.addRow("Scope", scope_box)
        form.addRow("", self.pending)
        form.addRow("Format", self.format)
        form.addRow("Attachments", self.attachments)
        form.addRow(self.status)
        form.addRow(self.progress)
        form.addRow(self.cancel)
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
        self.thread: QThread | None = None
        self.job: Job | None = None
        self.saving = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_MS)
        self._timer.timeout.connect(self.refresh)
        for signal in (self.scope.buttonToggled, self.pending.toggled, self.format.currentIndexChanged,
                       self.attachments.currentIndexChanged):
            signal.connect(lambda *_: (self.remember(), self._timer.start()))
        self.refresh()

    # -- choices -------------------------------------------------------------------------------

    def exporter(self) -> exporters.Exporter:
        """The chosen format."""
        return exporters.get(self.format.currentData())

    def options(self, **changes) -> report.ReportOptions:
        """The report options the dialog shows now."""
        article = self.window.article if self.this_article.isChecked() else None
        fields = {"article_id": article["id"] if article else None, "include_pending": self.pending.isChecked(),
                  "reviewer": "", "attachments": self.attachment_mode(), **changes}
        return report.ReportOptions(**fields)

    def attachment_mode(self) -> str:
        """How attachments go with the chosen format ("embed" only for HTML)."""
        mode = self.attachments.currentData()
        name = self.format.currentData()
        if name not in ("markdown", "html") or (mode == "embed" and name != "html"):
            return "names"
        return mode

    def remember(self) -> None:
        """Keep the choices for the next time the dialog opens."""
        self.settings.setValue("export/scope", "all" if self.all_articles.isChecked() else "this")
        self.settings.setValue("export/pending", self.pending.isChecked())
        self.settings.setValue("export/format", self.format.currentData())
        self.settings.setValue("export/attachments", self.attachments.currentData())

    # -- the worker ----------------------------------------------------------------------------

    def start(self, work, done, label: str) -> None:
        """Run work(store, progress, cancelled) -> (result, warnings) off the GUI thread, then done()."""
        self.cancel_job()
        try:
            path = self.window.workspace.path
        except AttributeError:
            return  # the window has closed its database
        job = Job(path, work)
        thread = QThread(self)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.progressed.connect(self._progressed)
        job.finished.connect(done)
        job.failed.connect(self._failed)
        for signal in (job.finished, job.failed):
            signal.connect(thread.quit)
        thread.finished.connect(job.deleteLater)
        self.job, self.thread = job, thread
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self.cancel.setVisible(True)
        self.status.setText(label)
        thread.start()

    def cancel_job(self) -> None:
        """Stop the running preview or export, if any, and wait for its thread."""
        if self.job is not None:
            self.job.stop.set()
        if self.thread is not None:
            self.thread.quit()
            self.thread.wait()
        self.job = self.thread = None
        self.saving = False
        self.progress.setVisible(False)
        self.cancel.setVisible(False)

    def _current(self) -> bool:
        """Whether the signal being handled comes from the job still wanted (not a cancelled one)."""
        return self.sender() is self.job

    def _progressed(self, done: int, total: int) -> None:
        if not self._current():
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _idle(self) -> None:
        self.saving = False
        self.progress.setVisible(False)
        self.cancel.setVisible(False)
        self.job = self.thread = None

    def _failed(self, message: str) -> None:
        if not self._current():
            return
        self._idle()
        self.status.setText(f"Not exported: {message}" if message else "Cancelled.")

    def busy(self) -> bool:
        """Whether a preview or an export is running."""
        return self.thread is not None and self.thread.isRunning()

    # -- preview and save ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Render the preview for the current options, off the GUI thread."""
        self._timer.stop()
        if self.saving:
            return  # the preview waits; an export in progress is not cancelled for it
        exporter, options = self.exporter(), self.options(flag_unsupported=True)

        def work(store, progress, cancelled):
            out = io.StringIO()
            if exporter.preview == "html":
                warnings = write_preview(store, options, out, limit=PREVIEW_CLAIMS, progress=progress,
                                         cancelled=cancelled)
            else:
                warnings = exporter.write(store, options, out, progress=progress, cancelled=cancelled)
            return out.getvalue(), warnings

        self.start(work, self._show_preview, "Rendering the preview…")

    def _show_preview(self, text: str, warnings: list) -> None:
        if not self._current():
            return
        self._idle()
        exporter = self.exporter()
        if exporter.preview == "html":
            self.preview.setHtml(text)
        else:
            self.preview.setCurrentFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.preview.setPlainText(text)
        message = (f"The preview shows the {exporter.label} as it will read." if exporter.preview == "html"
                   else f"The preview shows the {exporter.label} text.")
        if warnings:
            message += f" {len(warnings)} warning(s): " + "; ".join(warnings[:3])
        self.status.setText(message)

    def save(self) -> None:
        """Ask where (starting in the last folder used), then write the export off the GUI thread."""
        exporter = self.exporter()
        article = self.window.article if self.this_article.isChecked() else None
        stem = "fact-check-" + (article["id"][:8] if article else "report")
        path, _ = QFileDialog.getSaveFileName(self, "Save export", str(last_folder("exports") / f"{stem}{exporter.suffix}"),
                                              exporter.file_filter)
        if not path:
            return
        remember_folder("exports", path)
        options = self.options()

        def work(store, progress, cancelled):
            warnings = exporters.export_to_file(exporter, store, options, path, progress=progress, cancelled=cancelled)
            if options.attachments == "folder":
                exporters.copy_attachments(store, options, Path(path).parent)
            return path, warnings

        self.start(work, self._saved, f"Saving {path}…")
        self.saving = True

    def _saved(self, path: str, warnings: list) -> None:
        if not self._current():
            return
        self._idle()
        message = f"Saved {path}" + (f" ({len(warnings)} warning(s): {warnings[0]})" if warnings else "")
        self.window.statusBar().showMessage(message, 8000)
        self.accept()

    def done(self, result: int) -> None:
        """Closing the dialog stops any work still running."""
        self.cancel_job()
        super().done(result)
