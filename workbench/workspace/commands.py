"""The undoable user actions on claims, evidence, articles and orphans; each do and undo is one transaction."""

from pathlib import Path

from workbench import articles, claims, disagreements, evidence, ids, orphans
from workbench.verdicts import LABELS
from workbench.workspace.undo import Command


class WorkspaceCommand(Command):
    """A command acting for the workspace's reviewer on its store."""

    def __init__(self, workspace, text: str):
        self.workspace = workspace
        self.text = text

    @property
    def store(self):
        """The open database."""
        return self.workspace.store

    @property
    def reviewer_id(self) -> str:
        """Who is acting now (the name may change between do and undo)."""
        return self.workspace.reviewer_id


class CreateClaim(WorkspaceCommand):
    """Mark a range of an article as a claim; undo removes it entirely."""

    def __init__(self, workspace, article_id: str, start: int, end: int):
        super().__init__(workspace, "Mark claim")
        self.article_id, self.start, self.end = article_id, start, end
        self.claim_id = ids.new_id()

    def do(self) -> None:
        claims.add_claim(self.store, self.article_id, self.start, self.end, reviewer_id=self.reviewer_id,
                         claim_id=self.claim_id)

    def undo(self) -> None:
        claims.purge_claim(self.store, self.claim_id)


class MarkClaims(WorkspaceCommand):
    """Mark several ranges (article id, start, end) as claims in one step; undo removes them all."""

    def __init__(self, workspace, ranges, text: str = "Mark claims"):
        super().__init__(workspace, text)
        self.ranges = [tuple(r) for r in ranges]
        self.claim_ids = [ids.new_id() for _ in self.ranges]

    def do(self) -> None:
        with self.store.transaction():
            for claim_id, (article_id, start, end) in zip(self.claim_ids, self.ranges):
                claims.add_claim(self.store, article_id, start, end, reviewer_id=self.reviewer_id, claim_id=claim_id)

    def undo(self) -> None:
        with self.store.transaction():
            for claim_id in self.claim_ids:
                claims.purge_claim(self.store, claim_id)


class DeleteClaim(WorkspaceCommand):
    """Delete a claim (a tombstone); undo brings it back as it was."""

    def __init__(self, workspace, claim_id: str):
        super().__init__(workspace, "Delete claim")
        self.claim_id = claim_id

    def do(self) -> None:
        claims.delete_claim(self.store, self.claim_id, reviewer_id=self.reviewer_id)

    def undo(self) -> None:
        claims.restore_claim(self.store, self.claim_id, reviewer_id=self.reviewer_id)


class SetVerdict(WorkspaceCommand):
    """Give a claim a verdict; undo takes the change and its history entry back."""

    def __init__(self, workspace, claim_id: str, verdict: str):
        super().__init__(workspace, f"Mark {LABELS[verdict].lower()}")
        self.claim_id, self.verdict = claim_id, verdict
        self.history_id: str | None = None

    def do(self) -> None:
        self.history_id = claims.set_verdict(self.store, self.claim_id, self.verdict, reviewer_id=self.reviewer_id)

    def undo(self) -> None:
        if self.history_id:
            claims.undo_verdict(self.store, self.claim_id, self.history_id, reviewer_id=self.reviewer_id)


class SetRationale(WorkspaceCommand):
    """Replace a claim's rationale; consecutive edits of one claim undo as one step."""

    def __init__(self, workspace, claim_id: str, old: str, new: str):
        super().__init__(workspace, "Edit rationale")
        self.claim_id, self.old, self.new = claim_id, old, new
        self.merge_key = ("rationale", claim_id)

    def merge(self, newer: Command) -> bool:
        self.new = newer.new
        return True

    def do(self) -> None:
        claims.set_rationale(self.store, self.claim_id, self.new, reviewer_id=self.reviewer_id)

    def undo(self) -> None:
        claims.set_rationale(self.store, self.claim_id, self.old, reviewer_id=self.reviewer_id)


class Settle(WorkspaceCommand):
    """Give every claim of a disagreement one verdict; undo takes each change back."""

    def __init__(self, workspace, claim_ids, verdict: str):
        super().__init__(workspace, f"Settle as {LABELS[verdict].lower()}")
        self.claim_ids, self.verdict = tuple(claim_ids), verdict
        self.history: dict[str, str] = {}

    def do(self) -> None:
        self.history = disagreements.settle(self.store, self.claim_ids, self.verdict, reviewer_id=self.reviewer_id)

    def undo(self) -> None:
        with self.store.transaction():
            for claim_id, history_id in self.history.items():
                claims.undo_verdict(self.store, claim_id, history_id, reviewer_id=self.reviewer_id)


