"""File work from the window: new/open database, recent files, importing files, URLs and pasted text."""

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QThreadPool, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog

from ui import safe
from ui.folders import last_folder, remember_folder, visible_folder
from workbench.errors import WorkbenchError
from workbench.seeds import open_database
from workbench.workspace import Workspace

RECENT_MAX = 8
ARTICLE_FILTER = ("Articles and annotations (*.txt *.md *.markdown *.html *.htm *.json *.jsonld);;"
                  "All files (*)")
DB_FILTER = "Workbench databases (*.db *.sqlite *.workbench);;All files (*)"


class PageFetch(QObject):
    """One web page downloaded on a worker thread; its signals arrive on the window's thread."""

    done = Signal(object)  # importers.Page
    failed = Signal(str)
    finished = Signal()

    def __init__(self, url: str, parent=None):
        super().__init__(parent)
        self.url = url

    def run(self) -> None:
        """Download (in the worker thread); report through the signals."""
        from workbench import importers  # the web and HTML libraries load when first needed

        try:
            self.done.emit(importers.fetch_page(self.url))
        except WorkbenchError as error:
            self.failed.emit(str(error))
        finally:
            self.finished.emit()


class FileActions:
    """The File menu's work, kept out of the window's layout code."""

    def __init__(self, window):
        self.window = window
        self._fetches: set[PageFetch] = set()  # downloads under way, kept alive until they finish

    # -- databases -------------------------------------------------------------------------

    def new_database(self) -> None:
        """Create a database (with the sample articles) and switch to it."""
        path, _ = QFileDialog.getSaveFileName(self.window, "New database",
                                              str(last_folder("databases") / "factcheck.db"), DB_FILTER)
        if path:
            remember_folder("databases", path)
            if Path(path).exists():
                Path(path).unlink()  # the dialog already asked whether to replace it
            self.switch_to(Path(path))

    def open_database_dialog(self) -> None:
        """Pick a database file and switch to it."""
        path, _ = QFileDialog.getOpenFileName(self.window, "Open database", str(last_folder("databases")), DB_FILTER)
        if path:
            remember_folder("databases", path)
            self.switch_to(Path(path))

    def switch_to(self, path: Path) -> None:
        """Open path in this window; a refused file leaves the current database open."""
        reviewer = self.window.workspace.reviewer_name
        store = None
        try:
            store = open_database(path, reviewer=reviewer)
            workspace = Workspace(store, reviewer)
            workspace.list_articles()  # what the window reads first is read before it switches
        except WorkbenchError as error:
            if store is not None:
                store.close()
            self.window.show_error(str(error))
            self.forget_recent(path)
            return
        self.window.set_workspace(workspace)

    def remember_recent(self, path: Path) -> None:
        """Put path first in the recent-files menu."""
        settings = QSettings()
        recent = [p for p in (settings.value("recentFiles", [], type=list) or []) if p != str(path)]
        settings.setValue("recentFiles", [str(path), *recent][:RECENT_MAX])
        self._fill_recent_menu()

    def forget_recent(self, path: Path) -> None:
        """Drop a file that could not be opened from the recent-files menu."""
        settings = QSettings()
        recent = [p for p in (settings.value("recentFiles", [], type=list) or []) if p != str(path)]
        settings.setValue("recentFiles", recent)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        menu = self.window.recent_menu
        menu.clear()
        for number, path in enumerate(QSettings().value("recentFiles", [], type=list) or [], start=1):
            action = menu.addAction(f"&{number} {path}")
            action.triggered.connect(lambda _=False, p=path: self.switch_to(Path(p)))
        menu.setEnabled(not menu.isEmpty())

    # -- sharing -----------------------------------------------------------------------------

    def merge_dialog(self) -> None:
        """Pick colleagues' databases and bring their work into this one."""
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Merge databases", str(last_folder("databases")),
                                                DB_FILTER)
        if paths:
            remember_folder("databases", paths[0])
            self.merge(paths)

    def merge(self, paths: list[str]) -> None:
        """Merge each file in turn (each all or nothing) in the background, then say what came in."""
        workspace = self.window.workspace
        self.window.detail.flush()
        self.window.tasks.start(workspace.merge_task(paths), lambda task: self._merged(workspace, task))

    def _merged(self, workspace, task) -> None:
        if workspace is not self.window.workspace:
            return  # another database was opened meanwhile; the merge went into the one it was for
        results = workspace.finish_merge(task)
        lines = [f"{Path(path).name}: {outcome}" for path, outcome in results if not isinstance(outcome, WorkbenchError)]
        errors = [str(outcome) for _, outcome in results if isinstance(outcome, WorkbenchError)]
        if task.error:
            errors.append(task.error)
        if task.cancelled:
            lines.append("Stopped before the rest; what was merged stays.")
        if lines:
            safe.message(self.window, "Merge", "\n".join(lines))
        if errors:
            self.window.show_error("Not merged:\n\n" + "\n".join(errors))

    def save_copy_dialog(self) -> None:
        """Write a consistent copy of this database that a colleague can open or merge."""
        workspace = self.window.workspace
        # Not next to the database itself: the default one lives in a hidden application folder.
        suggestion = visible_folder("databases") / f"{workspace.path.stem} copy{workspace.path.suffix}"
        path, _ = QFileDialog.getSaveFileName(self.window, "Save a copy", str(suggestion), DB_FILTER)
        if not path:
            return
        remember_folder("databases", path)
        try:
            written = workspace.save_copy(path, overwrite=True)  # the dialog asked before replacing
        except WorkbenchError as error:
            self.window.show_error(str(error))
            return
        self.window.statusBar().showMessage(f"Copy saved to {written}", 8000)

    # -- importing -------------------------------------------------------------------------

    def import_files_dialog(self) -> None:
        """Pick files to import."""
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Import articles", str(last_folder("articles")),
                                                ARTICLE_FILTER)
        if paths:
            remember_folder("articles", paths[0])
            self.import_sources(paths)

    def import_url_dialog(self) -> None:
        """Ask for a web address and import the article there, fetching it in the background."""
        dialog = QInputDialog(self.window)
        dialog.setObjectName("urlDialog")
        dialog.setWindowTitle("Import an article from the web")
        dialog.setLabelText("Web address of the article (https://…):")
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setOkButtonText("Import")
        dialog.resize(560, dialog.sizeHint().height())
        self.url_dialog = dialog
        dialog.textValueSelected.connect(lambda url: self.fetch_url(url.strip()) if url.strip() else None)
        dialog.open()

    def fetch_url(self, url: str) -> None:
        """Download url on a worker thread (the window stays usable), then store it here."""
        fetch = PageFetch(url, self.window)
        fetch.done.connect(self._page_fetched)
        fetch.failed.connect(lambda message: (self.window.statusBar().clearMessage(), self.window.show_error(message)))
        self.window.statusBar().showMessage(f"Fetching {url}…")
        QThreadPool.globalInstance().start(fetch.run)
        self._fetches.add(fetch)
        fetch.finished.connect(lambda: self._fetches.discard(fetch))

    def _page_fetched(self, page) -> None:
        self.window.statusBar().clearMessage()
        self.report([self.window.workspace.import_page(page)])

    def import_sources(self, sources: list[str]) -> None:
        """Import files now and web pages in the background, then report what came in."""
        urls = [s for s in sources if s.lower().startswith(("http://", "https://"))]
        for url in urls:
            self.fetch_url(url)
        sources = [s for s in sources if s not in urls]
        if not sources:
            return
        workspace = self.window.workspace
        self.window.tasks.start(workspace.import_task(sources), lambda task: self._imported(workspace, task))

    def _imported(self, workspace, task) -> None:
        if workspace is not self.window.workspace:
            return  # another database was opened meanwhile; the files went into the one they were for
        self.report(workspace.finish_import(task), cancelled=task.cancelled)
        if task.error:
            self.window.show_error(task.error)

    def import_clipboard(self, mime) -> None:
        """Make a new article from pasted text or HTML."""
        text = mime.html() if mime is not None and mime.hasHtml() else (mime.text() if mime is not None else "")
        if not text.strip():
            self.window.show_error("The clipboard holds no text to make an article from.")
            return
        try:
            added = self.window.workspace.import_text(text)
        except WorkbenchError as error:
            self.window.show_error(str(error))
            return
        self._show_added([added])
        if added.new and not added.article.get("url"):  # pasted text does not say where it came from: ask
            self.window.edit_article_details(focus="url")

    def report(self, outcomes, *, cancelled: bool = False) -> None:
        """Select the last article that came in; say what else came in and list refusals in one message."""
        added = [a for o in outcomes if not o.error for a in o.added]
        errors = [o.error for o in outcomes if o.error and not (cancelled and o.error.endswith(": cancelled"))]
        claims = sum(o.claims for o in outcomes if not o.error)
        self._show_added(added, claims, cancelled)
        # Fact-check files and annotation files say what came in, what was skipped and what could not be placed.
        notes = [f"{Path(o.source).name}: {line}" for o in outcomes if not o.error
                 and (o.fact_checks or o.source.lower().endswith((".json", ".jsonld")))
                 for line in (o.fact_checks.lines() if o.fact_checks else o.notes)]
        if notes:
            safe.message(self.window, "Import", "\n".join(notes))
        if errors:
            self.window.show_error("Some sources were not imported:\n\n" + "\n".join(errors))

    def _show_added(self, added, claims: int = 0, cancelled: bool = False) -> None:
        new = [a for a in added if a.new]
        parts = []
        if new:
            parts.append(f"{len(new)} article{'s' if len(new) != 1 else ''} imported (Undo removes them)")
        if len(added) > len(new):
            parts.append(f"{len(added) - len(new)} already in the database")
        if claims:
            parts.append(f"{claims} claims imported")
        if cancelled:
            parts.append("stopped before the rest")
        if parts:
            self.window.statusBar().showMessage("; ".join(parts) + ".", 8000)
        if added:
            self.window.go_to(added[-1].article["id"], None)
