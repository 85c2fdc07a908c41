"""The one seam between sync and the merge rules: rows out of this database, foreign rows in.

Sync never decides which version of a row wins: `apply_foreign` hands the server's rows to
`merge.merge_batch`, which checks them as untrusted input and applies them with the same rules
as a file merge. `local_rows` reads rows in the form a push sends and a pull receives: a row's
values (merge's `batch_columns`: every merged column but `seq`, this file's own row number, and
blob bytes, which travel separately, once, by SHA-256) and its field clocks, as
`[[field, time, author], ...]` sorted by field (merge's `field_clocks` rows of that row).
"""

import json
from collections.abc import Callable

from workbench import merge
from workbench.merge_rules import Layout, merged_tables
from workbench.store import Store

Row = tuple[dict, list]  # (column values, field clocks)


def tables(store: Store) -> list[str]:
    """The tables a sync carries: the ones merge merges, parents first."""
    return merged_tables(store.conn)


def layout(store: Store, table: str) -> Layout:
    """How a table merges (its columns, key and references)."""
    return store.layout(table)


def local_rows(store: Store, table: str, ids: list[str] | None = None) -> dict[str, Row]:
    """This database's rows of table (only those ids, when given): id -> (values, clocks)."""
    columns = merge.batch_columns(store, table)
    names = ", ".join(f'"{c}"' for c in columns)
    only, chosen = "", []
    if ids is not None:
        only, chosen = " AND t.id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]
    found = {row[0]: (dict(zip(columns, row)), []) for row in store.conn.execute(
        f'SELECT {names} FROM "{table}" t WHERE true{only}', chosen)}
    clocked = store.conn.execute(
        f'SELECT c.row_id, c.field, c.at, c.author FROM field_clocks c JOIN "{table}" t ON t.id = c.row_id '
        f"WHERE c.tbl = ?{only} ORDER BY c.row_id, c.field", [table, *chosen])
    for row_id, name, at, author in clocked:
        found[row_id][1].append([name, at, author])
    return found


def server_key(rules: Layout, data: dict) -> str:
    """The key a row is stored under on the server: the key merge matches rows by.

    Usually the id; for a table matched by a natural key (an article's appearance at a URL) that
    key as JSON, so that two reviewers' rows for one fact are one row there too, merged like here.
    """
    if rules.key == ("id",):
        return data["id"]
    return json.dumps([data.get(c) for c in rules.key], ensure_ascii=False)


def blob_bytes(store: Store, sha256: str) -> bytes | None:
    """The stored bytes with this SHA-256, or None."""
    return store.get_value("SELECT data FROM blobs WHERE sha256 = ?", [sha256])


def apply_foreign(store: Store, rows: dict[str, list[Row]], blobs: dict[str, bytes], *, source: str,
                  server_id: str, progress: Callable[[int, int], None] | None = None) -> merge.MergeSummary:
    """Check the foreign rows as untrusted and merge them in with the merge rules.

    Nothing is written unless every row passes; then the merge writes in short transactions,
    each a consistent state (a merge cut part-way is completed by merging the same rows again).
    """
    by_id = {data.get("id"): data.get("sha256") for data, _ in rows.get("blobs", ())}
    batch_rows, batch_clocks = {}, []
    for table, items in rows.items():
        columns = merge.batch_columns(store, table)
        batch_rows[table] = [tuple(data.get(c) for c in columns) for data, _ in items]
        for data, clocks in items:
            batch_clocks.extend((table, data.get("id"), *clock) for clock in clocks or ())

    def read_blob(blob_id: str, limit: int) -> bytes | None:
        data = blobs.get(by_id.get(blob_id))
        return None if data is None else data[:limit + 1]

    return merge.merge_batch(store, merge.Batch(source, server_id, batch_rows, batch_clocks, read_blob),
                             progress=progress)


def all_rows(store: Store) -> dict[tuple[str, str], Row]:
    """Every synced row of this database keyed as on the server: (table, key) -> (values, clocks)."""
    found = {}
    for table in tables(store):
        rules = layout(store, table)
        for data, clocks in local_rows(store, table).values():
            found[(table, server_key(rules, data))] = (data, clocks)
    return found
