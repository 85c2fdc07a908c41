"""Merging reviewers' databases, opening files from others untrusted, and saving a copy."""

import contextlib
import hashlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from workbench import cli, ids, schema
from workbench.articles import add_article
from workbench.claims import (add_claim, delete_claim, restore_claim, set_rationale, set_verdict,
                             verdict_history)
from workbench.clocks import verdict_givers
from workbench.errors import DatabaseRefused, WorkbenchError
from workbench.merge import TABLES, MalformedRow, MergeSummary, merge_database, save_copy
from workbench.store import Store
from workbench.untrusted import opened

TEXTS = [
    "The minister said that 40 drones crossed the border on Tuesday. Officials denied it.",
    "Turnout reached 61% 📊 according to a statement.\nThe opposition rejects the figure.",
    "Analysts in São Paulo estimated a budget of €300 million, citing unnamed sources.",
]
URLS = ["https://example.org/a", "https://example.org/b", None]


# -- helpers ------------------------------------------------------------------------------------

def dump(path_or_store) -> dict:
    """Every merged table's rows (without seq), sorted: what must agree between databases."""
    with contextlib.ExitStack() as stack:
        if isinstance(path_or_store, Store):
            conn = path_or_store.conn
        else:
            conn = stack.enter_context(contextlib.closing(sqlite3.connect(path_or_store)))
        result = {}
        for table in TABLES:
            cols = [c for c in schema.TABLES_V1[table]["columns"] if c != "seq"]
            names = ", ".join(f'"{c}"' for c in cols)
            result[table] = sorted(tuple(r) for r in conn.execute(f'SELECT {names} FROM "{table}"'))
        result["field_clocks"] = sorted(tuple(r) for r in conn.execute("SELECT * FROM field_clocks"))
        return result


def fts_ok(store) -> None:
    for table in ("articles", "claims", "evidence"):
        store.conn.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('integrity-check')")


def side_files(path: Path) -> list[str]:
    return [s for s in ("-wal", "-shm", "-journal") if Path(f"{path}{s}").exists()]


def make_db(path: Path, name: str, texts=(0,), claims=()) -> dict:
    """A closed database by reviewer name with articles and (article, start, end, verdict) claims."""
    with Store.open(path) as store:
        rid = store.reviewer(name)
        arts = [add_article(store, TEXTS[i], reviewer_id=rid, url=URLS[i]).article for i in texts]
        made = [add_claim(store, arts[a]["id"], s, e, reviewer_id=rid, verdict=v) for a, s, e, v in claims]
    return {"articles": arts, "claims": made, "reviewer": rid}


@pytest.fixture
def pair(tmp_path):
    """Ana's database (open) and Bo's (a closed file), both holding TEXTS[0] with a claim each."""
    bo = make_db(tmp_path / "bo.db", "Bo", claims=[(0, 4, 12, "disputed")])
    with Store.open(tmp_path / "ana.db") as store:
        ana = store.reviewer("Ana")
        art = add_article(store, TEXTS[0], reviewer_id=ana, url=URLS[0]).article
        add_claim(store, art["id"], 0, 12, reviewer_id=ana, verdict="verified")
        yield store, ana, tmp_path / "bo.db", bo


# -- the basic rules ----------------------------------------------------------------------------

def test_same_article_imported_separately_becomes_one_with_both_reviewers_claims(pair):
    store, ana, bo_path, bo = pair
    summary = merge_database(store, bo_path, reviewer_id=ana)
    articles = store.query("SELECT id FROM articles")
    assert [a["id"] for a in articles] == [ids.article_id(TEXTS[0])]
    claims = store.query("SELECT created_by, verdict FROM claims ORDER BY start")
    assert claims == [{"created_by": ana, "verdict": "verified"},
                      {"created_by": bo["reviewer"], "verdict": "disputed"}]
    assert len(store.query("SELECT * FROM appearances")) == 1  # one URL, one appearance
    assert summary.tables["claims"].added == 1 and summary.tables["reviewers"].added == 1
    assert "1 claim" in str(summary) and "1 reviewer came in" in str(summary)
    assert store.query("SELECT rowid FROM claims_fts WHERE claims_fts MATCH 'minister'")
    fts_ok(store)


