"""Where reviewers disagree: overlapping claims by different reviewers with different verdicts."""

from dataclasses import dataclass

from workbench.claims import claims_for, set_verdict
from workbench.errors import WorkbenchError
from workbench.overlaps import overlapping_pairs
from workbench.store import Store
from workbench.verdicts import JUDGED, LABELS, check_verdict


@dataclass(frozen=True)
class Disagreement:
    """A group of overlapping claims whose reviewers gave different judged verdicts."""

    claim_ids: tuple[str, ...]
    verdicts: tuple[tuple[str, str, str], ...]  # (reviewer name, verdict, claim id), in reading order

    def summary(self) -> str:
        """'Ana: Verified · Bo: Disputed'."""
        return " · ".join(f"{name}: {LABELS[verdict]}" for name, verdict, _ in self.verdicts)


def disagreements(store: Store, article_id: str) -> list[Disagreement]:
    """The disagreements on one article, in reading order."""
    return find_disagreements(claims_for(store, article_id), store.reviewer_names())


def find_disagreements(rows: list[dict], names: dict[str, str]) -> list[Disagreement]:
    """Disagreements among one article's claim rows (found with a sweep, not pairwise)."""
    if len({row["created_by"] for row in rows}) < 2:
        return []
    by_id = {row["id"]: row for row in rows}
    parent = {row["id"]: row["id"] for row in rows}

    def root(key: str) -> str:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    for a, b in overlapping_pairs([(r["start"], r["end"], r["id"]) for r in rows]):
        if by_id[a]["created_by"] != by_id[b]["created_by"]:
            parent[root(a)] = root(b)
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(root(row["id"]), []).append(row)
    result = []
    for members in groups.values():
        judged = [m for m in members if m["verdict"] in JUDGED]
        if len({m["created_by"] for m in judged}) < 2 or len({m["verdict"] for m in judged}) < 2:
            continue
        members.sort(key=lambda m: (m["start"], m["end"], m["id"]))
        result.append(Disagreement(
            tuple(m["id"] for m in members),
            tuple((names.get(m["created_by"], "?"), m["verdict"], m["id"]) for m in members)))
    return sorted(result, key=lambda d: (by_id[d.claim_ids[0]]["start"], d.claim_ids))


def settle(store: Store, claim_ids: list[str] | tuple[str, ...], verdict: str, *,
           reviewer_id: str) -> dict[str, str]:
    """Give every claim of a disagreement the settled verdict; each original stays in its history.

    Returns claim id -> the history row recording its change (claims already so are left alone).
    """
    check_verdict(verdict)
    if not claim_ids:
        raise WorkbenchError("nothing to settle")
    reviewer = store.reviewer_names().get(reviewer_id, "a reviewer")
    changed = {}
    with store.transaction():
        for claim_id in claim_ids:
            history_id = set_verdict(store, claim_id, verdict, reviewer_id=reviewer_id, note=f"settled by {reviewer}")
            if history_id:
                changed[claim_id] = history_id
    return changed
