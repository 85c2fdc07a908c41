"""Full-text search (FTS5) across articles, claims and evidence, with highlighted snippets."""

from dataclasses import dataclass

from workbench.store import Store

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"  # snippet markers; the UI turns them into emphasis after escaping


@dataclass(frozen=True)
class Hit:
    """One search result: what matched, where it lives and a snippet around the match."""

    kind: str  # "article", "claim" or "evidence"
    article_id: str
    claim_id: str | None
    title: str
    snippet: str
    evidence_id: str | None = None


def fts_query(store: Store, text: str) -> str:
    """Turn what a reviewer typed into a safe FTS5 query; the last word matches as a prefix."""
    quoted = store.db.quote_fts(text.strip())
    return quoted + "*" if quoted.endswith('"') else quoted


_QUERIES = {
    "article": (
        "SELECT 'article' AS kind, a.id AS article_id, NULL AS claim_id, NULL AS evidence_id, a.title AS title, "
        "snippet(articles_fts, -1, ?, ?, '…', 12) AS snippet, bm25(articles_fts) AS rank "
        "FROM articles_fts JOIN articles a ON a.seq = articles_fts.rowid "
        "WHERE articles_fts MATCH ? AND a.deleted_at IS NULL"
    ),
    "claim": (
        "SELECT 'claim' AS kind, c.article_id, c.id AS claim_id, NULL AS evidence_id, a.title AS title, "
        "snippet(claims_fts, -1, ?, ?, '…', 12) AS snippet, bm25(claims_fts) AS rank "
        "FROM claims_fts JOIN claims c ON c.seq = claims_fts.rowid "
        "JOIN articles a ON a.id = c.article_id "
        "WHERE claims_fts MATCH ? AND c.deleted_at IS NULL AND a.deleted_at IS NULL"
    ),
    "evidence": (
        "SELECT 'evidence' AS kind, c.article_id, c.id AS claim_id, e.id AS evidence_id, e.title AS title, "
        "snippet(evidence_fts, -1, ?, ?, '…', 12) AS snippet, bm25(evidence_fts) AS rank "
        "FROM evidence_fts JOIN evidence e ON e.seq = evidence_fts.rowid "
        "JOIN claims c ON c.id = e.claim_id JOIN articles a ON a.id = c.article_id "
        "WHERE evidence_fts MATCH ? AND e.deleted_at IS NULL AND c.deleted_at IS NULL "
        "AND a.deleted_at IS NULL"
    ),
}


def search(store: Store, text: str, *, limit: int = 200) -> list[Hit]:
    """The best matches for text across articles, claims and evidence, best first."""
    if not text.strip():
        return []
    query = fts_query(store, text)
    sql = " UNION ALL ".join(_QUERIES.values()) + " ORDER BY rank LIMIT ?"
    params: list = []
    for _ in _QUERIES:
        params += [MARK_OPEN, MARK_CLOSE, query]
    rows = store.conn.execute(sql, [*params, limit]).fetchall()
    return [Hit(r["kind"], r["article_id"], r["claim_id"], r["title"] or "", r["snippet"] or "", r["evidence_id"])
            for r in rows]
