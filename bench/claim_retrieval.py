"""The CLEF 2020 CheckThat! task 2 data (../shared/data/claim-retrieval/), its measures and its baselines.

Shared by bench/bench_matching.py (quality and speed) and bench/train_matcher.py (the weights).
"""

import csv
import json
import random
import re
import sqlite3
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent.parent / "shared" / "data" / "claim-retrieval"
if not DATA.exists():  # run from /work/main or a worktree: shared/ sits beside them
    DATA = Path("/work/shared/data/claim-retrieval")
URL = "https://claim-retrieval.example/vclaim/{}"


def _tsv(path: Path) -> list[list[str]]:
    csv.field_size_limit(1 << 24)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter="\t"))
    return rows[1:]


def verified_claims() -> dict[int, tuple[str, str]]:
    """vclaim id -> (claim, title): the 10,375 claims fact-checked by Snopes."""
    return {int(r[0]): (r[1], r[2]) for r in _tsv(DATA / "verified_claims.docs.tsv")}


def tweets(split: str) -> dict[int, str]:
    """tweet id -> text for "train" or "dev"."""
    return {int(r[0]): r[1] for r in _tsv(DATA / split / "tweets.queries.tsv")}


def qrels(split: str) -> dict[int, set[int]]:
    """tweet id -> the vclaim ids that fact-check it."""
    found: dict[int, set[int]] = {}
    for line in (DATA / split / "tweet-vclaim-pairs.qrels").read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0].isdigit():
            found.setdefault(int(parts[0]), set()).add(int(parts[2]))
    return found


def claim_review_feed(claims: dict[int, tuple[str, str]]) -> dict:
    """The verified claims as one schema.org DataFeed of ClaimReviews (as a publisher would serve them)."""
    items = [{"@type": "DataFeedItem", "item": {
        "@type": "ClaimReview", "claimReviewed": claim, "headline": title, "url": URL.format(vclaim_id),
        "author": {"@type": "Organization", "name": "Snopes", "url": "https://www.snopes.com/"}}}
        for vclaim_id, (claim, title) in claims.items()]
    return {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": items}


def vclaim_of(url: str | None) -> int | None:
    """The vclaim id a fact-check URL of the feed names."""
    found = re.search(r"/vclaim/(\d+)$", url or "")
    return int(found.group(1)) if found else None


def imported_store(claims):
    """A fresh database (in a temporary folder) with the claims imported through the real importer."""
    from workbench.importers import import_sources
    from workbench.store import Store

    folder = Path(tempfile.mkdtemp(prefix="bench-match-"))
    feed = folder / "snopes-claimreview.json"
    feed.write_text(json.dumps(claim_review_feed(claims)), encoding="utf-8")
    store = Store.open(folder / "matching.db")
    [outcome] = import_sources(store, [str(feed)], reviewer_id=store.reviewer("Bench"))
    assert outcome.error is None and outcome.fact_checks.added == len(claims), outcome
    return store, feed


# -- measures -----------------------------------------------------------------------------------

def average_precision_at_5(ranked: list, relevant: set) -> float:
    """AP@5 as the CheckThat! scorer computes it (divided by min(|relevant|, 5))."""
    hits, total = 0, 0.0
    for rank, item in enumerate(ranked[:5], 1):
        if item in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), 5) if relevant else 0.0


def reciprocal_rank(ranked: list, relevant: set) -> float:
    """1 / the rank of the first relevant item (0 if none is ranked)."""
    return next((1.0 / rank for rank, item in enumerate(ranked, 1) if item in relevant), 0.0)


def evaluate(rankings: dict[int, list], relevant: dict[int, set]) -> tuple[float, float]:
    """(MAP@5, MRR) over the queries of rankings."""
    aps = [average_precision_at_5(rankings[q], relevant.get(q, set())) for q in rankings]
    rrs = [reciprocal_rank(rankings[q], relevant.get(q, set())) for q in rankings]
    return sum(aps) / len(aps), sum(rrs) / len(rrs)


# -- plain FTS5 BM25 baselines ------------------------------------------------------------------

class Fts5Baseline:
    """Plain SQLite FTS5 BM25 over claim and title: every word of the query OR-ed."""

    def __init__(self, claims: dict[int, tuple[str, str]], tokenize: str, drop_links: bool):
        self.db = sqlite3.connect(":memory:")
        self.db.execute(f"CREATE VIRTUAL TABLE f USING fts5(claim, title, tokenize='{tokenize}')")
        self.db.executemany("INSERT INTO f(rowid, claim, title) VALUES (?, ?, ?)",
                            [(k, c, t) for k, (c, t) in claims.items()])
        self.drop_links = drop_links

    def rank(self, text: str, limit: int = 100) -> list[int]:
        """vclaim ids, best first."""
        if self.drop_links:
            text = re.sub(r"(?:https?://|pic\.twitter\.com/)\S+", " ", text)
        words = re.findall(r"\w+", text)
        if not words:
            return []
        query = " OR ".join(f'"{w}"' for w in words)
        return [r[0] for r in self.db.execute(
            "SELECT rowid FROM f WHERE f MATCH ? ORDER BY bm25(f) LIMIT ?", [query, limit])]


# -- learning the weights -----------------------------------------------------------------------

def candidate_table(matcher, texts: dict[int, str]) -> dict[int, list[tuple[int | None, tuple]]]:
    """query id -> [(vclaim id, feature values)] for every candidate the real matcher considers."""
    return {qid: [(vclaim_of(m.url), values) for m, values, _ in matcher.scored_candidates(text)]
            for qid, text in texts.items()}


def rank_table(table, weights: list[float]) -> dict[int, list]:
    """query id -> candidates ranked by the weighted sum of their features."""
    return {qid: [vid for _, vid in sorted(((-sum(w * v for w, v in zip(weights, values)), i), vid)
                                           for i, (vid, values) in enumerate(rows))]
            for qid, rows in table.items()}


def coordinate_ascent(table, relevant, active: list[bool], *, rounds: int = 4, seed: int = 0) -> list[float]:
    """Linear weights maximising MAP@5 on table (Metzler & Croft's coordinate ascent), only active features."""
    rng = random.Random(seed)
    weights = [1.0 if on and i == next(j for j, a in enumerate(active) if a) else 0.0 for i, on in enumerate(active)]
    best = evaluate(rank_table(table, weights), relevant)[0]
    for _ in range(rounds):
        improved = False
        for j in rng.sample(range(len(weights)), len(weights)):
            if not active[j]:
                continue
            for step in (-1.0, -0.3, -0.1, -0.03, 0.03, 0.1, 0.3, 1.0):
                trial = list(weights)
                trial[j] += step
                value = evaluate(rank_table(table, trial), relevant)[0]
                if value > best + 1e-9:
                    best, weights, improved = value, trial, True
        if not improved:
            break
    return weights
