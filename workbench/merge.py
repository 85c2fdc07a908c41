"""Merging other reviewers' work into this database, field by field, and saving a copy to send.

The core, for files and for the desk server alike (sync builds on it):

    merge_batch(store, Batch(source, database_id, rows, clocks, read_blob)) -> MergeSummary

takes a batch of another replica's rows with their field clocks, checks them as untrusted input
(row_checks: nothing of the batch is written unless every row passes), and applies them with
the rules below. `rows` maps a table to its rows, each a sequence of the values of
`batch_columns(store, table)` in that order (every column of the migrated schema but `seq` and
blob bytes); `clocks` holds (table, row id, field, time, author) tuples, the other replica's
`field_clocks` rows; `read_blob(blob id, limit)` returns a blob's bytes (at most limit + 1 of
them) and is asked only for blobs that come in. `merge_database(store, path, reviewer_id=...)`
reads another workbench file into a Batch (untrusted.opened: checked, read-only, upgraded in a
private copy if older, never written) and merges it.

The rules, the same for every table (merge_rules declares per table what differs; tables added
by later migrations merge with no change here):

- Rows are matched by id, or by their natural key (appearances: article and URL). A row only
  on the other side comes in (without `seq`, this file's own row number).
- A row on both sides: its creation (`created_at`, `created_by`, the fixed columns, and the id
  of a natural-key row) is the earliest of the two, whoever merges: the same article imported
  by two reviewers keeps its first creator and time. Each field (a column, or a group of columns
  that change together) takes the version with the later clock (time, then author, then value:
  a total order), so concurrent edits of different fields both survive and the same field ends
  the same in any order. `updated_at`/`updated_by` are then the latest clock's. Deleting is a
  field (`deleted_at`) like any other: a later delete wins, and so does a later restore.
- Merging is commutative, associative and idempotent: the result of merging any set of files in
  any order and any number of times is the same rows and clocks.
- Clocks: a time more than clocks.MAX_SKEW ahead of this computer's clock refuses the whole batch
  (a forged 9999-12-31 cannot win); local edits use a hybrid logical clock (clocks.next_stamp),
  so an edit made after merging a time from a computer whose clock runs ahead still wins.
- Nothing is invented: a merge writes no history rows. Two reviewers' different verdicts on one
  claim stay in the verdict history each under its own reviewer, and disagreements.py flags
  them (as it flags overlapping claims with different verdicts) to be settled.

The work is done so that other windows are not held up: the batch is staged in temporary
tables and checked with no write lock held; then it is written in short transactions (about
WRITE_BUDGET_S each), each deciding against the rows as they are at that moment, so writers in
other windows wait a frame or two at most. Each committed part is a consistent state (parents
before the rows that point at them), so a merge interrupted part-way is completed by merging
again. Reading this database costs in proportion to the batch: only rows whose keys the batch
holds are looked up.
"""

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench import clocks, ids, row_checks, untrusted
from workbench.errors import DatabaseRefused, WorkbenchError
from workbench.evidence import MAX_ATTACHMENT_BYTES, check_url, display_name
from workbench.merge_rules import Layout
from workbench.row_checks import MalformedRow

__all__ = ["Batch", "MalformedRow", "MergeSummary", "TableCount", "batch_columns", "merge_batch",
           "merge_database", "save_copy"]

TABLES = ("reviewers", "articles", "appearances", "claims", "verdict_history", "evidence", "blobs",
          "attachments")
NOUNS = {"articles": ("article", "articles"), "claims": ("claim", "claims"),
         "verdict_history": ("verdict change", "verdict changes"),
         "evidence": ("evidence item", "evidence items"), "attachments": ("attachment", "attachments"),
         "blobs": ("attached file", "attached files"), "appearances": ("article URL", "article URLs"),
         "reviewers": ("reviewer", "reviewers")}
SUMMARY_ORDER = ("articles", "claims", "verdict_history", "evidence", "attachments", "blobs", "appearances",
                 "reviewers")
OUTCOME = "nothing was merged"
WRITE_BUDGET_S = 0.02  # a write transaction ends after about this long (other windows wait for it)
CHUNK_ROWS = 200  # rows decided and written at a time
BlobReader = Callable[[str, int], bytes | None]


