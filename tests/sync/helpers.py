"""Building reviewers' databases for sync tests, and reading every synced row of a database or server."""

import random
from pathlib import Path

import psycopg

from workbench import sync_merge
from workbench.articles import add_article
from workbench.claims import add_claim
from workbench.evidence import add_evidence
from workbench.store import Store
from workbench.sync import sync_database
from workbench.sync_server import server_rows
from workbench.verdicts import VERDICTS

WORDS = ("minister", "drones", "border", "budget", "cables", "turnout", "Gdańsk", "São", "Paulo", "😐",
         "figure", "agreement", "ministry", "analysts", "jets", "talks")


def article_text(rng: random.Random) -> str:
    """A short news-like article, different for each seed."""
    return "\n".join(" ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))) + "."
                     for _ in range(rng.randint(2, 5)))


def add_work(store: Store, reviewer_id: str, rng: random.Random, claims: int = 3,
             article_id: str | None = None) -> list[str]:
    """An article (or the given one) with claims, verdicts and one piece of evidence each; the claim ids."""
    if article_id is None:
        article_id = add_article(store, article_text(rng), reviewer_id=reviewer_id).article["id"]
    body = store.get("articles", article_id)["body"]
    made = []
    for _ in range(claims):
        start = rng.randrange(0, len(body) - 5)
        end = rng.randint(start + 1, min(len(body), start + 40))
        claim = add_claim(store, article_id, start, end, reviewer_id=reviewer_id,
                          verdict=rng.choice(VERDICTS), rationale=f"because {rng.random():.6f}")
        add_evidence(store, claim["id"], reviewer_id=reviewer_id, url=f"https://example.org/{rng.random()}",
                     title="A source", stance="supports")
        made.append(claim["id"])
    return made


def local_state(store: Store) -> dict:
    """Every synced row of a database: (table, server key) -> (values, clocks)."""
    return sync_merge.all_rows(store)


def server_state(url: str) -> dict:
    """Every row on the team server: (table, key) -> (values, clocks)."""
    with psycopg.connect(url) as conn:
        return server_rows(conn)


def sync(store: Store, url: str, reviewer: str = "Ana", **options):
    """One sync of store as reviewer."""
    return sync_database(store, url, reviewer_id=store.reviewer(reviewer), **options)


def open_db(folder: Path, name: str) -> tuple[Store, str]:
    """A new database named name.db in folder, and the id of a reviewer called name."""
    store = Store.open(folder / f"{name}.db")
    return store, store.reviewer(name)


FOREIGN_KEYS = {  # what each synced table's rows point at (the schema's foreign keys)
    "articles": [("created_by", "reviewers")], "appearances": [("article_id", "articles"), ("created_by", "reviewers")],
    "claims": [("article_id", "articles"), ("created_by", "reviewers"), ("updated_by", "reviewers")],
    "verdict_history": [("claim_id", "claims"), ("created_by", "reviewers")],
    "evidence": [("claim_id", "claims"), ("created_by", "reviewers"), ("updated_by", "reviewers")],
    "attachments": [("evidence_id", "evidence"), ("blob_id", "blobs"), ("created_by", "reviewers"),
                    ("updated_by", "reviewers")],
}


def assert_server_consistent(url: str) -> None:
    """Every row on the server points only at rows the server has (blobs: with their bytes)."""
    rows = server_state(url)
    ids = {}
    for (table, _), (data, _) in rows.items():
        ids.setdefault(table, set()).add(data["id"])
    for (table, key), (data, _) in rows.items():
        for column, target in FOREIGN_KEYS.get(table, ()):
            assert data[column] is None or data[column] in ids.get(target, set()), (table, key, column)
    with psycopg.connect(url) as conn:
        stored = {r[0] for r in conn.execute("SELECT sha256 FROM workbench.blobs")}
    assert {data["sha256"] for (table, _), (data, _) in rows.items() if table == "blobs"} <= stored


def assert_local_consistent(store: Store) -> None:
    """The database is whole: integrity, foreign keys, full-text indexes."""
    assert store.get_value("PRAGMA integrity_check") == "ok"
    assert store.get_value("PRAGMA foreign_key_check") is None
    for table in ("articles_fts", "claims_fts", "evidence_fts"):
        store.conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
