"""Matching quality and speed: python bench/bench_matching.py [--quick]

Quality, on CLEF 2020 CheckThat! task 2 (../shared/data/claim-retrieval/): the 10,375 verified
claims are written as one schema.org DataFeed of ClaimReviews and imported through the real
importer; the real matcher ranks them for every development tweet. Printed next to plain SQLite
FTS5 BM25 over claim and title on the same data, in the same process, with an ablation: each row
adds one part to the row above, its weights learned on the training tweets only (coordinate ascent
on MAP@5, as bench/train_matcher.py does for the shipped weights). The development set is only
ever scored.

Speed (medians, with the raw floor run in the same process):
- importing the 10,375 fact-checks (target: 10,000 in under 10 s); floor: the same rows inserted
  with executemany into a table with the same index;
- one query over 10,375 fact-checks and 20,000 judged claims (target: under 50 ms); floor: the
  FTS5 query alone;
- marking the sentences of a 1,000,000-character article that match a known item (KnownSentences);
  floor: splitting it into sentences.
"""

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.claim_retrieval import (Fts5Baseline, candidate_table, claim_review_feed, coordinate_ascent,  # noqa: E402
                                   evaluate, imported_store, qrels, rank_table, tweets, verified_claims)
from bench.common import Result, median_time, print_table, verdicts  # noqa: E402
from bench.corpus import article_text  # noqa: E402

ABLATION = [
    ("FTS5 candidates (stopwords out, hashtags and mentions split): BM25 alone", {"bm25"}),
    ("+ stemmed, idf-weighted word coverage", {"query_coverage", "match_coverage"}),
    ("+ stem pairs (word order)", {"bigrams"}),
    ("+ numbers (same, other)", {"same_number", "other_number"}),
    ("+ names (capitalised words)", {"names"}),
    ("+ character-level fuzzy similarity (RapidFuzz token set ratio)", {"fuzzy"}),
]


def quality(store, claims, quick: bool) -> list[tuple[str, tuple, tuple]]:
    """(method, (MAP@5, MRR) on train, (MAP@5, MRR) on dev) for the baselines, the ablation and the shipped weights."""
    from workbench.matching import FEATURES, Matcher

    train_texts, dev_texts = tweets("train"), tweets("dev")
    if quick:
        train_texts = dict(list(train_texts.items())[:150])
    relevant = {**qrels("train"), **qrels("dev")}
    rows = []
    for label, tokenize, drop_links in [("plain FTS5 BM25, unicode61, every word", "unicode61 remove_diacritics 2", False),
                                        ("plain FTS5 BM25, porter, links dropped", "porter unicode61 remove_diacritics 2", True)]:
        baseline = Fts5Baseline(claims, tokenize, drop_links)
        rows.append((label, evaluate({q: baseline.rank(t) for q, t in train_texts.items()}, relevant),
                     evaluate({q: baseline.rank(t) for q, t in dev_texts.items()}, relevant)))
    probe = Matcher(store, weights={"weights": {"bm25": 1.0}})
    train, dev = candidate_table(probe, train_texts), candidate_table(probe, dev_texts)
    active: set[str] = set()
    for label, names in ABLATION:
        active |= names
        weights = coordinate_ascent(train, relevant, [name in active for name in FEATURES])
        rows.append((label, evaluate(rank_table(train, weights), relevant), evaluate(rank_table(dev, weights), relevant)))
    shipped = Matcher(store).weights
    rows.append(("the shipped matcher (workbench/data/matcher.json)",
                 evaluate(rank_table(train, shipped), relevant), evaluate(rank_table(dev, shipped), relevant)))
    return rows


def import_speed(claims, runs: int) -> Result:
    """Importing the feed through import_sources, against executemany of the same rows."""
    import json
    import sqlite3
    import tempfile

    from workbench.factchecks import read_reviews
    from workbench.importers import import_sources
    from workbench.store import Store

    folder = Path(tempfile.mkdtemp(prefix="bench-fc-"))
    feed = folder / "feed.json"
    feed.write_text(json.dumps(claim_review_feed(claims)), encoding="utf-8")
    counter = iter(range(1000))

    def ours():
        with Store.open(folder / f"import-{next(counter)}.db") as store:
            [outcome] = import_sources(store, [str(feed)], reviewer_id=store.reviewer("Bench"))
            assert outcome.fact_checks.added == len(claims)

    rows, _ = read_reviews(json.loads(feed.read_text(encoding="utf-8")))

    def raw():
        conn = sqlite3.connect(folder / f"raw-{next(counter)}.db")
        conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, claim TEXT, title TEXT, url TEXT)")
        with conn:
            conn.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", [(r["id"], r["claim"], r["title"], r["url"]) for r in rows])
        conn.close()

    return Result("import ClaimReview fact-checks (import_sources)", f"{len(claims):,} fact-checks",
                  median_time(ours, runs), median_time(raw, runs), target=10.0 * len(claims) / 10_000, runs=runs)