def test_concurrent_edits_of_different_fields_both_survive_and_verdicts_stay_attributed(tmp_path):
    base = make_db(tmp_path / "base.db", "Ana", claims=[(0, 4, 12, "pending")])
    claim_id = base["claims"][0]["id"]
    shutil.copy(tmp_path / "base.db", tmp_path / "ana.db")
    with Store.open(tmp_path / "base.db") as store:
        save_copy(store, tmp_path / "bo.db")  # a copy of its own identity
    with Store.open(tmp_path / "bo.db") as bo:
        set_verdict(bo, claim_id, "disputed", reviewer_id=bo.reviewer("Bo"))
        set_rationale(bo, claim_id, "Bo's reasons", reviewer_id=bo.reviewer("Bo"))
    with Store.open(tmp_path / "ana.db") as ana:  # Ana's verdict is the later one
        set_verdict(ana, claim_id, "verified", reviewer_id=base["reviewer"])
    shutil.copy(tmp_path / "ana.db", tmp_path / "ana-unmerged.db")
    with Store.open(tmp_path / "ana.db") as ana:
        summary = merge_database(ana, tmp_path / "bo.db", reviewer_id=base["reviewer"])
        row = ana.get("claims", claim_id)
        assert (row["verdict"], row["rationale"]) == ("verified", "Bo's reasons")  # both edits survive
        history = verdict_history(ana, claim_id)  # each verdict under its own reviewer, nothing invented
        assert sorted((h["from_verdict"], h["to_verdict"], h["reviewer"], h["note"]) for h in history) == [
            ("pending", "disputed", "Bo", None), ("pending", "verified", "Ana", None)]
        assert verdict_givers(ana, [claim_id])[claim_id].author == base["reviewer"]
        assert summary.conflicts == 1 and "1 claim had different verdicts from two reviewers" in str(summary)
        again = merge_database(ana, tmp_path / "bo.db", reviewer_id=base["reviewer"])
        assert not again.changed and again.conflicts == 0
    # Bo merging Ana's file gets the same rows and clocks, whether Ana's file is the one before
    # her merge or after it.
    shutil.copy(tmp_path / "bo.db", tmp_path / "bo-2.db")
    for bo_file, ana_file in (("bo.db", "ana-unmerged.db"), ("bo-2.db", "ana.db")):
        with Store.open(tmp_path / bo_file) as bo:
            merge_database(bo, tmp_path / ana_file, reviewer_id=bo.reviewer("Bo"))
        assert dump(tmp_path / bo_file) == dump(tmp_path / "ana.db")


def test_a_sequential_verdict_change_by_another_reviewer_invents_no_history(tmp_path):
    base = make_db(tmp_path / "ana.db", "Ana", claims=[(0, 4, 12, "verified")])
    claim_id = base["claims"][0]["id"]
    with Store.open(tmp_path / "ana.db") as ana:
        save_copy(ana, tmp_path / "bo.db")
    with Store.open(tmp_path / "bo.db") as bo:  # Bo saw "verified" and changed it
        set_verdict(bo, claim_id, "disputed", reviewer_id=bo.reviewer("Bo"))
    with Store.open(tmp_path / "ana.db") as ana:
        summary = merge_database(ana, tmp_path / "bo.db", reviewer_id=base["reviewer"])
        assert ana.get("claims", claim_id)["verdict"] == "disputed"
        assert [(h["from_verdict"], h["to_verdict"], h["reviewer"]) for h in verdict_history(ana, claim_id)] == [
            ("pending", "verified", "Ana"), ("verified", "disputed", "Bo")]
        assert summary.tables["claims"].updated == 1 and summary.tables["verdict_history"].added == 1
        assert summary.conflicts == 1  # two reviewers' verdicts differ: flagged to be settled


@pytest.mark.parametrize("deleted_last", [True, False])
def test_a_delete_and_an_edit_of_another_field_both_survive(tmp_path, deleted_last):
    base = make_db(tmp_path / "ana.db", "Ana", claims=[(0, 4, 12, "pending")])
    claim_id = base["claims"][0]["id"]
    with Store.open(tmp_path / "ana.db") as ana:
        save_copy(ana, tmp_path / "bo.db")
    with Store.open(tmp_path / "ana.db") as ana, Store.open(tmp_path / "bo.db") as bo:
        edits = [lambda: set_rationale(bo, claim_id, "still here", reviewer_id=bo.reviewer("Bo")),
                 lambda: delete_claim(ana, claim_id, reviewer_id=base["reviewer"])]
        for edit in edits if deleted_last else reversed(edits):
            edit()
    for target, other in (("bo.db", "ana.db"), ("ana.db", "bo.db")):
        with Store.open(tmp_path / target) as store:
            merge_database(store, tmp_path / other, reviewer_id=store.reviewer("Bo"))
            row = store.get("claims", claim_id)
            # The delete stands (nobody restored the claim); Bo's rationale is kept with it.
            assert row["deleted_at"] is not None and row["rationale"] == "still here"


