"""Claims: ranges of an article's text with a verdict, a rationale and a verdict history."""

from workbench import ids, order
from workbench.articles import article_body
from workbench.errors import WorkbenchError
from workbench.store import Store
from workbench.text import quote_at
from workbench.verdicts import PENDING, check_verdict


def add_claim(store: Store, article_id: str, start: int, end: int, *, reviewer_id: str,
              verdict: str = PENDING, rationale: str = "", claim_id: str | None = None) -> dict:
    """Mark [start, end) of the article (code points) as a claim; return the new row."""
    check_verdict(verdict)
    body = article_body(store, article_id)
    if not 0 <= start < end <= len(body):
        raise WorkbenchError(f"a claim must cover some text inside the article (got {start}–{end})")
    quote = quote_at(body, start, end)
    with store.transaction():
        row = store.insert("claims", {
            "id": claim_id or ids.new_id(),
            "article_id": article_id,
            "start": start,
            "end": end,
            "quote": quote.exact,
            "prefix": quote.prefix,
            "suffix": quote.suffix,
            "verdict": verdict,
            "rationale": rationale,
            "created_by": reviewer_id,
            "updated_by": reviewer_id,
        })
        if verdict != PENDING:
            _record_verdict(store, row["id"], PENDING, verdict, reviewer_id)
    return row


def get_claim(store: Store, claim_id: str) -> dict:
    """One claim row (tombstoned or not); WorkbenchError if unknown."""
    return store.require("claims", claim_id, "claim")


def claims_for(store: Store, article_id: str) -> list[dict]:
    """The live claims of an article in reading order."""
    return store.query(
        f'SELECT * FROM claims WHERE article_id = ? AND deleted_at IS NULL ORDER BY {order.claims_sql()}',
        [article_id])


def claim_numbers(store: Store, article_id: str) -> dict[str, int]:
    """Every claim of an article numbered 1, 2, … in the order claims were made (deleted ones too).

    A claim's number is an identifier, not a position: adding or deleting a claim never moves
    another's, the window and the report show the same number, and every database holding the
    same claims numbers them alike. On a corrected version of an article (versions.py) a claim
    carried from the previous version keeps the number it had there, and claims new to this
    version are numbered after the previous version's claims (numbering_floor), so placing
    later what could not be carried moves no number either.
    """
    return numbering(store, article_id)[0]


def numbering(store: Store, article_id: str) -> tuple[dict[str, int], int]:
    """claim_numbers, and the number after which new claims are numbered (0 unless a new version)."""
    return _numbering(store, article_id, 0)


MAX_VERSION_DEPTH = 100  # a chain of versions deeper than this (or a cycle) numbers from its own claims


def _numbering(store: Store, article_id: str, depth: int) -> tuple[dict[str, int], int]:
    ids = [row[0] for row in store.conn.execute(
        "SELECT id FROM claims WHERE article_id = ? ORDER BY created_at, id", [article_id])]
    link = store.conn.execute(
        "SELECT v.previous_id, a.created_at FROM article_versions v JOIN articles a ON a.id = v.article_id "
        "WHERE v.article_id = ? AND v.deleted_at IS NULL ORDER BY v.created_at, v.id LIMIT 1", [article_id]).fetchone()
    if link is None or depth >= MAX_VERSION_DEPTH:
        return {claim_id: n for n, claim_id in enumerate(ids, 1)}, 0
    previous_id, made_at = link
    before, _ = _numbering(store, previous_id, depth + 1)
    existing = {row[0] for row in store.conn.execute(
        "SELECT id FROM claims WHERE article_id = ? AND created_at < ?", [previous_id, made_at])}
    floor = max((before[c] for c in existing if c in before), default=0)
    numbers: dict[str, int] = {}
    taken: set[int] = set()
    for claim_id, from_id in store.conn.execute(
            "SELECT k.claim_id, k.from_claim_id FROM carried_claims k JOIN claims c ON c.id = k.claim_id "
            "WHERE c.article_id = ? AND k.deleted_at IS NULL ORDER BY k.created_at, k.id", [article_id]):
        number = before.get(from_id)
        if number is not None and number not in taken:
            numbers[claim_id] = number
            taken.add(number)
            floor = max(floor, number)
    after = floor
    for claim_id in ids:
        if claim_id not in numbers:
            after += 1
            numbers[claim_id] = after
    return numbers, floor


