"""Merge speed: two big databases into one, twenty reviewers' files one by one, and the write lock.

Run: python bench/bench_merge.py [--quick] [--runs R]

- two databases: 20,000 claims and 20,000 evidence items a side, from one shared ancestor (300
  articles, 10% of the claims with their evidence) made with Save a copy; then each reviewer adds
  their own claims and evidence and changes the verdicts of some shared claims. Timed:
  `merge_database` of Bo's file into a fresh copy of Ana's.
- twenty files: a desk's base (50 articles, 500 claims) copied to 20 reviewers, each adding a
  day's work (1,000 claims with evidence, 50 verdict changes on the shared claims). Timed:
  merging the 20 files one by one into a fresh copy of the base; also the first and the last
  file's merge on their own (cost in proportion to the file, not to what was merged before).
- the write lock: while the two-database merge runs, another process commits one small write
  every 20 ms; reported: the longest it waited for the lock (target: a frame or two).

Every raw baseline starts from the same state (a fresh copy of the same file, not timed) and
does the same work with plain SQL: ATTACH each other file and INSERT ... SELECT its rows and
field clocks, upserting the later version, one transaction a file. Medians of several runs, with
the fastest and slowest run in brackets.
"""

import argparse
import multiprocessing
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
from workbench import schema  # noqa: E402
from workbench.articles import add_article  # noqa: E402
from workbench.claims import set_verdict  # noqa: E402
from workbench.merge import merge_database, save_copy  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.verdicts import VERDICTS  # noqa: E402

ARTICLES = 300
CLAIMS, QUICK_CLAIMS = 20_000, 2_000
TARGET_S = 5.0  # issue 6: 20,000 claims with 20,000 evidence items into a database of the same size
DESK_ARTICLES, DESK_CLAIMS, REVIEWERS = 50, 500, 20
DAY, QUICK_DAY = 1_000, 100
TARGET_RATIO = 2.0  # issue 18: twenty files one by one within 2x the raw baseline
LOCK_TARGET_S = 0.05  # issue 16: other windows' writers wait a frame or two at most


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
                "reliability": "reliable", "accessed_on": "2024-05-31", "created_by": rid, "updated_by": rid})
            made.append(row["id"])
    return made


