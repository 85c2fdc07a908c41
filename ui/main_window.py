"""The main window: article list, reader and claims panel, adapting one Workspace."""

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QInputDialog, QLabel, QMainWindow, QMessageBox, QSplitter, QVBoxLayout, QWidget

from ui import menus, palette, safe, window_layout
from ui.article_delegate import source_line
from ui.article_pane import ArticlePane
from ui.article_view import ArticleView
from ui.claim_detail import ClaimDetail
from ui.claims_panel import ClaimsPanel
from ui.corrections import CorrectionActions
from ui.files import FileActions
from ui.find_bar import FindBar
from ui.known import KnownController
from ui.orphans_panel import ClaimTabs, OrphansPanel
from ui.qt_workspace import QtWorkspace
from ui.search_dialog import SearchDialog
from ui.tasks import TaskRunner
from ui.team_sync import TeamSync
from ui.versions_bar import VersionsBar
from workbench.workspace import OpenArticle, Workspace

STATUS_MS = 6000
OUTSIDE_CHANGES_MS = 1000
DEFAULT_SIZE = (1280, 800)


def display_path(path: Path) -> str:
    """A path as people read it: under the home folder it starts with ~."""
    try:
        return "~/" + str(path.resolve().relative_to(Path.home().resolve()))
    except ValueError:
        return str(path)