class AddEvidence(WorkspaceCommand):
    """Add an evidence item, with files or (bytes, name) pairs attached in the same transaction.

    Undo tombstones the item; redo brings the same item back with its attachments.
    """

    def __init__(self, workspace, claim_id: str, fields: dict, *, files=(), blobs=(), text: str = "Add evidence"):
        super().__init__(workspace, text)
        self.claim_id, self.fields = claim_id, dict(fields)
        self.files = [Path(p) for p in files]
        self.blobs = list(blobs)
        self.evidence_id = ids.new_id()
        self._created = False

    def do(self) -> None:
        if self._created:
            evidence.restore_evidence(self.store, self.evidence_id, reviewer_id=self.reviewer_id)
            return
        with self.store.transaction():
            evidence.add_evidence(self.store, self.claim_id, reviewer_id=self.reviewer_id,
                                  evidence_id=self.evidence_id, **self.fields)
            attach_all(self.store, self.evidence_id, self.files, self.blobs, self.reviewer_id)
        self._created = True

    def undo(self) -> None:
        evidence.delete_evidence(self.store, self.evidence_id, reviewer_id=self.reviewer_id)


class EditEvidence(WorkspaceCommand):
    """Change some fields of an evidence item; undo puts the old values back."""

    def __init__(self, workspace, evidence_id: str, old: dict, new: dict):
        super().__init__(workspace, "Edit evidence")
        self.evidence_id = evidence_id
        changed = [k for k in new if old.get(k) != new[k]]
        self.old = {k: old.get(k) for k in changed}
        self.new = {k: new[k] for k in changed}

    def do(self) -> None:
        evidence.update_evidence(self.store, self.evidence_id, reviewer_id=self.reviewer_id, **self.new)

    def undo(self) -> None:
        evidence.update_evidence(self.store, self.evidence_id, reviewer_id=self.reviewer_id, **self.old)


class RemoveEvidence(WorkspaceCommand):
    """Remove an evidence item (a tombstone); undo brings it back with its attachments."""

    def __init__(self, workspace, evidence_id: str):
        super().__init__(workspace, "Remove evidence")
        self.evidence_id = evidence_id

    def do(self) -> None:
        evidence.delete_evidence(self.store, self.evidence_id, reviewer_id=self.reviewer_id)

    def undo(self) -> None:
        evidence.restore_evidence(self.store, self.evidence_id, reviewer_id=self.reviewer_id)


class MoveEvidence(WorkspaceCommand):
    """Move an evidence item to another place in its claim's list; undo moves it back."""

    def __init__(self, workspace, evidence_id: str, old_index: int, new_index: int):
        super().__init__(workspace, "Move evidence")
        self.evidence_id, self.old_index, self.new_index = evidence_id, old_index, new_index

    def do(self) -> None:
        evidence.move_evidence(self.store, self.evidence_id, self.new_index, reviewer_id=self.reviewer_id)

    def undo(self) -> None:
        evidence.move_evidence(self.store, self.evidence_id, self.old_index, reviewer_id=self.reviewer_id)


class AttachFiles(WorkspaceCommand):
    """Attach files (or (bytes, name) pairs) to an evidence item, all or none; undo removes them."""

    def __init__(self, workspace, evidence_id: str, files=(), blobs=(), text: str = "Attach files"):
        super().__init__(workspace, text)
        self.evidence_id = evidence_id
        self.files = [Path(p) for p in files]
        self.blobs = list(blobs)
        self.attachment_ids: list[str] = []

    def do(self) -> None:
        with self.store.transaction():
            if self.attachment_ids:
                for attachment_id in self.attachment_ids:
                    evidence.restore_attachment(self.store, attachment_id, reviewer_id=self.reviewer_id)
            else:
                self.attachment_ids = attach_all(self.store, self.evidence_id, self.files, self.blobs,
                                                 self.reviewer_id)

    def undo(self) -> None:
        with self.store.transaction():
            for attachment_id in self.attachment_ids:
                evidence.delete_attachment(self.store, attachment_id, reviewer_id=self.reviewer_id)


class RemoveAttachment(WorkspaceCommand):
    """Remove an attachment from its evidence item; undo brings it back."""

    def __init__(self, workspace, attachment_id: str):
        super().__init__(workspace, "Remove attachment")
        self.attachment_id = attachment_id

    def do(self) -> None:
        evidence.delete_attachment(self.store, self.attachment_id, reviewer_id=self.reviewer_id)

    def undo(self) -> None:
        evidence.restore_attachment(self.store, self.attachment_id, reviewer_id=self.reviewer_id)


class CopyEvidence(WorkspaceCommand):
    """Copy an evidence item (with its attachments) to the end of another claim; undo removes the copy."""

    def __init__(self, workspace, evidence_id: str, target_claim_id: str, stance: str | None = None):
        super().__init__(workspace, "Copy evidence")
        self.evidence_id, self.target_claim_id, self.stance = evidence_id, target_claim_id, stance
        self.copy_id: str | None = None

    def do(self) -> None:
        if self.copy_id:
            evidence.restore_evidence(self.store, self.copy_id, reviewer_id=self.reviewer_id)
        else:
            self.copy_id = evidence.copy_evidence(self.store, self.evidence_id, self.target_claim_id,
                                                  reviewer_id=self.reviewer_id, stance=self.stance)["id"]

    def undo(self) -> None:
        if self.copy_id:
            evidence.delete_evidence(self.store, self.copy_id, reviewer_id=self.reviewer_id)