def set_verdict(store: Store, claim_id: str, verdict: str, *, reviewer_id: str,
                note: str | None = None) -> str | None:
    """Give a claim a verdict and keep the change in its history; return the history row id."""
    check_verdict(verdict)
    with store.transaction():
        old = get_claim(store, claim_id)["verdict"]
        if old == verdict:
            return None
        store.update("claims", claim_id, verdict=verdict, updated_by=reviewer_id)
        return _record_verdict(store, claim_id, old, verdict, reviewer_id, note)


def undo_verdict(store: Store, claim_id: str, history_id: str, *, reviewer_id: str) -> None:
    """Take back the verdict change recorded as history_id, as if it had not been made."""
    with store.transaction():
        entry = store.get("verdict_history", history_id)
        if entry is None or entry["claim_id"] != claim_id:
            raise WorkbenchError("that verdict change is no longer in the history")
        store.update("claims", claim_id, verdict=entry["from_verdict"], updated_by=reviewer_id)
        # A tombstone, not a delete: a merge would otherwise bring the undone change back.
        store.update("verdict_history", history_id, deleted_at=ids.now())


def _record_verdict(store: Store, claim_id: str, old: str, new: str, reviewer_id: str,
                    note: str | None = None) -> str:
    return store.insert("verdict_history", {
        "claim_id": claim_id, "from_verdict": old, "to_verdict": new,
        "created_by": reviewer_id, "note": note,
    })["id"]


def set_rationale(store: Store, claim_id: str, rationale: str, *, reviewer_id: str) -> None:
    """Replace a claim's rationale (Markdown text)."""
    with store.transaction():
        if get_claim(store, claim_id)["rationale"] != rationale:
            store.update("claims", claim_id, rationale=rationale, updated_by=reviewer_id)


def delete_claim(store: Store, claim_id: str, *, reviewer_id: str) -> None:
    """Tombstone a claim, so that a merge knows it was deleted here."""
    with store.transaction():
        get_claim(store, claim_id)
        store.update("claims", claim_id, deleted_at=ids.now(), updated_by=reviewer_id)


def restore_claim(store: Store, claim_id: str, *, reviewer_id: str) -> None:
    """Bring back a tombstoned claim (undo of a delete)."""
    with store.transaction():
        get_claim(store, claim_id)
        store.update("claims", claim_id, deleted_at=None, updated_by=reviewer_id)


def purge_claim(store: Store, claim_id: str) -> None:
    """Remove a claim and its history entirely: the undo of its creation.

    A hard delete, not a tombstone: the claim existed only between a keystroke and its undo.
    """
    with store.transaction():
        get_claim(store, claim_id)
        if store.conn.execute("SELECT 1 FROM evidence WHERE claim_id = ?", [claim_id]).fetchone():
            raise WorkbenchError("this claim has evidence now; delete the claim instead")
        store.conn.execute("DELETE FROM verdict_history WHERE claim_id = ?", [claim_id])
        store.conn.execute("DELETE FROM claims WHERE id = ?", [claim_id])
        store.changed("claims", claim_id)


def verdict_history(store: Store, claim_id: str) -> list[dict]:
    """The verdict changes of a claim, oldest first, with reviewer names."""
    return store.query(
        "SELECT h.created_at, h.from_verdict, h.to_verdict, h.note, r.name AS reviewer "
        "FROM verdict_history h LEFT JOIN reviewers r ON r.id = h.created_by "
        "WHERE h.claim_id = ? AND h.deleted_at IS NULL ORDER BY h.created_at", [claim_id])