def test_a_later_restore_wins_over_an_earlier_delete(tmp_path):
    base = make_db(tmp_path / "ana.db", "Ana", claims=[(0, 4, 12, "pending")])
    claim_id = base["claims"][0]["id"]
    with Store.open(tmp_path / "ana.db") as ana:
        delete_claim(ana, claim_id, reviewer_id=base["reviewer"])
        save_copy(ana, tmp_path / "bo.db")
    with Store.open(tmp_path / "bo.db") as bo:
        restore_claim(bo, claim_id, reviewer_id=bo.reviewer("Bo"))
    with Store.open(tmp_path / "ana.db") as ana:
        merge_database(ana, tmp_path / "bo.db", reviewer_id=base["reviewer"])
        assert ana.get("claims", claim_id)["deleted_at"] is None


def test_itself_is_refused_but_work_in_a_plain_copy_merges_back(pair, tmp_path):
    store, ana, _, _ = pair
    with pytest.raises(DatabaseRefused, match="being merged into"):
        merge_database(store, store.path, reviewer_id=ana)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy_path = tmp_path / "plain-copy.db"
    shutil.copy(store.path, copy_path)
    from workbench.claims import add_claim
    from workbench.store import Store
    with Store.open(copy_path) as copy:
        article_id = copy.query("SELECT id FROM articles WHERE deleted_at IS NULL LIMIT 1")[0]["id"]
        new = add_claim(copy, article_id, 0, 3, reviewer_id=copy.reviewer("Colleague"), verdict="verified")
    summary = merge_database(store, copy_path, reviewer_id=ana)
    assert store.get("claims", new["id"])["verdict"] == "verified"
    assert summary.changed
    again = merge_database(store, copy_path, reviewer_id=ana)
    assert not again.changed


# -- untrusted files ----------------------------------------------------------------------------

def _crafted(path: Path, *statements: str) -> None:
    make_db(path, "Mallory", claims=[(0, 0, 3, "verified")])
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


CRAFTED = {
    "foreign trigger": ["CREATE TRIGGER evil AFTER INSERT ON claims BEGIN DELETE FROM articles; END",
                        "CREATE TRIGGER evil2 BEFORE UPDATE ON reviewers BEGIN "
                        "INSERT INTO reviewers(id, created_at, updated_at, name) VALUES "
                        "(hex(randomblob(16)), 'x', 'x', 'ran'); END"],
    "trigger under our name": [
        "DROP TRIGGER claims_ai",
        "CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN DELETE FROM articles; "
        "INSERT INTO claims_fts(rowid, quote, rationale) VALUES (new.rowid, new.quote, new.rationale); END"],
    "view": ["CREATE VIEW claims_view AS SELECT * FROM claims"],
    "extra table": ["CREATE TABLE notes(x)"],
    "changed columns": ["ALTER TABLE claims ADD COLUMN extra TEXT"],
    "generated column": ["ALTER TABLE evidence ADD COLUMN g TEXT GENERATED ALWAYS AS (upper(title)) VIRTUAL"],
    "changed fts table": ["DROP TABLE evidence_fts",
                          "CREATE VIRTUAL TABLE evidence_fts USING fts5(title, content='claims')"],
}


