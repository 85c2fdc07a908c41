"""Opening a database someone else sent: read-only, checked before use, never executed or written.

`opened(path)` yields a read-only sqlite3 connection to a file that has passed every check, at
this program's schema version, or raises DatabaseRefused with a message naming the file and the
reason. The checks, in order, each before anything of the file is read that could run:

1. The path is a regular file (not a folder, a FIFO or a device: those are refused at once,
   without waiting to read them) that starts with the SQLite header.
2. Header fields only: application_id is ours; user_version is not newer than ours.
3. The schema (sqlite_master and PRAGMA table_xinfo) is exactly the one our migrations build
   for that version in a fresh in-memory database: the same tables, indexes, triggers and
   virtual tables under the same names, tables with the same columns, and triggers, indexes and
   virtual tables with the same SQL, compared as tokens that keep apart keywords, identifiers
   (quoted or not) and string literals, so `"new.quote"` (a string to SQLite) is not `new.quote`.
   So there are no views, no triggers we did not create, and no trigger with one of our names
   but another body. Only then is any table read.
4. The migrations recorded in the file are ours; PRAGMA quick_check says ok (the structure and
   every record; index contents are not needed: the file is read by scanning its tables, and
   blob bytes found by id are checked against their SHA-256); it has an id.

The file itself is never written, and nothing is created beside it. When no `-wal`, `-shm` or
`-journal` file lies next to it, it is opened with `mode=ro&immutable=1` (SQLite then takes no
locks and creates no side files). Otherwise (it is open in a workbench, or was not closed
cleanly) the file and its side files are first copied into a private temporary folder (checked
unchanged during the copy), the copy's journal is folded in there, and the copy is read. A file
of an older schema version is copied the same way and upgraded there with our own migrations,
after its schema was checked against that version's and no time in it lies in the future; the
original stays as it was.
"""

import contextlib
import functools
import os
import re
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from workbench import clocks, schema
from workbench.errors import DatabaseRefused
from workbench.merge_rules import layout, merged_tables

SQLITE_HEADER = b"SQLite format 3\x00"
TOLERATED = {("table", "sqlite_stat1"), ("table", "sqlite_stat4")}  # planner statistics only
SIDE_FILES = ("-wal", "-shm", "-journal")
COPY_ATTEMPTS = 5


@contextlib.contextmanager
def opened(path: str | Path) -> Iterator[sqlite3.Connection]:
    """A checked read-only connection to the workbench database at path, at our schema version."""
    with tempfile.TemporaryDirectory(prefix="workbench-untrusted-") as folder:
        conn = open_read_only(Path(path), Path(folder))
        try:
            yield conn
        finally:
            conn.close()


def open_read_only(path: Path, folder: Path, *, action: str = "merge") -> sqlite3.Connection:
    """A checked read-only connection to path, or to a private copy in folder (see the module text).

    action names what the caller does ("merge", "open"), for messages.
    """
    check_file(path)
    source = path if immutable_is_safe(path) else private_copy(path, folder)
    conn = connect_read_only(path, source)
    try:
        version = check(path, conn, action=action)
        if version < schema.schema_version():
            conn.close()
            if source == path:
                source = private_copy(path, folder)
            _upgrade_copy(path, source)
            conn = connect_read_only(path, source)
            check(path, conn, action=action)
    except BaseException:
        conn.close()
        raise
    return conn


def immutable_is_safe(path: Path) -> bool:
    """True when no side file shows the database in use or holding unfinished transactions."""
    return not any(Path(f"{path}{suffix}").exists() for suffix in SIDE_FILES)


def check_file(path: Path) -> None:
    """Refuse anything but a regular file starting with the SQLite header, without blocking on it."""
    check_kind(path)
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseRefused(f"{path}: cannot read ({error.strerror})") from None
    if header != SQLITE_HEADER:
        raise DatabaseRefused(f"{path}: is not a SQLite database")