def change_verdicts(store: Store, rng: random.Random, reviewer: str, claims: list[str], count: int) -> None:
    rid = store.reviewer(reviewer)
    for claim_id in rng.sample(claims, count):
        set_verdict(store, claim_id, rng.choice(VERDICTS), reviewer_id=rid)


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
        change_verdicts(ana, rng, "Ana", shared, len(shared) // 4)
    with Store.open(folder / "bo.db") as bo:
        add_work(bo, rng, "Bo", articles, claims - shared_claims)
        change_verdicts(bo, rng, "Bo", shared, len(shared) // 4)
    return folder / "ana.db", folder / "bo.db"


def build_desk(folder: Path, day: int, seed: int = 18) -> tuple[Path, list[Path]]:
    """The desk's base and twenty reviewers' files, each a copy of the base with a day's work."""
    rng = random.Random(seed)
    with Store.open(folder / "desk.db") as desk:
        rid = desk.reviewer("Editor")
        with desk.transaction():
            articles = [add_article(desk, article_text(rng, rng.randint(1_600, 4_800)), reviewer_id=rid).article
                        for _ in range(DESK_ARTICLES)]
        shared = add_work(desk, rng, "Editor", articles, DESK_CLAIMS)
        files = [save_copy(desk, folder / f"reviewer-{n:02}.db") for n in range(REVIEWERS)]
    for n, path in enumerate(files):
        with Store.open(path) as store:
            add_work(store, rng, f"Reviewer {n}", articles, day)
            change_verdicts(store, rng, f"Reviewer {n}", shared, day // 20)
    return folder / "desk.db", files


def merge_raw(target: Path, others: list[Path]) -> float:
    """The baseline: ATTACH each file and INSERT ... SELECT its rows, the later version winning."""
    began = time.perf_counter()
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    tables = [t for t in ("reviewers", "articles", "appearances", "claims", "verdict_history", "evidence",
                          "blobs", "attachments")]
    columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})") if r[1] != "seq"] for t in tables}
    for other in others:
        conn.execute("ATTACH DATABASE ? AS other", [f"{other.resolve().as_uri()}?mode=ro&immutable=1"])
        conn.execute("BEGIN IMMEDIATE")
        for table in tables:
            cols = ", ".join(f'"{c}"' for c in columns[table])
            key = '"article_id", "url"' if table == "appearances" else '"id"'
            sets = ", ".join(f'"{c}" = excluded."{c}"' for c in columns[table])
            seq, numbered = "", ""
            if table in schema.FTS_COLUMNS:  # the full-text key, numbered on from the highest here
                seq, numbered = "seq, ", f'(SELECT COALESCE(MAX(seq), 0) FROM main."{table}") + row_number() OVER (), '
            conn.execute(f'INSERT INTO main."{table}" ({seq}{cols}) SELECT {numbered}{cols} FROM other."{table}" '
                         f'WHERE true ON CONFLICT ({key}) DO UPDATE SET {sets} '
                         f'WHERE excluded.updated_at > "{table}".updated_at')
        conn.execute("INSERT OR REPLACE INTO main.field_clocks SELECT * FROM other.field_clocks")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE other")
    conn.close()
    return time.perf_counter() - began


def timed(fn, start: Path, others: list[Path], folder: Path, runs: int) -> list[float]:
    """Seconds of each run of fn(target, others), each on a fresh copy of start (made untimed)."""
    times = []
    for run in range(runs):
        target = folder / f"target-{fn.__name__}-{run}.db"
        shutil.copy(start, target)
        times.append(fn(target, others))
        target.unlink()
    return times


def merge_with_workbench(target: Path, others: list[Path]) -> float:
    """merge_database of each file in turn into the open store (opening it, which checks it, untimed)."""
    with Store.open(target) as store:
        reviewer = store.reviewer("Ana")
        began = time.perf_counter()
        for other in others:
            merge_database(store, other, reviewer_id=reviewer)
        return time.perf_counter() - began


def result(operation: str, size: str, ours: list[float], raw: list[float], **extra) -> Result:
    return Result(operation, size, statistics.median(ours), statistics.median(raw), runs=len(ours),
                  spread=(min(ours), max(ours)), **extra)


# -- how long another window waits for the write lock during a merge ------------------------------

def _writer(path: str, stop, waits) -> None:
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    lock, whole = [], []
    while not stop.is_set():
        began = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        locked = time.perf_counter()
        conn.execute("INSERT INTO meta(key, value) VALUES ('bench writer', ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [str(len(whole))])
        conn.execute("COMMIT")
        lock.append(locked - began)
        whole.append(time.perf_counter() - began)
        time.sleep(0.02)
    conn.close()
    waits.put((lock, whole))


def lock_wait(start: Path, other: Path, folder: Path) -> tuple[float, list[float], list[float]]:
    """(merge seconds, another process's waits for the write lock, and for its whole writes)."""
    target = folder / "locked.db"
    shutil.copy(start, target)
    Store.open(target).close()  # WAL on, before the writer starts
    context = multiprocessing.get_context("spawn")
    stop, waits = context.Event(), context.Queue()
    writer = context.Process(target=_writer, args=(str(target), stop, waits))
    writer.start()
    time.sleep(1.0)  # the writer is up and writing
    merged = merge_with_workbench(target, [other])
    stop.set()
    lock, whole = waits.get(timeout=60)
    writer.join()
    return merged, lock, whole


def run(quick: bool = False, claims: int | None = None, runs: int | None = None,
        verbose: bool = False) -> list[Result]:
    """The merges against their raw baselines; smaller sizes and fewer runs if quick."""
    claims = claims or (QUICK_CLAIMS if quick else CLAIMS)
    day = QUICK_DAY if quick else DAY
    runs = runs or (2 if quick else 3)
    results = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        began = time.perf_counter()
        ana, bo = build(folder, claims)
        desk, files = build_desk(folder, day)
        if verbose:
            print(f"# built in {time.perf_counter() - began:.1f} s; files {ana.stat().st_size / 1e6:.1f} MB "
                  f"and {bo.stat().st_size / 1e6:.1f} MB; 20 reviewers' files "
                  f"{sum(f.stat().st_size for f in files) / 1e6:.1f} MB")
        raw = timed(merge_raw, ana, [bo], folder, runs)
        ours = timed(merge_with_workbench, ana, [bo], folder, runs)
        size = f"{claims:,} claims + {claims:,} evidence a side"
        results.append(result("merge two databases (merge_database)", size, ours, raw,
                               target=TARGET_S if claims == CLAIMS else None))
        raw = timed(merge_raw, desk, files, folder, runs)
        ours = timed(merge_with_workbench, desk, files, folder, runs)
        results.append(result("merge 20 reviewers' files one by one", f"20 x {day:,} claims + evidence",
                              ours, raw, target=TARGET_RATIO * statistics.median(raw)))
        merged_19 = folder / "merged-19.db"
        shutil.copy(desk, merged_19)
        merge_with_workbench(merged_19, files[:-1])  # the state before the last file, untimed
        for label, start in (("first", desk), ("last", merged_19)):
            raw = timed(merge_raw, start, files[-1:], folder, runs)
            ours = timed(merge_with_workbench, start, files[-1:], folder, runs)
            results.append(result(f"merge the {label} of the 20 files", f"{day:,} claims into "
                                  f"{'the base' if label == 'first' else '19 merged files'}", ours, raw))
        merged, lock, whole = lock_wait(ana, bo, folder)
        if verbose:
            lock.sort()
            print(f"# write lock: during a {merged:.2f} s merge another process's {len(lock)} writes waited for "
                  f"the lock {statistics.median(lock) * 1000:.1f} ms (median), {lock[len(lock) * 95 // 100] * 1000:.0f} ms "
                  f"(95%), {lock[-1] * 1000:.0f} ms at most; whole writes (with their own checkpoints) "
                  f"{max(whole) * 1000:.0f} ms at most")
        results.append(Result("another window's write during a merge (longest wait for the lock)", size,
                              max(lock), target=LOCK_TARGET_S, runs=len(lock)))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CLAIMS:,} claims a side, {QUICK_DAY} a day")
    parser.add_argument("--claims", type=int)
    parser.add_argument("--runs", type=int)
    args = parser.parse_args()
    print_table(run(args.quick, args.claims, args.runs, verbose=True))


if __name__ == "__main__":
    main()