@pytest.mark.parametrize("kind", CRAFTED, ids=list(CRAFTED))
def test_crafted_database_is_refused_and_nothing_changes(pair, tmp_path, kind):
    store, ana, _, _ = pair
    evil = tmp_path / "evil.db"
    _crafted(evil, *CRAFTED[kind])
    evil_bytes = evil.read_bytes()
    before = dump(store)
    with pytest.raises(DatabaseRefused, match=r"evil\.db: .*(did not create|other columns|crafted|"
                                              r"lacks parts)"):
        merge_database(store, evil, reviewer_id=ana)
    assert dump(store) == before
    assert evil.read_bytes() == evil_bytes and side_files(evil) == []
    conn = sqlite3.connect(f"file:{evil}?mode=ro&immutable=1", uri=True)
    assert conn.execute("SELECT count(*) FROM reviewers WHERE name = 'ran'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 1  # the trigger never ran
    conn.close()


def test_refused_merge_leaves_our_file_byte_for_byte(tmp_path):
    make_db(tmp_path / "ours.db", "Ana", claims=[(0, 4, 12, "verified")])
    _crafted(tmp_path / "evil.db", *CRAFTED["foreign trigger"])
    ours = (tmp_path / "ours.db").read_bytes()
    with Store.open(tmp_path / "ours.db") as store:
        with pytest.raises(DatabaseRefused, match="evil"):
            merge_database(store, tmp_path / "evil.db", reviewer_id=store.reviewer("Ana"))
    assert (tmp_path / "ours.db").read_bytes() == ours


def test_the_other_file_is_never_written(pair):
    store, ana, bo_path, _ = pair
    before = bo_path.read_bytes()
    assert side_files(bo_path) == []
    merge_database(store, bo_path, reviewer_id=ana)
    assert bo_path.read_bytes() == before and side_files(bo_path) == []


def test_a_database_open_elsewhere_is_read_with_its_latest_commits(pair):
    store, ana, bo_path, bo = pair
    with Store.open(bo_path) as live:  # open in Bo's window: committed rows still in its -wal
        add_claim(live, bo["articles"][0]["id"], 20, 30, reviewer_id=bo["reviewer"])
        assert side_files(bo_path)
        summary = merge_database(store, bo_path, reviewer_id=ana)
    assert summary.tables["claims"].added == 2


@pytest.mark.parametrize("content, reason", [
    (b"just some text, not a database\n" * 40, "not a SQLite database"),
    (b"", "not a SQLite database"),
    (b"SQLite format 3\x00" + b"\xff" * 4000, "not a SQLite database|damaged"),
], ids=["text", "empty", "broken header"])
def test_files_that_are_not_databases_are_refused(pair, tmp_path, content, reason):
    store, ana, _, _ = pair
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseRefused, match=reason):
        merge_database(store, path, reviewer_id=ana)
    assert path.read_bytes() == content and side_files(path) == []


