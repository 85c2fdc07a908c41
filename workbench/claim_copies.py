"""Claims made by import and by carrying to a new version: rows with given ids, times and authors.

`claims.add_claim` is the reviewer's action (a new id, now, the current reviewer); these keep what
a file or the old claim says, and `remove_claim` takes such a claim back (the undo of its import or
placing). Rows copied to a new version get ids derived from the old row's id
and the new article's, so two databases that carry the same claims hold the same rows.
"""

import uuid

from workbench.errors import WorkbenchError
from workbench.text import quote_at
from workbench.verdicts import PENDING

COPY_NAMESPACE = uuid.UUID("3f8e1d2c-6b5a-5c49-8e7f-0a1b2c3d4e5f")


def derived_id(old_id: str, article_id: str) -> str:
    """The id of the copy of row old_id made for the article article_id."""
    return str(uuid.uuid5(COPY_NAMESPACE, f"{old_id} {article_id}"))


def insert_claim(store, body: str, row: dict) -> dict:
    """Insert a claim on [row start, row end) of body with its quote and context; return the row.

    row holds id, article_id, start, end, verdict, rationale, created_by, updated_by and
    optionally created_at and updated_at (default: now).
    """
    quote = quote_at(body, row["start"], row["end"])
    return store.insert("claims", {**row, "quote": quote.exact, "prefix": quote.prefix,
                                   "suffix": quote.suffix})


def record_first_verdict(store, claim: dict, note: str) -> None:
    """A judged claim that came in from elsewhere: its verdict as one history row from pending."""
    if claim["verdict"] != PENDING:
        store.insert("verdict_history", {
            "claim_id": claim["id"], "from_verdict": PENDING, "to_verdict": claim["verdict"],
            "created_by": claim["created_by"], "created_at": claim["updated_at"],
            "updated_at": claim["updated_at"], "note": note})


def insert_evidence(store, claim_id: str, rows: list[dict]) -> None:
    """Insert evidence rows (each with id, times, fields and created_by) for a claim, in order."""
    for position, row in enumerate(rows, 1):
        store.insert("evidence", {**row, "claim_id": claim_id, "position": float(position)})


def copy_details(store, old_claim_id: str, new_claim_id: str, article_id: str) -> None:
    """Copy a claim's verdict history, live evidence and their live attachments to another claim."""
    for row in store.query("SELECT * FROM verdict_history WHERE claim_id = ? AND deleted_at IS NULL",
                           [old_claim_id]):
        store.insert("verdict_history", {**row, "id": derived_id(row["id"], article_id),
                                         "claim_id": new_claim_id})
    for row in store.query("SELECT * FROM evidence WHERE claim_id = ? AND deleted_at IS NULL",
                           [old_claim_id]):
        del row["seq"]  # the new row's own full-text key
        new_id = derived_id(row["id"], article_id)
        store.insert("evidence", {**row, "id": new_id, "claim_id": new_claim_id})
        for attachment in store.query("SELECT * FROM attachments WHERE evidence_id = ? AND deleted_at IS NULL",
                                      [row["id"]]):
            store.insert("attachments", {**attachment, "id": derived_id(attachment["id"], article_id),
                                         "evidence_id": new_id})


def remove_claim(store, claim_id: str, brought: set[str], made_by: str) -> None:
    """Delete a claim that an import or a placing made, inside the caller's transaction: the undo of that.

    It goes for good with its verdict history, its carried link and its evidence (with attachments).
    brought: the ids of the evidence it came with. WorkbenchError, nothing deleted, if it has live
    evidence of the reviewer's own since (made_by, "imported" or "placed", says so in the message).
    """
    claim = store.require("claims", claim_id, "claim")
    evidence = store.query("SELECT id, deleted_at FROM evidence WHERE claim_id = ?", [claim_id])
    if any(item["deleted_at"] is None and item["id"] not in brought for item in evidence):
        quote = " ".join(claim["quote"].split())
        raise WorkbenchError(f"the claim “{quote[:40]}” has evidence added since it was {made_by}; "
                             "delete the claim instead")
    for item in evidence:
        store.conn.execute("DELETE FROM attachments WHERE evidence_id = ?", [item["id"]])
        store.conn.execute("DELETE FROM evidence WHERE id = ?", [item["id"]])
        store.changed("evidence", item["id"])
    for table in ("verdict_history", "carried_claims"):
        store.conn.execute(f"DELETE FROM {table} WHERE claim_id = ?", [claim_id])
    store.conn.execute("DELETE FROM claims WHERE id = ?", [claim_id])
    store.changed("claims", claim_id)
    store.changed("articles", claim["article_id"])
