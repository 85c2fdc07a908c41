"""What a committed action changed, read once inside its transaction, as events that carry their data."""

from collections import defaultdict

from workbench import articles, claims, disagreements, evidence, orphans, work_left
from workbench.workspace import listing
from workbench.workspace.events import (ArticlesChanged, ClaimsChanged, CountsChanged, EvidenceChanged, HistoryChanged,
                                        OrphansChanged)


def by_table(changes: set[tuple[str, str]]) -> dict[str, set[str]]:
    """{(table, id), ...} grouped as table -> ids."""
    grouped: dict[str, set[str]] = defaultdict(set)
    for table, row_id in changes:
        grouped[table].add(row_id)
    return grouped


def collect(store, changes: set[tuple[str, str]], open_article=None) -> list:
    """The events for changes, in the order views should apply them.

    open_article (an OpenArticle or None) knows what no query can: the article of a claim gone
    from the database (the undo of its creation); and it counts its own claims by verdict.
    """
    open_claims = open_article.all if open_article is not None else {}
    tables = by_table(changes)
    events: list = []
    orphaned = _orphan_articles(store, tables.get("orphans", ()))
    if tables.get("orphans") and open_article is not None:  # an orphan gone for good names no article
        orphaned.add(open_article.id)
    touched_articles = set(tables.get("articles", ())) | _appearance_articles(store, tables.get("appearances", ()))
    touched_articles = listing.with_versions(store, touched_articles | orphaned)
    claim_events, counted = _claims(store, tables.get("claims", ()), open_claims)
    events.extend(claim_events)
    history = _history_claims(store, tables.get("verdict_history", ()))
    events.extend(history_events(store, history))
    evidence_claims = _evidence_claims(store, tables.get("evidence", ()), tables.get("attachments", ()))
    for claim_id in sorted(evidence_claims):
        events.append(EvidenceChanged(claim_id, evidence.evidence_for(store, claim_id)))
    for article_id in sorted(orphaned):
        events.append(OrphansChanged(article_id, orphans.orphans_for(store, article_id)))
    if touched_articles:
        events.append(ArticlesChanged(listing.rows_for(store, touched_articles)))
    counted |= _claim_articles(store, history | evidence_claims)  # work left moves with evidence and opinions
    others = sorted(counted - touched_articles - {getattr(open_article, "id", None)})
    work = work_left.work_counts(store, others) if others else {}
    for article_id in others:
        counts = articles.verdict_counts(store, article_id).get(article_id)
        events.append(CountsChanged(article_id, counts or articles.empty_counts(),
                                    work.get(article_id, work_left.empty_work())))
    return events


def history_events(store, claim_ids) -> list[HistoryChanged]:
    """HistoryChanged for some claims: each one's history and open opinions."""
    if not claim_ids:
        return []
    found = disagreements.opinions(store, claim_ids=claim_ids)
    return [HistoryChanged(claim_id, claims.verdict_history(store, claim_id), found.get(claim_id, {}))
            for claim_id in sorted(claim_ids)]


def _claim_articles(store, claim_ids) -> set[str]:
    rows = store.query_in("SELECT article_id FROM claims WHERE id IN ({marks})", claim_ids)
    return {row["article_id"] for row in rows}


def _claims(store, claim_ids, open_claims: dict[str, dict]) -> tuple[list, set[str]]:
    """ClaimsChanged per article, and the articles whose counts moved."""
    if not claim_ids:
        return [], set()
    per_article: dict[str, dict[str, dict | None]] = defaultdict(dict)
    found = {row["id"]: row for row in store.query_in("SELECT * FROM claims WHERE id IN ({marks})", claim_ids)}
    for claim_id in claim_ids:
        row = found.get(claim_id)
        article_id = row["article_id"] if row else (open_claims.get(claim_id) or {}).get("article_id")
        if article_id is not None:
            per_article[article_id][claim_id] = row if row and row["deleted_at"] is None else None
    purged = frozenset(set(claim_ids) - set(found))
    return [ClaimsChanged(article_id, rows, purged & set(rows))
            for article_id, rows in sorted(per_article.items())], set(per_article)


def _history_claims(store, history_ids) -> set[str]:
    rows = store.query_in("SELECT claim_id FROM verdict_history WHERE id IN ({marks})", history_ids)
    return {row["claim_id"] for row in rows}


def _evidence_claims(store, evidence_ids, attachment_ids) -> set[str]:
    claim_ids = {row["claim_id"] for row in store.query_in(
        "SELECT claim_id FROM evidence WHERE id IN ({marks})", evidence_ids)}
    claim_ids |= {row["claim_id"] for row in store.query_in(
        "SELECT e.claim_id FROM attachments a JOIN evidence e ON e.id = a.evidence_id "
        "WHERE a.id IN ({marks})", attachment_ids)}
    return claim_ids


def _appearance_articles(store, appearance_ids) -> set[str]:
    rows = store.query_in("SELECT article_id FROM appearances WHERE id IN ({marks})", appearance_ids)
    return {row["article_id"] for row in rows}


def _orphan_articles(store, orphan_ids) -> set[str]:
    rows = store.query_in("SELECT article_id FROM orphans WHERE id IN ({marks})", orphan_ids)
    return {row["article_id"] for row in rows}


def differences(store, open_article, listed: dict[str, dict]) -> list:
    """Events for what another connection changed: the article list rows, and the open article's
    claims, evidence, history and waiting orphans, each compared with what is shown (read, not assumed)."""
    events: list = []
    now = {row["id"]: row for row in listing.list_rows(store)}
    moved = {article_id: now.get(article_id) for article_id in set(now) | set(listed)
             if now.get(article_id) != listed.get(article_id)}
    listed.clear()
    listed.update(now)
    if moved:
        events.append(ArticlesChanged(moved))
    if open_article is None or now.get(open_article.id) is None:
        return events
    if open_article.id in moved:  # its row counts its orphans: what waits may have changed with it
        events.append(OrphansChanged(open_article.id, orphans.orphans_for(store, open_article.id)))
    current = {row["id"]: row for row in claims.claims_for(store, open_article.id)}
    changed = {claim_id: current.get(claim_id) for claim_id in set(current) | set(open_article.all)
               if current.get(claim_id) != open_article.all.get(claim_id)}
    if changed:
        events.append(ClaimsChanged(open_article.id, changed))
    stamps = evidence.evidence_stamps(store, open_article.id)
    seen, open_article.evidence_stamps = open_article.evidence_stamps, stamps
    if seen is not None:  # the first look only learns the stamps
        for claim_id in sorted(claim_id for claim_id in set(stamps) | set(seen)
                               if stamps.get(claim_id) != seen.get(claim_id)):
            events.append(EvidenceChanged(claim_id, evidence.evidence_for(store, claim_id)))
    events.extend(history_events(store, {claim_id for claim_id in changed if current.get(claim_id)}))
    return events
