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


def reasons(verdict: str, rationale: bool, evidence_count: int, disagreed: bool) -> tuple[str, ...]:
    """Why one claim needs work (empty: it does not); rationale: whether it has one (not blank)."""
    found = []
    if verdict == PENDING:
        found.append("pending")
    else:
        if not evidence_count:
            found.append("no_evidence")
        if not rationale:
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
    counts = tally(_needing_work(store, article_ids, detail=False))
    return {article_id: counts.get(article_id, empty_work()) for article_id in wanted}


def claims_needing_work(store, article_ids=None) -> list[ToDo]:
    """Every claim that needs work, of live articles (all, or those given), by article and reading order."""
    return _needing_work(store, article_ids, detail=True)


# Live claims of live articles with what deciding their work needs: whether they have a rationale and
# how much live evidence (one grouped count, not a query per claim); with detail, the quote and the
# claim's number (claims.claim_numbers: deleted claims count, so it is numbered among all of them).
_CLAIMS_SQL = """SELECT c.id, c.article_id, c.start, c."end", c.created_by, c.verdict,
    trim(COALESCE(c.rationale, '')) != '' AS rationale, COALESCE(e.n, 0) AS evidence{detail}
FROM {source} c JOIN articles a ON a.id = c.article_id
LEFT JOIN (SELECT claim_id, count(*) AS n FROM evidence WHERE deleted_at IS NULL GROUP BY claim_id) e
    ON e.claim_id = c.id
WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL{where}
ORDER BY c.article_id, {order}"""
_NUMBERED = ("(SELECT id, article_id, start, \"end\", created_at, created_by, verdict, rationale, quote, deleted_at, "
             "row_number() OVER (PARTITION BY article_id ORDER BY created_at, id) AS number FROM claims{where})")


def _needing_work(store, article_ids, *, detail: bool) -> list[ToDo]:
    where, params = "", []
    if article_ids is not None:
        where = " WHERE article_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(sorted(set(article_ids))))
    sql = _CLAIMS_SQL.format(
        detail=", substr(c.quote, 1, 300) AS quote, c.number" if detail else "",
        source=_NUMBERED.format(where=where) if detail else "claims",
        where="" if detail else where.replace("WHERE", "AND c.").replace("c. article_id", "c.article_id"),
        order=order.claims_sql("c") if detail else 'c.start, c."end", c.id')
    if article_ids is None:
        found = opinions(store)
    else:
        found = {}
        for article_id in set(article_ids):  # usually one article: the one an action changed
            found.update(opinions(store, article_id))
    rows = store.conn.execute(sql, params).fetchall()
    names = store.reviewer_names()
    result: list[ToDo] = []
    start = 0
    while start < len(rows):
        end = start
        while end < len(rows) and rows[end]["article_id"] == rows[start]["article_id"]:
            end += 1
        result.extend(_article_work(rows[start:end], names, found, detail))
        start = end
    return result


def _article_work(rows, names: dict[str, str], found, detail: bool) -> list[ToDo]:
    disagreeing = {claim_id for d in find_disagreements(rows, names, found) for claim_id in d.claim_ids}
    items = []
    for row in rows:
        why = reasons(row["verdict"], row["rationale"], row["evidence"], row["id"] in disagreeing)
        if why:
            items.append(ToDo(row["article_id"], row["id"], row["number"] if detail else 0,
                              (row["quote"] or "") if detail else "", row["verdict"], why))
    return items


def _live_articles(store, article_ids) -> list[str]:
    sql = "SELECT id FROM articles WHERE deleted_at IS NULL"
    if article_ids is None:
        return [row[0] for row in store.conn.execute(sql)]
    return [row[0] for row in store.conn.execute(sql + " AND id IN (SELECT value FROM json_each(?))",
                                                 [json.dumps(sorted(set(article_ids)))])]

