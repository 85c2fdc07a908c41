"""The database schema, declared as data in one place and evolved with sqlite-utils migrations."""

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

APPLICATION_ID = 0x46434B57  # "FCKW": marks a SQLite file as a workbench database

# Common columns of every row: a UUID id, UTC times, and a tombstone.
_ROW = {"id": str, "created_at": str, "updated_at": str, "deleted_at": str}

# Tables searched with FTS5 get an explicit integer key (`seq`) so that the external-content
# index stays aligned with its table through VACUUM; elsewhere the UUID is the primary key.
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

NOT_NULL = {"id", "created_at", "updated_at"}

migrations = Migrations("workbench")


@migrations()
def m001_initial(db: Database) -> None:
    """Create every table, index and full-text index of the first schema."""
    for name, spec in TABLES_V1.items():
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
    for name, cols in FTS_COLUMNS.items():
        db[name].enable_fts(cols, create_triggers=True, tokenize="unicode61 remove_diacritics 2")


@migrations()
def m002_evidence_updated_by(db: Database) -> None:
    """Record who last changed an evidence item or attachment, as claims already do."""
    # Plain ALTER TABLE: sqlite-utils' add_column(fk=...) rebuilds the table and drops its triggers.
    for table in ("evidence", "attachments"):
        db.execute(f'ALTER TABLE "{table}" ADD COLUMN "updated_by" TEXT REFERENCES "reviewers"("id")')


def schema_version() -> int:
    """The schema version this program writes: the number of migrations it knows."""
    return len(migrations._migrations)


def known_migration_names() -> list[str]:
    """The names of the migrations this program knows, in order."""
    return [m.name for m in migrations._migrations]
