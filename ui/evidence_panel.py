"""The current claim's evidence: a list to add, edit, remove, reorder and copy items, and their attachments."""

import datetime
import html
import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QListWidgetItem, QMainWindow, QMenu, QMessageBox,
                               QToolButton,
                               QVBoxLayout, QWidget)

from ui import safe
from ui.evidence_dialog import ClaimChooser, EvidenceDialog
from ui.folders import last_folder, remember_folder
from ui.evidence_views import (AttachmentRole, AttachmentStrip, EvidenceList, EvidenceRole, evidence_heading,
                               file_icon, first_line, human_size, local_paths, meta_line, thumbnail)
from workbench import evidence
from workbench.errors import WorkbenchError
from workbench.verdicts import DISPUTED, LABELS, STANCE_LABELS, VERIFIED

STATUS_MS = 6000
EVIDENCE_FIELDS = evidence.EDITABLE_FIELDS
LIST_HINT = "No evidence yet.\nAdd a source (Ctrl+E), paste a link or a screenshot (Ctrl+V), or drop files here."
STRIP_HINT = "No attachments. Paste a screenshot or drop files here."


def _button(text: str, tip: str, slot, name: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setToolTip(tip)
    button.setObjectName(name)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.clicked.connect(lambda _=False: slot())
    return button


class EvidencePanel(QWidget):
    """Shows one claim's evidence and turns the reviewer's actions into undoable commands."""

    countChanged = Signal(int)

    def __init__(self, qt_workspace=None, parent=None):
        super().__init__(parent)
        self.qt = None  # the QtWorkspace: signals, and actions with refusals reported
        self.claim_id: str | None = None
        self.rows: list[dict] = []
        self.dialog = None  # the open add/edit dialog or claim chooser, if any
        self._temp: tempfile.TemporaryDirectory | None = None
        self.list = EvidenceList()
        self.list.hint = LIST_HINT
        self.list.currentRowChanged.connect(lambda _: self._selection_changed())
        self.list.itemDoubleClicked.connect(lambda _: self.edit_evidence())
        self.list.removeRequested.connect(self.remove_evidence)
        self.list.editRequested.connect(self.edit_evidence)
        self.list.moveRequested.connect(self.move_evidence)
        self.list.pasteRequested.connect(self.paste)
        self.list.filesDropped.connect(lambda paths, row: self.attach_paths(paths, self._id_at(row)))
        self.list.linkDropped.connect(lambda url: self.add_evidence({"url": url}))
        self.list.itemDelegate().linkClicked.connect(self.open_link)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.add_button = _button("Add…", "Add evidence to this claim (Ctrl+E)", self.add_evidence, "addEvidence")
        self.edit_button = _button("Edit…", "Edit the selected evidence (Enter or double-click)",
                                   self.edit_evidence, "editEvidence")
        self.remove_button = _button("Remove", "Remove the selected evidence (Delete; undo brings it back)",
                                     self.remove_evidence, "removeEvidence")
        self.up_button = _button("↑", "Move the selected evidence up (Alt+Up)", lambda: self.move_evidence(-1),
                                 "moveEvidenceUp")
        self.down_button = _button("↓", "Move the selected evidence down (Alt+Down)", lambda: self.move_evidence(1),
                                   "moveEvidenceDown")
        self.copy_button = _button("Copy to…", "Copy the selected evidence to another claim of this article",
                                   self.copy_to_claim, "copyEvidence")
        self.strip = AttachmentStrip()
        self.strip.hint = STRIP_HINT
        self.strip.currentRowChanged.connect(lambda _: self._update_buttons())
        self.strip.itemDoubleClicked.connect(lambda _: self.open_attachment())
        self.strip.openRequested.connect(self.open_attachment)
        self.strip.removeRequested.connect(self.remove_attachment)
        self.strip.filesDropped.connect(lambda paths, _row: self.attach_paths(paths, self.current_id()))
        self.attach_button = _button("Attach…", "Attach files to the selected evidence (or to a new item)",
                                     self.attach_files_dialog, "attachFiles")
        self.open_button = _button("Open", "Open the attachment with the system's viewer (Enter)",
                                   self.open_attachment, "openAttachment")
        self.save_button = _button("Save…", "Save the attachment into a folder", self.save_attachment_dialog,
                                   "saveAttachment")
        self.remove_attachment_button = _button("Remove", "Remove the attachment (Delete; undo brings it back)",
                                                self.remove_attachment, "removeAttachment")
        self.attachments_label = QLabel("Attachments")
        top = QHBoxLayout()
        top.setSpacing(2)
        for button in (self.add_button, self.edit_button, self.remove_button, self.up_button, self.down_button,
                       self.copy_button):
            top.addWidget(button)
        top.addStretch(1)
        files_row = QHBoxLayout()
        files_row.setSpacing(2)
        files_row.addWidget(self.attachments_label)
        files_row.addStretch(1)
        for button in (self.attach_button, self.open_button, self.save_button, self.remove_attachment_button):
            files_row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.list, 1)
        layout.addLayout(files_row)
        layout.addWidget(self.strip)
        self.set_workspace(qt_workspace)

    # -- what is shown ------------------------------------------------------------------------

    @property
    def workspace(self):
        """The open database's Workspace, or None."""
        return self.qt.workspace if self.qt is not None else None

    def set_workspace(self, qt_workspace) -> None:
        """Follow another open database (or none)."""
        if self.qt is not None:
            self.qt.evidenceChanged.disconnect(self._evidence_changed)
        self.qt = qt_workspace
        if qt_workspace is not None:
            qt_workspace.evidenceChanged.connect(self._evidence_changed)
        self.claim_id = None
        self._show_rows(self._read())

    def show_claim(self, claim_id: str | None) -> None:
        """Show the evidence of a claim (or none); showing the same claim again does nothing."""
        if claim_id == self.claim_id:
            return
        self.claim_id = claim_id
        self._show_rows(self._read())

    def _read(self) -> list[dict]:
        return self.workspace.evidence_for(self.claim_id) if self.workspace is not None and self.claim_id else []

    def _evidence_changed(self, event) -> None:
        if event.claim_id == self.claim_id:
            self._show_rows(event.items, self.current_id())

    def _show_rows(self, rows: list[dict], select: str | None = None) -> None:
        self.rows = rows
        attachment = self.current_attachment()
        keep_attachment = attachment["id"] if attachment else None
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.rows:
            item = QListWidgetItem()
            item.setData(EvidenceRole, row)
            item.setToolTip(_tooltip(row))
            self.list.addItem(item)
        ids = [row["id"] for row in self.rows]
        self.list.setCurrentRow(ids.index(select) if select in ids else -1)
        self.list.blockSignals(False)
        self._show_attachments(keep_attachment)
        self.setEnabled(self.claim_id is not None)
        self.countChanged.emit(len(self.rows))

    def _selection_changed(self) -> None:
        self._show_attachments(None)

    def _show_attachments(self, select: str | None) -> None:
        row = self.current()
        self.strip.clear()
        self.strip.hint = STRIP_HINT if row else "Select evidence to see its attachments."
        for attachment in row["attachments"] if row else ():
            self.strip.addItem(self._attachment_item(attachment))
            if attachment["id"] == select:
                self.strip.setCurrentRow(self.strip.count() - 1)
        self.attachments_label.setText(f"Attachments ({len(row['attachments'])})" if row else "Attachments")
        self.strip.fit_height()
        self.strip.viewport().update()
        self._update_buttons()

    def _attachment_item(self, attachment: dict) -> QListWidgetItem:
        pixmap = None
        if (attachment["media_type"] or "").startswith("image/"):
            pixmap = thumbnail(attachment["sha256"],
                               lambda: self.workspace.attachment_bytes(attachment["id"]))
        shown = evidence.display_name(attachment["filename"])  # never a name that hides its real extension
        name = self.strip.fontMetrics().elidedText(shown, Qt.TextElideMode.ElideMiddle, self.strip.gridSize().width() - 8)
        item = QListWidgetItem(f"{name}\n{human_size(attachment['size'])}")
        item.setIcon(pixmap if pixmap is not None else file_icon(attachment["media_type"], self.style()))
        item.setData(AttachmentRole, attachment)
        item.setToolTip(safe.tooltip(f"{shown}\n{attachment['media_type']}, "
                                     f"{human_size(attachment['size'])}\nSHA-256 {attachment['sha256'][:16]}…"))
        return item

    def _update_buttons(self) -> None:
        index = self.list.currentRow()
        has = index >= 0
        for button in (self.edit_button, self.remove_button, self.copy_button):
            button.setEnabled(has)
        self.up_button.setEnabled(has and index > 0)
        self.down_button.setEnabled(has and index < len(self.rows) - 1)
        chosen = self.strip.currentItem() is not None
        for button in (self.open_button, self.save_button, self.remove_attachment_button):
            button.setEnabled(chosen)

    def current(self) -> dict | None:
        """The selected evidence row, or None."""
        item = self.list.currentItem()
        return item.data(EvidenceRole) if item else None

    def current_id(self) -> str | None:
        """The id of the selected evidence, or None."""
        row = self.current()
        return row["id"] if row else None

    def current_attachment(self) -> dict | None:
        """The selected attachment row, or None."""
        item = self.strip.currentItem()
        return item.data(AttachmentRole) if item else None

    def select_evidence(self, evidence_id: str | None) -> None:
        """Make an evidence item the selected one."""
        ids = [row["id"] for row in self.rows]
        if evidence_id in ids:
            self.list.setCurrentRow(ids.index(evidence_id))

    def _id_at(self, row: int) -> str | None:
        return self.rows[row]["id"] if 0 <= row < len(self.rows) else None

    # -- evidence items ----------------------------------------------------------------------

    def add_evidence(self, prefill: dict | None = None) -> EvidenceDialog | None:
        """Open the Add Evidence dialog (non-blocking); OK adds the item to the claim."""
        if not self.claim_id or self.workspace is None:
            self._status("Select a claim first (click a highlight or press N).")
            return None
        claim_id = self.claim_id
        dialog = EvidenceDialog(self.workspace.known_sources, self, values=prefill)
        dialog.accepted.connect(lambda: self._added(claim_id, dialog.values()))
        return self._open(dialog)

    def _added(self, claim_id: str, values: dict) -> None:
        self.select_evidence(self.qt.act(self.workspace.add_evidence, claim_id, values))

    def edit_evidence(self) -> EvidenceDialog | None:
        """Open the selected item in the Edit Evidence dialog (non-blocking)."""
        row = self.current()
        if row is None:
            return None
        dialog = EvidenceDialog(self.workspace.known_sources, self, values=row, editing=True)
        old = {k: row[k] for k in EVIDENCE_FIELDS}
        dialog.accepted.connect(lambda: self._edited(row["id"], old, dialog.values()))
        return self._open(dialog)

    def _edited(self, evidence_id: str, old: dict, new: dict) -> None:
        self.qt.attempt(self.workspace.edit_evidence, evidence_id, old, new)

    def remove_evidence(self) -> None:
        """Remove the selected item; the next one becomes selected. Undo brings it back."""
        index = self.list.currentRow()
        if index < 0:
            return
        following = self._id_at(index + 1) or self._id_at(index - 1)
        if self.qt.attempt(self.workspace.remove_evidence, self.rows[index]["id"]):
            self.select_evidence(following)
            self._status("Evidence removed. Undo (Ctrl+Z) brings it back.")

    def move_evidence(self, step: int) -> None:
        """Move the selected item up (-1) or down (+1)."""
        index = self.list.currentRow()
        target = index + step
        if index < 0 or not 0 <= target < len(self.rows):
            return
        self.qt.attempt(self.workspace.move_evidence, self.rows[index]["id"], index, target)

    def copy_to_claim(self) -> ClaimChooser | None:
        """Choose a claim of this or another article and copy the selected item (with attachments) to it."""
        row = self.current()
        if row is None:
            return None
        workspace = self.workspace
        dialog = ClaimChooser(workspace.list_articles(), workspace.article.id, workspace.numbered_claims,
                              self.claim_id, self)
        dialog.accepted.connect(lambda: self._copy(row, dialog.chosen()))
        return self._open(dialog)

    def _copy(self, row: dict, target: dict | None) -> None:
        if not target:
            return
        stance = self._stance_for(row, target)
        if stance is None:
            return
        copy_id = self.qt.act(self.workspace.copy_evidence, row["id"], target["id"], stance=stance)
        if copy_id:
            note = "" if stance == row["stance"] else f" as “{STANCE_LABELS[stance]}”"
            self._status(f"Evidence copied to claim #{self.workspace.claim_number(target['id'])}{note}.")

    def _stance_for(self, row: dict, target: dict) -> str | None:
        """The stance the copy gets: asked when it would contradict the target claim's verdict."""
        clash = {("refutes", VERIFIED), ("supports", DISPUTED)}
        if (row["stance"], target["verdict"]) not in clash:
            return row["stance"]
        box = QMessageBox(QMessageBox.Icon.Question, "Copy evidence",
                          f"This source {STANCE_LABELS[row['stance']].lower()} its claim, but the claim you copy it "
                          f"to is {LABELS[target['verdict']].lower()}. How should it stand there?", parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        keep = box.addButton(f"Keep “{STANCE_LABELS[row['stance']]}”", QMessageBox.ButtonRole.AcceptRole)
        context = box.addButton("As “Gives context”", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(context)
        self.dialog = box
        box.exec()
        self.dialog = None
        return row["stance"] if box.clickedButton() is keep else "context" if box.clickedButton() is context else None

    def open_link(self, url: str) -> None:
        """Open an evidence item's address in the browser (web and mail links only)."""
        refusal = safe.open_link(url)
        if refusal:
            self.qt.failed.emit(f"Not opened: {refusal}")

    # -- attachments -------------------------------------------------------------------------

    def attach_paths(self, paths: list[str], evidence_id: str | None) -> bool:
        """Attach files to an item, or to a new item titled by the file names; refusals are reported."""
        if not paths or not self.claim_id or self.workspace is None:
            return False
        if evidence_id:
            done = self.qt.act(self.workspace.attach, evidence_id, files=paths) is not None
        else:
            names = ", ".join(Path(p).name for p in paths)
            evidence_id = self.qt.act(self.workspace.add_evidence, self.claim_id, {"title": names[:200]},
                                      files=paths, text="Add evidence from files")
            done = evidence_id is not None
        if done:
            self.select_evidence(evidence_id)
        return done

    def attach_files_dialog(self) -> None:
        """Pick files to attach to the selected item (or a new one)."""
        paths, _ = QFileDialog.getOpenFileNames(self, "Attach files", str(last_folder("attachments")))
        if paths:
            remember_folder("attachments", paths[0])
            self.attach_paths(paths, self.current_id())

    def paste(self) -> None:
        """Ctrl+V on the list: files or an image are attached; a link or text opens the Add dialog."""
        if not self.claim_id or self.workspace is None:
            return
        mime = QGuiApplication.clipboard().mimeData()
        paths = local_paths(mime)
        if paths:
            self.attach_paths(paths, self.current_id())
        elif mime.hasImage():
            self.paste_image(QGuiApplication.clipboard().image())
        elif mime.hasText() and mime.text().strip():
            text = mime.text().strip()
            self.add_evidence({"url": text} if _looks_like_url(text) else {"excerpt": text})

    def paste_image(self, image) -> bool:
        """Attach an image as PNG to the selected item, or to a new "Screenshot <date time>" item."""
        if image.isNull():
            return False
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        data = bytes(buffer.data())
        now = datetime.datetime.now()
        name = f"Screenshot {now:%Y-%m-%d %H.%M.%S}.png"
        target = self.current_id()
        if target:
            done = self.qt.act(self.workspace.attach, target, blobs=[(data, name)], text="Paste image") is not None
        else:
            target = self.qt.act(self.workspace.add_evidence, self.claim_id,
                                 {"title": f"Screenshot {now:%Y-%m-%d %H:%M}"}, blobs=[(data, name)],
                                 text="Paste screenshot")
            done = target is not None
        if done:
            self.select_evidence(target)
        return done

    def open_attachment(self) -> Path | None:
        """Open a picture, PDF or text attachment with the system viewer, from a private temporary copy.

        Anything else (a program, a script, a document with macros) could run: it is never launched;
        the reviewer is offered to save it instead.
        """
        attachment = self.current_attachment()
        if attachment is None:
            return None
        data = self.qt.act(self.workspace.attachment_bytes, attachment["id"])
        if data is None:
            return None
        name = evidence.display_name(attachment["filename"])
        if not safe.viewable(attachment["filename"], data):
            self._status(f"“{name}” is not a picture, PDF or text file: it is not opened here, only saved.")
            return self.save_attachment_dialog()
        if self._temp is None:
            self._temp = tempfile.TemporaryDirectory(prefix="workbench-attachments-", ignore_cleanup_errors=True)
        folder = Path(self._temp.name) / attachment["id"]
        existing = sorted(folder.iterdir()) if folder.is_dir() else []
        if existing:
            path = existing[0]
        else:
            folder.mkdir(exist_ok=True)
            path = self.qt.act(self.workspace.save_attachment, attachment["id"], folder)
            if path is None:
                return None
        if not safe.open_file(path):
            self.qt.failed.emit(f"{name}: no program here opens {attachment['media_type']} files; "
                                "use Save… and open it yourself")
        return path

    def remove_opened_files(self) -> None:
        """Delete the private copies of opened attachments (the window is closing)."""
        if self._temp is not None:
            self._temp.cleanup()
            self._temp = None

    def save_attachment_dialog(self) -> Path | None:
        """Ask for a folder and save the selected attachment in it, under a name that cannot leave it."""
        attachment = self.current_attachment()
        if attachment is None:
            return None
        folder = QFileDialog.getExistingDirectory(self, "Save attachment into folder", str(last_folder("saved")))
        if not folder:
            return None
        remember_folder("saved", folder)
        path = self.qt.act(self.workspace.save_attachment, attachment["id"], folder)
        if path is not None:
            self._status(f"Saved {path}")
        return path

    def remove_attachment(self) -> None:
        """Remove the selected attachment; undo brings it back."""
        attachment = self.current_attachment()
        if attachment and self.qt.attempt(self.workspace.remove_attachment, attachment["id"]):
            self._status(f"Removed {evidence.display_name(attachment['filename'])}. Undo (Ctrl+Z) brings it back.")

    # -- small helpers ---------------------------------------------------------------------

    def _open(self, dialog):
        self.dialog = dialog
        dialog.finished.connect(lambda _: self._closed(dialog))
        dialog.open()
        return dialog

    def _closed(self, dialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _context_menu(self, pos) -> None:
        row = self.current()
        menu = QMenu(self)
        menu.addAction("Add Evidence…", self.add_evidence)
        if row:
            menu.addAction("Edit…", self.edit_evidence)
            if row["url"]:
                menu.addAction("Open Link", lambda: self.open_link(row["url"]))
                menu.addAction("Copy Link", lambda: QGuiApplication.clipboard().setText(row["url"]))
            menu.addAction("Copy to Claim…", self.copy_to_claim)
            menu.addSeparator()
            menu.addAction("Move Up", lambda: self.move_evidence(-1)).setEnabled(self.up_button.isEnabled())
            menu.addAction("Move Down", lambda: self.move_evidence(1)).setEnabled(self.down_button.isEnabled())
            menu.addSeparator()
            menu.addAction("Remove", self.remove_evidence)
        menu.addSeparator()
        menu.addAction("Paste", QKeySequence(QKeySequence.StandardKey.Paste), self.paste)
        menu.exec(self.list.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def _status(self, message: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, STATUS_MS)


def _looks_like_url(text: str) -> bool:
    if any(ch.isspace() for ch in text):
        return False
    try:
        return evidence.check_url(text).startswith(("http://", "https://"))
    except WorkbenchError:
        return False


def _tooltip(row: dict) -> str:
    parts = [f"<b>{html.escape(evidence_heading(row))}</b>"]
    if row["url"]:
        parts.append(html.escape(row["url"]))
    parts.append(html.escape(meta_line({**row, "accessed_on": ""})))
    if row["accessed_on"]:
        parts.append(f"Accessed on {html.escape(row['accessed_on'])}")
    if row["excerpt"]:
        excerpt = row["excerpt"] if len(row["excerpt"]) <= 400 else row["excerpt"][:399] + "…"
        parts.append(f"<i>“{html.escape(excerpt)}”</i>")
    if row["note"]:
        parts.append(html.escape(first_line(row["note"])))
    return "<qt>" + "<br>".join(parts) + "</qt>"
