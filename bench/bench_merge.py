"""Merge speed: two databases of 20,000 claims and 20,000 evidence items each, merged into one.

Run: python bench/bench_merge.py [--claims N] [--runs R]

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

from workbench.articles import add_article  # noqa: E402
from workbench.claims import set_verdict  # noqa: E402
from workbench.merge import COLUMNS, KEYS, TABLES, merge_database, save_copy  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.text import quote_at  # noqa: E402
from workbench.verdicts import VERDICTS  # noqa: E402

ARTICLES = 300
WORDS = ("minister said drones crossed border Tuesday spending rose percent plan Baltic cables "
         "damaged January talks resume November jets scrambled budget million turnout reached "
         "agreement covers countries figure grossly exaggerated Gdańsk São Paulo Müller 📊 🇪🇺").split()


def article_text(rng: random.Random, n: int) -> str:
    sentences = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
                 for _ in range(n)]
    return "\n".join(" ".join(sentences[i:i + 5]) for i in range(0, n, 5))


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
            quote = quote_at(body, start, end)
            verdict = rng.choice(VERDICTS)
            row = store.insert("claims", {
                "article_id": article["id"], "start": start, "end": end, "quote": quote.exact,
                "prefix": quote.prefix, "suffix": quote.suffix, "verdict": verdict,
                "rationale": " ".join(rng.choice(WORDS) for _ in range(12)),
                "created_by": rid, "updated_by": rid})
            if verdict != "pending":
                store.insert("verdict_history", {"claim_id": row["id"], "from_verdict": "pending",
                                                 "to_verdict": verdict, "created_by": rid})
            store.insert("evidence", {
                "claim_id": row["id"], "position": 1.0, "url": f"https://example.org/{rng.random()}",
                "title": " ".join(rng.choice(WORDS) for _ in range(6)), "publisher": "Example",
                "excerpt": " ".join(rng.choice(WORDS) for _ in range(25)), "stance": "supports",
                "reliability": "reliable", "accessed_on": "2024-05-31", "created_by": rid})
            made.append(row["id"])
    return made


def build(folder: Path, claims: int, seed: int = 6) -> tuple[Path, Path]:
    rng = random.Random(seed)
    texts = [article_text(rng, rng.randint(20, 60)) for _ in range(ARTICLES)]
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
        conn.execute(f'INSERT INTO main."{table}" ({cols}) SELECT {cols} FROM other."{table}" WHERE true '
                     f'ON CONFLICT ({key}) DO UPDATE SET {sets} WHERE excluded.updated_at > "{table}".updated_at')
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        ana, bo = build(folder, args.claims)
        built = time.perf_counter() - start
        size = f"{args.claims:,} claims + {args.claims:,} evidence each"
        print(f"# built in {built:.1f} s; files {ana.stat().st_size / 1e6:.1f} MB and "
              f"{bo.stat().st_size / 1e6:.1f} MB")
        raw = median_time(merge_raw, ana, bo, folder, args.runs)
        ours = median_time(merge_with_workbench, ana, bo, folder, args.runs)
        check = folder / "check.db"
        shutil.copy(ana, check)
        with Store.open(check) as store:
            summary = merge_database(store, bo, reviewer_id=store.reviewer("Ana"))
        print(f"# {summary}")
        print("operation, size, median, ratio")
        print(f"raw sqlite3 ATTACH + INSERT ... SELECT, {size}, {raw:.2f} s, 1.00x")
        print(f"merge_database, {size}, {ours:.2f} s, {ours / raw:.2f}x")


if __name__ == "__main__":
    main()
