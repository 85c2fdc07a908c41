"""A full disk (SQLite's max_page_count on the store's connection): a clear message, no half-written
action, and everything written before intact after reopening."""

import json
import random

import pytest

from bench.corpus import article_text, sentence
from workbench import annotations
from workbench.articles import add_article
from workbench.claims import add_claim, set_rationale, set_verdict
from workbench.errors import WorkbenchError
from workbench.evidence import add_evidence, attach_bytes
from workbench.importers import import_sources
from workbench.store import Store
from workbench.verdicts import VERDICTS

TABLES = ("reviewers", "articles", "appearances", "claims", "verdict_history", "evidence", "blobs",
          "attachments", "meta")
FULL = "the disk or database is full; nothing of the last action was saved"


def fill_up(store: Store, spare_pages: int) -> None:
    """Let the database grow by only spare_pages more pages, as if the disk were nearly full."""
    pages = store.get_value("PRAGMA page_count")
    assert store.get_value(f"PRAGMA max_page_count = {pages + spare_pages}") == pages + spare_pages


def snapshot(store: Store) -> dict:
    """Row counts of every table, the most recent change, and the search indexes checked."""
    for table in ("articles_fts", "claims_fts", "evidence_fts"):
        store.conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    counts = {t: store.get_value(f'SELECT count(*) FROM "{t}"') for t in TABLES}
    counts["last change"] = store.get_value(
        "SELECT max(updated_at) FROM (SELECT updated_at FROM claims UNION ALL SELECT updated_at FROM articles "
        "UNION ALL SELECT updated_at FROM evidence UNION ALL SELECT updated_at FROM verdict_history)")
    return counts


def reopened(path) -> Store:
    store = Store.open(path)
    assert store.get_value("PRAGMA integrity_check") == "ok"
    assert store.get_value("PRAGMA foreign_key_check") is None
    return store


def test_importing_articles_until_the_disk_is_full(tmp_path):
    rng = random.Random(11)
    path = tmp_path / "full.db"
    store = Store.open(path)
    reviewer = store.reviewer("Ana")
    fill_up(store, 60)
    imported = {}
    for n in range(500):
        source = tmp_path / f"article-{n}.txt"
        source.write_text(article_text(rng, rng.randint(2_000, 9_000)), encoding="utf-8")
        before = snapshot(store)
        [outcome] = import_sources(store, [str(source)], reviewer_id=reviewer)
        if outcome.error:
            break
        imported[outcome.added[0].article["id"]] = outcome.added[0].article["body"]
    else:
        pytest.fail("the database never filled up")
    assert outcome.error == f"{source}: {path}: {FULL}"  # names the file, says why
    assert outcome.added == []
    assert snapshot(store) == before, "the failed import left something behind"
    assert len(imported) > 3
    store.close()

    with reopened(path) as store:
        bodies = {r["id"]: r["body"] for r in store.query("SELECT id, body FROM articles")}
        assert bodies == imported
        # With room again, the same file goes in.
        [outcome] = import_sources(store, [str(source)], reviewer_id=reviewer)
        assert outcome.error is None and outcome.added[0].new


