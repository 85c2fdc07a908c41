"""Undoable actions on evidence and attachments; each redo and undo is one database transaction."""

from pathlib import Path

from workbench import evidence, ids
from ui.commands import StoreCommand


class AddEvidence(StoreCommand):
    """Add an evidence item (optionally with files or bytes attached, in the same transaction).

    Undo tombstones the item; redo brings the same item back with its attachments.
    """

    def __init__(self, session, claim_id: str, fields: dict, *, files=(), blobs=(), text: str = "Add evidence"):
        super().__init__(session, text)
        self.claim_id, self.fields = claim_id, dict(fields)
        self.files = [Path(p) for p in files]
        self.blobs = list(blobs)  # (bytes, file name) pairs
        self.evidence_id = ids.new_id()
        self._created = False

    def apply(self) -> None:
        store, reviewer = self.session.store, self.session.reviewer_id
        if self._created:
            evidence.restore_evidence(store, self.evidence_id, reviewer_id=reviewer)
            return
        with store.transaction():
            evidence.add_evidence(store, self.claim_id, reviewer_id=reviewer, evidence_id=self.evidence_id,
                                  **self.fields)
            _attach(store, self.evidence_id, self.files, self.blobs, reviewer)
        self._created = True

    def revert(self) -> None:
        evidence.delete_evidence(self.session.store, self.evidence_id, reviewer_id=self.session.reviewer_id)


class EditEvidence(StoreCommand):
    """Change some fields of an evidence item; undo puts the old values back."""

    def __init__(self, session, evidence_id: str, old: dict, new: dict):
        super().__init__(session, "Edit evidence")
        self.evidence_id = evidence_id
        changed = [k for k in new if old.get(k) != new[k]]
        self.old = {k: old.get(k) for k in changed}
        self.new = {k: new[k] for k in changed}

    def apply(self) -> None:
        evidence.update_evidence(self.session.store, self.evidence_id, reviewer_id=self.session.reviewer_id,
                                 **self.new)

    def revert(self) -> None:
        evidence.update_evidence(self.session.store, self.evidence_id, reviewer_id=self.session.reviewer_id,
                                 **self.old)


class RemoveEvidence(StoreCommand):
    """Remove an evidence item (a tombstone); undo brings it back with its attachments."""

    def __init__(self, session, evidence_id: str):
        super().__init__(session, "Remove evidence")
        self.evidence_id = evidence_id

    def apply(self) -> None:
        evidence.delete_evidence(self.session.store, self.evidence_id, reviewer_id=self.session.reviewer_id)

    def revert(self) -> None:
        evidence.restore_evidence(self.session.store, self.evidence_id, reviewer_id=self.session.reviewer_id)


class MoveEvidence(StoreCommand):
    """Move an evidence item to another place in its claim's list; undo moves it back."""

    def __init__(self, session, evidence_id: str, old_index: int, new_index: int):
        super().__init__(session, "Move evidence")
        self.evidence_id, self.old_index, self.new_index = evidence_id, old_index, new_index

    def apply(self) -> None:
        evidence.move_evidence(self.session.store, self.evidence_id, self.new_index,
                               reviewer_id=self.session.reviewer_id)

    def revert(self) -> None:
        evidence.move_evidence(self.session.store, self.evidence_id, self.old_index,
                               reviewer_id=self.session.reviewer_id)


class AttachFiles(StoreCommand):
    """Attach files from disk to an evidence item, all or none; undo removes those attachments."""

    def __init__(self, session, evidence_id: str, files=(), blobs=(), text: str = "Attach files"):
        super().__init__(session, text)
        self.evidence_id = evidence_id
        self.files = [Path(p) for p in files]
        self.blobs = list(blobs)
        self.attachment_ids: list[str] = []

    def apply(self) -> None:
        store, reviewer = self.session.store, self.session.reviewer_id
        with store.transaction():
            if self.attachment_ids:
                for attachment_id in self.attachment_ids:
                    evidence.restore_attachment(store, attachment_id, reviewer_id=reviewer)
            else:
                self.attachment_ids = _attach(store, self.evidence_id, self.files, self.blobs, reviewer)

    def revert(self) -> None:
        store, reviewer = self.session.store, self.session.reviewer_id
        with store.transaction():
            for attachment_id in self.attachment_ids:
                evidence.delete_attachment(store, attachment_id, reviewer_id=reviewer)


class AttachImage(AttachFiles):
    """Attach image bytes (a pasted screenshot) under a file name; undo removes the attachment."""

    def __init__(self, session, evidence_id: str, data: bytes, filename: str):
        super().__init__(session, evidence_id, blobs=[(data, filename)], text="Paste image")


class RemoveAttachment(StoreCommand):
    """Remove an attachment from its evidence item; undo brings it back."""

    def __init__(self, session, attachment_id: str):
        super().__init__(session, "Remove attachment")
        self.attachment_id = attachment_id

    def apply(self) -> None:
        evidence.delete_attachment(self.session.store, self.attachment_id, reviewer_id=self.session.reviewer_id)

    def revert(self) -> None:
        evidence.restore_attachment(self.session.store, self.attachment_id, reviewer_id=self.session.reviewer_id)


class CopyEvidence(StoreCommand):
    """Copy an evidence item (with its attachments) to the end of another claim; undo removes the copy."""

    def __init__(self, session, evidence_id: str, target_claim_id: str):
        super().__init__(session, "Copy evidence")
        self.evidence_id, self.target_claim_id = evidence_id, target_claim_id
        self.copy_id: str | None = None

    def apply(self) -> None:
        store, reviewer = self.session.store, self.session.reviewer_id
        if self.copy_id:
            evidence.restore_evidence(store, self.copy_id, reviewer_id=reviewer)
        else:
            self.copy_id = evidence.copy_evidence(store, self.evidence_id, self.target_claim_id,
                                                  reviewer_id=reviewer)["id"]

    def revert(self) -> None:
        if self.copy_id:
            evidence.delete_evidence(self.session.store, self.copy_id, reviewer_id=self.session.reviewer_id)


def _attach(store, evidence_id: str, files, blobs, reviewer_id: str) -> list[str]:
    """Attach files and (bytes, name) pairs inside the caller's transaction; return the new ids."""
    made = [evidence.attach_file(store, evidence_id, path, reviewer_id=reviewer_id)["id"] for path in files]
    made += [evidence.attach_bytes(store, evidence_id, data, name, reviewer_id=reviewer_id)["id"]
             for data, name in blobs]
    return made
