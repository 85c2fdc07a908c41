"""The staging side of a merge: another replica's rows in temporary tables, set aside or checked.

`Stage.load(batch)` copies a batch into temporary tables of the store's connection (private to
it: no lock on the database is held) and sets aside the rows this database already holds as they
are, or holds a later version of; `Stage.check(batch)` runs every check of row_checks on the
rest, with the checks that need the domain modules (links, attachment names and sizes, blob
bytes), then brings the staged rows to canonical form (clocks.canonicalise). merge.py writes
what is left.
"""

import json
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from workbench import clocks, ids, row_checks, untrusted
from workbench.errors import WorkbenchError
from workbench.evidence import MAX_ATTACHMENT_BYTES, check_url, display_name
from workbench.merge_rules import Layout
from workbench.row_checks import MalformedRow

OUTCOME = "nothing was merged"


def names(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


class Stage:
    """The batch in temporary tables (private to this connection): checked there before any write."""

    clocks = 'temp."merge_field_clocks"'

    def __init__(self, conn: sqlite3.Connection, layouts: dict[str, Layout], source: str):
        self.conn, self.layouts, self.source = conn, layouts, source
        self.unchanged: dict[str, int] = {}  # rows already here as they are, per table
        self.rowids: dict[str, list[int]] = {}  # the staged rows left to merge
        self._clocked: dict[str, bool] = {}

    @staticmethod
    def name(table: str) -> str:
        return f'temp."merge_{table}"'

    def load(self, batch) -> None:
        """Stage the batch, then set aside (as unchanged) the rows this database holds as they are, or
        holds a later version of in every field (a stale copy of a row changed here since)."""
        self.drop()
        for table, layout in self.layouts.items():
            cols = layout.staged
            self.conn.execute(f"CREATE TEMP TABLE \"merge_{table}\" ({names(cols)})")
            if batch.attached:
                self._copy(table, f'INSERT INTO {self.name(table)} SELECT {names(cols)} FROM "{batch.attached}"."{table}"')
            else:
                marks = ", ".join("?" for _ in cols)
                self._insert(table, f"INSERT INTO {self.name(table)} VALUES ({marks})", batch.rows.get(table, ()))
            self.conn.execute(f'CREATE INDEX temp."merge_{table}_key" ON "merge_{table}" ({names(layout.key)})')
            if layout.key != ("id",):
                self.conn.execute(f'CREATE INDEX temp."merge_{table}_id" ON "merge_{table}" (id)')
        self.conn.execute('CREATE TEMP TABLE "merge_field_clocks" (tbl, row_id, field, at, author)')
        if batch.attached:
            self._copy("field_clocks", f"INSERT INTO {self.clocks} SELECT tbl, row_id, field, at, author "
                                       f'FROM "{batch.attached}".field_clocks')
        else:
            self._insert("field_clocks", f"INSERT INTO {self.clocks} VALUES (?, ?, ?, ?, ?)", batch.clocks)
        self.conn.execute('CREATE INDEX temp."merge_field_clocks_row" ON "merge_field_clocks" (tbl, row_id, field)')
        for table, layout in self.layouts.items():
            self.unchanged[table] = self.conn.execute(
                f"DELETE FROM {self.name(table)} WHERE rowid IN (SELECT s.rowid FROM {self.name(table)} s "
                f"JOIN main.\"{table}\" m ON {match(layout)} WHERE {identical(layout, self.clocks)} "
                f"OR {outdated(layout, self.clocks)})",
                {"t": table}).rowcount
            self.rowids[table] = [r[0] for r in self.conn.execute(f"SELECT rowid FROM {self.name(table)} ORDER BY rowid")]

    def _copy(self, table: str, sql: str) -> None:
        try:
            self.conn.execute(sql)
        except sqlite3.DatabaseError as error:
            raise untrusted.refusal(Path(self.source), error) from None

    def _insert(self, table: str, sql: str, rows: Iterable[Sequence]) -> None:
        try:
            self.conn.executemany(sql, rows)
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError, UnicodeEncodeError, OverflowError) as error:
            raise MalformedRow(f"{self.source}: {table}: a row cannot be read ({error}); {OUTCOME}") from None

    def check(self, batch) -> None:
        """Every check of row_checks and the domain's, blob bytes that come in; then canonical form.

        Only the rows left after `load` are checked: the others are here already, as they are.
        """
        busy = {t: layout for t, layout in self.layouts.items() if self.rowids[t]}
        for table, layout in busy.items():
            self._check_keys(table, layout)
        # Clocks of rows not staged say nothing (a file keeps clocks of purged rows).
        self.conn.execute(f"DELETE FROM {self.clocks} WHERE NOT EXISTS (SELECT 1 FROM json_each(?) j "
                          "WHERE j.value = tbl)", [json.dumps(list(busy))])
        for table in busy:
            self.conn.execute(f"DELETE FROM {self.clocks} WHERE tbl = ? AND NOT EXISTS (SELECT 1 FROM "
                              f"{self.name(table)} s WHERE s.id = row_id)", [table])
        scope = row_checks.Scope(self.source, OUTCOME, rows=self.name,
                                 lookups=lambda t: [self.name(t), f'main."{t}"'], clocks=self.clocks,
                                 latest=clocks.latest_allowed(), thorough=True, extra=DOMAIN_CHECKS)
        row_checks.check_text(self.conn, busy, scope)
        row_checks.check(self.conn, busy, scope)
        if "attachments" in busy:
            self._check_attachments()
        if "blobs" in busy:  # read once here to check them, again when written
            for row in self.conn.execute(f"SELECT * FROM {self.name('blobs')} s WHERE NOT EXISTS "
                                         "(SELECT 1 FROM main.blobs m WHERE m.id = s.id)").fetchall():
                blob_data(batch, row)
        for table, layout in busy.items():
            clocks.canonicalise(self.conn, table, layout, rows=self.name(table), clocks=self.clocks)

    def _check_keys(self, table: str, layout: Layout) -> None:
        for key in {("id",), layout.key}:
            found = self.conn.execute(f"SELECT {names(key)} FROM {self.name(table)} GROUP BY {names(key)} "
                                      "HAVING count(*) > 1 LIMIT 1").fetchone()
            if found:
                raise MalformedRow(f"{self.source}: {table}: holds {'/'.join(map(str, found))!s:.60} twice; {OUTCOME}")
        if layout.key != ("id",):
            same_key = " AND ".join(f'm."{c}" IS s."{c}"' for c in layout.key)
            found = self.conn.execute(f'SELECT s.id FROM {self.name(table)} s JOIN main."{table}" m ON m.id = s.id '
                                      f"WHERE NOT ({same_key}) LIMIT 1").fetchone()
            if found:
                raise MalformedRow(f"{self.source}: {table} row {found[0]!s:.60}: its id is used here by "
                                   f"another row; {OUTCOME}")

    def _check_attachments(self) -> None:
        found = self.conn.execute(
            f"SELECT a.id FROM {self.name('attachments')} a LEFT JOIN {self.name('blobs')} s ON s.id = a.blob_id "
            "LEFT JOIN main.blobs m ON m.id = a.blob_id WHERE a.sha256 IS NOT COALESCE(s.sha256, m.sha256) "
            "OR a.size IS NOT COALESCE(s.size, m.size) LIMIT 1").fetchone()
        if found:
            raise MalformedRow(f"{self.source}: attachments row {found[0]!s:.60}: its size or SHA-256 does not "
                               f"match its file's; {OUTCOME}")

    def has_clocks(self, table: str) -> bool:
        """True if any staged row of table has an explicit field clock."""
        if table not in self._clocked:
            self._clocked[table] = bool(self.conn.execute(
                f"SELECT 1 FROM {self.clocks} WHERE tbl = ? LIMIT 1", [table]).fetchone())
        return self._clocked[table]

    def drop(self) -> None:
        for table in self.layouts:
            self.conn.execute(f'DROP TABLE IF EXISTS temp."merge_{table}"')
        self.conn.execute('DROP TABLE IF EXISTS temp."merge_field_clocks"')


