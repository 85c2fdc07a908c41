"""The store: checked opening, schema, transactions and change notification."""

import sqlite3

import pytest

from workbench import ids, schema
from workbench.errors import DatabaseRefused, WorkbenchError
from workbench.store import Store


def test_new_database_has_schema_pragmas_and_identity(store):
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()
    assert len(store.database_id) == 36
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"articles", "claims", "evidence", "attachments", "blobs", "verdict_history",
            "reviewers", "meta", "claims_fts"} <= tables


def test_reopening_keeps_database_id(db_path):
    with Store.open(db_path) as first:
        ident = first.database_id
    with Store.open(db_path) as second:
        assert second.database_id == ident


@pytest.mark.parametrize("content, reason", [
    (b"just some text that is not a database" * 30, "not a SQLite database"),
    (b"SQLite format 3\x00" + b"\xff" * 2000, "not a SQLite database|damaged"),
], ids=["text file", "broken header"])
def test_refused_files_stay_byte_for_byte(tmp_path, content, reason):
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    with pytest.raises(DatabaseRefused, match=reason):
        Store.open(path)
    assert path.read_bytes() == content


def test_newer_schema_is_refused_untouched(db_path):
    with Store.open(db_path) as store:
        store.conn.execute(f"PRAGMA user_version = {schema.schema_version() + 1}")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseRefused, match="newer version"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


def test_other_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE songs(title TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused, match="not a fact-check workbench database"):
        Store.open(path)
    assert path.read_bytes() == before


def test_foreign_trigger_is_refused(db_path):
    with Store.open(db_path) as store:
        store.conn.execute("CREATE TRIGGER evil AFTER INSERT ON claims BEGIN DELETE FROM articles; END")
    with pytest.raises(DatabaseRefused, match="evil"):
        Store.open(db_path)


def test_trigger_with_our_name_but_another_body_is_refused(db_path):
    with Store.open(db_path) as store:
        store.conn.execute("DROP TRIGGER claims_ai")
        store.conn.execute("CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN DELETE FROM articles; END")
    with pytest.raises(DatabaseRefused, match="claims_ai"):
        Store.open(db_path)


def test_corrupted_page_is_refused(db_path):
    with Store.open(db_path) as store:
        with store.transaction():
            for i in range(300):
                store.insert("reviewers", {"name": f"reviewer {i} " + "x" * 200})
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(db_path.read_bytes())
    page = 4096
    data[page * 3: page * 3 + 600] = b"\x07" * 600
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseRefused, match="damaged"):
        Store.open(db_path)
    assert db_path.read_bytes() == bytes(data)


def test_folder_and_missing_parent_refused(tmp_path):
    with pytest.raises(DatabaseRefused, match="folder"):
        Store.open(tmp_path)
    with pytest.raises(DatabaseRefused, match="does not exist"):
        Store.open(tmp_path / "nowhere" / "x.db")


def test_failed_transaction_leaves_nothing_and_notifies_nobody(store):
    seen = []
    store.subscribe(seen.append)
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert("reviewers", {"name": "Ghost"})
            raise RuntimeError("boom")
    assert store.query("SELECT * FROM reviewers WHERE name = 'Ghost'") == []
    assert seen == []


def test_committed_transaction_notifies_changed_rows(store):
    seen = []
    store.subscribe(seen.append)
    with store.transaction():
        row = store.insert("reviewers", {"name": "Bo"})
        with store.transaction():  # nested: a savepoint, one notification
            store.update("reviewers", row["id"], name="Bob")
    assert seen == [{("reviewers", row["id"])}]
    assert store.get("reviewers", row["id"])["name"] == "Bob"


def test_busy_database_gives_clear_message(db_path):
    with Store.open(db_path) as first, Store.open(db_path) as second:
        import workbench.store as store_module
        second.conn.execute("PRAGMA busy_timeout = 50")
        first.conn.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(WorkbenchError, match="busy"):
                with second.transaction():
                    pass
        finally:
            first.conn.execute("ROLLBACK")
        assert store_module.BUSY_TIMEOUT_S >= 1


def test_reviewer_ids_follow_names(store):
    assert store.reviewer("Ana  Lopez") == store.reviewer("ana lopez")
    with pytest.raises(WorkbenchError):
        store.reviewer("   ")


def test_older_schema_is_migrated_on_open(db_path):
    import sqlite3 as sqlite

    from sqlite_utils import Database

    conn = sqlite.connect(db_path, isolation_level=None)
    db = Database(conn, execute_plugins=False)
    schema.migrations.apply(db, stop_before="m002_evidence_updated_by")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO meta(key, value) VALUES ('database_id', 'old-db')")
    stamp = "2024-01-01T00:00:00.000000Z"
    article, claim = ids.article_id("The minister spoke."), "00000000-0000-4000-8000-0000000000c1"
    conn.execute("INSERT INTO articles(id, created_at, updated_at, title, body) "
                 "VALUES (?, ?, ?, 'Old', 'The minister spoke.')", [article, stamp, stamp])
    conn.execute("INSERT INTO claims(id, created_at, updated_at, article_id, start, \"end\", quote, verdict) "
                 "VALUES (?, ?, ?, ?, 4, 12, 'minister', 'verified')", [claim, stamp, stamp, article])
    conn.close()
    with Store.open(db_path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.schema_version()
        columns = {r[1] for r in store.conn.execute("PRAGMA table_info(evidence)")}
        assert "updated_by" in columns and store.database_id == "old-db"
        # id is every table's primary key; the full-text index found the old rows through seq
        for table in schema.FTS_COLUMNS:
            keys = [r[1] for r in store.conn.execute(f"PRAGMA table_info({table})") if r[5]]
            assert keys == ["id"], table
        hits = store.query("SELECT c.id FROM claims_fts JOIN claims c ON c.seq = claims_fts.rowid "
                           "WHERE claims_fts MATCH 'minister'")
        assert hits == [{"id": claim}]
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_full_text_triggers_survive_every_migration(store):
    triggers = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert triggers == ({f"{t}_{s}" for t in schema.FTS_TABLES for s in ("ai", "ad", "au")}
                        | {f"{t}_sync_{s}" for t in schema.SYNCED_TABLES for s in ("i", "u")}
                        | {f"field_clocks_sync_{s}" for s in ("i", "u", "d")})