def add_judged_claims(store, count: int) -> None:
    """count judged claims on generated articles (bench corpus), in one transaction."""
    from bench.common import store_claim
    from workbench.articles import add_article
    from workbench.sentences import sentence_spans

    rng = random.Random(7)
    reviewer_id = store.reviewer("Bench")
    made = 0
    with store.transaction():
        while made < count:
            body = article_text(rng, 20_000)
            article = add_article(store, body, reviewer_id=reviewer_id, title=f"Article {made}").article
            for start, end in sentence_spans(body)[:100]:
                store_claim(store, article, start, end, verdict=rng.choice(["verified", "disputed", "unverifiable"]),
                            rationale="", reviewer_id=reviewer_id)
                made += 1


def query_speed(store, runs: int) -> Result:
    """One query (a development tweet) over the fact-checks and judged claims, against the FTS5 query alone."""
    from workbench.matching import Matcher, prepare

    texts = list(tweets("dev").values())[:runs]
    claims_count = store.get_value("SELECT count(*) FROM claims")
    facts = store.get_value("SELECT count(*) FROM fact_checks")
    fresh = []
    floor = []
    for text in texts:
        matcher = Matcher(store)  # a fresh matcher each time: the command line's case, no warm caches
        start = time.perf_counter()
        matcher.match(text)
        fresh.append(time.perf_counter() - start)
        terms = matcher._terms(prepare(text))
        query = " OR ".join(f'"{t}"' for t in terms)
        start = time.perf_counter()
        store.conn.execute("SELECT rowid FROM fact_checks_fts WHERE fact_checks_fts MATCH ? "
                           "ORDER BY bm25(fact_checks_fts) LIMIT 80", [query]).fetchall()
        floor.append(time.perf_counter() - start)
    return Result("match one claim (Matcher.match, fresh caches)", f"{facts:,} fact-checks + {claims_count:,} claims",
                  statistics.median(fresh), statistics.median(floor), target=0.05, runs=len(texts))


def sentence_speed(store, size: int, runs: int, known_items: str) -> Result:
    """KnownSentences.find on a long article, against splitting it into sentences."""
    from workbench.checked_before import KnownSentences
    from workbench.matching import Matcher
    from workbench.sentences import sentence_spans

    rng = random.Random(11)
    facts = [r[0] for r in store.conn.execute("SELECT claim FROM fact_checks ORDER BY seq LIMIT 200")]
    body = article_text(rng, size)
    paragraphs = body.split("\n")
    for fact in facts[:50]:  # some sentences the desk knows
        paragraphs.insert(rng.randrange(len(paragraphs)), fact)
    body = "\n".join(paragraphs)[:size]
    index_s = median_time(lambda: KnownSentences(Matcher(store)), runs)
    print(f"# building the known-sentence index ({known_items}): {index_s:.2f} s", file=sys.stderr)
    known = KnownSentences(Matcher(store))
    found = known.find(body)
    assert found, "no known sentence found in the long article"
    return Result("mark known sentences of an article (KnownSentences.find)",
                  f"{len(body):,} characters; {known_items}",
                  median_time(lambda: known.find(body), runs), median_time(lambda: sentence_spans(body), runs),
                  runs=runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer training tweets and runs")
    parser.add_argument("--speed-only", action="store_true", help="skip the quality table")
    args = parser.parse_args()
    quick = args.quick
    claims = verified_claims()
    store, _ = imported_store(claims)
    if not args.speed_only:
        rows = quality(store, claims, quick)
        print("| method | train MAP@5 | train MRR | dev MAP@5 | dev MRR |")
        print("|---|---|---|---|---|")
        for label, (train_map, train_mrr), (dev_map, dev_mrr) in rows:
            print(f"| {label} | {train_map:.3f} | {train_mrr:.3f} | {dev_map:.3f} | {dev_mrr:.3f} |")
        print()
    runs = 3 if quick else 5
    size = 100_000 if quick else 1_000_000
    results = [import_speed(claims, runs), sentence_speed(store, size, runs, "10,375 fact-checks")]
    add_judged_claims(store, 2_000 if quick else 20_000)
    results += [query_speed(store, 30 if quick else 100),
                sentence_speed(store, size, runs, "and 20,000 judged near-copies of its sentences")]
    print_table(results)
    print()
    print("\n".join(line for line in verdicts(results) if "raw baseline" not in line))


if __name__ == "__main__":
    main()