def test_claims_verdicts_and_evidence_until_the_disk_is_full(tmp_path):
    rng = random.Random(12)
    path = tmp_path / "full.db"
    store = Store.open(path)
    reviewer = store.reviewer("Ana")
    article = add_article(store, article_text(rng, 20_000), reviewer_id=reviewer).article
    fill_up(store, 40)
    done: dict[str, tuple[str, str]] = {}  # claim id -> (verdict, rationale) of finished actions
    evidence: set[str] = set()
    actions = 0
    with pytest.raises(WorkbenchError) as failure:
        while actions < 20_000:
            before = snapshot(store)
            start = rng.randrange(0, 19_800)
            claim = add_claim(store, article["id"], start, start + rng.randint(5, 150), reviewer_id=reviewer)
            done[claim["id"]] = ("pending", "")
            actions += 1
            before = snapshot(store)
            verdict = rng.choice(VERDICTS[1:])
            set_verdict(store, claim["id"], verdict, reviewer_id=reviewer)
            done[claim["id"]] = (verdict, "")
            actions += 1
            before = snapshot(store)
            rationale = " ".join(sentence(rng) for _ in range(rng.randint(1, 12)))
            set_rationale(store, claim["id"], rationale, reviewer_id=reviewer)
            done[claim["id"]] = (verdict, rationale)
            actions += 1
            before = snapshot(store)
            evidence.add(add_evidence(store, claim["id"], reviewer_id=reviewer, url="https://example.org/a",
                                      title=sentence(rng), excerpt=sentence(rng))["id"])
            actions += 1
    assert str(failure.value) == f"{path}: {FULL}"
    assert snapshot(store) == before, "the failed action left something behind"
    assert actions > 8
    store.close()

    with reopened(path) as store:
        stored = {r["id"]: (r["verdict"], r["rationale"]) for r in store.query("SELECT * FROM claims")}
        assert stored == done
        assert {r["id"] for r in store.query("SELECT id FROM evidence")} == evidence
        for claim_id, (verdict, _) in done.items():
            history = store.query("SELECT to_verdict FROM verdict_history WHERE claim_id = ?", [claim_id])
            assert [h["to_verdict"] for h in history] == ([verdict] if verdict != "pending" else [])


def test_an_attachment_that_does_not_fit(tmp_path):
    rng = random.Random(13)
    path = tmp_path / "full.db"
    store = Store.open(path)
    reviewer = store.reviewer("Ana")
    article = add_article(store, article_text(rng, 3_000), reviewer_id=reviewer).article
    claim = add_claim(store, article["id"], 10, 60, reviewer_id=reviewer, verdict="verified")
    item = add_evidence(store, claim["id"], reviewer_id=reviewer, title="Screenshot")
    small = attach_bytes(store, item["id"], b"\x89PNG\r\n\x1a\n" + bytes(200), "small.png", reviewer_id=reviewer)
    fill_up(store, 20)
    before = snapshot(store)
    with pytest.raises(WorkbenchError, match="full"):
        attach_bytes(store, item["id"], rng.randbytes(2_000_000), "scan.pdf", reviewer_id=reviewer)
    assert snapshot(store) == before
    store.close()
    with reopened(path) as store:
        rows = store.query("SELECT a.id, b.data FROM attachments a JOIN blobs b ON b.id = a.blob_id")
        assert [r["id"] for r in rows] == [small["id"]]
        assert rows[0]["data"] == b"\x89PNG\r\n\x1a\n" + bytes(200)


def test_an_annotation_file_that_does_not_fit(tmp_path):
    """A W3C import is one transaction with a savepoint inside: it fails whole, with the same message."""
    rng = random.Random(14)
    text = article_text(rng, 30_000)
    with Store.open(tmp_path / "theirs.db") as theirs:
        bo = theirs.reviewer("Bo")
        article = add_article(theirs, text, reviewer_id=bo).article
        for _ in range(400):
            start = rng.randrange(0, 29_800)
            claim = add_claim(theirs, article["id"], start, start + rng.randint(5, 150), reviewer_id=bo,
                              verdict=rng.choice(VERDICTS), rationale=sentence(rng) * 3)
            add_evidence(theirs, claim["id"], reviewer_id=bo, url="https://example.org/e",
                         excerpt=sentence(rng))
        collection = annotations.export_collection(theirs)
    source = tmp_path / "claims.jsonld"
    source.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")

    path = tmp_path / "full.db"
    store = Store.open(path)
    ana = store.reviewer("Ana")
    add_article(store, text, reviewer_id=ana)
    fill_up(store, 30)
    before = snapshot(store)
    [outcome] = import_sources(store, [str(source)], reviewer_id=ana)
    assert outcome.error is not None and "full" in outcome.error, outcome.error
    assert str(source) in outcome.error
    assert outcome.claims == 0
    assert snapshot(store) == before
    store.close()
    with reopened(path) as store:
        assert store.get_value("SELECT count(*) FROM claims") == 0
        [outcome] = import_sources(store, [str(source)], reviewer_id=ana)
        assert outcome.error is None and outcome.claims == 400
