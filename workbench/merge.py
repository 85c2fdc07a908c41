"""Merging other reviewers' work into this database, field by field, and saving a copy to send.

The core, for files and for the desk server alike (sync builds on it):

    merge_batch(store, Batch(source, database_id, rows, clocks, read_blob)) -> MergeSummary

takes a batch of another replica's rows with their field clocks, checks them as untrusted input
(row_checks: nothing of the batch is written unless every row passes), and applies them with
the rules below. `rows` maps a table to its rows, each a sequence of the values of
`batch_columns(store, table)` in that order (every column of the migrated schema but `seq` and
blob bytes); `clocks` holds (table, row id, field, time, author) tuples, the other replica's
`field_clocks` rows; `read_blob(blob id, limit)` returns a blob's bytes (at most limit + 1 of
them) and is asked only for blobs that come in. `attached`, instead of rows and clocks, names a
database attached to the store's connection to be read with SQL (a file). `merge_database(store,
path, reviewer_id=...)` attaches another workbench file that way (untrusted.attached: checked
through the attachment, read-only, upgraded in a private copy if older, never written, nothing
created beside it) and merges it. The reviewer id is only recorded with the merge: a refused
merge writes nothing at all.

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
tables and checked with no write lock held (merge_stage.py); rows this database already holds
as they are, or stale copies of rows changed here since, are set aside first, so a merge costs in
proportion to what is new in the batch (only rows whose keys the batch holds are looked up).
Then the rest is written in transactions of at most about WRITE_BUDGET_S, each deciding against
the rows as they are at that moment; once another connection writes during the merge, they are
much shorter and the lock is left free between them for longer than SQLite's busy handler sleeps,
so those writers wait a frame or two (bench/bench_merge.py measures it). Each committed part is a
consistent state (parents before the rows that point at them), so a merge interrupted part-way is
completed by merging again; change notices come per committed part.
"""

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench import clocks, ids, untrusted
from workbench.errors import DatabaseRefused, WorkbenchError
from workbench.merge_rules import Layout
from workbench.merge_stage import Stage, blob_data, identical, match, names
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
WRITE_BUDGET_S, CHUNK_ROWS = 0.05, 200  # a write transaction while nobody else writes; rows at a time
PAUSE_S = 0.002  # and the lock left free after it
# When another connection has written in the last CONTENDED_S seconds: short
# transactions of few rows, then pauses longer than SQLite's busy handler sleeps between tries
# (up to 25 ms), so that a waiting writer gets in within a frame or two.
BUSY_BUDGET_S, BUSY_ROWS, BUSY_PAUSE_S, CONTENDED_S = 0.008, 25, 0.03, 1.0
BlobReader = Callable[[str, int], bytes | None]
OTHER = "merging"  # the name the other file is attached under while it is merged


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
    attached: str | None = None  # a file attached to the store's connection under this name: read with SQL


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
    conn = store.conn
    with untrusted.attached(conn, other_path, OTHER):
        batch = Batch(str(other_path), untrusted.database_id(conn, OTHER), {}, (),
                      lambda blob_id, limit: _file_blob(conn, other_path, blob_id, limit), attached=OTHER)
        summary = merge_batch(store, batch, progress=progress)
    if summary.changed:
        with store.transaction():
            store.set_meta(f"merged:{summary.database_id}", json.dumps(
                {"at": ids.now(), "by": reviewer_id, "path": str(other_path)}))
    return summary


def _file_blob(conn: sqlite3.Connection, path: Path, blob_id: str, limit: int) -> bytes | None:
    try:
        row = conn.execute(f'SELECT substr(data, 1, ?) FROM "{OTHER}".blobs WHERE id = ?', [limit + 1, blob_id]).fetchone()
    except sqlite3.DatabaseError as error:
        raise untrusted.refusal(path, error) from None
    return row[0] if row else None


# -- the core -----------------------------------------------------------------------------------

def merge_batch(store, batch: Batch, *, progress: Callable[[int, int], None] | None = None) -> MergeSummary:
    """Check a batch of another replica's rows as untrusted and apply them with the merge rules."""
    layouts = store.layouts()
    stage = Stage(store.conn, layouts, batch.source)
    try:
        stage.load(batch)
        stage.check(batch)
        return _Writer(store, stage, batch, progress).run()
    finally:
        stage.drop()


