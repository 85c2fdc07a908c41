"""Merge speed: two databases of 20,000 claims and 20,000 evidence items each, merged into one.

Run: python bench/bench_merge.py [--quick] [--claims N] [--runs R]

Both databases start from one shared ancestor (300 articles, 10% of the claims with their
evidence), made with Save a copy; then each reviewer adds their own claims and evidence and
changes the verdicts of some shared claims. Timed: `merge_database` of Bo's file into a fresh
copy of Ana's (checks, integrity check, validation, one transaction), against a raw sqlite3
baseline that ATTACHes Bo's file to a fresh copy of Ana's and copies the same rows with
INSERT ... SELECT (upserting the later version) in one transaction. Copies are made before each
run and not timed. Prints "operation, size, median, ratio" lines.
"""

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, print_table, store_claim  # noqa: E402
from bench.corpus import article_text, sentence  # noqa: E402
from workbench.articles import add_article  # noqa: E402
from workbench.claims import set_verdict  # noqa: E402
from workbench import schema  # noqa: E402
from workbench.merge import COLUMNS, KEYS, TABLES, merge_database, save_copy  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.verdicts import VERDICTS  # noqa: E402

ARTICLES = 300
CLAIMS, QUICK_CLAIMS = 20_000, 2_000
TARGET_S = 5.0  # issue 6: 20,000 claims with 20,000 evidence items into a database of the same size


def add_work(store: Store, rng: random.Random, reviewer: str, articles: list[dict], claims: int) -> list[str]:
    """claims claims with a verdict history row each (when judged) and one evidence item each."""
    rid = store.reviewer(reviewer)
    made = []
    with store.transaction():
        for _ in range(claims):
            article = rng.choice(articles)
            body = article["body"]
            start = rng.randrange(0, len(body) - 60)
            end = start + rng.randint(10, 60)
            row = store_claim(store, article, start, end, verdict=rng.choice(VERDICTS),
                              rationale=sentence(rng), reviewer_id=rid)
            store.insert("evidence", {
                "claim_id": row["id"], "position": 1.0, "url": f"https://example.org/{rng.random()}",
                "title": sentence(rng)[:60], "publisher": "Example",
                "excerpt": sentence(rng) + " " + sentence(rng), "stance": "supports",
                "reliability": "reliable", "accessed_on": "2024-05-31", "created_by": rid})
            made.append(row["id"])
    return made


def build(folder: Path, claims: int, seed: int = 6) -> tuple[Path, Path]:
    rng = random.Random(seed)
    texts = [article_text(rng, rng.randint(1_600, 4_800)) for _ in range(ARTICLES)]
    shared_claims = claims // 10
    with Store.open(folder / "ana.db") as ana:
        rid = ana.reviewer("Ana")
        with ana.transaction():
            articles = [add_article(ana, t, reviewer_id=rid).article for t in texts]
        shared = add_work(ana, rng, "Ana", articles, shared_claims)
        save_copy(ana, folder / "bo.db")
        add_work(ana, rng, "Ana", articles, claims - shared_claims)
        for claim_id in rng.sample(shared, len(shared) // 4):
            set_verdict(ana, claim_id, rng.choice(VERDICTS), reviewer_id=rid)
    with Store.open(folder / "bo.db") as bo:
        add_work(bo, rng, "Bo", articles, claims - shared_claims)
        bid = bo.reviewer("Bo")
        for claim_id in rng.sample(shared, len(shared) // 4):
            set_verdict(bo, claim_id, rng.choice(VERDICTS), reviewer_id=bid)
    return folder / "ana.db", folder / "bo.db"


def merge_with_workbench(target: Path, other: Path) -> None:
    with Store.open(target) as store:
        merge_database(store, other, reviewer_id=store.reviewer("Ana"))


def merge_raw(target: Path, other: Path) -> None:
    """The baseline: ATTACH and INSERT ... SELECT the same rows, the later version winning."""
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("ATTACH DATABASE ? AS other", [f"{other.resolve().as_uri()}?mode=ro"])
    conn.execute("BEGIN IMMEDIATE")
    for table in TABLES:
        cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
        key = ", ".join(f'"{c}"' for c in KEYS.get(table, ("id",)))
        sets = ", ".join(f'"{c}" = excluded."{c}"' for c in COLUMNS[table])
        seq, numbered = "", ""
        if table in schema.FTS_COLUMNS:  # the full-text key, numbered on from the highest here
            seq, numbered = "seq, ", f'(SELECT COALESCE(MAX(seq), 0) FROM main."{table}") + row_number() OVER (), '
        conn.execute(f'INSERT INTO main."{table}" ({seq}{cols}) SELECT {numbered}{cols} FROM other."{table}" '
                     f'WHERE true ON CONFLICT ({key}) DO UPDATE SET {sets} '
                     f'WHERE excluded.updated_at > "{table}".updated_at')
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE other")
    conn.close()


def median_time(fn, ana: Path, bo: Path, folder: Path, runs: int) -> float:
    times = []
    for run in range(runs):
        target = folder / f"target-{fn.__name__}-{run}.db"
        shutil.copy(ana, target)  # a fresh copy each time, not timed
        start = time.perf_counter()
        fn(target, bo)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run(quick: bool = False, claims: int | None = None, runs: int | None = None,
        verbose: bool = False) -> list[Result]:
    """The merge against its raw baseline; 2,000 claims a side and fewer runs if quick."""
    claims = claims or (QUICK_CLAIMS if quick else CLAIMS)
    runs = runs or (2 if quick else 3)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        ana, bo = build(folder, claims)
        built = time.perf_counter() - start
        if verbose:
            print(f"# built in {built:.1f} s; files {ana.stat().st_size / 1e6:.1f} MB and "
                  f"{bo.stat().st_size / 1e6:.1f} MB")
        raw = median_time(merge_raw, ana, bo, folder, runs)
        ours = median_time(merge_with_workbench, ana, bo, folder, runs)
        check = folder / "check.db"
        shutil.copy(ana, check)
        with Store.open(check) as store:
            summary = merge_database(store, bo, reviewer_id=store.reviewer("Ana"))
        if verbose:
            print(f"# {summary}")
    size = f"{claims:,} claims + {claims:,} evidence a side"
    return [Result("merge two databases (merge_database)", size, ours, raw,
                   target=TARGET_S if claims == CLAIMS else None, runs=runs)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CLAIMS:,} claims a side")
    parser.add_argument("--claims", type=int)
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    print_table(run(args.quick, args.claims, args.runs, verbose=True))


if __name__ == "__main__":
    main()
