"""Hostile or malformed files: opening refuses them in one line, merging refuses rows we never write."""

import hashlib
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from workbench import ids
from workbench.articles import add_article
from workbench.claims import add_claim
from workbench.errors import DatabaseRefused
from workbench.evidence import add_evidence, attach_bytes
from workbench.merge import merge_database, save_copy
from workbench.store import Store

TEXT = "The minister said that 40 drones crossed the border on Tuesday. Officials denied it."


def real_database(path: Path) -> dict:
    """A closed, checkpointed database with an article, a claim, evidence and an attachment."""
    with Store.open(path) as store:
        rid = store.reviewer("Mallory")
        article = add_article(store, TEXT, reviewer_id=rid, url="https://example.org/a").article
        claim = add_claim(store, article["id"], 4, 12, reviewer_id=rid, verdict="verified")
        item = add_evidence(store, claim["id"], reviewer_id=rid, title="Statement", url="https://example.org/s")
        attach_bytes(store, item["id"], b"%PDF-1.4 scan", "scan.pdf", reviewer_id=rid)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"article": article["id"], "claim": claim["id"], "evidence": item["id"]}


def craft(path: Path, *statements: str, params=()) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    for sql in statements:
        conn.execute(sql, params)
    conn.commit()
    conn.close()


def digest(path: Path) -> dict:
    return {s: hashlib.sha256(Path(f"{path}{s}").read_bytes()).hexdigest()
            for s in ("", "-wal", "-shm", "-journal") if Path(f"{path}{s}").exists()}


# -- opening a file directly ----------------------------------------------------------------------

OPEN_REFUSED = {
    "verdict true": (["UPDATE claims SET verdict = 1"], "has verdict '1'"),
    "verdict text": (["UPDATE claims SET verdict = 'true'"], "has verdict 'true'"),
    "non-UTF-8 title": (["UPDATE articles SET title = CAST(X'4fff21' AS TEXT)"], "not valid UTF-8"),
    "fts content": (["DROP TABLE claims_fts",
                     "CREATE VIRTUAL TABLE claims_fts USING FTS5 (\"quote\", \"rationale\", tokenize='unicode61 "
                     "remove_diacritics 2', content=\"reviewers\", content_rowid=\"seq\")"], "claims_fts"),
    "string literal trigger": (
        ["DROP TRIGGER claims_ai",
         "CREATE TRIGGER \"claims_ai\" AFTER INSERT ON \"claims\" BEGIN INSERT INTO \"claims_fts\" (rowid, "
         "\"quote\", \"rationale\") VALUES (new.\"seq\", \"new.quote\", new.\"rationale\"); END"], "claims_ai"),
    "claim range": (['UPDATE claims SET "end" = 100000'], "outside its article"),
    "time not text": (["UPDATE claims SET updated_at = X'0102'"], "its updated_at is bytes, expected str"),
}


@pytest.mark.parametrize("kind", OPEN_REFUSED, ids=list(OPEN_REFUSED))
@pytest.mark.parametrize("readonly", [False, True], ids=["open", "read-only"])
def test_opening_refuses_in_one_line_and_changes_nothing(tmp_path, kind, readonly):
    path = tmp_path / "theirs.db"
    real_database(path)
    statements, reason = OPEN_REFUSED[kind]
    craft(path, *statements)
    before = digest(path)
    with pytest.raises(DatabaseRefused) as info:
        Store.open(path, readonly=readonly).close()
    message = str(info.value)
    assert message.startswith(f"{path}: ") and reason in message and "\n" not in message
    assert digest(path) == before


def test_a_string_literal_trigger_is_not_taken_for_ours():
    from workbench.untrusted import tokens

    assert tokens('VALUES (new."quote")') == tokens("values (NEW.quote)")
    assert tokens('VALUES ("new.quote")') != tokens('VALUES (new."quote")')
    assert tokens("VALUES ('new')") != tokens('VALUES ("new")')
    assert tokens('"END"') != tokens("END")


def test_read_only_open_does_not_touch_a_received_copy(tmp_path):
    real_database(tmp_path / "ours.db")
    with Store.open(tmp_path / "ours.db") as store:
        save_copy(store, tmp_path / "received.db")  # rollback journal mode, as sent
    before = digest(tmp_path / "received.db")
    with Store.open(tmp_path / "received.db", readonly=True) as store:
        assert store.query("SELECT count(*) AS n FROM claims") == [{"n": 1}]
        with pytest.raises(Exception):
            with store.transaction():
                store.insert("reviewers", {"name": "x"})
    assert digest(tmp_path / "received.db") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ours.db", "received.db"]


def test_a_fifo_is_refused_at_once(tmp_path):
    import os

    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    real_database(tmp_path / "ours.db")
    outcome = []

    def run():
        with Store.open(tmp_path / "ours.db") as store:
            for action in (lambda: merge_database(store, fifo, reviewer_id="x"), lambda: Store.open(fifo),
                           lambda: Store.open(fifo, readonly=True)):
                try:
                    action()
                except DatabaseRefused as error:
                    outcome.append(str(error))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "reading a FIFO blocked"
    assert len(outcome) == 3 and all("not a regular file" in m for m in outcome)


