"""The main window: article list, reader and claims panel, wired to one Session."""

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QApplication, QInputDialog, QLabel, QMainWindow, QMessageBox, QSplitter,
                               QVBoxLayout, QWidget)

from ui import commands, menus, palette
from ui.article_list import ArticleList, source_line
from ui.article_view import ArticleView
from ui.claim_detail import ClaimDetail
from ui.claims_panel import ClaimsPanel
from ui.files import FileActions
from ui.search_dialog import SearchDialog
from ui.session import Session
from workbench import articles, claims, evidence
from workbench.disagreements import Disagreement, find_disagreements
from workbench.verdicts import VERDICTS

STATUS_MS = 6000


def display_path(path: Path) -> str:
    """A path as people read it: under the home folder it starts with ~."""
    try:
        return "~/" + str(path.resolve().relative_to(Path.home().resolve()))
    except ValueError:
        return str(path)


class MainWindow(QMainWindow):
    """The window a fact-checker spends the day in."""

    def __init__(self, session: Session):
        super().__init__()
        self.session: Session | None = None
        self.article: dict | None = None
        self.current_claim: str | None = None
        self.disagreements: dict[str, Disagreement] = {}  # claim id -> its disagreement, on screen
        self.reviewers_on_screen: Counter = Counter()  # reviewer id -> claims of theirs on screen
        self.setWindowTitle("Fact-check Workbench")
        self.setAcceptDrops(True)
        self._build_layout()
        self.files = FileActions(self)
        self.actions_ = menus.build(self)
        self.search_dialog: SearchDialog | None = None
        self.db_label = QLabel()
        self.reviewer_label = QLabel()
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.reviewer_label)
        self.set_session(session)
        self._restore_geometry()

    # -- layout ------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.article_list = ArticleList()
        self.article_list.selectionModel().currentChanged.connect(
            lambda current, _: self.open_article(current.data(Qt.ItemDataRole.UserRole + 1)) if current.isValid() else None)
        self.title = QLabel()
        self.title.setObjectName("articleTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.45)
        font.setBold(True)
        self.title.setFont(font)
        self.meta = QLabel()
        self.meta.setObjectName("articleMeta")
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setWordWrap(True)
        self.reader = ArticleView()
        self.reader.claimClicked.connect(self.select_claim)
        reader_box = QWidget()
        reader_layout = QVBoxLayout(reader_box)
        reader_layout.setContentsMargins(8, 8, 8, 0)
        reader_layout.addWidget(self.title)
        reader_layout.addWidget(self.meta)
        reader_layout.addWidget(self.reader, 1)
        self.claims_panel = ClaimsPanel()
        self.claims_panel.claimSelected.connect(self.select_claim)
        self.detail = ClaimDetail()
        self.detail.verdictRequested.connect(
            lambda cid, v: self.session.push(commands.SetVerdict(self.session, cid, v)))
        self.detail.settleRequested.connect(
            lambda ids, v: self.session.push(commands.SettleDisagreement(self.session, ids, v)))
        self.detail.rationaleEdited.connect(
            lambda cid, old, new: self.session.push(commands.SetRationale(self.session, cid, old, new)))
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.claims_panel)
        right.addWidget(self.detail)
        right.setSizes([230, 570])  # the detail holds the rationale, evidence and history
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.article_list)
        self.splitter.addWidget(reader_box)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 640, 380])
        self.setCentralWidget(self.splitter)

    def session_undo_action(self, which: str):
        """The Undo or Redo action, following whichever session is open."""
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction("&Undo" if which == "undo" else "&Redo", self)
        action.setObjectName(which)
        key = QKeySequence.StandardKey.Undo if which == "undo" else QKeySequence.StandardKey.Redo
        action.setShortcuts([QKeySequence(key)] + ([QKeySequence("Ctrl+Shift+Z")] if which == "redo" else []))
        action.triggered.connect(lambda: self._undo_redo(which))
        return action

    def _undo_text(self, text: str) -> None:
        self.actions_["undo"].setText(f"&Undo {text}".strip())

    def _redo_text(self, text: str) -> None:
        self.actions_["redo"].setText(f"&Redo {text}".strip())

    def _undo_redo(self, which: str) -> None:
        self.detail.flush()
        stack = self.session.undo_stack
        (stack.undo if which == "undo" else stack.redo)()

    # -- the session ---------------------------------------------------------------------

    def set_session(self, session: Session) -> None:
        """Show another open database (the previous session is closed)."""
        if self.session is not None:
            self.detail.flush()
            self.session.close()
        self.session = session
        session.setParent(self)
        session.articlesChanged.connect(self.refresh_articles)
        session.claimsChanged.connect(self._claims_changed)
        session.historyChanged.connect(self._history_changed)
        session.failed.connect(self.show_error)
        session.evidenceChanged.connect(self._evidence_changed)
        self.detail.evidence.set_session(session)
        stack = session.undo_stack
        stack.canUndoChanged.connect(self.actions_["undo"].setEnabled)
        stack.canRedoChanged.connect(self.actions_["redo"].setEnabled)
        stack.undoTextChanged.connect(self._undo_text)
        stack.redoTextChanged.connect(self._redo_text)
        self.actions_["undo"].setEnabled(False)
        self.actions_["redo"].setEnabled(False)
        self.db_label.setText(display_path(session.store.path))
        self.db_label.setToolTip(str(session.store.path))
        self.reviewer_label.setText(f"Reviewer: {session.reviewer_name}")
        self.setWindowTitle(f"{session.store.path.name} — Fact-check Workbench")
        self.files.remember_recent(session.store.path)
        self.article = None
        self.refresh_articles()
        rows = self.article_list.model_.rows
        last = QSettings().value(f"lastArticle/{session.store.database_id}")
        if rows:
            target = last if any(r["id"] == last for r in rows) else rows[0]["id"]
            self.article_list.select_article(target)
        else:
            self.open_article(None)

    def refresh_articles(self) -> None:
        """Reload the article list (titles and progress)."""
        self.article_list.model_.set_rows(articles.list_articles(self.session.store))
        if self.article:
            self.article_list.select_article(self.article["id"])

    # -- articles and claims -------------------------------------------------------------

    def open_article(self, article_id: str | None) -> None:
        """Show an article in the reader with its claims."""
        self.detail.flush()
        if article_id is None:
            self.article = None
            self.title.setText("No article")
            self.meta.setText("Import an article with File ▸ Import Articles…, or drop files here.")
            self.reader.clear_article()
            self.claims_panel.model.set_rows([])
            self.disagreements = {}
            self.select_claim(None)
            return
        if self.article and self.article["id"] == article_id:
            return
        store = self.session.store
        self.article = articles.get_article(store, article_id)
        rows = [r for r in claims.claims_for(store, article_id) if self._shown(r)]
        self.title.setText(self.article["title"])
        meta = [source_line(self.article)]
        if self.article.get("author"):
            meta.append(f"by {self.article['author']}")
        if self.article.get("url"):
            meta.append(self.article["url"])
        self.meta.setText(" · ".join(meta))
        self.current_claim = None
        self.disagreements = {}
        self.reviewers_on_screen = Counter(r["created_by"] for r in rows)
        self.reader.show_article(self.article["body"], rows)
        self.claims_panel.model.set_rows(rows, evidence.evidence_counts(store, article_id))
        self._refresh_disagreements()
        self.select_claim(None)
        self.article_list.select_article(article_id)
        QSettings().setValue(f"lastArticle/{store.database_id}", article_id)

    def _refresh_disagreements(self) -> None:
        """Find disagreements among the claims on screen; flag them in the list and the detail."""
        if len(+self.reviewers_on_screen) < 2 and not self.disagreements:
            return  # one reviewer cannot disagree with themselves: skip the sweep
        found = find_disagreements(list(self.reader.claims.values()), self.session.store.reviewer_names())
        self.disagreements = {claim_id: d for d in found for claim_id in d.claim_ids}
        self.claims_panel.model.set_disagreements({cid: d.summary() for cid, d in self.disagreements.items()})
        self._show_disagreement()

    def _show_disagreement(self) -> None:
        found = self.disagreements.get(self.current_claim) if self.current_claim else None
        self.detail.show_disagreement(list(found.claim_ids) if found else [], found.summary() if found else "")

    def select_claim(self, claim_id: str | None) -> None:
        """Make a claim current everywhere: reader frame, list row, detail."""
        row = self.reader.claims.get(claim_id) if claim_id else None
        self.current_claim = row["id"] if row else None
        self.reader.set_current_claim(self.current_claim, scroll=row is not None)
        self.claims_panel.select(self.current_claim)
        number = self.claims_panel.model.row_of(self.current_claim) if row else None
        self.detail.show_claim(row, number + 1 if number is not None else None)
        if row:
            self.detail.show_history(claims.verdict_history(self.session.store, row["id"]))
        self._show_disagreement()

    def _claims_changed(self, article_id: str, claim_ids: list) -> None:
        store = self.session.store
        if not self.article or article_id != self.article["id"]:
            counts = articles.verdict_counts(store, article_id).get(article_id)
            self.article_list.model_.set_counts(article_id, counts or dict.fromkeys(VERDICTS, 0))
            return
        changed = {}
        for claim_id in claim_ids:
            row = store.get("claims", claim_id)
            changed[claim_id] = row if row and not row["deleted_at"] and self._shown(row) else None
        for claim_id, row in changed.items():
            if claim_id in self.reader.claims:
                self.reviewers_on_screen[self.reader.claims[claim_id]["created_by"]] -= 1
            if row is not None:
                self.reviewers_on_screen[row["created_by"]] += 1
        self.reader.update_claims(changed)
        self.claims_panel.model.apply(changed)
        for claim_id, row in changed.items():  # a new or restored claim: how much evidence it has
            if row is not None and not self.claims_panel.model.has_evidence_count(claim_id):
                self.claims_panel.model.set_evidence_count(claim_id, evidence.evidence_count(store, claim_id))
        self.article_list.model_.set_counts(article_id, self.claims_panel.model.counts())
        self._refresh_disagreements()
        if self.current_claim in changed:
            row = changed[self.current_claim]
            if row is None:
                self.select_claim(None)
            else:
                number = self.claims_panel.model.row_of(row["id"])
                self.detail.show_claim(row, number + 1 if number is not None else None)

    def _evidence_changed(self, claim_id: str) -> None:
        if self.article:  # kept for deleted claims too, so that a restored claim shows the right count
            count = evidence.evidence_count(self.session.store, claim_id)
            self.claims_panel.model.set_evidence_count(claim_id, count)

    def _history_changed(self, claim_id: str) -> None:
        if claim_id == self.current_claim:
            self.detail.show_history(claims.verdict_history(self.session.store, claim_id))

    # -- claim actions (menus, toolbar, keys) ----------------------------------------------

    def mark_claim(self) -> None:
        """Make the selected text a claim (snapped to whole words) and select it."""
        selected = self.reader.selected_range() if self.article else None
        if selected is None:
            self.statusBar().showMessage("Select some text in the article first.", STATUS_MS)
            return
        command = commands.CreateClaim(self.session, self.article["id"], *selected)
        if self.session.push(command):
            self.select_claim(command.claim_id)
            self.reader.setFocus()

    def add_evidence(self) -> None:
        """Open the Add Evidence dialog for the current claim (Ctrl+E)."""
        if not self.current_claim:
            self.statusBar().showMessage("Select a claim first (click a highlight or press N).", STATUS_MS)
            return
        self.detail.flush()
        self.detail.tabs.setCurrentWidget(self.detail.evidence)
        self.detail.evidence.add_evidence()

    def set_verdict(self, verdict: str) -> None:
        """Give the current claim a verdict."""
        if not self.current_claim:
            self.statusBar().showMessage("Select a claim first (click a highlight or press N).", STATUS_MS)
            return
        self.session.push(commands.SetVerdict(self.session, self.current_claim, verdict))

    def delete_claim(self) -> None:
        """Delete the current claim; the next one becomes current."""
        if not self.current_claim:
            return
        following = self._neighbour(+1)
        if self.session.push(commands.DeleteClaim(self.session, self.current_claim)):
            self.select_claim(following)
            self.statusBar().showMessage("Claim deleted. Undo (Ctrl+Z) brings it back.", STATUS_MS)

    def next_claim(self) -> None:
        """Move to the next claim in reading order."""
        self.select_claim(self._neighbour(+1) or self.current_claim)

    def previous_claim(self) -> None:
        """Move to the previous claim in reading order."""
        self.select_claim(self._neighbour(-1) or self.current_claim)

    def _neighbour(self, step: int) -> str | None:
        ids = self.claims_panel.visible_ids()
        if not ids:
            return None
        if self.current_claim in ids:
            index = ids.index(self.current_claim) + step
            return ids[index] if 0 <= index < len(ids) else None
        caret = self.reader.offsets.to_code_point(self.reader.textCursor().position())
        rows = [self.reader.claims[i] for i in ids]
        if step > 0:
            return next((r["id"] for r in rows if r["start"] >= caret), ids[0])
        return next((r["id"] for r in reversed(rows) if r["start"] < caret), ids[-1])

    # -- other windows and settings --------------------------------------------------------

    def _shown(self, claim: dict) -> bool:
        """Whether a claim is on screen: everyone's, or only mine when the view says so."""
        return not self.actions_["only_mine"].isChecked() or claim["created_by"] == self.session.reviewer_id

    def toggle_only_mine(self) -> None:
        """Show only my claims, or everyone's."""
        self.reload()

    def reload(self) -> None:
        """Show the database afresh after a change from outside the undo stack (a merge)."""
        article_id, claim_id = (self.article["id"] if self.article else None), self.current_claim
        self.article = None
        self.refresh_articles()
        if article_id:
            self.go_to(article_id, claim_id)

    def export_report(self) -> None:
        """Open the export dialog with its live preview."""
        from ui.export_dialog import ExportDialog

        self.detail.flush()
        self.export_dialog = ExportDialog(self)
        self.export_dialog.open()

    def show_agreement(self) -> None:
        """Open the agreement panel."""
        from ui.agreement_dialog import AgreementDialog

        self.agreement_dialog = AgreementDialog(self)
        self.agreement_dialog.open()

    def show_search(self) -> None:
        """Open (or raise) the search window."""
        if self.search_dialog is None:
            self.search_dialog = SearchDialog(self)
            self.search_dialog.hitActivated.connect(self.go_to)
        self.search_dialog.show_for(self.session.store)

    def go_to(self, article_id: str, claim_id: str | None) -> None:
        """Open an article and, if given, select one of its claims."""
        self.open_article(article_id)
        self.select_claim(claim_id)

    def change_reviewer(self) -> None:
        """Ask for the reviewer's name; later work is stamped with it."""
        name, ok = QInputDialog.getText(self, "Reviewer name", "Your name, as it appears on your work:",
                                        text=self.session.reviewer_name)
        if ok and name.strip():
            QSettings().setValue("reviewer", name.strip())
            self.session.reviewer_name = name.strip()
            self.session.reviewer_id = self.session.store.reviewer(name)
            self.reviewer_label.setText(f"Reviewer: {self.session.reviewer_name}")

    def toggle_dark(self) -> None:
        """Switch between the system palette and the dark one."""
        dark = self.actions_["dark"].isChecked()
        QSettings().setValue("darkTheme", dark)
        palette.apply(QApplication.instance(), dark)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange and hasattr(self, "actions_"):
            self.reader.refresh_colours()
            menus.refresh_icons(self.actions_, self.palette())
            self.select_claim(self.current_claim)

    def about(self) -> None:
        """The About box."""
        from workbench import __version__

        QMessageBox.about(self, "About Fact-check Workbench",
                          f"<h3>Fact-check Workbench {__version__}</h3>"
                          "<p>Mark the claims in news articles, judge them, attach the evidence, "
                          "and publish a fact-check report.</p>"
                          "<p>Everything is saved as you work, in one SQLite file you can share.</p>")

    def show_error(self, message: str) -> None:
        """Tell the reviewer something went wrong, in a sentence."""
        QMessageBox.warning(self, "Fact-check Workbench", message)

    # -- files, drag and drop ------------------------------------------------------------

    def new_database(self) -> None:
        self.files.new_database()

    def open_database_dialog(self) -> None:
        self.files.open_database_dialog()

    def import_files_dialog(self) -> None:
        self.files.import_files_dialog()

    def import_url_dialog(self) -> None:
        self.files.import_url_dialog()

    def import_clipboard(self) -> None:
        self.files.import_clipboard(QGuiApplication.clipboard().mimeData())

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [url.toLocalFile() or url.toString() for url in event.mimeData().urls()]
        self.files.import_sources(paths)
        event.acceptProposedAction()

    # -- window state ------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        settings = QSettings()
        if settings.value("geometry"):
            self.restoreGeometry(settings.value("geometry"))
        else:
            self.resize(1280, 800)
        if settings.value("splitter"):
            self.splitter.restoreState(settings.value("splitter"))
        dark = settings.value("darkTheme", False, type=bool)
        self.actions_["dark"].setChecked(dark)

    def closeEvent(self, event) -> None:
        self.detail.flush()
        settings = QSettings()
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("splitter", self.splitter.saveState())
        if self.session is not None:
            self.session.close()
            self.session = None
        super().closeEvent(event)
