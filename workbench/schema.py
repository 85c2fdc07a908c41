"""The database schema, declared as data in one place and evolved with sqlite-utils migrations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workbench import clocks, ids
from workbench.errors import DatabaseRefused

if TYPE_CHECKING:
    from sqlite_utils import Database

APPLICATION_ID = 0x46434B57  # "FCKW": marks a SQLite file as a workbench database

# Common columns of every row: a UUID id, UTC times, and a tombstone.
_ROW = {"id": str, "created_at": str, "updated_at": str, "deleted_at": str}

# Every table's primary key is its UUID `id` (what foreign keys, merges and Datasette use).
# Tables searched with FTS5 also keep an explicit integer `seq`, unique and never reused, that
# the external-content index uses as its rowid: a plain rowid would move under VACUUM.
FTS_COLUMNS = {
    "articles": ["title", "body"],
    "claims": ["quote", "rationale"],
    "evidence": ["title", "publisher", "url", "excerpt", "note"],
}

# name -> columns, primary key, foreign keys (column, other table, other column), unique indexes
TABLES_V1 = {
    "meta": {"columns": {"key": str, "value": str}, "pk": "key"},
    "reviewers": {"columns": {**_ROW, "name": str}, "pk": "id"},
    "articles": {
        "columns": {
            "seq": int, **_ROW, "title": str, "body": str, "url": str, "publisher": str,
            "author": str, "published": str, "source_kind": str, "encoding": str,
            "created_by": str,
        },
        "pk": "seq",
        "foreign_keys": [("created_by", "reviewers", "id")],
        "unique": [["id"]],
    },
    "appearances": {
        "columns": {**_ROW, "article_id": str, "url": str, "created_by": str},
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("created_by", "reviewers", "id")],
        "unique": [["article_id", "url"]],
    },
    "claims": {
        "columns": {
            "seq": int, **_ROW, "article_id": str, "start": int, "end": int, "quote": str,
            "prefix": str, "suffix": str, "verdict": str, "rationale": str,
            "created_by": str, "updated_by": str,
        },
        "pk": "seq",
        "foreign_keys": [
            ("article_id", "articles", "id"),
            ("created_by", "reviewers", "id"),
            ("updated_by", "reviewers", "id"),
        ],
        "unique": [["id"]],
        "index": [["article_id", "start"]],
    },
    "verdict_history": {
        "columns": {
            **_ROW, "claim_id": str, "from_verdict": str, "to_verdict": str,
            "created_by": str, "note": str,
        },
        "pk": "id",
        "foreign_keys": [("claim_id", "claims", "id"), ("created_by", "reviewers", "id")],
        "index": [["claim_id", "created_at"]],
    },
    "evidence": {
        "columns": {
            "seq": int, **_ROW, "claim_id": str, "position": float, "url": str, "title": str,
            "publisher": str, "excerpt": str, "note": str, "stance": str, "reliability": str,
            "accessed_on": str, "created_by": str,
        },
        "pk": "seq",
        "foreign_keys": [("claim_id", "claims", "id"), ("created_by", "reviewers", "id")],
        "unique": [["id"]],
        "index": [["claim_id", "position"]],
    },
    "blobs": {
        "columns": {**_ROW, "sha256": str, "size": int, "data": bytes},
        "pk": "id",
        "unique": [["sha256"]],
    },
    "attachments": {
        "columns": {
            **_ROW, "evidence_id": str, "blob_id": str, "filename": str, "media_type": str,
            "size": int, "sha256": str, "created_by": str,
        },
        "pk": "id",
        "foreign_keys": [
            ("evidence_id", "evidence", "id"),
            ("blob_id", "blobs", "id"),
            ("created_by", "reviewers", "id"),
        ],
        "index": [["evidence_id"]],
    },
}

# m005 (annot): versions of an article, claims carried to a new version, annotations not placed.
# Natural keys (what a merge matches rows by): article_versions (previous_id, article_id),
# carried_claims claim_id, orphans id. Their ids are derived from those keys (versions.py,
# claim_copies.py), so two databases that carried the same claims hold the same rows.
TABLES_V5 = {
    "article_versions": {  # article_id is a corrected version of previous_id
        "columns": {**_ROW, "article_id": str, "previous_id": str, "created_by": str},
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("previous_id", "articles", "id"),
                         ("created_by", "reviewers", "id")],
        "unique": [["previous_id", "article_id"]],
        "index": [["article_id"]],
    },
    "carried_claims": {  # claim_id was carried from from_claim_id (on the previous version)
        "columns": {**_ROW, "claim_id": str, "from_claim_id": str, "method": str, "score": float,
                    "created_by": str},
        "pk": "id",
        "foreign_keys": [("claim_id", "claims", "id"), ("from_claim_id", "claims", "id"),
                         ("created_by", "reviewers", "id")],
        "unique": [["claim_id"]],
        "index": [["from_claim_id"]],
    },
    "orphans": {  # an annotation or carried claim that could not be placed; its id is the claim's to be
        "columns": {**_ROW, "article_id": str, "quote": str, "prefix": str, "suffix": str,
                    "verdict": str, "rationale": str, "reason": str, "source": str,
                    "from_claim_id": str, "evidence": str, "created_by": str, "updated_by": str},
        "pk": "id",
        "foreign_keys": [("article_id", "articles", "id"), ("from_claim_id", "claims", "id"),
                         ("created_by", "reviewers", "id"), ("updated_by", "reviewers", "id")],
        "index": [["article_id"]],
    },
}

NOT_NULL = {"id", "created_at", "updated_at"}

MIGRATION_SET = "workbench"
_MIGRATIONS: list = []  # the migration functions, in order; sqlite-utils is imported only to apply them


def migration(fn):
    """Register fn as the next migration."""
    _MIGRATIONS.append(fn)
    return fn


def all_migrations():
    """The sqlite-utils Migrations of every migration, built on first use (sqlite-utils is slow to import)."""
    built = globals().get("migrations")
    if built is None:
        from sqlite_utils.migrations import Migrations

        built = Migrations(MIGRATION_SET)
        for fn in _MIGRATIONS:
            built()(fn)
        globals()["migrations"] = built
    return built


def __getattr__(name: str):
    """`schema.migrations`, as all_migrations() gives it."""
    if name == "migrations":
        return all_migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _create(db: Database, tables: dict) -> None:
    """Create tables declared as data (columns, primary key, foreign keys, unique and plain indexes)."""
    for name, spec in tables.items():
        columns = spec["columns"]
        db[name].create(
            columns,
            pk=spec["pk"],
            foreign_keys=spec.get("foreign_keys", []),
            not_null={c for c in columns if c in NOT_NULL},
        )
        for cols in spec.get("unique", []):
            db[name].create_index(cols, unique=True)
        for cols in spec.get("index", []):
            db[name].create_index(cols)


@migration
def m001_initial(db: Database) -> None:
    """Create every table, index and full-text index of the first schema."""
    _create(db, TABLES_V1)
    for name, cols in FTS_COLUMNS.items():
        db[name].enable_fts(cols, create_triggers=True, tokenize="unicode61 remove_diacritics 2")


@migration
def m002_evidence_updated_by(db: Database) -> None:
    """Record who last changed an evidence item or attachment, as claims already do."""
    # Plain ALTER TABLE: sqlite-utils' add_column(fk=...) rebuilds the table and drops its triggers.
    for table in ("evidence", "attachments"):
        db.execute(f'ALTER TABLE "{table}" ADD COLUMN "updated_by" TEXT REFERENCES "reviewers"("id")')


def fts_sql(table: str, cols: list[str] | None = None,
            tokenize: str = "unicode61 remove_diacritics 2") -> list[str]:
    """The FTS5 index of a table keyed by its `seq`, and the triggers that keep it in step."""
    cols = cols or FTS_COLUMNS[table]
    names = ", ".join(f'"{c}"' for c in cols)
    new = ", ".join(f'new."{c}"' for c in cols)
    old = ", ".join(f'old."{c}"' for c in cols)
    fts = f'"{table}_fts"'
    delete = f"INSERT INTO {fts} ({fts}, rowid, {names}) VALUES ('delete', old.\"seq\", {old});"
    insert = f'INSERT INTO {fts} (rowid, {names}) VALUES (new."seq", {new});'
    return [
        f"CREATE VIRTUAL TABLE {fts} USING FTS5 ({names}, tokenize='{tokenize}', "
        f"content=\"{table}\", content_rowid=\"seq\")",
        f'CREATE TRIGGER "{table}_ai" AFTER INSERT ON "{table}" BEGIN {insert} END',
        f'CREATE TRIGGER "{table}_ad" AFTER DELETE ON "{table}" BEGIN {delete} END',
        f'CREATE TRIGGER "{table}_au" AFTER UPDATE ON "{table}" BEGIN {delete} {insert} END',
        f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')",
    ]


@migration
def m003_id_primary_keys(db: Database) -> None:
    """Make `id` the primary key of articles, claims and evidence, as of every other table.

    Foreign keys point at `id`, so tools that follow them (Datasette) need it to be the key;
    `seq` stays as a unique column for the full-text index. Each table is rebuilt (SQLite cannot
    change a primary key in place), so foreign keys must be off while it runs (Store checks them
    all before it commits the upgrade).
    """
    if db.execute("PRAGMA foreign_keys").fetchone()[0]:
        raise RuntimeError("m003 rebuilds tables: run it with PRAGMA foreign_keys off")
    for table in FTS_COLUMNS:
        for trigger in ("ai", "ad", "au"):
            db.execute(f'DROP TRIGGER IF EXISTS "{table}_{trigger}"')
        db["{}_fts".format(table)].drop()
        old = db[table]
        columns = [c.name for c in old.columns]
        sql = old.schema
        new_sql = (sql.replace(f'CREATE TABLE "{table}"', f'CREATE TABLE "{table}_rebuilt"', 1)
                   .replace('"seq" INTEGER PRIMARY KEY', '"seq" INTEGER NOT NULL UNIQUE', 1)
                   .replace('"id" TEXT NOT NULL', '"id" TEXT PRIMARY KEY NOT NULL', 1))
        assert new_sql != sql
        indexes = [i for i in old.indexes if not i.name.startswith("sqlite_autoindex")]
        db.execute(new_sql)
        names = ", ".join(f'"{c}"' for c in columns)
        db.execute(f'INSERT INTO "{table}_rebuilt" ({names}) SELECT {names} FROM "{table}"')
        db.execute(f'DROP TABLE "{table}"')
        db.execute(f'ALTER TABLE "{table}_rebuilt" RENAME TO "{table}"')
        for index in indexes:
            if index.columns != ["id"]:  # the primary key now indexes id
                db[table].create_index(index.columns, index_name=index.name, unique=bool(index.unique))
        for statement in fts_sql(table):
            db.execute(statement)


@migration
def m004_field_clocks(db: Database) -> None:
    """Give every field its own clock (time and author), so that merges keep concurrent edits of
    different fields of one row; existing rows get clocks from what they record (clocks.backfill)."""
    db.execute(clocks.FIELD_CLOCKS_SQL)
    clocks.backfill(db.conn)


@migration
def m005_versions_and_orphans(db: Database) -> None:
    """Add article versions, carried claims and orphaned annotations (TABLES_V5)."""
    _create(db, TABLES_V5)


# Published fact-checks imported from schema.org ClaimReview files (workbench/factchecks.py).
FACT_CHECKS = {
    "seq": int, **_ROW, "claim": str, "title": str, "rating": str, "rating_value": float,
    "best_rating": float, "worst_rating": float, "reviewed_by": str, "reviewer_url": str, "url": str,
    "published": str, "claimant": str, "claim_date": str, "appearance": str, "language": str,
    "source": str, "created_by": str,
}
# Stemmed (Porter) so that "arrested" finds "arrests": the index the matcher draws candidates from.
FACT_CHECKS_FTS = ["claim", "title"]
FACT_CHECKS_TOKENIZE = "porter unicode61 remove_diacritics 2"
FTS_TABLES = [*FTS_COLUMNS, "fact_checks"]  # every table with a full-text index and its triggers


@migration
def m006_fact_checks(db: Database) -> None:
    """Add fact_checks (imported ClaimReview) with a stemmed full-text index keyed by seq."""
    db["fact_checks"].create(FACT_CHECKS, pk="id", not_null=NOT_NULL | {"seq"},
                             foreign_keys=[("created_by", "reviewers", "id")])
    db["fact_checks"].create_index(["seq"], unique=True)
    db["fact_checks"].create_index(["url"])
    for statement in fts_sql("fact_checks", FACT_CHECKS_FTS, FACT_CHECKS_TOKENIZE):
        db.execute(statement)


@migration
def m007_claimant(db: Database) -> None:
    """Record who made a claim (its claimant); empty means the article's author."""
    db.execute('ALTER TABLE "claims" ADD COLUMN "claimant" TEXT')


