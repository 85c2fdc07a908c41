"""Team-desk sync: 20 reviewers, each with a day's work, sync through one PostgreSQL server.

Run: python bench/bench_sync.py [--quick] [--reviewers N] [--claims N]

Needs the PostgreSQL server programs (Debian's `postgresql` package): a throw-away server is
started on 127.0.0.1 in a temporary folder (tests/pg_server.py), with fsync off (the figures are
the program's cost, not the disk's). Each reviewer's database holds a day's work: 50 articles (10
of them the desk's shared stories, imported by everyone), 1,000 claims with a verdict, its history
row and one piece of evidence each. Timed:

- each reviewer's first sync, one after the other (the first one pushes into an empty server,
  the last one also pulls everything the 19 others pushed), against a raw baseline: one psycopg
  connection that COPYs the same rows as JSON into a plain table and reads back everything the
  others wrote, with no checks and no merge;
- an incremental sync after one reviewer adds one claim (with its history and evidence): the
  sync that pushes it, and a colleague's sync that pulls it, each with a new connection; against
  a raw connect, upsert of those rows, and read of rows newer than a cursor;
- a background sync with nothing new, as a window's SyncClient runs it (connection and file
  kept open between syncs).

Then every database syncs once more and all 20 databases and the server must hold identical rows.
"""

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, print_table, store_claim  # noqa: E402
from bench.corpus import article_text, sentence  # noqa: E402
from workbench.articles import add_article  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.verdicts import VERDICTS  # noqa: E402

REVIEWERS, ARTICLES, SHARED, CLAIMS = 20, 50, 10, 1_000
QUICK = (4, 10, 3, 100)
INCREMENTAL_RUNS = 5
TARGET_INCREMENTAL_S = 1.0  # issue 15: an incremental sync of one new claim under 1 s


def build(folder: Path, reviewers: int, articles: int, shared: int, claims: int) -> list[Path]:
    """One database per reviewer with a day's work; their paths."""
    rng = random.Random(15)
    stories = [article_text(rng, rng.randint(1_600, 4_800)) for _ in range(shared)]
    paths = []
    for number in range(reviewers):
        path = folder / f"reviewer-{number:02}.db"
        with Store.open(path) as store:
            rid = store.reviewer(f"Reviewer {number:02}")
            texts = stories + [article_text(rng, rng.randint(1_600, 4_800)) for _ in range(articles - shared)]
            with store.transaction():
                rows = [add_article(store, text, reviewer_id=rid, url=f"https://news.example/{number}/{n}").article
                        for n, text in enumerate(texts)]
                for _ in range(claims):
                    add_claim(store, rng, rid, rng.choice(rows))
        paths.append(path)
    return paths


def add_claim(store: Store, rng: random.Random, rid: str, article: dict) -> str:
    """One judged claim with its verdict history row and one piece of evidence; its id."""
    start = rng.randrange(0, len(article["body"]) - 60)
    row = store_claim(store, article, start, start + rng.randint(10, 60), verdict=rng.choice(VERDICTS[1:]),
                      rationale=sentence(rng), reviewer_id=rid)
    store.insert("evidence", {
        "claim_id": row["id"], "position": 1.0, "url": f"https://example.org/{rng.random()}",
        "title": sentence(rng)[:60], "publisher": "Example", "excerpt": sentence(rng),
        "stance": "supports", "reliability": "reliable", "accessed_on": "2024-05-31", "created_by": rid,
        "updated_by": rid})
    return row["id"]


def sync_one(path: Path, url: str, number: int):
    """One `workbench sync` of a reviewer's database, as the command line runs it; (seconds, summary)."""
    from workbench.sync import sync_database

    with Store.open(path) as store:
        rid = store.reviewer(f"Reviewer {number:02}")
        start = time.perf_counter()
        summary = sync_database(store, url, reviewer_id=rid)
        return time.perf_counter() - start, summary


# -- raw baselines ------------------------------------------------------------------------------

def rows_of(path: Path) -> list[tuple[str, str, str]]:
    """Every synced row of a database as (table, id, JSON)."""
    from workbench import sync_merge

    with Store.open(path) as store:
        return [(table, key, json.dumps(data, ensure_ascii=False))
                for (table, key), (data, _) in sync_merge.all_rows(store).items()]


def raw_first_syncs(paths: list[Path], url: str) -> list[float]:
    """COPY each reviewer's rows into a plain table and read back the others', one after the other."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE raw_rows (owner int, tbl text, id text, data jsonb)")
    times = []
    for number, path in enumerate(paths):
        rows = rows_of(path)
        start = time.perf_counter()
        with psycopg.connect(url) as conn:
            with conn.cursor().copy("COPY raw_rows (owner, tbl, id, data) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((number, *row))
            conn.commit()
            conn.execute("SELECT tbl, id, data FROM raw_rows WHERE owner <> %s", [number]).fetchall()
        times.append(time.perf_counter() - start)
    return times


def raw_incremental(url: str, rows: list[tuple[str, str, str]]) -> float:
    """Connect, upsert one claim's rows, read the rows newer than a cursor."""
    import psycopg

    start = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.cursor().executemany("INSERT INTO raw_rows (owner, tbl, id, data) VALUES (-1, %s, %s, %s)", rows)
        conn.commit()
        conn.execute("SELECT tbl, id, data FROM raw_rows WHERE owner = -1").fetchall()
    return time.perf_counter() - start


# -- the run --------------------------------------------------------------------------------------

