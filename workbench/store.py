"""The database: opening and checking a file, transactions, change notification, row helpers."""

import contextlib
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from workbench import checked_files, clocks, ids, row_checks, schema, untrusted
from workbench.errors import DatabaseRefused, WorkbenchError
from workbench.merge_rules import Layout, layout, merged_tables

BUSY_TIMEOUT_S = 5.0
IN_CHUNK = 500  # ids per IN (...) list, well under SQLite's limit on parameters

Listener = Callable[[set[tuple[str, str]]], None]


def _describe(error: sqlite3.Error) -> str:
    text = str(error)
    if "locked" in text or "busy" in text:
        return "the database is busy: another window or program is writing to it; try again"
    if "full" in text:
        return "the disk or database is full; nothing of the last action was saved"
    if "readonly" in text or "read-only" in text:
        return "the database file is read-only"
    return text


class Store:
    """One open workbench database. Every user action is one `transaction()`."""

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn
        self._listeners: list[Listener] = []
        self._preparers: list[Listener] = []
        # Article bodies never change once stored, so a body read once can be kept (articles.article_body).
        self.bodies: dict[str, str] = {}
        self._pending: set[tuple[str, str]] = set()
        self._layouts: dict[str, Layout | None] = {}
        self._merged: dict[str, Layout] = {}
        self.readonly = False
        self._private: Path | None = None  # a read-only store's private copy, removed on close
        self.remember = False  # note the file's identity on close (checked_files), to skip its checks next time
        self._closed = False
        self._db = None

    @property
    def db(self):
        """The sqlite-utils Database on this connection (imported on first use: it is slow to import)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn, execute_plugins=False, recursive_triggers=False)
        return self._db

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, remember: bool = False) -> "Store":
        """Open (or create) the workbench database at path, refusing foreign, damaged or malformed files.

        readonly: open an existing file for reading only (stats, export): nothing is written to
        it or beside it, not even its journal mode; an older schema is read from an upgraded
        private copy.
        remember: the program's own database: skip the checks when the file is as this program
        left it when it last closed it, and note it again on close (checked_files).
        """
        path = Path(path)
        if readonly:
            return cls._open_read_only(path)
        if path.is_dir():
            raise DatabaseRefused(f"{path}: is a folder, not a database file")
        if path.exists() and path.stat().st_size > 0:
            if not (remember and checked_files.unchanged(path)):
                check_database(path)
        elif path.exists():
            untrusted.check_kind(path)
        elif not path.parent.exists():
            raise DatabaseRefused(f"{path}: folder {path.parent} does not exist")
        try:
            # URI names on, so that merges can attach another file read-only (untrusted.attached)
            conn = sqlite3.connect(path.resolve().as_uri(), uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            _use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            store = cls(path, conn)
            store.remember = remember
            schema.upgrade(conn, str(path))
        except sqlite3.Error as error:
            raise DatabaseRefused(f"{path}: {_describe(error)}") from None
        return store

    @classmethod
    def _open_read_only(cls, path: Path) -> "Store":
        if not path.exists():
            raise DatabaseRefused(f"{path}: no such database")
        folder = Path(tempfile.mkdtemp(prefix="workbench-read-only-"))
        try:
            conn = untrusted.open_read_only(path, folder, action="open")
            try:
                conn.row_factory = sqlite3.Row
                row_checks.check_database(conn, str(path))
            except BaseException:
                conn.close()
                raise
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        store = cls(path, conn)
        store.readonly, store._private = True, folder
        return store

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite)."""
        if self._closed:
            return
        self._closed = True
        self.conn.close()
        if self.remember:
            checked_files.remember(self.path)
        if self._private is not None:
            shutil.rmtree(self._private, ignore_errors=True)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- transactions and change notification -----------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Store"]:
        """One user action: BEGIN IMMEDIATE ... COMMIT, or a savepoint when nested."""
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise WorkbenchError(f"{self.path}: {_describe(error)}") from None
        try:
            yield self
            if self._pending:
                for prepare in list(self._preparers):  # read what the change events will carry
                    prepare(self._pending)
            self.conn.execute("COMMIT")
        except BaseException as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self._pending.clear()
            if isinstance(error, sqlite3.OperationalError):
                raise WorkbenchError(f"{self.path}: {_describe(error)}") from None
            raise
        changes, self._pending = self._pending, set()
        if changes:
            for listener in list(self._listeners):
                listener(changes)

    def subscribe(self, listener: Listener) -> None:
        """Call listener with {(table, id), ...} after each committed transaction that changed rows."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling listener."""
        self._listeners.remove(listener)

    def before_commit(self, preparer: Listener) -> None:
        """Call preparer with {(table, id), ...} inside each transaction, just before COMMIT.

        What it reads there is what was committed; a listener then publishes it after COMMIT
        without reading the rows again.
        """
        self._preparers.append(preparer)

    def remove_before_commit(self, preparer: Listener) -> None:
        """Stop calling preparer."""
        self._preparers.remove(preparer)

    def changed(self, table: str, row_id: str) -> None:
        """Record that a row changed in the current transaction."""
        self._pending.add((table, row_id))

    # -- rows --------------------------------------------------------------------------------

    def insert(self, table: str, row: dict) -> dict:
        """Insert a row, filling id, created_at and updated_at when absent; return it.

        A merged table's row is stored canonically: `updated_by` defaults to `created_by`, and a
        row given an `updated_at` later than its creation gets that clock on every field.
        """
        stamp = ids.now()
        row = {"id": ids.new_id(), "created_at": stamp, "updated_at": stamp, **row}
        layout = self.layout(table)
        if layout is not None:
            if layout.has("updated_by") and row["updated_at"] == row["created_at"]:
                row["updated_by"] = row.get("created_by")
            row["updated_at"] = max(row["updated_at"], row["created_at"])
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _ in row)
        if table in schema.FTS_COLUMNS:  # the full-text index's key: one past the highest
            cols, marks = '"seq", ' + cols, f'(SELECT COALESCE(MAX(seq), 0) + 1 FROM "{table}"), ' + marks
        self.conn.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values()))
        if layout is not None and row["updated_at"] > row["created_at"]:
            self._stamp(table, row["id"], layout.fields, row["updated_at"], row.get("updated_by"))
        self.changed(table, row["id"])
        return row

    def update(self, table: str, row_id: str, **changes) -> None:
        """Change columns of one row, stamp updated_at and record each changed field's clock.

        `updated_by` names who made the change: it becomes the author of the changed fields'
        clocks (and the row's `updated_by`, where the table has one); without it the author is
        unknown. The time is a hybrid logical clock (clocks.next_stamp) unless updated_at is given.
        """
        layout = self.layout(table)
        if layout is None:
            changes.setdefault("updated_at", ids.now())
            self._set(table, row_id, changes)
            return
        author = changes.pop("updated_by", None)
        stamp = changes.pop("updated_at", None) or clocks.next_stamp(
            self.get_value(f'SELECT updated_at FROM "{table}" WHERE id = ?', [row_id]))
        fields = set()
        for column in changes:
            if column not in layout.field_of:
                raise ValueError(f"{table}.{column} is not a field that can change")
            fields.add(layout.field_of[column])
        changes["updated_at"] = stamp
        if layout.has("updated_by"):
            changes["updated_by"] = author
        if self._set(table, row_id, changes):
            self._stamp(table, row_id, fields, stamp, author)

    def _set(self, table: str, row_id: str, changes: dict) -> bool:
        assignments = ", ".join(f'"{c}" = ?' for c in changes)
        done = self.conn.execute(
            f'UPDATE "{table}" SET {assignments} WHERE id = ?', [*changes.values(), row_id]).rowcount
        self.changed(table, row_id)
        return bool(done)

    def _stamp(self, table: str, row_id: str, fields, at: str, author: str | None) -> None:
        self.conn.executemany(
            "INSERT INTO field_clocks (tbl, row_id, field, at, author) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET at = excluded.at, author = excluded.author",
            [(table, row_id, name, at, author) for name in fields])

    def layout(self, table: str) -> Layout | None:
        """How a table merges (merge_rules), or None for a table that does not (meta)."""
        if table not in self._layouts:
            self.layouts()
            self._layouts.setdefault(table, None)
        return self._layouts[table]

    def layouts(self) -> dict[str, Layout]:
        """Every merged table's layout, parents before the tables that point at them."""
        if not self._merged:
            self._merged = {t: layout(self.conn, t) for t in merged_tables(self.conn)}
            self._layouts.update(self._merged)
        return self._merged

    def get(self, table: str, row_id: str) -> dict | None:
        """One row by id (tombstoned or not), as a dict, or None."""
        row = self.conn.execute(f'SELECT * FROM "{table}" WHERE id = ?', [row_id]).fetchone()
        return dict(row) if row else None

    def require(self, table: str, row_id: str, noun: str) -> dict:
        """One row by id (tombstoned or not); WorkbenchError 'no <noun> with id …' if unknown."""
        row = self.get(table, row_id)
        if row is None:
            raise WorkbenchError(f"no {noun} with id {row_id}")
        return row

    def get_value(self, sql: str, params: list | tuple = ()):
        """The first column of the first row of a SELECT, or None."""
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    def query(self, sql: str, params: list | tuple | dict = ()) -> list[dict]:
        """Rows of a SELECT as dicts."""
        return [dict(r) for r in self.conn.execute(sql, params)]

    def query_in(self, sql: str, ids, *params) -> list[dict]:
        """Rows of a SELECT whose `{marks}` is an IN list, for every id, a chunk of ids at a time."""
        ids = sorted(ids)
        rows: list[dict] = []
        for index in range(0, len(ids), IN_CHUNK):
            chunk = ids[index:index + IN_CHUNK]
            rows.extend(self.query(sql.format(marks=", ".join("?" for _ in chunk)), [*params, *chunk]))
        return rows

    # -- metadata and reviewers --------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A value from the meta table, or None."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table."""
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    @property
    def database_id(self) -> str:
        """This database's own UUID."""
        return self.meta("database_id") or ""

    def reviewer(self, name: str) -> str:
        """The id of the reviewer called name, adding them if new."""
        name = " ".join(name.split())
        if not name:
            raise WorkbenchError("a reviewer needs a name")
        rid = ids.reviewer_id(name)
        if self.get("reviewers", rid) is None:
            with self.transaction():  # another process may add the same name meanwhile
                stamp = ids.now()
                added = self.conn.execute(
                    "INSERT INTO reviewers (id, name, created_at, updated_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT(id) DO NOTHING", [rid, name, stamp, stamp]).rowcount
                if added:
                    self.changed("reviewers", rid)
        return rid

    def reviewer_names(self) -> dict[str, str]:
        """Reviewer id -> name, for every reviewer in the database."""
        return {r["id"]: r["name"] for r in self.conn.execute("SELECT id, name FROM reviewers")}


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL, waiting like any write: SQLite's busy handler does not cover this switch,
    so two processes creating one new database at once would otherwise fail at once."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def check_database(path: Path) -> None:
    """Read-only checks that path is a healthy workbench database with rows this program can use."""
    untrusted.check_kind(path)
    try:
        # immutable when no side file exists: then checking creates none (a refused file stays as it was)
        flags = "&immutable=1" if untrusted.immutable_is_safe(path) else ""
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro{flags}", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise DatabaseRefused(f"{path}: cannot open: {error}") from None
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        if not conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
            return  # an empty SQLite file: it becomes a new workbench database
        untrusted.check(path, conn, action="open")
        row_checks.check_database(conn, str(path))
    except sqlite3.DatabaseError as error:
        message = str(error)
        if "not a database" in message:
            raise DatabaseRefused(f"{path}: is not a SQLite database") from None
        raise DatabaseRefused(f"{path}: is damaged ({message})") from None
    finally:
        conn.close()