# The tables a sync sends to the team server (the ones merge brings in; `meta` is this file's own).
SYNCED_TABLES = ("reviewers", "articles", "appearances", "claims", "verdict_history", "evidence",
                 "blobs", "attachments", "article_versions", "carried_claims", "orphans", "fact_checks")


def sync_mark_sql(table: str) -> list[str]:
    """Triggers that note every inserted or changed row of table as waiting to be sent to the server.

    Delete-then-insert gives a changed row a new, higher `n` (AUTOINCREMENT never reuses one), so a
    sync that sent the rows up to some `n` clears only those and keeps a change made meanwhile.
    """
    body = (f"DELETE FROM sync_pending WHERE tbl = '{table}' AND row_id = new.id; "
            f"INSERT INTO sync_pending (tbl, row_id) VALUES ('{table}', new.id);")
    return [f'CREATE TRIGGER "{table}_sync_{when[0].lower()}" AFTER {when} ON "{table}" BEGIN {body} END'
            for when in ("INSERT", "UPDATE")]


@migration
def m008_sync_pending(db: Database) -> None:
    """Note which rows changed since they were last sent to a team server (workbench sync)."""
    db.execute("CREATE TABLE sync_pending (n INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, "
               "row_id TEXT NOT NULL, UNIQUE (tbl, row_id))")
    for table in SYNCED_TABLES:
        for statement in sync_mark_sql(table):
            db.execute(statement)
    # A merge may change only a field's clock (the same value, a later edit): that row is news too.
    for when, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
        db.execute(f'CREATE TRIGGER "field_clocks_sync_{when[0].lower()}" AFTER {when} ON "field_clocks" BEGIN '
                   f"DELETE FROM sync_pending WHERE tbl = {row}.tbl AND row_id = {row}.row_id; "
                   f"INSERT INTO sync_pending (tbl, row_id) VALUES ({row}.tbl, {row}.row_id); END")