@dataclass
class TableCount:
    """What a merge did to one table: rows added, rows changed by the other's, rows left as they were."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class MergeSummary:
    """What came in from one other database or batch."""

    source: str
    database_id: str
    tables: dict[str, TableCount] = field(default_factory=lambda: {t: TableCount() for t in TABLES})
    conflicts: int = 0  # claims whose verdict differed between the two sides, set by different reviewers

    @property
    def changed(self) -> bool:
        """True if the merge added or changed any row."""
        return any(c.added or c.updated for c in self.tables.values())

    def count(self, table: str) -> TableCount:
        """The count of one table (added on first use for tables later migrations add)."""
        return self.tables.setdefault(table, TableCount())

    def __str__(self) -> str:
        order = [*SUMMARY_ORDER, *(t for t in self.tables if t not in SUMMARY_ORDER)]
        parts = []
        for table in order:
            count = self.tables.get(table, TableCount())
            one, many = NOUNS.get(table, (f"{table} row", f"{table} rows"))
            if count.added:
                part = f"{count.added} {one if count.added == 1 else many}"
                parts.append(part + (f" ({count.updated} updated)" if count.updated else ""))
            elif count.updated:
                parts.append(f"{count.updated} {one if count.updated == 1 else many} updated")
        if not parts:
            return "nothing new: everything in it was already here"
        text = ", ".join(parts) + " came in"
        if self.conflicts:
            text += (f"; {self.conflicts} claim{'s' if self.conflicts != 1 else ''} had different verdicts "
                     "from two reviewers (the later is shown; each is kept in the history and flagged "
                     "to be settled)")
        return text


@dataclass
class Batch:
    """Another replica's rows, as a file or the desk server holds them (see the module text)."""

    source: str  # names the other side in every message: a file path, a server
    database_id: str
    rows: Mapping[str, Iterable[Sequence]]
    clocks: Iterable[Sequence]
    read_blob: BlobReader


def batch_columns(store, table: str) -> tuple[str, ...]:
    """The columns of a table's rows in a Batch, in order."""
    return store.layout(table).staged


# -- merging a file -----------------------------------------------------------------------------

def merge_database(store, other_path: str | Path, *, reviewer_id: str,
                   progress: Callable[[int, int], None] | None = None) -> MergeSummary:
    """Bring everything of the workbench database at other_path into store.

    The other file is checked and read without being written, and without anything being
    created beside it; a refusal writes nothing here either.
    """
    other_path = Path(other_path)
    try:
        if other_path.exists() and os.path.samefile(other_path, store.path):
            raise DatabaseRefused(f"{other_path}: is the database being merged into")
    except OSError:
        pass
    with untrusted.opened(other_path) as conn:
        try:
            batch = Batch(str(other_path), untrusted.database_id(conn),
                          {t: _read(conn, other_path, f"SELECT {_names(batch_columns(store, t))} FROM \"{t}\"")
                           for t in store.layouts()},
                          _read(conn, other_path, "SELECT tbl, row_id, field, at, author FROM field_clocks"),
                          lambda blob_id, limit: _file_blob(conn, other_path, blob_id, limit))
            summary = merge_batch(store, batch, progress=progress)
        except sqlite3.DatabaseError as error:
            raise DatabaseRefused(f"{store.path}: {error}") from None
    if summary.changed:
        with store.transaction():
            store.set_meta(f"merged:{summary.database_id}", json.dumps(
                {"at": ids.now(), "by": reviewer_id, "path": str(other_path)}))
    return summary


def _read(conn: sqlite3.Connection, path: Path, sql: str):
    """The rows of a query on the other file; a read error names that file, not ours."""
    try:
        cursor = conn.execute(sql)
        while rows := cursor.fetchmany(1000):
            yield from rows
    except sqlite3.DatabaseError as error:
        raise untrusted.refusal(path, error) from None


def _file_blob(conn: sqlite3.Connection, path: Path, blob_id: str, limit: int) -> bytes | None:
    try:
        row = conn.execute("SELECT substr(data, 1, ?) FROM blobs WHERE id = ?", [limit + 1, blob_id]).fetchone()
    except sqlite3.DatabaseError as error:
        raise untrusted.refusal(path, error) from None
    return row[0] if row else None