def identical(paths: list[Path], url: str) -> int:
    """Check that every database and the server hold the same rows; how many rows that is."""
    import psycopg

    from workbench import sync_merge
    from workbench.sync_server import server_rows

    with psycopg.connect(url) as conn:
        server = server_rows(conn)
    for path in paths:
        with Store.open(path) as store:
            local = sync_merge.all_rows(store)
        if local != server:
            differing = [k for k in set(local) | set(server) if local.get(k) != server.get(k)][:3]
            raise AssertionError(f"{path.name} differs from the server at {differing}")
    return len(server)


def run(quick: bool = False, reviewers: int | None = None, claims: int | None = None,
        verbose: bool = False) -> list[Result]:
    """The sync figures; an empty list (and a note on stderr) without the PostgreSQL programs."""
    from tests.pg_server import ServerUnavailable, running_server

    sizes = list(QUICK if quick else (REVIEWERS, ARTICLES, SHARED, CLAIMS))
    sizes[0], sizes[3] = reviewers or sizes[0], claims or sizes[3]
    count, articles, shared, per_reviewer = sizes
    try:
        with running_server() as server, tempfile.TemporaryDirectory() as name:
            return _run(server, Path(name), count, articles, shared, per_reviewer, verbose)
    except ServerUnavailable as error:
        print(f"# bench_sync skipped: {error}", file=sys.stderr)
        return []


def _run(server, folder: Path, count: int, articles: int, shared: int, claims: int, verbose: bool) -> list[Result]:
    import os

    server.admin("CREATE ROLE desk LOGIN PASSWORD 'desk'")
    server.admin("CREATE DATABASE desk OWNER desk")
    server.admin("CREATE DATABASE raw OWNER desk")
    os.environ["PGPASSWORD"] = "desk"
    url, raw_url = server.url("desk", user="desk"), server.url("raw", user="desk")
    start = time.perf_counter()
    paths = build(folder, count, articles, shared, claims)
    if verbose:
        print(f"# built {count} databases in {time.perf_counter() - start:.1f} s "
              f"({paths[0].stat().st_size / 1e6:.1f} MB each)")
    raw_first = raw_first_syncs(paths, raw_url)
    first = []
    for number, path in enumerate(paths):
        seconds, summary = sync_one(path, url, number)
        first.append(seconds)
        if verbose:
            print(f"# first sync {number:2}: {seconds:.2f} s: {summary.pulled} rows in, {summary.pushed} out")
    for number, path in enumerate(paths[:-1]):  # the earlier ones fetch what was pushed after them
        sync_one(path, url, number)
    rng = random.Random(16)
    pushes, pulls, raws = [], [], []
    for run in range(INCREMENTAL_RUNS):
        writer, reader = 0, count - 1
        with Store.open(paths[writer]) as store:
            rid = store.reviewer(f"Reviewer {writer:02}")
            article = dict(store.conn.execute("SELECT * FROM articles ORDER BY id LIMIT 1").fetchone())
            with store.transaction():
                claim = add_claim(store, rng, rid, article)
            new_rows = [(t, r["id"], json.dumps(r)) for t in ("claims", "verdict_history", "evidence")
                        for r in store.query(f'SELECT * FROM "{t}" WHERE {"id" if t == "claims" else "claim_id"} = ?',
                                             [claim])]
        seconds, summary = sync_one(paths[writer], url, writer)
        assert summary.pushed == 3, summary
        pushes.append(seconds)
        seconds, summary = sync_one(paths[reader], url, reader)
        assert summary.pulled == 3, summary
        pulls.append(seconds)
        raws.append(raw_incremental(raw_url, new_rows))
    for number, path in enumerate(paths):
        sync_one(path, url, number)
    idle = background_syncs(paths[0], url)
    rows = identical(paths, url)
    if verbose:
        print(f"# all {count} databases and the server hold the same {rows:,} rows")
    size = f"{count} reviewers × {claims:,} claims"
    target = TARGET_INCREMENTAL_S if (count, claims) == (REVIEWERS, CLAIMS) else None
    med = statistics.median
    return [
        Result("sync: first sync of a reviewer (median of all)", size, med(first), med(raw_first), runs=count,
               spread=(min(first), max(first))),
        Result("sync: first sync, the last reviewer (pulls all)", size, first[-1], raw_first[-1], runs=1),
        Result("sync: incremental, push one new claim", size, med(pushes), med(raws), target=target,
               runs=INCREMENTAL_RUNS, spread=(min(pushes), max(pushes))),
        Result("sync: incremental, a colleague pulls it", size, med(pulls), med(raws), target=target,
               runs=INCREMENTAL_RUNS, spread=(min(pulls), max(pulls))),
        Result("sync: nothing new, connection kept (background)", size, med(idle), runs=len(idle),
               spread=(min(idle), max(idle))),
    ]


def background_syncs(path: Path, url: str, runs: int = INCREMENTAL_RUNS) -> list[float]:
    """What a window's background sync costs when nothing changed: SyncClient keeps its connection
    and the open file between syncs."""
    from workbench.sync import SyncClient

    client = SyncClient(path, url, reviewer="Reviewer 00")
    try:
        client.sync_once()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            summary = client.sync_once()
            times.append(time.perf_counter() - start)
            assert (summary.pulled, summary.pushed) == (0, 0), summary
        return times
    finally:
        client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="4 reviewers × 100 claims")
    parser.add_argument("--reviewers", type=int)
    parser.add_argument("--claims", type=int)
    args = parser.parse_args()
    print_table(run(args.quick, args.reviewers, args.claims, verbose=True))


if __name__ == "__main__":
    main()