def match(layout: Layout) -> str:
    """SQL: the staged row s and this database's row m have the same key."""
    return " AND ".join(f'm."{c}" = s."{c}"' for c in layout.key)


def identical(layout: Layout, staged_clocks: str) -> str:
    """SQL: s and m hold the same values and the same field clocks (:t names the table)."""
    same = " AND ".join(f'm."{c}" IS s."{c}"' for c in layout.staged)
    # Most rows have no explicit clock on either side: that is decided first, with two index probes.
    none = (f"(NOT EXISTS (SELECT 1 FROM main.field_clocks d WHERE d.tbl = :t AND d.row_id = m.id) AND NOT EXISTS "
            f"(SELECT 1 FROM {staged_clocks} c WHERE c.tbl = :t AND c.row_id = s.id))")
    return (f"{same} AND ({none} OR (SELECT count(*) FROM main.field_clocks d WHERE d.tbl = :t AND d.row_id = m.id) = "
            f"(SELECT count(*) FROM {staged_clocks} c WHERE c.tbl = :t AND c.row_id = s.id) AND NOT EXISTS "
            f"(SELECT 1 FROM {staged_clocks} c WHERE c.tbl = :t AND c.row_id = s.id AND NOT EXISTS (SELECT 1 FROM "
            "main.field_clocks d WHERE d.tbl = :t AND d.row_id = m.id AND d.field = c.field "
            "AND d.at IS c.at AND d.author IS c.author)))")


