"""The current claim in detail: verdict buttons, who made it, a rationale autosaved as you type, its evidence and history."""

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QMenu, QPlainTextEdit,
                               QPushButton, QTabWidget, QToolButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from ui import safe, theme
from ui.evidence_panel import EvidencePanel
from ui.wording_view import WordingPanel
from workbench.errors import WorkbenchError
from workbench.verdicts import JUDGED, LABELS, VERDICTS

AUTOSAVE_MS = 400
RETRY_MS = 1500  # a refused save (the database busy) is tried again this often
VERDICT_KEYS = {"pending": "0", "verified": "1", "disputed": "2", "unverifiable": "3"}


class WindowUndo:
    """For an editor whose undo and redo belong to the window's undo stack, not its own."""

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)):
            event.ignore()  # let the window's Undo/Redo actions take the key
            return False
        return super().event(event)


class RationaleEdit(WindowUndo, QPlainTextEdit):
    """A plain-text Markdown editor whose undo and redo belong to the window's undo stack."""


class ClaimantEdit(WindowUndo, QLineEdit):
    """Who made the claim, in one line whose undo and redo belong to the window's undo stack."""


class ClaimDetail(QWidget):
    """Shows one claim; saves its rationale and claimant, emits verdict changes (its evidence panel pushes its own commands)."""

    verdictRequested = Signal(str, str)  # claim id, verdict
    settleRequested = Signal(list, str)  # claim ids of a disagreement, the settled verdict

    def __init__(self, parent=None):
        super().__init__(parent)
        self.claim: dict | None = None
        self._saved_rationale = ""
        # Set by the window: save a rationale or claimant (claim id, text), or raise WorkbenchError;
        # and who made a claim when no one is recorded (claim id -> its article's author).
        self.save_rationale = self.save_claimant = None
        self.claimant_default = None
        self._unsaved: dict[tuple[str, str], str] = {}  # ("rationale"|"claimant", claim id) -> text still owed
        self.heading = QLabel("No claim selected")
        self.heading.setObjectName("claimHeading")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QButtonGroup(self)
        self._swatch_palette = None  # the palette the verdict buttons' swatches were drawn for
        self.buttons.setExclusive(True)
        row = self.verdict_row = QGridLayout()
        row.setHorizontalSpacing(4)
        row.setVerticalSpacing(4)
        for verdict in VERDICTS:
            button = QPushButton(f"{LABELS[verdict]}  {VERDICT_KEYS[verdict]}")
            button.setObjectName(f"verdict_{verdict}")
            button.setCheckable(True)
            button.setToolTip(f"Mark the claim {LABELS[verdict].lower()} (key {VERDICT_KEYS[verdict]})")
            button.clicked.connect(lambda _=False, v=verdict: self._request_verdict(v))
            self.buttons.addButton(button)
            row.addWidget(button, 0, row.count())
        self.rationale = RationaleEdit()
        self.rationale.setObjectName("rationale")
        self.rationale.setUndoRedoEnabled(False)
        self.rationale.setTabChangesFocus(True)  # Tab moves on, as everywhere else in the window
        self.rationale.setPlaceholderText("Why this verdict? Markdown is fine. Saved as you type.")
        self.rationale.textChanged.connect(self._rationale_typed)
        # Two lines at least (it scrolls): with the claimant row the window is no taller than before.
        self.rationale.setMinimumHeight(self.rationale.fontMetrics().lineSpacing() * 2 + 10)
        self.claimant = ClaimantEdit()
        self.claimant.setObjectName("claimant")
        self.claimant.editingFinished.connect(self.flush)  # Enter or leaving the field: one undo step
        self.saved = QLabel()
        self.saved.setObjectName("savedState")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_MS)
        self._timer.timeout.connect(self._flush_typing)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._flush_typing)
        self.disagreement = QFrame()
        self.disagreement.setObjectName("disagreement")
        self.disagreement.setFrameShape(QFrame.Shape.StyledPanel)
        self.disagreement_text = QLabel()
        self.disagreement_text.setTextFormat(Qt.TextFormat.PlainText)
        self.disagreement_text.setWordWrap(True)
        self.settle = QToolButton()
        self.settle.setObjectName("settle")
        self.settle.setText("Settle as…")
        self.settle.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        settle_menu = QMenu(self.settle)
        for verdict in JUDGED:
            settle_menu.addAction(LABELS[verdict], lambda v=verdict: self._request_settle(v))
        self.settle.setMenu(settle_menu)
        banner = QHBoxLayout(self.disagreement)
        banner.setContentsMargins(6, 4, 6, 4)
        banner.addWidget(self.disagreement_text, 1)
        banner.addWidget(self.settle)
        self.disagreement.hide()
        self._disagreeing: list[str] = []
        self.history = QTreeWidget()
        self.history.setObjectName("history")
        self.history.setHeaderLabels(["When (UTC)", "Who", "Change"])
        self.history.setRootIsDecorated(False)
        self.evidence = EvidencePanel()
        self.evidence.countChanged.connect(self._evidence_count)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("detailTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.evidence, "Evidence")
        self.tabs.addTab(self.history, "History")  # short: three tabs fit the panel at 1024 pixels
        # What acts on a claim is disabled while no claim is shown (_enable); the heading stays
        # readable ("No claim selected"), and so do the tabs (Checked Before may show a sentence).
        self.controls = QWidget()
        controls = QVBoxLayout(self.controls)
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addLayout(row)
        controls.addWidget(self.disagreement)
        self.wording = WordingPanel()  # a carried claim's old and new wording (the window fills it)
        controls.addWidget(self.wording)
        claimant_row = QHBoxLayout()
        claimant_label = QLabel("Claim made &by")
        claimant_label.setBuddy(self.claimant)
        claimant_row.addWidget(claimant_label)
        claimant_row.addWidget(self.claimant, 1)
        controls.addLayout(claimant_row)
        rationale_head = QHBoxLayout()
        rationale_head.addWidget(QLabel("Rationale"))
        rationale_head.addStretch(1)
        rationale_head.addWidget(self.saved)
        controls.addLayout(rationale_head)
        controls.addWidget(self.rationale, 1)
        controls.addWidget(self.tabs, 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.controls, 1)
        self._enable(False)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._lay_out_verdicts()

    def _lay_out_verdicts(self) -> None:
        """Four verdict buttons in one row when they fit the panel's width, else two rows of two."""
        buttons = self.buttons.buttons()
        needed = sum(b.sizeHint().width() for b in buttons) + self.verdict_row.horizontalSpacing() * 3
        columns = 4 if needed <= self.width() else 2
        if self.verdict_row.columnCount() == columns and self.verdict_row.rowCount() == 4 // columns:
            return
        for number, button in enumerate(buttons):
            self.verdict_row.removeWidget(button)
            self.verdict_row.addWidget(button, number // columns, number % columns)

    def show_claim(self, claim: dict | None, number: int | None = None) -> None:
        """Show a claim (or none); unsaved typing for the previous claim is saved first."""
        if self.claim and (claim is None or claim["id"] != self.claim["id"]):
            self.flush()
        same = claim is not None and self.claim is not None and claim["id"] == self.claim["id"]
        self.claim = claim
        self._enable(claim is not None)
        self.evidence.show_claim(claim["id"] if claim else None)
        self._show_claimant(claim, same)
        if claim is None:
            self.heading.setText("No claim selected")
            self._set_rationale_text("")
            self.history.clear()
            for button in self.buttons.buttons():
                button.setChecked(False)
            return
        quote = " ".join(claim["quote"].split())
        self.heading.setText(f"Claim {number}: “{quote}”" if number else f"“{quote}”")
        self._show_swatches()
        for button, verdict in zip(self.buttons.buttons(), VERDICTS):
            button.setChecked(verdict == claim["verdict"])
        # Keep what the reviewer is typing when the row changes under them (autosave echo),
        # and text a refused save still owes.
        if ("rationale", claim["id"]) in self._unsaved:
            if not same:
                self._set_rationale_text(self._unsaved[("rationale", claim["id"])], saved=claim["rationale"] or "")
        elif not same or (not self._timer.isActive() and claim["rationale"] != self.rationale.toPlainText()):
            self._set_rationale_text(claim["rationale"] or "")

    def _show_swatches(self) -> None:
        """Each verdict button's colour, drawn again only when the palette changed (a new icon repaints the button)."""
        palette = self.palette()
        if palette.cacheKey() != self._swatch_palette:
            self._swatch_palette = palette.cacheKey()
            for button, verdict in zip(self.buttons.buttons(), VERDICTS):
                button.setIcon(theme.swatch(verdict, palette))

    def _enable(self, enabled: bool) -> None:
        """Enable what acts on a claim; the tabs stay usable (a tab may show what is no claim yet)."""
        for widget in (*self.buttons.buttons(), self.disagreement, self.claimant, self.rationale, self.evidence,
                       self.history):
            widget.setEnabled(enabled)

    def _show_claimant(self, claim: dict | None, same: bool) -> None:
        """The claimant recorded (the article's author as placeholder), unless the reviewer is editing it."""
        if claim is None:
            self.claimant.setText("")
            self.claimant.setPlaceholderText("")
            return
        default = self.claimant_default(claim["id"]) if self.claimant_default else ""
        self.claimant.setPlaceholderText(f"{default} (the author)" if default else "A person or organisation")
        self.claimant.setToolTip(safe.tooltip(
            "Who made the claim, a person or an organisation (ClaimReview names them). Left empty, it is "
            + (f"the article's author, {default}." if default else "the article's author (the article names none).")))
        owed = self._unsaved.get(("claimant", claim["id"]))
        if owed is not None and not same:
            self.claimant.setText(owed)
            self.claimant.setModified(True)
        elif not (same and self.claimant.isModified()):
            self.claimant.setText(claim.get("claimant") or "")

    def article_changed(self) -> None:
        """The article's details were corrected: show its author (the default claimant) afresh."""
        self._show_claimant(self.claim, same=True)

    def show_history(self, entries: list[dict]) -> None:
        """List verdict changes, newest first."""
        self.history.clear()
        for entry in reversed(entries):
            when = entry["created_at"][:19].replace("T", " ")
            change = f"{LABELS[entry['from_verdict']]} → {LABELS[entry['to_verdict']]}"
            if entry.get("note"):
                change += f" ({entry['note']})"
            self.history.addTopLevelItem(QTreeWidgetItem([when, entry["reviewer"] or "?", change]))
        self.history.resizeColumnToContents(0)

    def show_disagreement(self, claim_ids: list[str], summary: str) -> None:
        """Show who said what when reviewers disagree on this claim's text (none: hide)."""
        self._disagreeing = list(claim_ids)
        self.disagreement.setVisible(bool(claim_ids))
        self.disagreement_text.setText(f"⚑ Reviewers disagree — {summary}" if claim_ids else "")

    def _request_settle(self, verdict: str) -> None:
        if self._disagreeing:
            self.settleRequested.emit(self._disagreeing, verdict)

    def _evidence_count(self, count: int) -> None:
        self.tabs.setTabText(0, f"Evidence ({count})" if self.claim else "Evidence")

    def _set_rationale_text(self, text: str, saved: str | None = None) -> None:
        self._timer.stop()
        self._saved_rationale = text if saved is None else saved
        self.rationale.blockSignals(True)
        self.rationale.setPlainText(text)
        self.rationale.blockSignals(False)
        self._show_save_state(flushed=False)

    def _request_verdict(self, verdict: str) -> None:
        if self.claim:
            self.verdictRequested.emit(self.claim["id"], verdict)

    def _rationale_typed(self) -> None:
        self.saved.setText("Editing…")
        self._timer.start()

    def _flush_typing(self) -> bool:
        """Save the rationale typed so far; a claimant still being edited waits for its edit to end."""
        return self.flush(claimant=False)

    def flush(self, claimant: bool = True) -> bool:
        """Save what was typed now (the debounce timer, the claimant's edit ending, a claim change,
        undo, quit); False if a save was refused.

        A refused save (the database busy, the disk full) keeps the text here, says so, and is
        tried again; it is never reported as saved.
        """
        self._timer.stop()
        if self.claim:
            claim_id = self.claim["id"]
            text = self.rationale.toPlainText()
            if text != self._saved_rationale or ("rationale", claim_id) in self._unsaved:
                self._unsaved[("rationale", claim_id)] = text
            if claimant and self.claimant.isModified():
                self._unsaved[("claimant", claim_id)] = self.claimant.text()
        error = None
        for (field, claim_id), text in list(self._unsaved.items()):
            try:
                (self.save_rationale if field == "rationale" else self.save_claimant)(claim_id, text)
            except WorkbenchError as refused:
                error = refused
                continue
            del self._unsaved[(field, claim_id)]
            if self.claim and claim_id == self.claim["id"]:
                if field == "rationale":
                    self._saved_rationale = text
                elif self.claimant.text() == text:  # show it as stored (white space collapsed)
                    self.claimant.setText(self.claim.get("claimant") or "")
        if self._unsaved:
            self._retry.start()
        self._show_save_state(error)
        return not self._unsaved

    def unsaved(self) -> dict[tuple[str, str], str]:
        """What was typed but not saved yet: ("rationale" or "claimant", claim id) -> text."""
        return dict(self._unsaved)

    def _show_save_state(self, error: Exception | None = None, *, flushed: bool = True) -> None:
        if self._unsaved:
            self.saved.setText("Not saved: will retry")
            self.saved.setToolTip(safe.tooltip(str(error)) if error else "")
            return
        self.saved.setText("Saved" if flushed and self.claim else "")
        self.saved.setToolTip("")
