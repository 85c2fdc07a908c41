"""Annotations that could not be placed: kept with their quote, verdict and rationale until placed by hand.

An orphan is a row of its own table, not a claim: a claim always has a valid range of its article,
and the reader, the report and merge's checks rely on that. An orphan comes from an annotation
file (its evidence kept with it as JSON) or from a claim carried to a new version (`from_claim_id`:
its evidence and history are still the old claim's). Its id is the id the claim will get when it
is placed, so importing or carrying again finds it and adds nothing.

For the window: `orphans_for(store, article_id)` lists them ("could not be placed"), and
`place_orphan(store, orphan_id, start, end, reviewer_id=...)` makes the claim on the range the
reviewer selected, with its verdict, rationale (tags included) and, for a carried claim, the old
claim's evidence, attachments and history; `unplace_orphan` takes that back (undo);
`dismiss_orphan` / `restore_orphan` hide and bring one back.
"""

import json
from pathlib import Path

from workbench import ids
from workbench.articles import article_body
from workbench.claim_copies import (copy_details, derived_id, insert_claim, insert_evidence, record_first_verdict,
                                     remove_claim)
from workbench.errors import WorkbenchError
from workbench.verdicts import check_verdict


def add_orphan(store, row: dict, evidence: list[dict] | None = None) -> dict:
    """Keep an annotation that could not be placed (inside the caller's transaction); return the row.

    row: id, article_id, quote, prefix, suffix, verdict, rationale, reason, source, from_claim_id,
    created_by, and optionally created_at and updated_at; evidence: rows to insert when it is placed.
    """
    check_verdict(row["verdict"])
    return store.insert("orphans", {**row, "updated_by": row["created_by"],
                                    "evidence": json.dumps(evidence or [], ensure_ascii=False)})


def orphans_for(store, article_id: str) -> list[dict]:
    """The orphans of an article still waiting to be placed, oldest first (evidence left out)."""
    return store.query(
        "SELECT id, created_at, updated_at, article_id, quote, prefix, suffix, verdict, rationale, "
        "reason, source, from_claim_id, created_by FROM orphans "
        "WHERE article_id = ? AND deleted_at IS NULL ORDER BY created_at, id", [article_id])


def orphan_count(store, article_id: str) -> int:
    """How many orphans of an article wait to be placed."""
    return store.get_value("SELECT count(*) FROM orphans WHERE article_id = ? AND deleted_at IS NULL",
                           [article_id]) or 0


def orphan_counts(store, article_ids=None) -> dict[str, int]:
    """article id -> how many orphans wait to be placed (every article, or those given; none: left out)."""
    sql = "SELECT article_id, count(*) AS n FROM orphans WHERE deleted_at IS NULL"
    if article_ids is None:
        rows = store.query(sql + " GROUP BY article_id")
    else:
        rows = store.query_in(sql + " AND article_id IN ({marks}) GROUP BY article_id", article_ids)
    return {row["article_id"]: row["n"] for row in rows}


def get_orphan(store, orphan_id: str) -> dict:
    """One orphan row (placed, dismissed or waiting); WorkbenchError if unknown."""
    return store.require("orphans", orphan_id, "annotation that could not be placed")


def place_orphan(store, orphan_id: str, start: int, end: int, *, reviewer_id: str) -> dict:
    """Make the orphan a claim on [start, end) of its article, in one transaction; return the claim."""
    with store.transaction():
        orphan = get_orphan(store, orphan_id)
        if orphan["deleted_at"] is not None:
            raise WorkbenchError("that annotation has already been placed or dismissed")
        if store.get("claims", orphan_id) is not None:
            raise WorkbenchError("that annotation is already a claim")
        body = article_body(store, orphan["article_id"])
        if not 0 <= start < end <= len(body):
            raise WorkbenchError(f"a claim must cover some text inside the article (got {start}–{end})")
        claim = insert_claim(store, body, {
            "id": orphan_id, "article_id": orphan["article_id"], "start": start, "end": end,
            "verdict": orphan["verdict"], "rationale": orphan["rationale"] or "",
            "created_by": orphan["created_by"], "updated_by": reviewer_id,
            "created_at": orphan["created_at"]})
        if orphan["from_claim_id"]:
            copy_details(store, orphan["from_claim_id"], orphan_id, orphan["article_id"])
            store.insert("carried_claims", {"id": orphan_id, "claim_id": orphan_id,
                                            "from_claim_id": orphan["from_claim_id"],
                                            "method": "by hand", "score": None, "created_by": reviewer_id})
        else:
            record_first_verdict(store, claim, f"imported from {Path(orphan['source'] or '').name}; placed by hand")
            insert_evidence(store, orphan_id, json.loads(orphan["evidence"] or "[]"))
        store.update("orphans", orphan_id, deleted_at=ids.now(), updated_by=reviewer_id)
        store.changed("articles", orphan["article_id"])
    return store.get("claims", orphan_id)


def unplace_orphan(store, orphan_id: str, *, reviewer_id: str) -> None:
    """Take a placement back (the undo of place_orphan): the claim goes, the orphan waits again.

    The claim existed only since it was placed, so it goes for good with what came with it: its
    verdict history, evidence and attachments, and its carried link. Refused if it has gained live
    evidence of its own since (delete the claim instead).
    """
    with store.transaction():
        orphan = get_orphan(store, orphan_id)
        if store.get("claims", orphan_id) is None:
            raise WorkbenchError("that annotation has not been placed")
        remove_claim(store, orphan_id, _placed_evidence(store, orphan), "placed")
        store.update("orphans", orphan_id, deleted_at=None, updated_by=reviewer_id)


def _placed_evidence(store, orphan: dict) -> set[str]:
    """The ids of the evidence placing an orphan brings: copies of the old claim's, or the file's items."""
    if orphan["from_claim_id"]:
        return {derived_id(row["id"], orphan["article_id"]) for row in store.query(
            "SELECT id FROM evidence WHERE claim_id = ?", [orphan["from_claim_id"]])}
    return {row["id"] for row in json.loads(orphan["evidence"] or "[]")}


def dismiss_orphan(store, orphan_id: str, *, reviewer_id: str) -> None:
    """Stop listing an orphan without placing it (a tombstone, so merges agree)."""
    with store.transaction():
        if get_orphan(store, orphan_id)["deleted_at"] is None:
            store.update("orphans", orphan_id, deleted_at=ids.now(), updated_by=reviewer_id)


def restore_orphan(store, orphan_id: str, *, reviewer_id: str) -> None:
    """List a dismissed orphan again (the undo of dismiss_orphan); a placed one stays placed."""
    with store.transaction():
        get_orphan(store, orphan_id)
        if store.get("claims", orphan_id) is not None:
            raise WorkbenchError("that annotation has been placed as a claim")
        store.update("orphans", orphan_id, deleted_at=None, updated_by=reviewer_id)