def outdated(layout: Layout, staged_clocks: str) -> str:
    """SQL: s is an unchanged copy of the row m, which has changed here since (m wins every field).

    s has no explicit clock, so each of its fields has its creation's clock, which is m's; each
    field of m then either holds the same value or has changed later than that creation.
    """
    creation = [c for c in layout.creation if c not in layout.lazy]
    same_creation = " AND ".join(f'm."{c}" IS s."{c}"' for c in creation) or "1"
    fields = " AND ".join(
        "(" + " AND ".join(f'm."{c}" IS s."{c}"' for c in cols) + " OR EXISTS (SELECT 1 FROM main.field_clocks d "
        f"WHERE d.tbl = :t AND d.row_id = m.id AND d.field = '{name}' AND d.at > m.created_at))"
        for name, cols in layout.fields.items()) or "1"
    return (f"(NOT EXISTS (SELECT 1 FROM {staged_clocks} c WHERE c.tbl = :t AND c.row_id = s.id) "
            f"AND {same_creation} AND {fields})")



def _check_link(row: dict, column: str = "url") -> str | None:
    try:
        check_url(row[column])
    except WorkbenchError as error:
        return f"its {column}: {error}"
    return None


# Links check_url surely accepts: empty, or http(s):// and a host, in printable ASCII without
# brackets or a user name. Only the others are read into Python and given to check_url.
_check_link.suspect = (  # type: ignore[attr-defined]
    "NOT (COALESCE(url, '') = '' OR ((url GLOB 'https://[A-Za-z0-9]*' OR url GLOB 'http://[A-Za-z0-9]*') "
    "AND url NOT GLOB '*[^!-~]*' AND url NOT GLOB '*[][@]*'))")


def _check_attachment(row: dict) -> str | None:
    name = row["filename"]
    if name is not None and display_name(name) != name:
        return f"its file name {name!r:.60} is not one the workbench would store (folders, control characters)"
    return None


def _check_blob_size(row: dict) -> str | None:
    if isinstance(row["size"], int) and row["size"] > MAX_ATTACHMENT_BYTES:
        return f"its file is {row['size']:,} bytes; attachments can be at most {MAX_ATTACHMENT_BYTES:,} bytes"
    return None


DOMAIN_CHECKS = {"evidence": [_check_link], "articles": [_check_link], "appearances": [_check_link],
                 "attachments": [_check_attachment], "blobs": [_check_blob_size]}


def blob_data(batch, row, table: str = "blobs") -> bytes:
    """The bytes of a blob row that comes in, checked against its SHA-256, size and the limit."""
    data = batch.read_blob(row["id"], MAX_ATTACHMENT_BYTES)

    def bad(reason: str):
        return MalformedRow(f"{batch.source}: {table} row {row['id']}: {reason}; {OUTCOME}")

    if not isinstance(data, bytes):
        raise bad("has no bytes")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise bad(f"holds more than {MAX_ATTACHMENT_BYTES:,} bytes, the most an attachment can have")
    if ids.sha256_hex(data) != row["sha256"]:
        raise bad("its bytes do not match their SHA-256")
    if len(data) != row["size"]:
        raise bad(f"has {len(data)} bytes, not the {row['size']} recorded")
    return data