def test_newer_schema_other_sqlite_and_missing_files_are_refused(pair, tmp_path):
    store, ana, bo_path, _ = pair
    conn = sqlite3.connect(bo_path)
    conn.execute(f"PRAGMA user_version = {schema.schema_version() + 1}")
    conn.close()
    with pytest.raises(DatabaseRefused, match="newer version"):
        merge_database(store, bo_path, reviewer_id=ana)
    songs = tmp_path / "songs.db"
    conn = sqlite3.connect(songs)
    conn.execute("CREATE TABLE songs(title TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseRefused, match="not a fact-check workbench database"):
        merge_database(store, songs, reviewer_id=ana)
    with pytest.raises(DatabaseRefused, match="no such file"):
        merge_database(store, tmp_path / "nowhere.db", reviewer_id=ana)


def test_open_untrusted_is_read_only_and_untrusting(pair):
    _, _, bo_path, _ = pair
    with opened(bo_path) as conn:
        assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        assert conn.execute("PRAGMA query_only").fetchone()[0] == 1
        with pytest.raises(sqlite3.OperationalError):
            conn.execute("DELETE FROM claims")


# -- malformed rows -----------------------------------------------------------------------------

MALFORMED = {
    "quote": ("claims", "UPDATE claims SET quote = 'something else'", "quote does not match"),
    "range": ("claims", 'UPDATE claims SET "end" = 10000', "outside its article"),
    "verdict": ("claims", "UPDATE claims SET verdict = 'true-ish'", "verdict 'true-ish'"),
    "type": ("claims", "UPDATE claims SET start = 'zero'", "start is str, expected int"),
    "dangling": ("claims", "UPDATE claims SET created_by = 'aaaaaaaa-0000-4000-8000-000000000000'",
                 "points to no row of reviewers"),
    "time": ("claims", "UPDATE claims SET updated_at = 'yesterday'", "not a UTC time"),
    "article id": ("articles", "UPDATE articles SET body = body || ' Amended.'", "does not match its text"),
    "blob": ("blobs", None, "do not match their SHA-256"),
}


@pytest.mark.parametrize("kind", MALFORMED, ids=list(MALFORMED))
def test_malformed_row_is_named_and_nothing_is_merged(pair, kind):
    store, ana, bo_path, bo = pair
    table, sql, message = MALFORMED[kind]
    conn = sqlite3.connect(bo_path)
    conn.execute("PRAGMA foreign_keys = OFF")
    if sql:
        conn.execute(sql)
    else:  # an attachment whose stored bytes were altered after their hash was taken
        data = b"%PDF-1.4 evidence"
        sha = hashlib.sha256(data).hexdigest()
        stamp = ids.now()
        ev = ids.new_id()
        conn.execute("INSERT INTO evidence(seq, id, created_at, updated_at, claim_id, position, title) "
                     "VALUES (999, ?, ?, ?, ?, 1.0, 'scan')", [ev, stamp, stamp, bo["claims"][0]["id"]])
        conn.execute("INSERT INTO blobs(id, created_at, updated_at, sha256, size, data) "
                     "VALUES (?, ?, ?, ?, ?, ?)", [ids.blob_id(sha), stamp, stamp, sha, len(data), b"X" * len(data)])
        conn.execute("INSERT INTO attachments(id, created_at, updated_at, evidence_id, blob_id, filename, size, "
                     "sha256) VALUES (?, ?, ?, ?, ?, 'scan.pdf', ?, ?)",
                     [ids.new_id(), stamp, stamp, ev, ids.blob_id(sha), len(data), sha])
    conn.commit()
    conn.close()
    with contextlib.closing(sqlite3.connect(bo_path)) as conn:
        row_id = conn.execute(f"SELECT id FROM {table}").fetchone()[0]
    before = dump(store)
    seen = []
    store.subscribe(seen.append)
    with pytest.raises(MalformedRow) as info:
        merge_database(store, bo_path, reviewer_id=ana)
    assert f"bo.db: {table} row {row_id}" in str(info.value) and message in str(info.value)
    assert dump(store) == before and seen == []


def test_a_valid_attachment_comes_in_with_its_bytes(pair):
    store, ana, bo_path, bo = pair
    data = b"\x89PNG\r\n\x1a\n screenshot"
    sha = hashlib.sha256(data).hexdigest()
    with Store.open(bo_path) as other:
        with other.transaction():
            ev = other.insert("evidence", {"claim_id": bo["claims"][0]["id"], "position": 1.0,
                                           "title": "Ministry statement", "created_by": bo["reviewer"]})
            other.insert("blobs", {"id": ids.blob_id(sha), "sha256": sha, "size": len(data), "data": data})
            other.insert("attachments", {"evidence_id": ev["id"], "blob_id": ids.blob_id(sha),
                                         "filename": "shot.png", "size": len(data), "sha256": sha})
    summary = merge_database(store, bo_path, reviewer_id=ana)
    assert store.get("blobs", ids.blob_id(sha))["data"] == data
    assert summary.tables["attachments"].added == 1 and "1 attachment" in str(summary)
    assert store.query("SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH 'ministry'")


# -- save a copy --------------------------------------------------------------------------------

def test_save_copy_is_consistent_searchable_and_its_own_database(pair, tmp_path):
    store, ana, bo_path, _ = pair
    merge_database(store, bo_path, reviewer_id=ana)
    target = tmp_path / "sent" / "copy.db"
    with pytest.raises(WorkbenchError, match="does not exist"):
        save_copy(store, target)
    target.parent.mkdir()
    save_copy(store, target)
    with pytest.raises(WorkbenchError, match="already exists"):
        save_copy(store, target)
    with Store.open(target) as copy:
        assert dump(copy) == dump(store)
        assert copy.database_id != store.database_id and copy.meta("copied_from") == store.database_id
        hits = copy.query("SELECT c.id FROM claims_fts JOIN claims c ON c.seq = claims_fts.rowid "
                          "WHERE claims_fts MATCH 'minister'")
        expected = store.query("SELECT c.id FROM claims_fts JOIN claims c ON c.seq = claims_fts.rowid "
                               "WHERE claims_fts MATCH 'minister'")
        assert hits == expected and hits
        fts_ok(copy)
        merge_database(copy, store.path, reviewer_id=ana)  # the copy can be merged back and forth
    add_claim(store, ids.article_id(TEXTS[0]), 30, 40, reviewer_id=ana)
    save_copy(store, target, overwrite=True)
    assert len(dump(target)["claims"]) == 3
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".partial")]


