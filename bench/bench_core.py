"""Core speed at newsroom scale: importing articles, full-text search and the Markdown report.

Run: python bench/bench_core.py [--quick]   (prints a table; `run(quick)` gives the results to
bench/run.py). Each figure is a median of several runs, against a raw sqlite3 baseline timed in
the same process on the same kind of file:

- import: `importers.import_sources` on 1,000 generated .txt files (1,500-8,000 code points
  each, from the seeded corpus, with accents and emoji) into a fresh database, against reading
  and decoding the same files and one raw `executemany` of the same article rows into a fresh
  copy of the same empty database (same tables, indexes and FTS triggers), in one transaction.
- search: `search.search` for several queries over those 1,000 articles and 20,000 claims,
  against the same FTS5 MATCH (the same query string, bm25 rank, snippets, limit) run with a
  raw sqlite3 connection on the same file, without the joins to the content tables.
- report: `report.build_markdown` of all 20,000 claims (pending included), against SELECTing
  the same claims with their articles and verdict history and joining them into text with no
  escaping and no Markdown parsing of the rationales.
"""

import argparse
import datetime
import random
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import Result, median_time, print_table, store_claim  # noqa: E402
from bench.corpus import article_text, sentence  # noqa: E402
from workbench import ids  # noqa: E402
from workbench.articles import first_line_title  # noqa: E402
from workbench.importers import import_sources  # noqa: E402
from workbench.report import ReportOptions, build_markdown  # noqa: E402
from workbench.search import fts_query, search  # noqa: E402
from workbench.store import Store  # noqa: E402
from workbench.text import normalise_body  # noqa: E402
from workbench.verdicts import VERDICTS  # noqa: E402

ARTICLES, CLAIMS = 1_000, 20_000
QUICK_ARTICLES, QUICK_CLAIMS = 100, 2_000
QUERIES = ["drones", "Gdańsk", "Müller", "spending rose", "exaggerated", "cables damaged",
           "Kallas", "São Paulo", "budget million", "turnout"]
REVIEWER = "Bench"
GENERATED = datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc)


def write_articles(folder: Path, rng: random.Random, count: int) -> list[Path]:
    """count .txt files of seeded news text of varying length."""
    folder.mkdir()
    paths = []
    for n in range(count):
        path = folder / f"article-{n:04}.txt"
        path.write_text(article_text(rng, rng.randint(1_500, 8_000)), encoding="utf-8")
        paths.append(path)
    return paths


def empty_database(path: Path) -> str:
    """A new workbench database with the bench reviewer; returns the reviewer's id."""
    with Store.open(path) as store:
        return store.reviewer(REVIEWER)


# -- import -------------------------------------------------------------------------------------

def time_import(template: Path, paths: list[Path], folder: Path, runs: int) -> tuple[float, Path]:
    """Median time of import_sources on every file into a fresh copy of template; the last copy."""
    sources = [str(p) for p in paths]
    state = {}

    def setup():
        target = folder / f"import-{len(state.setdefault('done', []))}.db"
        shutil.copy(template, target)
        state["store"] = Store.open(target)
        state["reviewer"] = state["store"].reviewer(REVIEWER)
        state["target"] = target

    def imported():
        state["outcomes"] = import_sources(state["store"], sources, reviewer_id=state["reviewer"])

    def teardown():
        errors = [o.error for o in state["outcomes"] if o.error]
        assert not errors, errors[:3]
        count = state["store"].get_value("SELECT count(*) FROM articles")
        state["store"].close()
        assert count == len(paths), f"{count} articles stored of {len(paths)}"
        state["done"].append(state["target"])

    seconds = median_time(imported, runs=runs, setup=setup, teardown=teardown)
    return seconds, state["target"]


def time_raw_import(template: Path, paths: list[Path], folder: Path, reviewer_id: str, runs: int) -> float:
    """The baseline: read and decode the same files, then one executemany of the same rows."""
    state = {"n": 0}
    sql = ("INSERT INTO articles (seq, id, created_at, updated_at, title, body, source_kind, encoding, "
           "created_by) VALUES (?, ?, ?, ?, ?, ?, 'txt', 'utf-8', ?)")

    def setup():
        state["n"] += 1
        state["target"] = folder / f"raw-import-{state['n']}.db"
        shutil.copy(template, state["target"])

    def imported():
        stamp = ids.now()
        rows = []
        for path in paths:
            body = normalise_body(path.read_bytes().decode("utf-8"))
            rows.append((len(rows) + 1, ids.article_id(body), stamp, stamp, first_line_title(body), body,
                         reviewer_id))
        conn = sqlite3.connect(state["target"], isolation_level=None)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, rows)
        conn.execute("COMMIT")
        conn.close()

    def teardown():
        conn = sqlite3.connect(state["target"])
        count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.close()
        assert count == len(paths)

    return median_time(imported, runs=runs, setup=setup, teardown=teardown)


# -- claims for search and the report ------------------------------------------------------------