class MainWindow(QMainWindow):
    """The window a fact-checker spends the day in."""

    def __init__(self, workspace: Workspace):
        super().__init__()
        self.qt: QtWorkspace | None = None
        self.current_claim: str | None = None
        self._fitted = False
        self._shown: OpenArticle | None = None  # the open article whose events the window follows
        self.setWindowTitle("Fact-check Workbench")
        self.setAcceptDrops(True)
        self._build_layout()
        self.known = KnownController(self)  # the Checked Before tab and the reader's margin marks
        self.files = FileActions(self)
        self.team = TeamSync(self)
        self.corrections = CorrectionActions(self)  # versions and what could not be placed
        self.corrections.connect()
        self.actions_ = menus.build(self)
        self.search_dialog: SearchDialog | None = None
        self.db_label = QLabel()
        self.reviewer_label = QLabel()
        for label in (self.db_label, self.reviewer_label):  # a file or reviewer name is never markup
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addWidget(self.db_label, 1)
        self.tasks = TaskRunner(self.statusBar(), self)
        self.statusBar().addPermanentWidget(self.team.indicator)
        self.statusBar().addPermanentWidget(self.reviewer_label)
        self.set_workspace(workspace)
        self._restore_geometry()
        # Another window, the command line or a sync may change the file: look once a second
        # (a pragma, no table read) and show only what differs.
        self._outside = QTimer(self)
        self._outside.setInterval(OUTSIDE_CHANGES_MS)
        self._outside.timeout.connect(self.notice_outside_changes)
        self._outside.start()

    # -- layout ------------------------------------------------------------------------------

    def _build_layout(self) -> None:
        self.article_pane = ArticlePane()
        self.article_list = self.article_pane.list
        self.article_list.articleChosen.connect(self.open_article)
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
        self.versions_bar = VersionsBar()
        reader_layout.addWidget(self.versions_bar)
        self.find_bar = FindBar(self.reader)
        reader_layout.addWidget(self.find_bar)
        reader_layout.addWidget(self.reader, 1)
        self.claims_panel = ClaimsPanel()
        self.claims_panel.claimSelected.connect(self.select_claim)
        self.detail = ClaimDetail()
        self.detail.verdictRequested.connect(lambda cid, v: self.set_verdict(v, cid))
        self.detail.settleRequested.connect(lambda ids, v: self.qt.attempt(self.workspace.settle, ids, v))
        right = QSplitter(Qt.Orientation.Vertical)
        self.orphans = OrphansPanel()
        self.claim_tabs = ClaimTabs(self.claims_panel, self.orphans)
        right.addWidget(self.claim_tabs)
        right.addWidget(self.detail)
        right.setSizes([230, 570])  # the detail holds the rationale, evidence and history
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.article_pane)
        self.splitter.addWidget(reader_box)
        self.splitter.addWidget(right)
        self.splitter.setHandleWidth(7)
        self.splitter.setChildrenCollapsible(False)
        for index, stretch in enumerate((0, 2, 1)):  # a narrower window takes from the reader and the claims
            self.splitter.setStretchFactor(index, stretch)
        self.article_pane.setMinimumWidth(150)
        right.setMinimumWidth(330)
        self.setCentralWidget(self.splitter)

    def session_undo_action(self, which: str):
        """The Undo or Redo action, following whichever workspace is open."""
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction("&Undo" if which == "undo" else "&Redo", self)
        action.setObjectName(which)
        action.setProperty("label", action.text())
        if which == "undo":
            keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Undo)
        else:  # the platform's redo keys plus both common ones, each once (a repeat is "ambiguous")
            keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Redo) + [QKeySequence("Ctrl+Shift+Z"),
                                                                              QKeySequence("Ctrl+Y")]
        unique = []
        for key in keys:
            if key not in unique:
                unique.append(key)
        action.setShortcuts(unique)
        action.triggered.connect(lambda: self._undo_redo(which))
        return action

    def _undo_changed(self, state) -> None:
        self.actions_["undo"].setEnabled(state.can_undo)
        self.actions_["redo"].setEnabled(state.can_redo)
        self.actions_["undo"].setText(f"&Undo {state.undo_text}".strip())
        self.actions_["redo"].setText(f"&Redo {state.redo_text}".strip())

    def _undo_redo(self, which: str) -> None:
        self.detail.flush()
        self.qt.attempt(self.workspace.undo if which == "undo" else self.workspace.redo)

    # -- the workspace -----------------------------------------------------------------------

    @property
    def workspace(self) -> Workspace | None:
        """The open database as the reviewer works on it."""
        return self.qt.workspace if self.qt is not None else None

    @property
    def article(self) -> dict | None:
        """The open article's row (with its body), or None."""
        opened = self.workspace.article if self.qt is not None else None
        return opened.article if opened is not None else None

    def set_workspace(self, workspace: Workspace) -> None:
        """Show another open database (the previous one is closed)."""
        if self.qt is not None:
            self.team.stop()
            self.detail.flush()
            self._follow(None)
            self.qt.close()
            self.qt.deleteLater()
        self.qt = qt = QtWorkspace(workspace, self)
        self.corrections.follow(qt)  # first: a version deleted opens the version before it
        self.known.set_workspace(qt)
        qt.articlesChanged.connect(self._articles_changed)
        qt.countsChanged.connect(self.article_list.set_counts)
        qt.claimsChanged.connect(self._claims_changed)
        qt.historyChanged.connect(self._history_changed)
        qt.undoChanged.connect(self._undo_changed)
        qt.reloaded.connect(lambda _event: self.refresh_articles())
        qt.articleOpened.connect(self._article_opened)
        qt.failed.connect(self.show_error)
        self.detail.evidence.set_workspace(qt)
        self.detail.save_rationale = workspace.set_rationale
        self.detail.save_claimant, self.detail.claimant_default = workspace.set_claimant, workspace.default_claimant
        workspace.set_only_mine(self.actions_["only_mine"].isChecked())
        self._undo_changed(workspace.undo_stack.state())
        self.db_label.setText(display_path(workspace.path))
        self.db_label.setToolTip(safe.tooltip(str(workspace.path)))
        self.reviewer_label.setText(f"Reviewer: {workspace.reviewer_name}")
        self.setWindowTitle(f"{workspace.path.name} — Fact-check Workbench")
        self.files.remember_recent(workspace.path)
        self.refresh_articles()
        last = QSettings().value(f"lastArticle/{workspace.database_id}")
        known = [r["id"] for r in self.article_list.model_.rows]
        self.open_article(last if last in known else next(iter(self.article_list.shown_ids() or known), None))
        self.team.follow(workspace)

    def refresh_articles(self) -> None:
        """Reload the article list (titles and progress)."""
        self.article_list.set_rows(self.workspace.list_articles())
        if self.article:
            self.article_list.select_article(self.article["id"])

    def _articles_changed(self, event) -> None:
        self.article_list.apply(event.rows)  # rows leaving never open the rows that slide under the cursor
        if self.article:
            self.article_list.select_article(self.article["id"])
            if event.rows.get(self.article["id"]):
                self._show_article_heading(self.article)
                self.detail.article_changed()
        else:  # the open article went (deleted, or an import undone): open the first one shown
            self.open_article(next(iter(self.article_list.shown_ids()), None))

    def notice_outside_changes(self) -> None:
        """Show what another program changed in the database, keeping the selection and the typing."""
        if self.qt is not None and not self.tasks.busy():  # a task's end re-reads everything anyway
            self.qt.attempt(self.workspace.notice_outside_changes)

    # -- articles and claims -------------------------------------------------------------

    def open_article(self, article_id: str | None) -> None:
        """Show an article in the reader with its claims (None: no article)."""
        self.detail.flush()
        if article_id is not None and self.article and self.article["id"] == article_id:
            return
        self.qt.attempt(self.workspace.open_article, article_id)

    def _article_opened(self, opened: OpenArticle | None) -> None:
        """The workspace shows another article (or the same one re-read): follow it everywhere."""
        with self.reader.one_refresh():
            self._show_opened(opened)

    def _show_opened(self, opened: OpenArticle | None) -> None:
        keep = self.current_claim if opened is not None and self._shown is not None and opened.id == self._shown.id \
            else None
        self._follow(opened)
        self.reader.show_article(opened)
        self.find_bar.article_changed()
        self.claims_panel.model.set_article(opened)
        if opened is None:
            self.title.setText("No article")
            self.meta.setText("Import an article with File ▸ Import Articles…, or drop files here.")
            self.select_claim(None)
            return
        self._show_article_heading(opened.article)
        self.select_claim(keep, scroll=False)
        self.article_list.select_article(opened.id)
        QSettings().setValue(f"lastArticle/{self.workspace.database_id}", opened.id)

    def _show_article_heading(self, article: dict) -> None:
        self.title.setText(article["title"])
        meta = [source_line(article)]
        if article.get("author"):
            meta.append(f"by {article['author']}")
        if article.get("url"):
            meta.append(article["url"])
        self.meta.setText(" · ".join(meta))

    def _follow(self, opened: OpenArticle | None) -> None:
        """Listen to the open article's reset and disagreement events (and stop on the previous one's)."""
        if self._shown is not None:
            self._shown.events.reset.disconnect(self._article_reset)
            self._shown.events.disagreements.disconnect(self._disagreements_changed)
        self._shown = opened
        if opened is not None:
            opened.events.reset.connect(self._article_reset)
            opened.events.disagreements.connect(self._disagreements_changed)

    def _article_reset(self, _=None) -> None:
        self.select_claim(self.current_claim, scroll=False)

    def _disagreements_changed(self, changed: dict) -> None:
        if self.current_claim in changed:
            self._show_disagreement()

    def _show_disagreement(self) -> None:
        opened = self.workspace.article
        found = opened.disagreements.get(self.current_claim) if opened and self.current_claim else None
        self.detail.show_disagreement(list(found.claim_ids) if found else [], found.summary() if found else "")

    def select_claim(self, claim_id: str | None, *, scroll: bool = True) -> None:
        """Make a claim current everywhere: reader frame, list row, detail."""
        opened = self.workspace.article if self.qt is not None else None
        row = opened.claim(claim_id) if opened is not None and claim_id else None
        self.current_claim = row["id"] if row else None
        self.reader.set_current_claim(self.current_claim, scroll=scroll and row is not None)
        self.claims_panel.select(self.current_claim)
        self.detail.show_claim(row, opened.number(row["id"]) if row else None)
        self.known.claim_selected(self.current_claim)
        if row:
            self.detail.show_history(self.workspace.verdict_history(row["id"]))
        self.detail.wording.show_wording(self.workspace.wording(row["id"]) if row else None)
        self._show_disagreement()

    def _claims_changed(self, event) -> None:
        opened = self.workspace.article
        if opened is None or event.article_id != opened.id or self.current_claim not in event.rows:
            return
        row = opened.claim(self.current_claim)
        if row is None:
            self.select_claim(None)
        else:
            self.detail.show_claim(row, opened.number(row["id"]))

    def _history_changed(self, event) -> None:
        if event.claim_id == self.current_claim:
            self.detail.show_history(event.entries)

    # -- claim actions (menus, toolbar, keys) ----------------------------------------------

    def _need_claim(self) -> bool:
        if self.current_claim:
            return True
        self.statusBar().showMessage("Select a claim first (click a highlight or press N).", STATUS_MS)
        return False

    def mark_claim(self) -> None:
        """Make the selected text a claim (snapped to whole words) and select it."""
        selected = self.reader.selected_range() if self.article else None
        if selected is None:
            self.statusBar().showMessage("Select some text in the article first.", STATUS_MS)
            return
        with self.reader.one_refresh():
            claim_id = self.qt.act(self.workspace.mark, self.article["id"], *selected)
            if claim_id:
                self.select_claim(claim_id)
        if claim_id:
            self.reader.setFocus()

    def add_evidence(self) -> None:
        """Open the Add Evidence dialog for the current claim (Ctrl+E)."""
        if not self._need_claim():
            return
        self.detail.flush()
        self.detail.tabs.setCurrentWidget(self.detail.evidence)
        self.detail.evidence.add_evidence()

    def set_verdict(self, verdict: str, claim_id: str | None = None) -> None:
        """Give a claim (the current one unless named) a verdict."""
        if claim_id is None and not self._need_claim():
            return
        self.qt.attempt(self.workspace.set_verdict, claim_id or self.current_claim, verdict)

    def delete_claim(self) -> None:
        """Delete the current claim; the next one becomes current."""
        if not self.current_claim:
            return
        following = self._neighbour(+1)
        with self.reader.one_refresh():
            deleted = self.qt.attempt(self.workspace.delete_claim, self.current_claim)
            if deleted:
                self.select_claim(following)
        if deleted:
            self.statusBar().showMessage("Claim deleted. Undo (Ctrl+Z) brings it back.", STATUS_MS)

    def next_claim(self) -> None:
        """Move to the next claim in reading order (as the claim list filters them)."""
        self.select_claim(self._neighbour(+1) or self.current_claim)

    def previous_claim(self) -> None:
        """Move to the previous claim in reading order."""
        self.select_claim(self._neighbour(-1) or self.current_claim)

    def _neighbour(self, step: int) -> str | None:
        opened = self.workspace.article
        if opened is None:
            return None
        accept = self.claims_panel.accepts
        found = opened.neighbour(self.current_claim, step, accept, position=self.reader.caret())
        if found is None and opened.claim(self.current_claim) is None:  # from the caret: wrap around
            found = opened.neighbour(None, step, accept, position=-1 if step > 0 else len(opened.body) + 1)
        return found

    # -- article actions ---------------------------------------------------------------------

    def delete_article(self) -> None:
        """Delete the open article (undo brings it back); the next one in the list opens."""
        if not self.article:
            return
        following = self.article_list.neighbour_id(+1) or self.article_list.neighbour_id(-1)
        title = self.article["title"]
        if self.qt.attempt(self.workspace.delete_article, self.article["id"]):
            self.go_to(following, None) if following else self.open_article(None)
            self.statusBar().showMessage(f"Deleted “{title}”. Undo (Ctrl+Z) brings it back.", STATUS_MS)

    def edit_article_details(self, focus: str = "title") -> None:
        """Correct the open article's title, web address, publisher, author or date."""
        from ui.article_dialog import ArticleDialog

        if not self.article:
            return
        article = self.article
        self.article_dialog = dialog = ArticleDialog(article, self, focus=focus)
        dialog.accepted.connect(lambda: self.qt.attempt(self.workspace.edit_article, article["id"], **dialog.values()))
        dialog.open()

    def next_article(self) -> None:
        """Open the next article in the list."""
        self.go_to(self.article_list.neighbour_id(+1) or (self.article["id"] if self.article else None), None)

    def previous_article(self) -> None:
        """Open the previous article in the list."""
        self.go_to(self.article_list.neighbour_id(-1) or (self.article["id"] if self.article else None), None)

    def focus_article_list(self) -> None:
        """Put the keyboard in the article list."""
        self.article_list.setFocus()

    # -- other windows and settings --------------------------------------------------------

    def toggle_only_mine(self) -> None:
        """Show only my claims, or everyone's."""
        self.workspace.set_only_mine(self.actions_["only_mine"].isChecked())

    def export_report(self) -> None:
        """Open the export dialog with its live preview."""
        from ui.export_dialog import ExportDialog

        self.detail.flush()
        self.export_dialog = ExportDialog(self)
        self.export_dialog.open()

    def publication_settings(self) -> None:
        """Set who publishes the fact checks and where their pages are (saved in this database)."""
        from ui.publication_dialog import PublicationDialog

        self.publication_dialog = PublicationDialog(self.workspace, self)
        self.publication_dialog.open()

    def show_agreement(self) -> None:
        """Open the agreement panel."""
        from ui.agreement_dialog import AgreementDialog

        self.agreement_dialog = AgreementDialog(self)
        self.agreement_dialog.open()

    def compare_with(self) -> None:
        """Compare the open article with another, side by side (Article ▸ Compare With…)."""
        from ui.compare_dialog import CompareDialog

        if self.article:
            self.compare_dialog = CompareDialog.open_for(self)

    def show_search(self) -> None:
        """Open (or raise) the search window."""
        if self.search_dialog is None:
            self.search_dialog = SearchDialog(self)
            self.search_dialog.hitActivated.connect(self._search_hit)
        self.search_dialog.show_for(self.workspace.search)

    def go_to(self, article_id: str, claim_id: str | None) -> None:
        """Open an article and, if given, select one of its claims."""
        with self.reader.one_refresh():
            self.open_article(article_id)
            self.select_claim(claim_id or None)

    def find_in_article(self, text: str | None = None) -> None:
        """Open the find bar over the reader (Ctrl+F), with text to find if given."""
        if self.article:
            self.find_bar.open(text)

    def _search_hit(self, hit) -> None:
        """Go to where a search result lies: the claim (its evidence item), or the match in the article."""
        from workbench.find import snippet_terms

        self.go_to(hit.article_id, hit.claim_id)
        if hit.kind == "article":
            terms = snippet_terms(hit.snippet)
            if terms:
                self.find_in_article(terms[0])
        elif hit.kind == "evidence":
            self.detail.tabs.setCurrentWidget(self.detail.evidence)
            self.detail.evidence.select_evidence(hit.evidence_id)

    def change_reviewer(self) -> None:
        """Ask for the reviewer's name; later work is stamped with it."""
        name, ok = QInputDialog.getText(self, "Reviewer name", "Your name, as it appears on your work:",
                                        text=self.workspace.reviewer_name)
        if ok and name.strip():
            QSettings().setValue("reviewer", name.strip())
            self.qt.attempt(self.workspace.set_reviewer, name)
            self.reviewer_label.setText(f"Reviewer: {self.workspace.reviewer_name}")

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
            if self.qt is not None:
                self.select_claim(self.current_claim, scroll=False)

    def show_shortcuts(self) -> None:
        """List every keyboard shortcut."""
        from ui.shortcuts_dialog import ShortcutsDialog

        self.shortcuts_dialog = ShortcutsDialog(self)
        self.shortcuts_dialog.open()

    def about(self) -> None:
        """The About box."""
        from workbench import __version__

        QMessageBox.about(self, "About Fact-check Workbench",
                          f"<h3>Fact-check Workbench {__version__}</h3>"
                          "<p>Mark the claims in news articles, judge them, attach the evidence, "
                          "and publish a fact-check report.</p>"
                          "<p>Everything is saved as you work, in one SQLite file you can share.</p>")

    def show_error(self, message: str) -> None:
        """Tell the reviewer something went wrong, in a sentence (shown as plain text)."""
        safe.message(self, "Fact-check Workbench", message, QMessageBox.Icon.Warning)

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
        if not (settings.value("geometry") and self.restoreGeometry(settings.value("geometry"))):
            self.resize(*DEFAULT_SIZE)
        self._fit_on_screen()
        if not (settings.value("splitter") and self.splitter.restoreState(settings.value("splitter"))):
            self._default_splitter_sizes()
        dark = settings.value("darkTheme", False, type=bool)
        self.actions_["dark"].setChecked(dark)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._fitted:  # the frame's size is known only once the window exists on screen
            self._fitted = True
            width = self.width()
            self._fit_on_screen()
            if self.width() != width:
                self._default_splitter_sizes()
            self.focus_article_list()  # the verdict keys and N work at once; typing never lands in a search field
        self._keep_reader_wide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._keep_reader_wide()

    def _keep_reader_wide(self) -> None:
        window_layout.keep_reader_wide(self.splitter, self.article_pane)

    def _default_splitter_sizes(self) -> None:
        window_layout.default_splitter_sizes(self.splitter, self.width())

    def _fit_on_screen(self) -> None:
        window_layout.fit_on_screen(self)

    def closeEvent(self, event) -> None:
        self.tasks.stop()
        self.team.stop()
        self.detail.flush()
        self.detail.evidence.remove_opened_files()
        settings = QSettings()
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("splitter", self.splitter.saveState())
        if self.qt is not None:
            self._follow(None)
            self.qt.close()
            self.qt = None
        super().closeEvent(event)