# -- the property: idempotent and order-independent ---------------------------------------------

OPS = st.one_of(
    st.tuples(st.just("import"), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("claim"), st.integers(0, 2), st.integers(0, 60), st.integers(1, 20),
              st.sampled_from(["pending", "verified", "disputed", "unverifiable"])),
    st.tuples(st.just("verdict"), st.integers(0, 20), st.sampled_from(["verified", "disputed", "pending"])),
    st.tuples(st.just("rationale"), st.integers(0, 20), st.sampled_from(["", "source?", "checked"])),
    st.tuples(st.just("delete"), st.integers(0, 20)),
    st.tuples(st.just("restore"), st.integers(0, 20)),
    st.tuples(st.just("evidence"), st.integers(0, 20), st.sampled_from(["report", "ministry data"])),
    st.tuples(st.just("note"), st.integers(0, 20), st.sampled_from(["seen", "archived"])),
    st.tuples(st.just("attach"), st.integers(0, 20), st.integers(0, 1)),
    st.tuples(st.just("drop_article"), st.integers(0, 2)),
)
TIMED = st.lists(st.tuples(st.integers(0, 9), OPS), max_size=12)  # (a time, an operation)
# Every base has an article with two claims, so that both sides often edit the same rows.
PRELUDE = [(0, ("import", 0, 0)), (0, ("claim", 0, 4, 8, "pending")), (0, ("claim", 0, 20, 9, "verified"))]


def _apply(path: Path, name: str, ops) -> None:
    """Run timed operations as reviewer name; a clock with few values makes ties common."""
    with Store.open(path) as store:
        rid = store.reviewer(name)
        for moment, op in ops:
            with mock.patch.object(ids, "now", lambda m=moment: f"2024-05-31T12:00:0{m}.000000Z"):
                _op(store, rid, op)


def _op(store, rid, op) -> None:
    kind, *args = op
    claims = [r["id"] for r in store.query("SELECT id FROM claims ORDER BY id")]
    evidence = [r["id"] for r in store.query("SELECT id FROM evidence ORDER BY id")]
    if kind == "import":
        add_article(store, TEXTS[args[0]], reviewer_id=rid, url=URLS[args[1]])
    elif kind == "claim":
        article = store.get("articles", ids.article_id(TEXTS[args[0]]))
        if article and not article["deleted_at"]:
            start = min(args[1], len(article["body"]) - 1)
            end = min(start + args[2], len(article["body"]))
            add_claim(store, article["id"], start, end, reviewer_id=rid, verdict=args[3])
    elif kind == "drop_article":
        if store.get("articles", ids.article_id(TEXTS[args[0]])):
            with store.transaction():
                store.update("articles", ids.article_id(TEXTS[args[0]]), deleted_at=ids.now())
    elif kind in ("verdict", "rationale", "delete", "restore", "evidence") and claims:
        claim_id = claims[args[0] % len(claims)]
        if kind == "verdict":
            set_verdict(store, claim_id, args[1], reviewer_id=rid)
        elif kind == "rationale":
            set_rationale(store, claim_id, args[1], reviewer_id=rid)
        elif kind == "delete":
            delete_claim(store, claim_id, reviewer_id=rid)
        elif kind == "restore":
            with store.transaction():
                store.update("claims", claim_id, deleted_at=None, updated_by=rid)
        else:
            with store.transaction():
                store.insert("evidence", {"claim_id": claim_id, "position": 1.0, "title": args[1],
                                          "stance": "supports", "created_by": rid})
    elif kind in ("note", "attach") and evidence:
        evidence_id = evidence[args[0] % len(evidence)]
        with store.transaction():
            if kind == "note":
                store.update("evidence", evidence_id, note=args[1])
            else:
                data = [b"%PDF-1.4 one", b"\x89PNG\r\n\x1a\n two"][args[1]]
                sha = hashlib.sha256(data).hexdigest()
                if store.get("blobs", ids.blob_id(sha)) is None:
                    store.insert("blobs", {"id": ids.blob_id(sha), "sha256": sha, "size": len(data),
                                           "data": data})
                store.insert("attachments", {"evidence_id": evidence_id, "blob_id": ids.blob_id(sha),
                                             "filename": "f", "size": len(data), "sha256": sha,
                                             "created_by": rid})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=TIMED, ana_ops=TIMED, bo_ops=TIMED)