# -- merging rows the program never writes --------------------------------------------------------

MERGE_REFUSED = {
    "NUL in body": (["UPDATE articles SET body = body || char(0) || 'x', id = ?"], "NUL",
                    lambda: ids.article_id(TEXT + "\x00x")),
    "un-normalised body": (["UPDATE articles SET body = body || '  ', id = ?"], "not stored as the workbench",
                           lambda: ids.article_id(TEXT + "  ")),
    "prefix": (["UPDATE claims SET prefix = 'Somebody '"], "prefix or suffix does not match", None),
    "impossible date": (["UPDATE evidence SET created_at = '2024-13-99T10:00:00.000000Z'"], "not a UTC time", None),
    "attachment size": (["UPDATE attachments SET size = 3"], "size or SHA-256 does not match", None),
    "attachment sha": (["UPDATE attachments SET sha256 = ?"], "size or SHA-256 does not match",
                       lambda: "0" * 64),
    "raw name": (["UPDATE attachments SET filename = '../../.bashrc'"], "file name", None),
    "bidi name": (["UPDATE attachments SET filename = 'invoice\u202efdp.exe'"], "file name", None),
    "link scheme": (["UPDATE evidence SET url = 'file:///usr/bin/xcalc'"], "file:", None),
    "reviewer impostor": (["UPDATE reviewers SET name = 'Ana'"], "does not match its name", None),
}


@pytest.mark.parametrize("kind", MERGE_REFUSED, ids=list(MERGE_REFUSED))
def test_merge_refuses_rows_we_never_write(tmp_path, kind):
    real_database(tmp_path / "theirs.db")
    statements, reason, param = MERGE_REFUSED[kind]
    craft(tmp_path / "theirs.db", *statements, params=[param()] if param else [])
    real_database(tmp_path / "ours.db")
    ours, theirs = digest(tmp_path / "ours.db"), digest(tmp_path / "theirs.db")
    with Store.open(tmp_path / "ours.db") as store:
        rows = store.query("SELECT count(*) AS n FROM reviewers")
        with pytest.raises(DatabaseRefused) as info:
            merge_database(store, tmp_path / "theirs.db", reviewer_id=store.reviewer("Mallory"))
        assert store.query("SELECT count(*) AS n FROM reviewers") == rows
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert str(info.value).startswith(f"{tmp_path / 'theirs.db'}: ") and reason in str(info.value)
    assert digest(tmp_path / "theirs.db") == theirs
    assert digest(tmp_path / "ours.db") == ours


def test_a_blob_over_the_attachment_limit_is_refused_before_its_bytes_are_read(tmp_path, monkeypatch):
    from workbench import merge, merge_stage

    monkeypatch.setattr(merge_stage, "MAX_ATTACHMENT_BYTES", 8)  # the same check as for 50 MB, on a small file
    real_database(tmp_path / "theirs.db")
    read = []
    original = merge._file_blob
    monkeypatch.setattr(merge, "_file_blob", lambda *args: read.append(args) or original(*args))
    with Store.open(tmp_path / "ours.db") as store:
        with pytest.raises(DatabaseRefused, match="attachments can be at most 8 bytes"):
            merge_database(store, tmp_path / "theirs.db", reviewer_id="x")
    assert read == []


def test_invalid_utf8_in_their_file_names_their_file(tmp_path):
    real_database(tmp_path / "theirs.db")
    craft(tmp_path / "theirs.db", "UPDATE evidence SET note = CAST(X'c328' AS TEXT)")
    with Store.open(tmp_path / "ours.db") as store:
        with pytest.raises(DatabaseRefused) as info:
            merge_database(store, tmp_path / "theirs.db", reviewer_id="x")
    assert str(info.value).startswith(f"{tmp_path / 'theirs.db'}: ") and "UTF-8" in str(info.value)


def test_a_file_with_a_wal_but_no_shm_is_merged_without_creating_one(tmp_path):
    made = real_database(tmp_path / "live.db")
    with Store.open(tmp_path / "live.db") as live:  # committed work still in the -wal
        add_claim(live, made["article"], 20, 30, reviewer_id=live.reviewer("Mallory"))
        for suffix in ("", "-wal"):
            shutil.copy(f"{tmp_path / 'live.db'}{suffix}", f"{tmp_path / 'sent.db'}{suffix}")
    assert Path(f"{tmp_path / 'sent.db'}-wal").stat().st_size > 0
    before = digest(tmp_path / "sent.db")
    with Store.open(tmp_path / "ours.db") as store:
        summary = merge_database(store, tmp_path / "sent.db", reviewer_id="x")
    assert summary.tables["claims"].added == 2  # the one in the -wal too
    assert digest(tmp_path / "sent.db") == before  # no -shm created, nothing rewritten