class _Writer:
    """Writes a checked stage in short transactions, deciding each part against the rows as they are."""

    def __init__(self, store, stage: Stage, batch: Batch, progress):
        self.store, self.conn, self.stage, self.batch = store, store.conn, stage, batch
        self.progress = progress
        self.summary = MergeSummary(batch.source, batch.database_id)
        self._seq: dict[str, bool] = {}

    def run(self) -> MergeSummary:
        work = [(table, rowids) for table, rowids in self.stage.rowids.items() if rowids]
        total, done = sum(len(r) for _, r in work), 0
        for table, count in self.stage.unchanged.items():
            self.summary.count(table).unchanged += count
        # Whenever another connection has written lately, polite: short transactions of few rows,
        # and pauses longer than a waiting writer's busy handler sleeps between tries. Otherwise
        # longer ones (fewer commits, fewer full-text segments).
        seen, polite_until = self._others_version(), 0.0
        table_index, position = 0, 0
        while table_index < len(work):
            began = time.perf_counter()
            polite = began < polite_until
            budget, rows = (BUSY_BUDGET_S, BUSY_ROWS) if polite else (WRITE_BUDGET_S, CHUNK_ROWS)
            with self.store.transaction():
                while table_index < len(work):
                    table, rowids = work[table_index]
                    part = rowids[position:position + rows]
                    self._apply(table, part[0], part[-1] + 1, len(part))
                    done, position = done + len(part), position + len(part)
                    if position >= len(rowids):
                        table_index, position = table_index + 1, 0
                    if time.perf_counter() - began > budget:
                        break
            if self.progress:
                self.progress(done, total)
            if table_index < len(work):
                time.sleep(BUSY_PAUSE_S if polite else PAUSE_S)
                version = self._others_version()
                if version != seen:
                    seen, polite_until = version, time.perf_counter() + CONTENDED_S
        return self.summary

    def _others_version(self) -> int:
        """Changes whenever another connection commits to this database."""
        return self.conn.execute("PRAGMA main.data_version").fetchone()[0]

    def _apply(self, table: str, lo: int, hi: int, size: int) -> None:
        layout = self.stage.layouts[table]
        count = self.summary.count(table)
        added = self._insert(table, layout, lo, hi)
        count.added += len(added)
        differing = self._differing(table, layout, lo, hi)
        for stage_row in differing:
            if self._merge_row(table, layout, stage_row):
                count.updated += 1
            else:
                count.unchanged += 1
        count.unchanged += size - len(added) - len(differing)

    def _insert(self, table: str, layout: Layout, lo: int, hi: int) -> list[str]:
        """Insert the staged rows in [lo, hi) that are not here yet, with their clocks; their ids."""
        stage, cols = self.stage.name(table), layout.staged
        new = f'WHERE s.rowid >= ? AND s.rowid < ? AND NOT EXISTS (SELECT 1 FROM main."{table}" m WHERE {match(layout)})'
        try:
            if layout.lazy:  # blob bytes: read, checked and written one at a time
                rows = self.conn.execute(f"SELECT * FROM {stage} s {new}", [lo, hi]).fetchall()
                marks = ", ".join("?" for _ in (*cols, *layout.lazy))
                self.conn.executemany(f'INSERT INTO main."{table}" ({names((*cols, *layout.lazy))}) VALUES ({marks})',
                                      ((*row, blob_data(self.batch, row)) for row in rows))
                added = [row["id"] for row in rows]
            else:
                seq, numbered = "", ""
                if self._numbered(table):  # the full-text key: numbered on from the highest here
                    seq = '"seq", '
                    numbered = (f'(SELECT COALESCE(MAX(seq), 0) FROM main."{table}") + '
                                "row_number() OVER (ORDER BY s.rowid), ")
                added = [r[0] for r in self.conn.execute(
                    f'INSERT INTO main."{table}" ({seq}{names(cols)}) SELECT {numbered}'
                    f"{', '.join(f's.{chr(34)}{c}{chr(34)}' for c in cols)} FROM {stage} s {new} ORDER BY s.rowid "
                    "RETURNING id", [lo, hi]).fetchall()]
            if added and self.stage.has_clocks(table):
                self.conn.execute(
                    "INSERT OR REPLACE INTO main.field_clocks (tbl, row_id, field, at, author) "
                    f"SELECT tbl, row_id, field, at, author FROM {self.stage.clocks} WHERE tbl = ? "
                    "AND row_id IN (SELECT value FROM json_each(?))", [table, json.dumps(added)])
        except sqlite3.IntegrityError as error:
            raise WorkbenchError(f"{self.batch.source}: {table}: cannot be merged ({error}); the database "
                                 "changed during the merge: merge again") from None
        for row_id in added:
            self.store.changed(table, row_id)
        return added

    def _numbered(self, table: str) -> bool:
        if table not in self._seq:
            self._seq[table] = "seq" in _columns(self.conn, table)
        return self._seq[table]

    def _differing(self, table: str, layout: Layout, lo: int, hi: int) -> list[sqlite3.Row]:
        """Stage rows in [lo, hi) that exist here but differ in a value or a clock."""
        stage = self.stage.name(table)
        return self.conn.execute(
            f'SELECT s.rowid AS stage_rowid, s.* FROM {stage} s JOIN main."{table}" m ON {match(layout)} '
            f"WHERE s.rowid >= :lo AND s.rowid < :hi AND NOT ({identical(layout, self.stage.clocks)})",
            {"t": table, "lo": lo, "hi": hi}).fetchall()

    def _merge_row(self, table: str, layout: Layout, stage_row) -> bool:
        """Merge one row present on both sides; True if one of its fields changed here."""
        cols = layout.staged
        theirs = {c: stage_row[c] for c in cols}
        match = " AND ".join(f'"{c}" = ?' for c in layout.key)
        found = self.conn.execute(f'SELECT {names(cols)} FROM main."{table}" WHERE {match}',
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