def add_claims(path: Path, rng: random.Random, count: int) -> None:
    """count claims spread over the articles, most judged (with their history), with rationales."""
    with Store.open(path) as store:
        reviewer = store.reviewer(REVIEWER)
        articles = store.query("SELECT id, body FROM articles ORDER BY seq")
        with store.transaction():
            for _ in range(count):
                article = rng.choice(articles)
                body = article["body"]
                start = rng.randrange(0, len(body) - 130)
                end = start + rng.randint(10, 120)
                verdict = rng.choice(VERDICTS)
                rationale = rng.choice(["", "**Checked.** ", "See [the statement](https://example.org/s) — ",
                                        "- one source\n- another source\n\n"]) + sentence(rng)
                store_claim(store, article, start, end, verdict=verdict, rationale=rationale, reviewer_id=reviewer)


# -- search -------------------------------------------------------------------------------------

RAW_SEARCH = " UNION ALL ".join(
    f"SELECT '{kind}' AS kind, rowid, snippet({table}, -1, ?, ?, '…', 12) AS snippet, "
    f"bm25({table}) AS rank FROM {table} WHERE {table} MATCH ?"
    for kind, table in (("article", "articles_fts"), ("claim", "claims_fts"), ("evidence", "evidence_fts"))
) + " ORDER BY rank LIMIT ?"


def time_search(path: Path, runs: int) -> tuple[float, float, int]:
    """Medians over QUERIES (each the median of runs) for search() and the raw MATCH; total hits."""
    import statistics

    store = Store.open(path)
    raw = sqlite3.connect(path)
    ours, base, hits = [], [], 0
    for text in QUERIES:
        query = fts_query(store, text)
        found = search(store, text)
        rows = raw.execute(RAW_SEARCH, ["\x02", "\x03", query] * 3 + [200]).fetchall()
        assert found and len(found) == len(rows), (text, len(found), len(rows))
        hits += len(found)
        ours.append(median_time(lambda: search(store, text), runs=runs))
        base.append(median_time(lambda: raw.execute(RAW_SEARCH, ["\x02", "\x03", query] * 3 + [200]).fetchall(),
                                runs=runs))
    raw.close()
    store.close()
    return statistics.median(ours), statistics.median(base), hits


# -- report -------------------------------------------------------------------------------------

RAW_REPORT = ('SELECT a.id AS article_id, a.title, a.url, c.id, c.verdict, c.quote, c.rationale '
              'FROM claims c JOIN articles a ON a.id = c.article_id '
              'WHERE c.deleted_at IS NULL AND a.deleted_at IS NULL '
              'ORDER BY a.created_at, a.title, a.id, c.start, c."end", c.created_at, c.id')


def raw_report(conn: sqlite3.Connection) -> str:
    """The baseline: the same rows joined into text, with no escaping."""
    judged = {claim_id: (who, when) for claim_id, who, when in conn.execute(
        "SELECT claim_id, created_by, created_at FROM verdict_history WHERE deleted_at IS NULL "
        "ORDER BY claim_id, created_at, id")}
    names = dict(conn.execute("SELECT id, name FROM reviewers"))
    parts, article, n = ["# Fact-check report"], None, 0
    for article_id, title, url, claim_id, verdict, quote, rationale in conn.execute(RAW_REPORT):
        if article_id != article:
            article, n = article_id, 0
            parts.append(f"## {title}\n\n{url or ''}")
        n += 1
        who, when = judged.get(claim_id, ("", ""))
        parts.append(f"### Claim {n} · {verdict}\n\n> {quote}\n\n{names.get(who, '')} {when[:10]}\n\n{rationale}")
    return "\n\n".join(parts) + "\n"


def time_report(path: Path, claims: int, runs: int) -> tuple[float, float]:
    """Medians of build_markdown (every claim, pending included) and of the raw join."""
    options = ReportOptions(include_pending=True, generated=GENERATED, reviewer=REVIEWER)
    with Store.open(path) as store:
        text = build_markdown(store, options)
        assert f"{claims:,} claims in" in text, text[:300]
        ours = median_time(lambda: build_markdown(store, options), runs=runs)
    conn = sqlite3.connect(path)
    assert raw_report(conn).count("### Claim ") == claims
    base = median_time(lambda: raw_report(conn), runs=runs)
    conn.close()
    return ours, base


def run(quick: bool = False) -> list[Result]:
    """Import, search and report at 1,000 articles and 20,000 claims (100 and 2,000 if quick)."""
    articles, claims = (QUICK_ARTICLES, QUICK_CLAIMS) if quick else (ARTICLES, CLAIMS)
    runs = 3
    rng = random.Random(20240601)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        paths = write_articles(folder / "articles", rng, articles)
        template = folder / "empty.db"
        reviewer_id = empty_database(template)
        raw_import = time_raw_import(template, paths, folder, reviewer_id, runs)
        imported, db = time_import(template, paths, folder, runs)
        add_claims(db, rng, claims)
        ours_search, raw_search, hits = time_search(db, runs=5)
        ours_report, raw_report_s = time_report(db, claims, runs)
    corpus = f"{articles:,} articles + {claims:,} claims"
    return [
        Result("import .txt articles (import_sources)", f"{articles:,} articles", imported, raw_import, runs=runs),
        Result(f"full-text search ({len(QUERIES)} queries, median)", corpus, ours_search, raw_search, runs=5),
        Result("export the Markdown report (build_markdown)", f"{claims:,} claims", ours_report, raw_report_s,
               runs=runs),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_ARTICLES:,} articles and {QUICK_CLAIMS:,} claims")
    print_table(run(parser.parse_args().quick))


if __name__ == "__main__":
    main()