def test_merge_is_idempotent_and_order_independent(base, ana_ops, bo_ops):
    with tempfile.TemporaryDirectory() as folder:
        d = Path(folder)
        _apply(d / "base.db", "Ana", PRELUDE + base)
        with Store.open(d / "base.db") as store:
            save_copy(store, d / "bo.db")
        shutil.copy(d / "base.db", d / "ana.db")
        _apply(d / "ana.db", "Ana", ana_ops)
        _apply(d / "bo.db", "Bo", bo_ops)
        shutil.copy(d / "ana.db", d / "ana+bo.db")
        shutil.copy(d / "bo.db", d / "bo+ana.db")
        ana_bytes, bo_bytes = (d / "ana.db").read_bytes(), (d / "bo.db").read_bytes()

        with Store.open(d / "ana+bo.db") as store:
            first = merge_database(store, d / "bo.db", reviewer_id=store.reviewer("Ana"))
            event(f"conflicts: {first.conflicts}, claims updated: {bool(first.tables['claims'].updated)}")
            merged = dump(store)
            fts_ok(store)
            second = merge_database(store, d / "bo.db", reviewer_id=store.reviewer("Ana"))
            assert not second.changed and second.conflicts == 0
            assert dump(store) == merged
        with Store.open(d / "bo+ana.db") as store:
            merge_database(store, d / "ana.db", reviewer_id=store.reviewer("Bo"))
            fts_ok(store)
            assert dump(store) == merged
            converged = merge_database(store, d / "ana+bo.db", reviewer_id=store.reviewer("Bo"))
            assert not converged.changed
        assert (d / "ana.db").read_bytes() == ana_bytes and (d / "bo.db").read_bytes() == bo_bytes
        assert side_files(d / "ana.db") == side_files(d / "bo.db") == []
        # Nothing of either side is lost: every claim id of both is there.
        ids_in = {r[0] for r in merged["claims"]}
        assert {r[0] for r in dump(d / "ana.db")["claims"]} <= ids_in
        assert {r[0] for r in dump(d / "bo.db")["claims"]} <= ids_in
        assert first.changed or dump(d / "ana.db") == merged


# -- the summary and the command line -----------------------------------------------------------

def test_summary_reads_as_a_sentence():
    summary = MergeSummary("x.db", "id")
    assert str(summary) == "nothing new: everything in it was already here"
    summary.tables["articles"].added = 3
    summary.tables["claims"].added, summary.tables["claims"].updated = 41, 2
    summary.tables["evidence"].added = 12
    summary.tables["reviewers"].added = 1
    assert str(summary) == "3 articles, 41 claims (2 updated), 12 evidence items, 1 reviewer came in"


def test_cli_merges_each_file_and_reports_refusals(pair, tmp_path, capsys):
    store, ana, bo_path, _ = pair
    db = store.path
    store.close()
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    make_db(tmp_path / "cy.db", "Cy", texts=(1,), claims=[(0, 0, 7, "unverifiable")])
    assert cli.main(["merge", str(db), str(bo_path), str(bad), str(tmp_path / "cy.db")]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{bo_path}: 1 claim, 1 verdict change, 1 reviewer came in",
        f"{tmp_path / 'cy.db'}: 1 article, 1 claim, 1 verdict change, 1 article URL, 1 reviewer came in"]
    assert err == f"error: {bad}: is not a SQLite database\n"
    assert cli.main(["merge", str(db), str(bo_path)]) == 0
    assert capsys.readouterr().out == f"{bo_path}: nothing new: everything in it was already here\n"
    assert cli.main(["merge", str(tmp_path / "missing.db"), str(bo_path)]) == 1
    assert "error:" in capsys.readouterr().err and not (tmp_path / "missing.db").exists()
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["merge", str(db)])
    assert exit_info.value.code == 2
    Store.open(db).close()  # still a healthy workbench database


def test_python_dash_m_workbench_merge(pair, tmp_path):
    import subprocess
    import sys
    store, ana, bo_path, _ = pair
    db = store.path
    store.close()
    result = subprocess.run([sys.executable, "-m", "workbench", "merge", str(db), str(bo_path)],
                            capture_output=True, text=True, env={**os.environ, "WORKBENCH_REVIEWER": "Ana"},
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{bo_path}: 1 claim")
