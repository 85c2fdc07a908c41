"""Corrected articles in the window: importing a new version, moving between versions, placing what was not placed.

The File menu's Import New Version… and Import Annotations onto This Article…, the versions bar
over the reader, and the "Could not be placed" list all meet here; the window only wires them.
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout)

from ui import safe
from ui.folders import last_folder, remember_folder
from ui.orphans_panel import TAB_TITLE, one_line

STATUS_MS = 6000
VERSION_FILTER = "Articles (*.txt *.md *.markdown *.html *.htm);;All files (*)"
ANNOTATION_FILTER = "W3C Web Annotations (*.json *.jsonld);;All files (*)"
QUOTE_IN_MESSAGE = 48
ARTICLE_ACTIONS = ("import_version", "import_annotations")  # need an open article


def carry_text(report, quotes: dict[str, str], already_there: bool = False) -> str:
    """What carrying claims to a new version did, for people (the quotes of the new claims by id)."""
    total = report.carried + len(report.orphans) + report.present
    lines = [f"{total} claim{'s' if total != 1 else ''} of the earlier version:", f"  {report.exact} carried exactly"]
    approximate = sorted(report.approximate, key=lambda pair: -pair[1])
    lines.append(f"  {len(approximate)} carried approximately"
                 + (" (each shows its old and new wording):" if approximate else ""))
    lines += [f"      {score:.2f}  “{one_line(quotes.get(claim_id, ''), QUOTE_IN_MESSAGE)}”"
              for claim_id, score in approximate]
    lines.append(f"  {len(report.orphans)} could not be placed" + (f" (they wait under “{TAB_TITLE}”):"
                                                                     if report.orphans else ""))
    lines += [f"      “{one_line(quote, QUOTE_IN_MESSAGE)}”" for _, quote, _ in report.orphans]
    if report.present:
        lines.append(f"  {report.present} carried before")
    if already_there:
        lines += ["", "The corrected text was already in the database; it is now linked as the new version."]
    return "\n".join(lines)


class NewVersionDialog(QDialog):
    """Asks for the corrected article: a file (with Browse…) or a web address."""

    def __init__(self, parent, title: str):
        super().__init__(parent)
        self.setObjectName("newVersionDialog")
        self.setWindowTitle("Import a new version")
        heading = QLabel(f"The corrected text of “{title}”: a file (.txt, .md, .html) or a web address. "
                         "Its claims are carried over; the old version keeps its own.")
        heading.setTextFormat(Qt.TextFormat.PlainText)  # a title from the database is never markup
        heading.setWordWrap(True)
        self.source = QLineEdit()
        self.source.setObjectName("versionSource")
        self.source.setPlaceholderText("/path/to/corrected.html or https://…")
        browse = QPushButton("Browse…")
        browse.setObjectName("browseVersion")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.source, 1)
        row.addWidget(browse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.source.textChanged.connect(self._enable)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(row)
        layout.addWidget(self.buttons)
        self.resize(600, self.sizeHint().height())
        self._enable()

    def value(self) -> str:
        """The file or web address typed or chosen."""
        return self.source.text().strip()

    def _enable(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.value()))

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Corrected article", str(last_folder("articles")), VERSION_FILTER)
        if path:
            remember_folder("articles", path)
            self.source.setText(path)


class CorrectionActions:
    """New versions, the versions bar and the orphans list, for one window."""

    def __init__(self, window):
        self.window = window
        self.versions: list[dict] = []  # the open article's versions, as the bar shows them

    def follow(self, qt) -> None:
        """Listen to another open database's events (the window switched)."""
        qt.articleOpened.connect(self._opened)
        qt.orphansChanged.connect(self._orphans_changed)
        qt.articlesChanged.connect(self._articles_changed)

    def connect(self) -> None:
        """Wire the bar and the list to their actions (once the window's widgets exist)."""
        self.window.versions_bar.versionChosen.connect(self.go_to_version)
        self.window.orphans.placeRequested.connect(self.place_orphan)
        self.window.orphans.dismissRequested.connect(self.dismiss_orphan)
        self.window.orphans.model.modelReset.connect(self._offer_place)

    def _offer_place(self) -> None:
        """Place Here is offered (menu, keys, the reader's right-click menu) only while some wait."""
        waiting = bool(self.window.orphans.model.rows)
        place = self.window.actions_["place_orphan"]
        place.setEnabled(waiting)
        offered = self.window.reader.context_actions
        if waiting and place not in offered:
            offered.insert(1, place)  # after Mark as Claim
        elif not waiting and place in offered:
            offered.remove(place)

    # -- what the open article shows -----------------------------------------------------------

    def _opened(self, opened) -> None:
        window = self.window
        for name in ARTICLE_ACTIONS:
            window.actions_[name].setEnabled(opened is not None)
        if opened is None:  # the bar keeps its versions: if the open one was deleted, the one before it opens
            window.versions_bar.show_versions([], None)
            window.orphans.set_rows([], {})
            return
        versions = window.workspace.versions_of(opened.id)
        self._show_versions(versions)
        window.orphans.set_rows(window.workspace.orphans_for(opened.id),
                                {v["id"]: number for number, v in enumerate(versions, 1)})

    def _show_versions(self, versions: list[dict]) -> None:
        window = self.window
        self.versions = versions
        window.versions_bar.show_versions(versions, window.article["id"] if window.article else None)
        window.actions_["older_version"].setEnabled(window.versions_bar.neighbour(-1) is not None)
        window.actions_["newer_version"].setEnabled(window.versions_bar.neighbour(+1) is not None)

    def _orphans_changed(self, event) -> None:
        if self.window.article and event.article_id == self.window.article["id"]:
            self.window.orphans.set_rows(event.rows)

    def _articles_changed(self, event) -> None:
        # a version of the open article came or went: every version's row is in the event
        article = self.window.article
        if article and article["id"] in event.rows and event.rows[article["id"]] is not None:
            self._show_versions(self.window.workspace.versions_of(article["id"]))
        elif article is None and self.versions:  # the open version was deleted (or its import undone)
            self._open_remaining_version(event.rows)

    def _open_remaining_version(self, rows: dict) -> None:
        """Open the version before the one just deleted (else the one after), if one is left."""
        ids = [v["id"] for v in self.versions]
        gone = [i for i, article_id in enumerate(ids) if article_id in rows and rows[article_id] is None]
        if not gone:
            return
        left = [article_id for article_id in ids[:gone[0]][::-1] + ids[gone[0] + 1:]
                if rows.get(article_id, True) is not None]
        self.versions = []
        if left:
            self.window.go_to(left[0], None)

    # -- versions --------------------------------------------------------------------------------

    def older_version(self) -> None:
        """Show the version before this one (the current claim's counterpart stays current)."""
        self._step(-1, "This is the first version of the article.")

    def newer_version(self) -> None:
        """Show the version after this one."""
        self._step(+1, "This is the latest version of the article.")

    def _step(self, step: int, otherwise: str) -> None:
        target = self.window.versions_bar.neighbour(step)
        if target is None:
            self.window.statusBar().showMessage(otherwise, STATUS_MS)
        else:
            self.go_to_version(target)

    def go_to_version(self, article_id: str) -> None:
        """Open another version, with the current claim's carried counterpart selected if it has one."""
        window = self.window
        claim_id = window.current_claim
        counterpart = window.workspace.counterpart(claim_id, article_id) if claim_id else None
        window.go_to(article_id, counterpart)

    def import_version_dialog(self) -> None:
        """Ask for the corrected text of the open article, then import it in the background."""
        if not self.window.article:
            return
        article = self.window.article
        self.dialog = dialog = NewVersionDialog(self.window, article["title"])
        dialog.accepted.connect(lambda: self.import_version(dialog.value(), article["id"]))
        dialog.open()

    def import_version(self, source: str, previous_id: str) -> None:
        """Import source as a new version of previous_id on the window's task runner, then report."""
        window = self.window
        workspace = window.workspace
        window.detail.flush()
        window.tasks.start(workspace.new_version_task(source, previous_id),
                           lambda task: self._version_imported(workspace, task))

    def _version_imported(self, workspace, task) -> None:
        window = self.window
        if workspace is not window.workspace:
            return  # another database was opened meanwhile; the version went into the one it was for
        result = workspace.finish_new_version(task)
        if result is None:
            if not task.cancelled:
                window.show_error(task.error)
            return
        outcome, report = result
        opened = workspace.article
        quotes = {claim_id: row["quote"] for claim_id, row in opened.all.items()}
        if report.orphans:
            window.claim_tabs.show_orphans()
        safe.message(window, "New version imported",
                     carry_text(report, quotes, already_there=not outcome.added[0].new)
                     + "\n\nUndo (Ctrl+Z) removes the new version; the old one keeps its claims.")

    # -- annotations onto this article ---------------------------------------------------------

    def import_annotations_dialog(self) -> None:
        """Pick a W3C annotation file (ours, Hypothesis's, Recogito's) to place on the open article."""
        if not self.window.article:
            return
        path, _ = QFileDialog.getOpenFileName(self.window, "Import annotations onto this article",
                                              str(last_folder("annotations")), ANNOTATION_FILTER)
        if path:
            remember_folder("annotations", path)
            self.import_annotations(path)

    def import_annotations(self, path: str) -> None:
        """Import an annotation file onto the open article in the background, then show what it did."""
        window = self.window
        workspace, article = window.workspace, window.article
        window.detail.flush()
        window.tasks.start(workspace.annotations_task(path, article["id"]),
                           lambda task: self._annotations_imported(workspace, task, article["title"], path))

    def _annotations_imported(self, workspace, task, title: str, path: str) -> None:
        window = self.window
        if workspace is not window.workspace:
            return
        report = workspace.finish_annotations(task)
        if report is None:
            if not task.cancelled:
                window.show_error(task.error)
            return
        lines = report.lines() or ["Nothing in the file could be used."]
        if report.orphans:
            window.claim_tabs.show_orphans()
            lines += ["", f"Those not placed wait under “{TAB_TITLE}”: choose one, select its place in "
                          "the article, then Place Here."]
        if report.stored:
            lines += ["", "Undo (Ctrl+Z) takes the whole import back."]
        safe.message(window, "Annotations imported", f"{Path(path).name} onto “{title}”:\n\n" + "\n".join(lines))

    # -- placing what was not placed ---------------------------------------------------------

    def place_orphan(self, orphan_id: str | None = None) -> None:
        """Make the chosen waiting annotation a claim on the text selected in the reader."""
        window = self.window
        orphan_id = orphan_id or window.orphans.current_id()
        if not orphan_id:
            window.statusBar().showMessage(f"Choose a claim under “{TAB_TITLE}” first.", STATUS_MS)
            return
        selected = window.reader.selected_range() if window.article else None
        if selected is None:
            window.statusBar().showMessage("Select the text in the article where it belongs, then Place Here.",
                                           STATUS_MS)
            return
        window.detail.flush()
        claim_id = window.qt.act(window.workspace.place_orphan, orphan_id, *selected)
        if claim_id:
            window.select_claim(claim_id)
            number = window.workspace.article.number(claim_id)
            window.statusBar().showMessage(f"Placed as claim {number}. Undo (Ctrl+Z) lists it again.", STATUS_MS)

    def dismiss_orphan(self, orphan_id: str) -> None:
        """Stop listing a waiting annotation."""
        if self.window.qt.attempt(self.window.workspace.dismiss_orphan, orphan_id):
            self.window.statusBar().showMessage("Dismissed. Undo (Ctrl+Z) lists it again.", STATUS_MS)
