"""The workspace's work on corrected articles and imported annotations: versions, orphans, imports onto an article.

Mixed into Workspace (it uses its store, reviewer, undo stack and events): thin wrappers over
workbench.versions, workbench.orphans and workbench.annotations.
"""

from workbench import orphans, versions
from workbench.workspace import commands
from workbench.workspace.events import Reloaded
from workbench.workspace.tasks import Task


class Corrections:
    """Versions of an article, annotations that could not be placed, and the imports that make them."""

    # -- reading (no events) ---------------------------------------------------------------

    def versions_of(self, article_id: str) -> list[dict]:
        """Every live version of an article, oldest first (one row: it has no other version)."""
        return versions.versions_of(self.store, article_id)

    def wording(self, claim_id: str):
        """A carried claim's old and new wording when its quote changed (versions.Wording), else None."""
        return versions.wording(self.store, claim_id)

    def counterpart(self, claim_id: str, article_id: str) -> str | None:
        """The claim on another version of its article that claim_id was carried to or from, or None."""
        return versions.counterpart(self.store, claim_id, article_id)

    def orphans_for(self, article_id: str) -> list[dict]:
        """The annotations of an article that could not be placed and wait for the reviewer, oldest first."""
        return orphans.orphans_for(self.store, article_id)

    # -- undoable actions ------------------------------------------------------------------

    def place_orphan(self, orphan_id: str, start: int, end: int) -> str:
        """Make a waiting annotation a claim on [start, end) (code points); return the claim's id."""
        return self._do(commands.PlaceOrphan(self, orphan_id, start, end)).claim_id

    def dismiss_orphan(self, orphan_id: str) -> None:
        """Stop listing a waiting annotation (undo lists it again)."""
        self._do(commands.DismissOrphan(self, orphan_id))

    # -- long work -------------------------------------------------------------------------

    def new_version_task(self, source: str, previous_id: str) -> Task:
        """Importing a corrected version (a file or web address) of an article and carrying its claims,
        as a Task for a worker thread; Cancel stores nothing. Its result: (Outcome, CarryReport)."""
        reviewer_id = self.reviewer_id

        def work(store, task: Task):
            task.report(0, 1, source)
            result = versions.import_new_version(store, source, previous_id, reviewer_id=reviewer_id,
                                                 cancelled=lambda: task.cancelled)
            task.report(1, 1)
            return result

        return Task("Importing the new version", self.path, work)

    def finish_new_version(self, task: Task):
        """After a new-version task: open the new version and let Undo remove it; (Outcome, CarryReport) or None."""
        if task.result is None:
            return None
        outcome, report = task.result
        if outcome.added[0].new:
            self.undo_stack.push(commands.ImportedVersion(self, report.article_id))
        self._show(self._load(report.article_id))
        self.events.reloaded.emit(Reloaded("new version"))
        return task.result

    def import_new_version(self, source: str, previous_id: str):
        """Import a corrected version here and now (see new_version_task); (Outcome, CarryReport)."""
        task = self.new_version_task(source, previous_id)
        self._run_here(task)
        return self.finish_new_version(task)

    def annotations_task(self, path, article_id: str) -> Task:
        """Importing an annotation file onto an article, as a Task for a worker thread; Cancel stores
        nothing. Its result: (the annotations.ImportReport, the file, the article)."""
        from workbench import annotations  # imported where first used: the window paints without it

        reviewer_id, path = self.reviewer_id, str(path)

        def work(store, task: Task):
            report = annotations.import_annotation_file_report(
                store, path, reviewer_id=reviewer_id, article_id=article_id, onto=True,
                progress=task.report, cancelled=lambda: task.cancelled)
            return report, path, article_id

        return Task("Importing annotations", self.path, work)

    def finish_annotations(self, task: Task):
        """After an annotation task: show what came in and let Undo take it back; the ImportReport, or None."""
        if task.result is None:
            return None
        report, path, article_id = task.result
        if report.stored:
            self.undo_stack.push(commands.ImportedAnnotations(self, path, article_id, report.stored))
        self.reload("annotations")
        return report

    def import_annotations(self, path, article_id: str):
        """Import an annotation file onto an article here and now (see annotations_task); the ImportReport."""
        task = self.annotations_task(path, article_id)
        self._run_here(task)
        return self.finish_annotations(task)

    def _run_here(self, task: Task) -> None:
        """Do a task's work on this connection, with no per-row events (its finish shows the result)."""
        self._bulk += 1
        try:
            task.result = task.work(self.store, task)
        finally:
            self._bulk -= 1
