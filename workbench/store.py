"""The database: opening and checking a file, transactions, change notification, row helpers."""

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlite_utils import Database

from workbench import ids, schema
from workbench.errors import DatabaseRefused, WorkbenchError

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
        self.db = Database(conn, execute_plugins=False, recursive_triggers=False)
        self._listeners: list[Listener] = []
        self._preparers: list[Listener] = []
        # Article bodies never change once stored, so a body read once can be kept (articles.article_body).
        self.bodies: dict[str, str] = {}
        self._pending: set[tuple[str, str]] = set()

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> "Store":
        """Open (or create) the workbench database at path, refusing foreign or damaged files."""
        path = Path(path)
        if path.is_dir():
            raise DatabaseRefused(f"{path}: is a folder, not a database file")
        if path.exists() and path.stat().st_size > 0:
            check_database(path)
        elif not path.parent.exists():
            raise DatabaseRefused(f"{path}: folder {path.parent} does not exist")
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA foreign_keys = ON")
            _use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            store = cls(path, conn)
            store._initialise()
        except sqlite3.Error as error:
            raise DatabaseRefused(f"{path}: {_describe(error)}") from None
        return store

    def _initialise(self) -> None:
        pending = schema.migrations.pending(self.db)
        if not pending:
            return
        # Migrations may rebuild tables, which SQLite allows only with foreign keys off; every
        # key is checked before the upgrade commits, as one transaction.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.transaction():
                schema.migrations.apply(self.db)
                broken = self.conn.execute("PRAGMA foreign_key_check").fetchone()
                if broken:
                    raise DatabaseRefused(f"{self.path}: cannot be upgraded: a {broken[0]} row points "
                                          f"to no {broken[2]} row")
                self.conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version = {schema.schema_version()}")
                if self.meta("database_id") is None:
                    self.set_meta("database_id", ids.new_id())
                    self.set_meta("created_at", ids.now())
                self.set_meta("schema_version", str(schema.schema_version()))
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite)."""
        self.conn.close()

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
        """Insert a row, filling id, created_at and updated_at when absent; return it."""
        stamp = ids.now()
        row = {"id": ids.new_id(), "created_at": stamp, "updated_at": stamp, **row}
        cols = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join("?" for _ in row)
        if table in schema.FTS_COLUMNS:  # the full-text index's key: one past the highest
            cols, marks = '"seq", ' + cols, f'(SELECT COALESCE(MAX(seq), 0) + 1 FROM "{table}"), ' + marks
        self.conn.execute(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', list(row.values()))
        self.changed(table, row["id"])
        return row

    def update(self, table: str, row_id: str, **changes) -> None:
        """Change columns of one row and stamp updated_at."""
        changes.setdefault("updated_at", ids.now())
        assignments = ", ".join(f'"{c}" = ?' for c in changes)
        self.conn.execute(
            f'UPDATE "{table}" SET {assignments} WHERE id = ?', [*changes.values(), row_id]
        )
        self.changed(table, row_id)

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
    """Read-only checks that path is a healthy workbench database this program can use."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise DatabaseRefused(f"{path}: cannot open: {error}") from None
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        _check_schema(path, conn)
    except sqlite3.DatabaseError as error:
        message = str(error)
        if "not a database" in message:
            raise DatabaseRefused(f"{path}: is not a SQLite database") from None
        raise DatabaseRefused(f"{path}: is damaged ({message})") from None
    finally:
        conn.close()


def _check_schema(path: Path, conn: sqlite3.Connection) -> None:
    objects = conn.execute("SELECT type, name FROM sqlite_master").fetchall()
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if not objects:
        return  # an empty SQLite file: it becomes a new workbench database
    if app_id != schema.APPLICATION_ID:
        raise DatabaseRefused(f"{path}: is a SQLite database, but not a fact-check workbench database")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > schema.schema_version():
        raise DatabaseRefused(
            f"{path}: was written by a newer version of the workbench (schema {version}, "
            f"this program knows {schema.schema_version()}); update the program to open it"
        )
    applied = {r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'workbench'")}
    unknown = applied - set(schema.known_migration_names())
    if unknown:
        raise DatabaseRefused(f"{path}: has schema changes this program does not know ({', '.join(sorted(unknown))})")
    from workbench.untrusted import foreign_code  # it builds the expected schema from ours

    foreign = foreign_code(conn, version)
    if foreign:
        raise DatabaseRefused(f"{path}: contains triggers or views the workbench did not create ({', '.join(sorted(foreign))})")
    result = conn.execute("PRAGMA quick_check").fetchone()[0]
    if result != "ok":
        raise DatabaseRefused(f"{path}: is damaged (integrity check: {result})")
