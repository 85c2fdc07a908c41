"""The open database as the UI sees it: the store, the reviewer, the undo stack, change signals."""

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from workbench.errors import WorkbenchError
from workbench.store import Store


class Session(QObject):
    """Wraps a Store: turns committed changes into Qt signals that models and views listen to."""

    articlesChanged = Signal()
    claimsChanged = Signal(str, list)  # article id, claim ids (rows may be gone)
    historyChanged = Signal(str)  # claim id
    evidenceChanged = Signal(str)  # claim id
    failed = Signal(str)  # a user-facing error message

    def __init__(self, store: Store, reviewer: str, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.reviewer_name = reviewer
        self.reviewer_id = store.reviewer(reviewer)
        self.undo_stack = QUndoStack(self)
        store.subscribe(self._on_store_changed)

    def close(self) -> None:
        """Stop listening and close the database."""
        self.store.unsubscribe(self._on_store_changed)
        self.undo_stack.clear()
        self.store.close()

    def push(self, command) -> bool:
        """Do a StoreCommand and put it on the undo stack; a refused action is reported, not kept."""
        try:
            command.apply()
        except WorkbenchError as error:
            self.failed.emit(str(error))
            return False
        command.applied_once = True
        self.undo_stack.push(command)
        return True

    def run(self, action, *args, **kwargs):
        """Call a store action outside the undo stack, reporting user-facing errors."""
        try:
            return action(*args, **kwargs)
        except WorkbenchError as error:
            self.failed.emit(str(error))
            return None

    def _on_store_changed(self, changes: set[tuple[str, str]]) -> None:
        by_table: dict[str, set[str]] = {}
        for table, row_id in changes:
            by_table.setdefault(table, set()).add(row_id)
        claim_ids = by_table.get("claims", set())
        if claim_ids:
            self._emit_claims(claim_ids, by_table.get("articles", set()))
        for history_id in by_table.get("verdict_history", set()):
            row = self.store.get("verdict_history", history_id)
            if row:
                self.historyChanged.emit(row["claim_id"])
        for claim_id in self._evidence_claims(by_table):
            self.evidenceChanged.emit(claim_id)
        if "articles" in by_table or "appearances" in by_table:
            self.articlesChanged.emit()

    def _emit_claims(self, claim_ids: set[str], article_ids: set[str]) -> None:
        marks = ",".join("?" * len(claim_ids))
        rows = self.store.query(f"SELECT id, article_id FROM claims WHERE id IN ({marks})", list(claim_ids))
        per_article: dict[str, list[str]] = {}
        for row in rows:
            per_article.setdefault(row["article_id"], []).append(row["id"])
        gone = claim_ids - {row["id"] for row in rows}
        for article_id in article_ids if gone else ():
            per_article.setdefault(article_id, []).extend(gone)
        for article_id, ids in per_article.items():
            self.claimsChanged.emit(article_id, sorted(ids))

    def _evidence_claims(self, by_table: dict[str, set[str]]) -> set[str]:
        claims = set()
        for evidence_id in by_table.get("evidence", set()):
            row = self.store.get("evidence", evidence_id)
            if row:
                claims.add(row["claim_id"])
        for attachment_id in by_table.get("attachments", set()):
            rows = self.store.query(
                "SELECT e.claim_id FROM attachments a JOIN evidence e ON e.id = a.evidence_id WHERE a.id = ?",
                [attachment_id])
            claims.update(r["claim_id"] for r in rows)
        return claims
