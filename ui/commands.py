"""Undoable actions on claims; each redo and undo is one database transaction."""

from PySide6.QtGui import QUndoCommand

from workbench import claims, ids
from workbench.errors import WorkbenchError
from workbench.verdicts import LABELS

RATIONALE_MERGE_ID = 1


class StoreCommand(QUndoCommand):
    """An undoable action: `apply` and `revert` each run one transaction.

    Qt calls redo() from C++, where a Python exception would be printed and lost, so the
    session applies a new command itself first (see Session.push) and redo() skips that once.
    """

    def __init__(self, session, text: str):
        super().__init__(text)
        self.session = session
        self.applied_once = False

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        if self.applied_once:
            self.applied_once = False
            return
        self._guarded(self.apply)

    def undo(self) -> None:
        self._guarded(self.revert)

    def _guarded(self, step) -> None:
        try:
            step()
        except WorkbenchError as error:
            self.setObsolete(True)
            self.session.failed.emit(str(error))


class CreateClaim(StoreCommand):
    """Mark a range of an article as a claim; undo removes it entirely."""

    def __init__(self, session, article_id: str, start: int, end: int):
        super().__init__(session, "Mark claim")
        self.article_id, self.start, self.end = article_id, start, end
        self.claim_id = ids.new_id()

    def apply(self) -> None:
        claims.add_claim(self.session.store, self.article_id, self.start, self.end,
                         reviewer_id=self.session.reviewer_id, claim_id=self.claim_id)

    def revert(self) -> None:
        claims.purge_claim(self.session.store, self.claim_id)


class DeleteClaim(StoreCommand):
    """Delete a claim (a tombstone); undo brings it back as it was."""

    def __init__(self, session, claim_id: str):
        super().__init__(session, "Delete claim")
        self.claim_id = claim_id

    def apply(self) -> None:
        claims.delete_claim(self.session.store, self.claim_id, reviewer_id=self.session.reviewer_id)

    def revert(self) -> None:
        claims.restore_claim(self.session.store, self.claim_id, reviewer_id=self.session.reviewer_id)


class SetVerdict(StoreCommand):
    """Give a claim a verdict; undo takes the change and its history entry back."""

    def __init__(self, session, claim_id: str, verdict: str):
        super().__init__(session, f"Mark {LABELS[verdict].lower()}")
        self.claim_id, self.verdict = claim_id, verdict
        self.history_id: str | None = None

    def apply(self) -> None:
        self.history_id = claims.set_verdict(self.session.store, self.claim_id, self.verdict,
                                             reviewer_id=self.session.reviewer_id)

    def revert(self) -> None:
        if self.history_id:
            claims.undo_verdict(self.session.store, self.claim_id, self.history_id,
                                reviewer_id=self.session.reviewer_id)


class SetRationale(StoreCommand):
    """Replace a claim's rationale; consecutive edits of one claim undo as one step."""

    def __init__(self, session, claim_id: str, old: str, new: str):
        super().__init__(session, "Edit rationale")
        self.claim_id, self.old, self.new = claim_id, old, new

    def id(self) -> int:
        return RATIONALE_MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetRationale) or other.claim_id != self.claim_id:
            return False
        self.new = other.new
        return True

    def apply(self) -> None:
        claims.set_rationale(self.session.store, self.claim_id, self.new, reviewer_id=self.session.reviewer_id)

    def revert(self) -> None:
        claims.set_rationale(self.session.store, self.claim_id, self.old, reviewer_id=self.session.reviewer_id)


class SettleDisagreement(StoreCommand):
    """Give every claim of a disagreement one verdict; undo takes each change back."""

    def __init__(self, session, claim_ids, verdict: str):
        super().__init__(session, f"Settle as {LABELS[verdict].lower()}")
        self.claim_ids, self.verdict = tuple(claim_ids), verdict
        self.history: dict[str, str] = {}

    def apply(self) -> None:
        from workbench.disagreements import settle

        self.history = settle(self.session.store, self.claim_ids, self.verdict, reviewer_id=self.session.reviewer_id)

    def revert(self) -> None:
        with self.session.store.transaction():
            for claim_id, history_id in self.history.items():
                claims.undo_verdict(self.session.store, claim_id, history_id, reviewer_id=self.session.reviewer_id)