def _names(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


# -- the core -----------------------------------------------------------------------------------

def merge_batch(store, batch: Batch, *, progress: Callable[[int, int], None] | None = None) -> MergeSummary:
    """Check a batch of another replica's rows as untrusted and apply them with the merge rules."""
    layouts = store.layouts()
    stage = _Stage(store.conn, layouts, batch.source)
    try:
        stage.load(batch)
        stage.check(batch)
        return _Writer(store, stage, batch, progress).run()
    finally:
        stage.drop()


class _Stage:
    """The batch in temporary tables (private to this connection): checked there before any write."""

    clocks = 'temp."merge_field_clocks"'

    def __init__(self, conn: sqlite3.Connection, layouts: dict[str, Layout], source: str):
        self.conn, self.layouts, self.source = conn, layouts, source
        self.sizes: dict[str, int] = {}

    @staticmethod
    def name(table: str) -> str:
        return f'temp."merge_{table}"'

    def load(self, batch: Batch) -> None:
        self.drop()
        for table, layout in self.layouts.items():
            cols = layout.staged
            self.conn.execute(f"CREATE TEMP TABLE \"merge_{table}\" ({_names(cols)})")
            marks = ", ".join("?" for _ in cols)
            self._insert(table, f"INSERT INTO {self.name(table)} VALUES ({marks})", batch.rows.get(table, ()))
            keys = _names(layout.key)
            self.conn.execute(f'CREATE INDEX temp."merge_{table}_key" ON "merge_{table}" ({keys})')
            if layout.key != ("id",):
                self.conn.execute(f'CREATE INDEX temp."merge_{table}_id" ON "merge_{table}" (id)')
            self.sizes[table] = self.conn.execute(f"SELECT count(*) FROM {self.name(table)}").fetchone()[0]
        self.conn.execute('CREATE TEMP TABLE "merge_field_clocks" (tbl, row_id, field, at, author)')
        self._insert("field_clocks", f"INSERT INTO {self.clocks} VALUES (?, ?, ?, ?, ?)", batch.clocks)
        self.conn.execute('CREATE INDEX temp."merge_field_clocks_row" ON "merge_field_clocks" (tbl, row_id, field)')

    def _insert(self, table: str, sql: str, rows: Iterable[Sequence]) -> None:
        try:
            self.conn.executemany(sql, rows)
        except (sqlite3.ProgrammingError, sqlite3.InterfaceError, UnicodeEncodeError, OverflowError) as error:
            raise MalformedRow(f"{self.source}: {table}: a row cannot be read ({error}); {OUTCOME}") from None

    def check(self, batch: Batch) -> None:
        """Every check of row_checks and the domain's, blob bytes that come in; then canonical form."""
        for table, layout in self.layouts.items():
            self._check_keys(table, layout)
        # Clocks of rows the batch does not hold say nothing (a file keeps clocks of purged rows).
        self.conn.execute(f"DELETE FROM {self.clocks} WHERE NOT EXISTS (SELECT 1 FROM json_each(?) j "
                          "WHERE j.value = tbl)", [json.dumps(list(self.layouts))])
        for table in self.layouts:
            self.conn.execute(f"DELETE FROM {self.clocks} WHERE tbl = ? AND NOT EXISTS (SELECT 1 FROM "
                              f"{self.name(table)} s WHERE s.id = row_id)", [table])
        scope = row_checks.Scope(self.source, OUTCOME, rows=self.name,
                                 lookups=lambda t: [self.name(t), f'main."{t}"'], clocks=self.clocks,
                                 latest=clocks.latest_allowed(), thorough=True, extra=DOMAIN_CHECKS)
        row_checks.check(self.conn, self.layouts, scope)
        self._check_attachments(scope)
        if "blobs" in self.layouts:  # read once here to check them, again when written
            for row in self.conn.execute(f"SELECT * FROM {self.name('blobs')} s WHERE NOT EXISTS "
                                         "(SELECT 1 FROM main.blobs m WHERE m.id = s.id)"):
                _blob_data(batch, row)
        for table, layout in self.layouts.items():
            clocks.canonicalise(self.conn, table, layout, rows=self.name(table), clocks=self.clocks)

    def _check_keys(self, table: str, layout: Layout) -> None:
        for key in {("id",), layout.key}:
            found = self.conn.execute(f"SELECT {_names(key)} FROM {self.name(table)} GROUP BY {_names(key)} "
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

    def _check_attachments(self, scope) -> None:
        if "attachments" not in self.layouts or "blobs" not in self.layouts:
            return
        blobs = f"SELECT id, sha256, size FROM {self.name('blobs')} UNION ALL SELECT id, sha256, size FROM main.blobs"
        found = self.conn.execute(f"SELECT a.id FROM {self.name('attachments')} a JOIN ({blobs}) b ON b.id = a.blob_id "
                                  "WHERE a.sha256 IS NOT b.sha256 OR a.size IS NOT b.size LIMIT 1").fetchone()
        if found:
            raise MalformedRow(f"{self.source}: attachments row {found[0]!s:.60}: its size or SHA-256 does not "
                               f"match its file's; {OUTCOME}")

    def rows(self, table: str, lo: int, hi: int, extra: str = "") -> list[sqlite3.Row]:
        return self.conn.execute(f"SELECT rowid AS stage_rowid, * FROM {self.name(table)} "
                                 f"WHERE rowid >= ? AND rowid < ? {extra}", [lo, hi]).fetchall()

    def drop(self) -> None:
        for table in self.layouts:
            self.conn.execute(f'DROP TABLE IF EXISTS temp."merge_{table}"')
        self.conn.execute('DROP TABLE IF EXISTS temp."merge_field_clocks"')


def _check_link(row: dict, column: str = "url") -> str | None:
    try:
        check_url(row[column])
    except WorkbenchError as error:
        return f"its {column}: {error}"
    return None


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


def _blob_data(batch: Batch, row, table: str = "blobs") -> bytes:
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


class _Writer:
    """Writes a checked stage in short transactions, deciding each part against the rows as they are."""

    def __init__(self, store, stage: _Stage, batch: Batch, progress):
        self.store, self.conn, self.stage, self.batch = store, store.conn, stage, batch
        self.progress = progress
        self.summary = MergeSummary(batch.source, batch.database_id)

    def run(self) -> MergeSummary:
        work = [(table, lo, min(lo + CHUNK_ROWS, size + 1)) for table, size in self.stage.sizes.items()
                for lo in range(1, size + 1, CHUNK_ROWS)]
        total, done, i = sum(self.stage.sizes.values()), 0, 0
        for table in self.stage.layouts:
            self.summary.count(table)
        while i < len(work):
            with self.store.transaction():
                started = time.perf_counter()
                while i < len(work):
                    table, lo, hi = work[i]
                    self._apply(table, lo, hi)
                    done, i = done + hi - lo, i + 1
                    if time.perf_counter() - started > WRITE_BUDGET_S:
                        break
            if self.progress:
                self.progress(done, total)
        return self.summary

    def _apply(self, table: str, lo: int, hi: int) -> None:
        layout = self.stage.layouts[table]
        stage = self.stage.name(table)
        match = " AND ".join(f'm."{c}" = s."{c}"' for c in layout.key)
        new = [r[0] for r in self.conn.execute(
            f'SELECT s.rowid FROM {stage} s WHERE s.rowid >= ? AND s.rowid < ? AND NOT EXISTS '
            f'(SELECT 1 FROM main."{table}" m WHERE {match})', [lo, hi])]
        if new:
            self._insert(table, layout, new)
        count = self.summary.count(table)
        count.added += len(new)
        differing = self._differing(table, layout, lo, hi)
        for stage_row in differing:
            if self._merge_row(table, layout, stage_row):
                count.updated += 1
            else:
                count.unchanged += 1
        count.unchanged += (hi - lo) - len(new) - len(differing)

    def _insert(self, table: str, layout: Layout, rowids: list[int]) -> None:
        stage, cols = self.stage.name(table), layout.staged
        chosen = json.dumps(rowids)
        where = "s.rowid IN (SELECT value FROM json_each(?))"
        try:
            if layout.lazy:  # blob bytes: read, checked and written one at a time
                rows = self.conn.execute(f"SELECT * FROM {stage} s WHERE {where}", [chosen]).fetchall()
                names = _names((*cols, *layout.lazy))
                marks = ", ".join("?" for _ in (*cols, *layout.lazy))
                self.conn.executemany(f'INSERT INTO main."{table}" ({names}) VALUES ({marks})',
                                      ((*row, _blob_data(self.batch, row)) for row in rows))
            else:
                seq, numbered = "", ""
                if "seq" in _columns(self.conn, table):  # the full-text key: numbered on from the highest here
                    seq = '"seq", '
                    numbered = (f'(SELECT COALESCE(MAX(seq), 0) FROM main."{table}") + '
                                "row_number() OVER (ORDER BY s.rowid), ")
                self.conn.execute(f'INSERT INTO main."{table}" ({seq}{_names(cols)}) SELECT {numbered}'
                                  f"{', '.join(f's.{chr(34)}{c}{chr(34)}' for c in cols)} FROM {stage} s "
                                  f"WHERE {where} ORDER BY s.rowid", [chosen])
            self.conn.execute(
                "INSERT OR REPLACE INTO main.field_clocks (tbl, row_id, field, at, author) "
                f"SELECT c.tbl, c.row_id, c.field, c.at, c.author FROM {self.stage.clocks} c JOIN {stage} s "
                f"ON s.id = c.row_id WHERE c.tbl = ? AND {where}", [table, chosen])
        except sqlite3.IntegrityError as error:
            raise WorkbenchError(f"{self.batch.source}: {table}: cannot be merged ({error}); the database "
                                 "changed during the merge: merge again") from None
        for (row_id,) in self.conn.execute(f"SELECT id FROM {stage} s WHERE {where}", [chosen]):
            self.store.changed(table, row_id)

    def _differing(self, table: str, layout: Layout, lo: int, hi: int) -> list[sqlite3.Row]:
        """Stage rows in [lo, hi) that exist here but differ in a value or a clock."""
        stage, clocks_ = self.stage.name(table), self.stage.clocks
        match = " AND ".join(f'm."{c}" = s."{c}"' for c in layout.key)
        same = " AND ".join(f'm."{c}" IS s."{c}"' for c in layout.staged)
        same_clocks = (
            f"(SELECT count(*) FROM main.field_clocks d WHERE d.tbl = :t AND d.row_id = m.id) = "
            f"(SELECT count(*) FROM {clocks_} c WHERE c.tbl = :t AND c.row_id = s.id) AND NOT EXISTS "
            f"(SELECT 1 FROM {clocks_} c WHERE c.tbl = :t AND c.row_id = s.id AND NOT EXISTS (SELECT 1 FROM "
            "main.field_clocks d WHERE d.tbl = :t AND d.row_id = m.id AND d.field = c.field "
            "AND d.at IS c.at AND d.author IS c.author))")
        return self.conn.execute(
            f'SELECT s.rowid AS stage_rowid, s.* FROM {stage} s JOIN main."{table}" m ON {match} '
            f"WHERE s.rowid >= :lo AND s.rowid < :hi AND NOT ({same} AND {same_clocks})",
            {"t": table, "lo": lo, "hi": hi}).fetchall()

    def _merge_row(self, table: str, layout: Layout, stage_row) -> bool:
        """Merge one row present on both sides; True if one of its fields changed here."""
        cols = layout.staged
        theirs = {c: stage_row[c] for c in cols}
        match = " AND ".join(f'"{c}" = ?' for c in layout.key)
        found = self.conn.execute(f'SELECT {_names(cols)} FROM main."{table}" WHERE {match}',
                                  [theirs[c] for c in layout.key]).fetchone()
        ours = dict(zip(cols, found))
        ours_clocks = _clocks(self.conn, "main.field_clocks", table, ours["id"])
        theirs_clocks = _clocks(self.conn, self.stage.clocks, table, theirs["id"])
        merged, merged_clocks = merge_row(layout, ours, ours_clocks, theirs, theirs_clocks)
        changed = [c for c in cols if not _same(merged[c], ours[c])]
        if not changed and merged_clocks == ours_clocks:
            return False
        if changed:
            self.conn.execute(f'UPDATE main."{table}" SET {", ".join(f"{chr(34)}{c}{chr(34)} = ?" for c in changed)} '
                              "WHERE id = ?", [*(merged[c] for c in changed), ours["id"]])
        self.conn.execute("DELETE FROM main.field_clocks WHERE tbl = ? AND row_id = ?", [table, ours["id"]])
        self.conn.executemany("INSERT INTO main.field_clocks (tbl, row_id, field, at, author) VALUES (?, ?, ?, ?, ?)",
                              [(table, merged["id"], name, c.at, c.author) for name, c in merged_clocks.items()])
        self.store.changed(table, merged["id"])
        if table == "claims" and _verdict_conflict(layout, ours, ours_clocks, theirs, theirs_clocks):
            self.summary.conflicts += 1
        return any(c in layout.field_of for c in changed)  # creation and derived columns are not news


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute("SELECT * FROM pragma_table_info(?)", [table])}


def _same(a, b) -> bool:
    return a == b and type(a) is type(b) or (isinstance(a, (int, float)) and isinstance(b, (int, float)) and a == b)


def _clocks(conn: sqlite3.Connection, where: str, table: str, row_id: str) -> dict[str, clocks.Clock]:
    return {name: clocks.Clock(at, author) for name, at, author in conn.execute(
        f"SELECT field, at, author FROM {where} WHERE tbl = ? AND row_id = ?", [table, row_id])}


def creation_clock(layout: Layout, row: Mapping) -> clocks.Clock:
    """The clock of a row's fields that have not changed since it was created."""
    return clocks.Clock(row["created_at"], row["created_by"] if layout.has("created_by") else None)


def merge_row(layout: Layout, ours: Mapping, ours_clocks: dict, theirs: Mapping, theirs_clocks: dict):
    """The merge of two versions of one row: (values, explicit clocks), the same whichever is ours."""
    creation = [c for c in layout.creation if c not in layout.lazy]

    def creation_key(row):
        return (row["created_at"], (row["created_by"] if layout.has("created_by") else None) or "",
                clocks.canonical([row[c] for c in creation]))

    first = ours if creation_key(ours) <= creation_key(theirs) else theirs
    merged = {c: ours[c] for c in layout.staged}
    merged.update({c: first[c] for c in creation})
    base = creation_clock(layout, first)
    result: dict[str, clocks.Clock] = {}
    for name, cols in layout.fields.items():
        mine = (ours_clocks.get(name) or creation_clock(layout, ours), [ours[c] for c in cols])
        other = (theirs_clocks.get(name) or creation_clock(layout, theirs), [theirs[c] for c in cols])
        clock, values = max(mine, other, key=lambda version: clocks.order_key(*version))
        merged.update(zip(cols, values))
        if clock != base:
            result[name] = clock
    latest = max([base, *result.values()], key=lambda c: (c.at, c.author or ""))
    merged["updated_at"] = latest.at
    if layout.has("updated_by"):
        merged["updated_by"] = latest.author
    return merged, result


def _verdict_conflict(layout: Layout, ours, ours_clocks, theirs, theirs_clocks) -> bool:
    """Both sides gave the claim a judged verdict, different ones, by different reviewers."""
    if ours["verdict"] == theirs["verdict"] or "pending" in (ours["verdict"], theirs["verdict"]):
        return False
    mine = ours_clocks.get("verdict") or creation_clock(layout, ours)
    other = theirs_clocks.get("verdict") or creation_clock(layout, theirs)
    return mine.author != other.author


# -- saving a copy ------------------------------------------------------------------------------

def save_copy(store, target: str | Path, *, overwrite: bool = False) -> Path:
    """Write a consistent copy of store's database to target (VACUUM INTO); return its path.

    The copy gets a database id of its own (and records the original's as `copied_from`), so
    that the reviewer who receives it can work in it and send it back to be merged.
    """
    target = Path(target)
    if target.is_dir():
        raise WorkbenchError(f"{target}: is a folder; give a file name for the copy")
    if not target.parent.is_dir():
        raise WorkbenchError(f"{target}: folder {target.parent} does not exist")
    if target.exists():
        if not overwrite:
            raise WorkbenchError(f"{target}: already exists; choose another name")
        if os.path.samefile(target, store.path):
            raise WorkbenchError(f"{target}: is the database itself; choose another name")
    for suffix in ("-wal", "-shm", "-journal"):
        if Path(f"{target}{suffix}").exists():
            raise WorkbenchError(f"{target}: is open in another program (its {suffix[1:]} file "
                                 "exists); close it or choose another name")
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex}.partial"
    try:
        store.conn.execute("VACUUM INTO ?", [str(temporary)])
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            copy.execute("BEGIN IMMEDIATE")
            for key, value in (("database_id", ids.new_id()), ("copied_from", store.database_id),
                               ("created_at", ids.now())):
                copy.execute("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) "
                             "DO UPDATE SET value = excluded.value", [key, value])
            copy.execute("COMMIT")
        finally:
            copy.close()
        os.replace(temporary, target)
    except sqlite3.Error as error:
        raise WorkbenchError(f"{target}: cannot write the copy ({error})") from None
    except OSError as error:
        raise WorkbenchError(f"{target}: cannot write the copy ({error.strerror})") from None
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{temporary}{suffix}").unlink(missing_ok=True)
    return target