def check_kind(path: Path) -> None:
    """Refuse a path that is missing or not a regular file (a folder, a FIFO, a device) at once."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise DatabaseRefused(f"{path}: no such file") from None
    except OSError as error:
        raise DatabaseRefused(f"{path}: cannot read ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseRefused(f"{path}: is a folder, not a database file")
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseRefused(f"{path}: is not a regular file (a pipe, a device or a socket)")


def private_copy(path: Path, folder: Path) -> Path:
    """Copy the database and its side files into folder, unchanged while copied; fold the journal in."""
    target = folder / "copy.db"
    for _ in range(COPY_ATTEMPTS):
        before = _fingerprint(path)
        for suffix in ("", "-wal", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
            if Path(f"{path}{suffix}").exists():
                try:
                    shutil.copyfile(f"{path}{suffix}", f"{target}{suffix}")
                except OSError as error:
                    raise DatabaseRefused(f"{path}: cannot read ({error.strerror})") from None
        if _fingerprint(path) == before:
            break
    else:
        raise DatabaseRefused(f"{path}: is busy: another program keeps writing to it; try again")
    conn = sqlite3.connect(target, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA journal_mode = DELETE")  # folds a -wal in; a hot -journal rolls back
    except sqlite3.Error as error:
        raise refusal(path, error) from None
    finally:
        conn.close()
    return target


def _fingerprint(path: Path) -> list:
    result = []
    for suffix in ("", "-wal", "-journal"):
        try:
            info = os.stat(f"{path}{suffix}")
            result.append((info.st_ino, info.st_size, info.st_mtime_ns))
        except FileNotFoundError:
            result.append(None)
    return result


def connect_read_only(path: Path, source: Path) -> sqlite3.Connection:
    """A read-only, untrusting connection to source (path itself, or its private copy)."""
    uri = f"{source.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0)
    except sqlite3.Error as error:
        raise DatabaseRefused(f"{path}: cannot open ({error})") from None
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA cell_size_check = ON")
    except sqlite3.Error as error:
        conn.close()
        raise refusal(path, error) from None
    return conn


def refusal(path: Path, error: sqlite3.Error) -> DatabaseRefused:
    message = str(error)
    if "not a database" in message:
        return DatabaseRefused(f"{path}: is not a SQLite database")
    if "locked" in message or "busy" in message:
        return DatabaseRefused(f"{path}: is busy: another program is writing to it; try again")
    if "decode" in message:
        return DatabaseRefused(f"{path}: has text that is not valid UTF-8 ({message})")
    return DatabaseRefused(f"{path}: is damaged or unreadable ({message})")


def check(path: Path, conn: sqlite3.Connection, *, action: str = "merge", db: str = "main") -> int:
    """Every check of a file's header, schema and health; returns its schema version.

    db names the file's schema on conn: "main", or the name it is attached under.
    """
    try:
        version = check_header(path, conn, action=action, db=db)
        check_schema(path, conn, version, db=db)
        _check_contents(path, conn, version, db=db)
        return version
    except sqlite3.Error as error:
        raise refusal(path, error) from None


def check_header(path: Path, conn: sqlite3.Connection, *, action: str, db: str = "main") -> int:
    """Refuse another application's database or a newer schema; return the file's schema version."""
    if conn.execute(f'PRAGMA "{db}".application_id').fetchone()[0] != schema.APPLICATION_ID:
        raise DatabaseRefused(f"{path}: is a SQLite database, but not a fact-check workbench database")
    version, ours = conn.execute(f'PRAGMA "{db}".user_version').fetchone()[0], schema.schema_version()
    if version > ours:
        raise DatabaseRefused(
            f"{path}: was written by a newer version of the workbench (schema {version}, this "
            f"program knows {ours}); update the program to {action} it")
    if version < 1:
        raise DatabaseRefused(f"{path}: has no workbench schema version")
    return version


def check_schema(path: Path, conn: sqlite3.Connection, version: int | None = None, *, db: str = "main") -> None:
    """Refuse a schema that is not exactly the one our migrations build for that version."""
    found = _objects(conn, db)
    expected = expected_schema(version if version != schema.schema_version() else None)
    extra = sorted(set(found) - set(expected) - TOLERATED)
    code = [name for kind, name in extra if kind in ("trigger", "view")]
    if code:
        raise DatabaseRefused(
            f"{path}: contains triggers or views the workbench did not create ({', '.join(code)})")
    if extra:
        raise DatabaseRefused(
            f"{path}: has tables or indexes the workbench did not create "
            f"({', '.join(name for _, name in extra)})")
    missing = sorted(name for _, name in set(expected) - set(found))
    if missing:
        raise DatabaseRefused(f"{path}: lacks parts of the workbench schema ({', '.join(missing)})")
    columns = expected_columns(version if version != schema.schema_version() else None)
    for key, (table, sql) in expected.items():
        kind, name = key
        if found[key][0] != table:
            raise DatabaseRefused(f"{path}: its {kind} {name} belongs to another table")
        if kind == "table" and not _is_virtual(sql):
            if _columns(conn, name, db) != columns[name]:
                raise DatabaseRefused(f"{path}: its table {name} has other columns than the workbench's")
        elif tokens(found[key][1]) != tokens(sql):
            raise DatabaseRefused(
                f"{path}: its {kind} {name} is not the one the workbench creates (it was changed or crafted)")


def _check_contents(path: Path, conn: sqlite3.Connection, version: int, *, db: str) -> None:
    applied = [r[0] for r in conn.execute(
        f"SELECT name FROM \"{db}\"._sqlite_migrations WHERE migration_set = 'workbench' ORDER BY rowid")]
    if applied != schema.known_migration_names()[:version]:
        unknown = sorted(set(applied) - set(schema.known_migration_names()))
        detail = ", ".join(unknown) if unknown else "an incomplete migration record"
        raise DatabaseRefused(f"{path}: has schema changes this program does not know ({detail})")
    problems = [r[0] for r in conn.execute(f"PRAGMA \"{db}\".quick_check(5)")]
    if problems != ["ok"]:
        raise DatabaseRefused(f"{path}: is damaged (integrity check: {'; '.join(problems)})")
    row = conn.execute(f"SELECT value FROM \"{db}\".meta WHERE key = 'database_id'").fetchone()
    if row is None or not isinstance(row[0], str) or not row[0]:
        raise DatabaseRefused(f"{path}: has no database id")


def _upgrade_copy(path: Path, copy: Path) -> None:
    """Bring a private copy of an older file to our schema, once nothing in it claims a future time."""
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        # Its schema was checked to be exactly ours for its version, so its triggers (which keep the
        # full-text index in step while our migrations run) are ours too.
        conn.execute("PRAGMA trusted_schema = ON")
        latest = clocks.latest_allowed()
        for table in merged_tables(conn):
            for column in (c for c in layout(conn, table).columns if c.endswith("_at")):
                found = conn.execute(f'SELECT id, "{column}" FROM "{table}" WHERE "{column}" > ? LIMIT 1',
                                     [latest]).fetchone()
                if found:
                    raise DatabaseRefused(
                        f"{path}: {table} row {found[0]!s:.60}: its {column} {found[1]!r:.60} is in the future; "
                        "check the clock of the computer that wrote it")
        schema.upgrade(conn, str(path))
        conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.Error as error:
        raise refusal(path, error) from None
    finally:
        conn.close()


def database_id(conn: sqlite3.Connection, db: str = "main") -> str:
    """The database id of a checked database."""
    return conn.execute(f"SELECT value FROM \"{db}\".meta WHERE key = 'database_id'").fetchone()[0]


@contextlib.contextmanager
def attached(conn: sqlite3.Connection, path: str | Path, name: str = "other") -> Iterator[None]:
    """Attach the workbench database at path to conn as `name`, read-only, after every check.

    The file is checked through the attachment itself (one open file for the checks and the
    reads), and detached again at the end. conn must have been opened with URI names enabled.
    An older schema is read from an upgraded private copy, as in `opened`.
    """
    path = Path(path)
    check_file(path)
    with tempfile.TemporaryDirectory(prefix="workbench-untrusted-") as folder:
        source = path if immutable_is_safe(path) else private_copy(path, Path(folder))
        _attach(conn, path, source, name)
        try:
            version = check(path, conn, db=name)
            if version < schema.schema_version():
                conn.execute(f'DETACH DATABASE "{name}"')
                if source == path:
                    source = private_copy(path, Path(folder))
                _upgrade_copy(path, source)
                _attach(conn, path, source, name)
                check(path, conn, db=name)
            yield
        finally:
            if any(row[1] == name for row in conn.execute("PRAGMA database_list")):
                conn.execute(f'DETACH DATABASE "{name}"')


def _attach(conn: sqlite3.Connection, path: Path, source: Path, name: str) -> None:
    try:
        conn.execute(f'ATTACH DATABASE ? AS "{name}"', [f"{source.resolve().as_uri()}?mode=ro&immutable=1"])
    except sqlite3.Error as error:
        raise refusal(path, error) from None
    files = {row[1]: row[2] for row in conn.execute("PRAGMA database_list")}
    if Path(files.get(name) or "") != source.resolve():  # a build of SQLite without URI names
        conn.execute(f'DETACH DATABASE "{name}"')
        raise DatabaseRefused(f"{path}: cannot be opened read-only by this build of SQLite")


# -- the expected schema ------------------------------------------------------------------------

@functools.cache
def _expected(version: int | None) -> tuple[dict, dict]:
    from sqlite_utils import Database

    names = schema.known_migration_names()
    db = Database(memory=True)
    stop = names[version] if version is not None and version < len(names) else None
    schema.migrations.apply(db, stop_before=stop)
    objects = _objects(db.conn)
    columns = {name: _columns(db.conn, name) for (kind, name), (_, sql) in objects.items()
               if kind == "table" and not _is_virtual(sql)}
    db.conn.close()
    return objects, columns


def expected_schema(version: int | None = None) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(type, name) -> (table name, sql) of every schema object our migrations create (up to version)."""
    return _expected(version)[0]


