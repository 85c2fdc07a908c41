"""What still needs work on each claim: pending, judged without evidence or rationale, reviewers disagreeing.

A claim needs work when it is still pending; when it is judged but has no live evidence or no
rationale; or when reviewers gave it (or claims overlapping it) different judged verdicts
(disagreements.find_disagreements). Read for every article at once with one claims query and
one verdict-history query, however many articles there are.
"""

import json
from dataclasses import dataclass

from workbench import order
from workbench.disagreements import find_disagreements, opinions
from workbench.verdicts import PENDING

REASONS = ("pending", "no_evidence", "no_rationale", "disagreement")
REASON_LABELS = {"pending": "Pending", "no_evidence": "No evidence", "no_rationale": "No rationale",
                 "disagreement": "Reviewers disagree"}


@dataclass(frozen=True)
class ToDo:
    """One claim that needs work, and why."""

    article_id: str
    claim_id: str
    number: int  # claims.claim_numbers: the number the window and the report show
    quote: str
    verdict: str
    reasons: tuple[str, ...]


def empty_work() -> dict[str, int]:
    """Work counts of an article with nothing left to do."""
    return dict.fromkeys(REASONS, 0)


def reasons(claim: dict, evidence_count: int, disagreed: bool) -> tuple[str, ...]:
    """Why one claim needs work (empty: it does not)."""
    found = []
    if claim["verdict"] == PENDING:
        found.append("pending")
    else:
        if not evidence_count:
            found.append("no_evidence")
        if not (claim.get("rationale") or "").strip():
            found.append("no_rationale")
    if disagreed:
        found.append("disagreement")
    return tuple(found)


def tally(items) -> dict[str, dict[str, int]]:
    """article id -> reason -> claims needing work for it, from ToDo items."""
    result: dict[str, dict[str, int]] = {}
    for item in items:
        counts = result.setdefault(item.article_id, empty_work())
        for reason in item.reasons:
            counts[reason] += 1
    return result


def work_counts(store, article_ids=None) -> dict[str, dict[str, int]]:
    """article id -> reason -> number of claims needing work for it (every live article, or those given)."""
    wanted = _live_articles(store, article_ids)
    counts = tally(claims_needing_work(store, article_ids))
    return {article_id: counts.get(article_id, empty_work()) for article_id in wanted}


def claims_needing_work(store, article_ids=None) -> list[ToDo]:
    """Every claim that needs work, of live articles (all, or those given), by article and reading order."""
    sql = ('SELECT c.id, c.article_id, c.start, c."end", c.created_at, c.created_by, c.verdict, c.rationale, '
           "c.quote, c.number, (SELECT count(*) FROM evidence e WHERE e.claim_id = c.id AND e.deleted_at IS NULL) "
           "AS evidence FROM (SELECT *, row_number() OVER (PARTITION BY article_id ORDER BY created_at, id) AS number "
           "FROM claims{where}) c JOIN articles a ON a.id = c.article_id "
           f"WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL ORDER BY c.article_id, {order.claims_sql('c')}")
    params: list = []
    if article_ids is None:
        sql = sql.format(where="")
        found = opinions(store)
    else:
        ids = json.dumps(sorted(set(article_ids)))
        sql = sql.format(where=" WHERE article_id IN (SELECT value FROM json_each(?))")
        params.append(ids)
        found = {}
        for article_id in set(article_ids):  # usually one article: the one an action changed
            found.update(opinions(store, article_id))
    rows = [dict(row) for row in store.conn.execute(sql, params)]
    names = store.reviewer_names()
    result: list[ToDo] = []
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end]["article_id"] == rows[start]["article_id"]:
            end += 1
        result.extend(_article_work(rows[start:end], names, found))
        start = end
    return result


def _article_work(rows: list[dict], names: dict[str, str], found) -> list[ToDo]:
    disagreeing = {claim_id for d in find_disagreements(rows, names, found) for claim_id in d.claim_ids}
    items = []
    for row in rows:
        why = reasons(row, row["evidence"], row["id"] in disagreeing)
        if why:
            items.append(ToDo(row["article_id"], row["id"], row["number"], row["quote"] or "", row["verdict"], why))
    return items


def _live_articles(store, article_ids) -> list[str]:
    sql = "SELECT id FROM articles WHERE deleted_at IS NULL"
    if article_ids is None:
        return [row[0] for row in store.conn.execute(sql)]
    return [row[0] for row in store.conn.execute(sql + " AND id IN (SELECT value FROM json_each(?))",
                                                 [json.dumps(sorted(set(article_ids)))])]

