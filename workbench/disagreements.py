"""Where reviewers disagree: different verdicts on one claim, or on overlapping claims, and settling them.

Each reviewer's own verdict on a claim is the last verdict they gave it, as the verdict history
records it (undone changes left out), not counting settlements (the verdicts "Settle as…"
gives every claim of a disagreement) nor the "merge: kept" rows older versions wrote in someone
else's name. Stats measures agreement with these.

A claim's open opinions are the own verdicts given since its last settlement; a claim nobody
has judged since (or ever) stands for its current verdict, by its creator. Two reviewers
disagree when their opinions differ (both judged) on one claim, or on claims by different
creators whose ranges overlap, linked in a chain of overlaps. Settling gives every claim of
the group one verdict, which closes it until someone gives another.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass

from workbench.claims import claims_for, set_verdict
from workbench.errors import WorkbenchError
from workbench.overlaps import linked_groups
from workbench.store import Store
from workbench.verdicts import JUDGED, LABELS, check_verdict

SETTLED_NOTE = "settled by "  # the note of a settlement's history rows starts so
LEGACY_MERGE_NOTE = "merge: kept "  # rows an older merge invented: nobody gave these verdicts

Opinions = Mapping[str, Mapping[str, str]]  # claim id -> reviewer id -> verdict


@dataclass(frozen=True)
class Disagreement:
    """A group of claims (one, or overlapping ones) on which reviewers gave different judged verdicts."""

    claim_ids: tuple[str, ...]
    verdicts: tuple[tuple[str, str, str], ...]  # (reviewer name, verdict, claim id), in reading order

    def summary(self) -> str:
        """'Ana: Verified · Bo: Disputed'."""
        return " · ".join(f"{name}: {LABELS[verdict]}" for name, verdict, _ in self.verdicts)


def disagreements(store: Store, article_id: str) -> list[Disagreement]:
    """The disagreements on one article, in reading order."""
    return find_disagreements(claims_for(store, article_id), store.reviewer_names(),
                              opinions(store, article_id))


def _history(store: Store, article_id: str | None, claim_ids) -> list[tuple]:
    """(claim id, reviewer, verdict, settled?) of live history rows of live claims, oldest first."""
    sql = ("SELECT h.claim_id, h.created_by, h.to_verdict, COALESCE(h.note, '') FROM verdict_history h "
           "JOIN claims c ON c.id = h.claim_id WHERE h.deleted_at IS NULL AND c.deleted_at IS NULL")
    params: list = []
    if article_id is not None:
        sql += " AND c.article_id = ?"
        params.append(article_id)
    if claim_ids is not None:
        sql += " AND h.claim_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(claim_ids)))
    rows = store.conn.execute(sql + " ORDER BY h.claim_id, h.created_at, h.id", params)
    return [(claim, who, verdict, note.startswith(SETTLED_NOTE)) for claim, who, verdict, note in rows
            if not note.startswith(LEGACY_MERGE_NOTE)]


def own_verdicts(store: Store, article_id: str | None = None, claim_ids=None) -> dict[str, dict[str, str]]:
    """claim id -> reviewer id -> the last verdict that reviewer gave the claim, settlements excluded."""
    result: dict[str, dict[str, str]] = {}
    for claim, who, verdict, settled in _history(store, article_id, claim_ids):
        if not settled and who:
            result.setdefault(claim, {})[who] = verdict
    return result


def opinions(store: Store, article_id: str | None = None, claim_ids=None) -> dict[str, dict[str, str]]:
    """claim id -> reviewer id -> verdict, for the verdicts given since the claim's last settlement."""
    result: dict[str, dict[str, str]] = {}
    for claim, who, verdict, settled in _history(store, article_id, claim_ids):
        if settled:
            result.pop(claim, None)
        elif who:
            result.setdefault(claim, {})[who] = verdict
    return result


def claim_opinions(row: Mapping, found: Opinions) -> Mapping[str, str]:
    """A claim's open opinions; a claim with none stands for its current verdict, by its creator."""
    return found.get(row["id"]) or {row["created_by"]: row["verdict"]}


def find_disagreements(rows: list[dict], names: dict[str, str], found: Opinions | None = None) -> list[Disagreement]:
    """Disagreements among claim rows of one article (any subset of them), in reading order.

    found: the claims' opinions (`opinions`); without it each claim stands for its current
    verdict by its creator. Overlaps are grouped with one sort and a sweep: O(n log n) time,
    O(n) memory, whatever the number of overlapping claims.
    """
    found = found or {}
    if len({row["created_by"] for row in rows}) < 2 and not any(len(found.get(r["id"], ())) > 1 for r in rows):
        return []
    result = []
    judged = frozenset(JUDGED)
    for group in linked_groups([(r["start"], r["end"], r["created_by"]) for r in rows]):
        if len(group) == 1 and rows[group[0]]["id"] not in found:
            continue  # one claim that stands for its creator's verdict alone
        members = [rows[i] for i in group]
        given = []
        for m in members:
            stated = found.get(m["id"])
            if stated:
                given.extend((who, verdict, m["id"]) for who, verdict in stated.items() if verdict in judged)
            elif m["verdict"] in judged:
                given.append((m["created_by"], m["verdict"], m["id"]))
        if len({who for who, _, _ in given}) < 2 or len({verdict for _, verdict, _ in given}) < 2:
            continue
        members.sort(key=lambda m: (m["start"], m["end"], m["id"]))
        position = {m["id"]: i for i, m in enumerate(members)}
        name_key = {who: (names.get(who, "?").casefold(), who) for who in {g[0] for g in given}}
        given.sort(key=lambda g: (position[g[2]], name_key[g[0]]))
        result.append((members[0]["start"], Disagreement(
            tuple(m["id"] for m in members),
            tuple((names.get(who, "?"), verdict, claim) for who, verdict, claim in given))))
    result.sort(key=lambda item: (item[0], item[1].claim_ids))
    return [disagreement for _, disagreement in result]


def settle(store: Store, claim_ids: list[str] | tuple[str, ...], verdict: str, *,
           reviewer_id: str) -> dict[str, str]:
    """Give every claim of a disagreement the settled verdict; each original stays in its history.

    Returns claim id -> the history row recording its change (claims already so are left alone,
    though the settlement is still recorded for them, so that their disagreement is closed).
    """
    check_verdict(verdict)
    if not claim_ids:
        raise WorkbenchError("nothing to settle")
    reviewer = store.reviewer_names().get(reviewer_id, "a reviewer")
    changed = {}
    with store.transaction():
        for claim_id in claim_ids:
            history_id = set_verdict(store, claim_id, verdict, reviewer_id=reviewer_id,
                                     note=f"{SETTLED_NOTE}{reviewer}")
            if history_id:
                changed[claim_id] = history_id
            else:
                changed[claim_id] = store.insert("verdict_history", {
                    "claim_id": claim_id, "from_verdict": verdict, "to_verdict": verdict,
                    "created_by": reviewer_id, "note": f"{SETTLED_NOTE}{reviewer}"})["id"]
    return changed
