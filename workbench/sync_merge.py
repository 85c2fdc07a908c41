"""The one seam between sync and the merge rules: rows out of this database, foreign rows in.

Sync never decides which version of a row wins: `apply_foreign` hands the server's rows to the
merge module, which checks them as untrusted input and applies them with the same rules as a file
merge. `local_rows` reads rows in the form a push sends and a pull receives: per table, the
columns merge carries (without `seq`, this file's own row number, and without blob bytes, which
travel separately, once, by SHA-256), plus the row's field clocks.
"""

import json
import tempfile
from pathlib import Path

from workbench import merge, schema
from workbench.errors import WorkbenchError
from workbench.store import Store

Row = tuple[dict, object]  # (column values, field clocks)

TABLES = merge.TABLES
COLUMNS = merge.READ_COLUMNS


def local_rows(store: Store, table: str, ids: list[str] | None = None) -> dict[str, Row]:
    """This database's rows of table (only those ids, when given): id -> (values, clocks)."""
    names = ", ".join(f'"{c}"' for c in COLUMNS[table])
    if ids is None:
        found = store.conn.execute(f'SELECT {names} FROM "{table}"').fetchall()
    else:
        store.conn.execute("CREATE TEMP TABLE IF NOT EXISTS sync_ids (id TEXT PRIMARY KEY)")
        store.conn.execute("DELETE FROM temp.sync_ids")
        store.conn.executemany("INSERT OR IGNORE INTO temp.sync_ids VALUES (?)", ((i,) for i in ids))
        found = store.conn.execute(f'SELECT {names} FROM "{table}" WHERE id IN (SELECT id FROM temp.sync_ids)').fetchall()
        store.conn.execute("DELETE FROM temp.sync_ids")
    return {row[0]: (dict(zip(COLUMNS[table], row)), None) for row in found}


def server_key(table: str, data: dict) -> str:
    """The key a row is stored under on the server: the key merge matches rows by.

    Usually the id; for a table matched by a natural key (an article's appearance at a URL) that
    key as JSON, so that two reviewers' rows for one fact are one row there too, merged like here.
    """
    key = merge.KEYS.get(table)
    return data["id"] if key is None else json.dumps([data.get(c) for c in key], ensure_ascii=False)


def blob_bytes(store: Store, sha256: str) -> bytes | None:
    """The stored bytes with this SHA-256, or None."""
    return store.get_value("SELECT data FROM blobs WHERE sha256 = ?", [sha256])


def apply_foreign(store: Store, rows: dict[str, list[Row]], blobs: dict[str, bytes], *, source: str,
                  reviewer_id: str) -> merge.MergeSummary:
    """Check the foreign rows as untrusted and merge them in with the merge rules (one transaction).

    Until the merge module takes rows directly, they are written into a scratch workbench file
    that `merge.merge_database` then reads like any file a colleague sent.
    """
    with tempfile.TemporaryDirectory(prefix="workbench-sync-") as folder:
        path = Path(folder) / "server.db"
        with Store.open(path) as scratch:
            _fill(scratch, rows, blobs)
            scratch_id = scratch.database_id
        try:
            with store.transaction():
                summary = merge.merge_database(store, path, reviewer_id=reviewer_id)
                store.conn.execute("DELETE FROM meta WHERE key = ?", [f"merged:{scratch_id}"])
        except WorkbenchError as error:  # name the server, not the scratch file
            raise type(error)(str(error).replace(str(path), source)) from None
    summary.source = source
    return summary


def _fill(scratch: Store, rows: dict[str, list[Row]], blobs: dict[str, bytes]) -> None:
    conn = scratch.conn
    conn.execute("PRAGMA foreign_keys = OFF")  # rows may point at rows that only our database has
    with scratch.transaction():
        for table in TABLES:
            cols = merge.COLUMNS[table]
            names = ", ".join(f'"{c}"' for c in cols)
            marks = ", ".join("?" for _ in cols)
            values = []
            for data, _clocks in rows.get(table, ()):
                row = [data.get(c) if isinstance(data, dict) else None for c in cols]
                if table == "blobs":
                    row[cols.index("data")] = blobs.get(data.get("sha256")) if isinstance(data, dict) else None
                values.append(row)
            if table in schema.FTS_COLUMNS:
                names, marks = '"seq", ' + names, "?, " + marks
                values = [[n, *row] for n, row in enumerate(values, start=1)]
            conn.executemany(f'INSERT OR REPLACE INTO "{table}" ({names}) VALUES ({marks})', values)
        conn.execute("DELETE FROM sync_pending")