def attach_all(store, evidence_id: str, files, blobs, reviewer_id: str) -> list[str]:
    """Attach files and (bytes, name) pairs inside the caller's transaction; return the new ids."""
    made = [evidence.attach_file(store, evidence_id, path, reviewer_id=reviewer_id)["id"] for path in files]
    made += [evidence.attach_bytes(store, evidence_id, data, name, reviewer_id=reviewer_id)["id"]
             for data, name in blobs]
    return made


class DeleteArticle(WorkspaceCommand):
    """Delete an article (a tombstone that travels through merges); undo brings it back."""

    def __init__(self, workspace, article_id: str, title: str):
        super().__init__(workspace, f"Delete article “{title[:40]}”")
        self.article_id = article_id

    def do(self) -> None:
        articles.delete_article(self.store, self.article_id)

    def undo(self) -> None:
        articles.restore_article(self.store, self.article_id)


class EditArticle(WorkspaceCommand):
    """Correct an article's details (title, address, publisher, author, date); undo puts the old ones back."""

    def __init__(self, workspace, article_id: str, old: dict, new: dict):
        super().__init__(workspace, "Edit article details")
        self.article_id = article_id
        changed = [k for k in new if old.get(k) != new[k]]
        self.old = {k: old.get(k) for k in changed}
        self.new = {k: new[k] for k in changed}

    def do(self) -> None:
        articles.update_article(self.store, self.article_id, reviewer_id=self.reviewer_id, **self.new)

    def undo(self) -> None:
        articles.update_article(self.store, self.article_id, reviewer_id=self.reviewer_id, **self.old)


class ImportedArticles(WorkspaceCommand):
    """Articles an import added (it ran already, maybe in the background); undo deletes them again."""

    def __init__(self, workspace, article_ids: list[str]):
        count = len(article_ids)
        super().__init__(workspace, f"Import {count} article{'s' if count != 1 else ''}")
        self.article_ids = list(article_ids)
        self._done = True

    def do(self) -> None:
        if self._done:  # the import itself made them; nothing to do the first time
            self._done = False
            return
        with self.store.transaction():
            for article_id in self.article_ids:
                articles.restore_article(self.store, article_id)

    def undo(self) -> None:
        with self.store.transaction():
            for article_id in self.article_ids:
                articles.delete_article(self.store, article_id)


class ImportedVersion(ImportedArticles):
    """A corrected version an import added; undo deletes it again (the old version keeps its claims)."""

    def __init__(self, workspace, article_id: str):
        super().__init__(workspace, [article_id])
        self.text = "Import new version"


class PlaceOrphan(WorkspaceCommand):
    """Place an annotation that could not be placed on [start, end); undo removes the claim and lists it again."""

    def __init__(self, workspace, orphan_id: str, start: int, end: int):
        super().__init__(workspace, "Place annotation")
        self.orphan_id, self.start, self.end = orphan_id, start, end
        self.claim_id = orphan_id  # a placed orphan's claim takes its id

    def do(self) -> None:
        orphans.place_orphan(self.store, self.orphan_id, self.start, self.end, reviewer_id=self.reviewer_id)

    def undo(self) -> None:
        orphans.unplace_orphan(self.store, self.orphan_id, reviewer_id=self.reviewer_id)


class DismissOrphan(WorkspaceCommand):
    """Stop listing an annotation that could not be placed; undo lists it again."""

    def __init__(self, workspace, orphan_id: str):
        super().__init__(workspace, "Dismiss annotation")
        self.orphan_id = orphan_id

    def do(self) -> None:
        orphans.dismiss_orphan(self.store, self.orphan_id, reviewer_id=self.reviewer_id)

    def undo(self) -> None:
        orphans.restore_orphan(self.store, self.orphan_id, reviewer_id=self.reviewer_id)


class ImportedAnnotations(WorkspaceCommand):
    """The claims and orphans an annotation import made (it ran already, maybe in the background).

    Undo removes them for good (annotations.remove_imported); redo reads the file again and imports
    what it holds then.
    """

    def __init__(self, workspace, path: str, article_id: str, stored: list):
        super().__init__(workspace, "Import annotations")
        self.path, self.article_id, self.stored = path, article_id, list(stored)
        self._done = True

    def do(self) -> None:
        if self._done:  # the import itself made them; nothing to do the first time
            self._done = False
            return
        from workbench import annotations  # imported where first used, as Workspace does importers

        self.stored = annotations.import_annotation_file_report(
            self.store, self.path, reviewer_id=self.reviewer_id, article_id=self.article_id, onto=True).stored

    def undo(self) -> None:
        from workbench import annotations

        annotations.remove_imported(self.store, self.stored)