def expected_columns(version: int | None = None) -> dict[str, list[tuple]]:
    """table -> its columns as PRAGMA table_xinfo gives them, as our migrations create them."""
    return _expected(version)[1]


def _objects(conn: sqlite3.Connection, db: str = "main") -> dict[tuple[str, str], tuple[str, str | None]]:
    return {(kind, name): (table, sql) for kind, name, table, sql in conn.execute(
        f'SELECT type, name, tbl_name, sql FROM "{db}".sqlite_master')}


def _columns(conn: sqlite3.Connection, table: str, db: str = "main") -> list[tuple]:
    return [tuple(r) for r in conn.execute("SELECT cid, name, type, \"notnull\", dflt_value, pk, "
                                           "hidden FROM pragma_table_xinfo(?, ?)", [table, db])]


def _is_virtual(sql: str | None) -> bool:
    return bool(sql) and tokens(sql)[:3] == [("k", "CREATE"), ("k", "VIRTUAL"), ("k", "TABLE")]


# -- SQL as tokens ------------------------------------------------------------------------------

_TOKEN = re.compile(r"""
    (?P<space>\s+|--[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
  | (?P<blob>[xX]'[0-9a-fA-F]*')
  | (?P<number>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@functools.lru_cache(maxsize=1024)
def tokens(sql: str | None) -> list[tuple[str, str]]:
    """SQL as (kind, text) tokens: white space and comments do not count; keywords and names are
    told apart; a quoted name equals the same name unquoted, never a string literal."""
    if sql is None:
        return []
    result = []
    for match in _TOKEN.finditer(sql):
        kind, text = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "word":
            upper = text.upper()
            result.append(("k", upper) if upper in SQLITE_KEYWORDS else ("n", text.casefold()))
        elif kind == "quoted":
            close = {"[": "]"}.get(text[0], text[0])
            result.append(("n", text[1:-1].replace(close * 2, close).casefold()))
        elif kind == "string":
            result.append(("s", text[1:-1].replace("''", "'")))
        else:
            result.append((kind[0], text.upper() if kind == "blob" else text))
    return result


# https://www.sqlite.org/lang_keywords.html
SQLITE_KEYWORDS = frozenset("""
ABORT ACTION ADD AFTER ALL ALTER ALWAYS ANALYZE AND AS ASC ATTACH AUTOINCREMENT BEFORE BEGIN BETWEEN
BY CASCADE CASE CAST CHECK COLLATE COLUMN COMMIT CONFLICT CONSTRAINT CREATE CROSS CURRENT
CURRENT_DATE CURRENT_TIME CURRENT_TIMESTAMP DATABASE DEFAULT DEFERRABLE DEFERRED DELETE DESC DETACH
DISTINCT DO DROP EACH ELSE END ESCAPE EXCEPT EXCLUDE EXCLUSIVE EXISTS EXPLAIN FAIL FILTER FIRST
FOLLOWING FOR FOREIGN FROM FULL GENERATED GLOB GROUP GROUPS HAVING IF IGNORE IMMEDIATE IN INDEX
INDEXED INITIALLY INNER INSERT INSTEAD INTERSECT INTO IS ISNULL JOIN KEY LAST LEFT LIKE LIMIT MATCH
MATERIALIZED NATURAL NO NOT NOTHING NOTNULL NULL NULLS OF OFFSET ON OR ORDER OTHERS OUTER OVER
PARTITION PLAN PRAGMA PRECEDING PRIMARY QUERY RAISE RANGE RECURSIVE REFERENCES REGEXP REINDEX RELEASE
RENAME REPLACE RESTRICT RETURNING RIGHT ROLLBACK ROW ROWS SAVEPOINT SELECT SET TABLE TEMP TEMPORARY
THEN TIES TO TRANSACTION TRIGGER UNBOUNDED UNION UNIQUE UPDATE USING VACUUM VALUES VIEW VIRTUAL WHEN
WHERE WINDOW WITH WITHOUT
""".split())