def upgrade(conn, label: str) -> None:
    """Apply the pending migrations to the database on conn (autocommit mode) in one transaction.

    Migrations may rebuild tables, which SQLite allows only with foreign keys off; every key is
    checked before the upgrade commits. label names the file in the message of a refusal.
    """
    if not _pending(conn):
        return
    from sqlite_utils import Database

    db = Database(conn, execute_plugins=False, recursive_triggers=False)
    keys_were_on = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("BEGIN IMMEDIATE")
    try:
        all_migrations().apply(db)
        broken = conn.execute("PRAGMA foreign_key_check").fetchone()
        if broken:
            raise DatabaseRefused(f"{label}: cannot be upgraded: a {broken[0]} row points to no {broken[2]} row")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {schema_version()}")
        conn.execute("INSERT INTO meta(key, value) VALUES ('database_id', ?), ('created_at', ?) "
                     "ON CONFLICT(key) DO NOTHING", [ids.new_id(), ids.now()])
        conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [str(schema_version())])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        if keys_were_on:
            conn.execute("PRAGMA foreign_keys = ON")


def schema_version() -> int:
    """The schema version this program writes: the number of migrations it knows."""
    return len(_MIGRATIONS)


def known_migration_names() -> list[str]:
    """The names of the migrations this program knows, in order."""
    return [fn.__name__ for fn in _MIGRATIONS]


def _pending(conn) -> bool:
    """Whether a migration is not applied yet (sqlite-utils' record, read without importing it)."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'").fetchone():
        return True
    applied = {row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                                              [MIGRATION_SET])}
    return any(fn.__name__ not in applied for fn in _MIGRATIONS)
