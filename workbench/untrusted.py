"""Opening a database someone else sent: read-only, checked before use, never executed or written.

`open_untrusted(path)` returns a read-only sqlite3 connection to a file that has passed every
check, or raises DatabaseRefused with a message naming the file and the reason. The checks, in
order, each before anything of the file is read that could run:

1. The file starts with the SQLite header (else: not a SQLite database).
2. Header fields only: application_id is ours; user_version is not newer or older than ours.
3. The schema (sqlite_master and PRAGMA table_xinfo) is exactly the one our migrations build in a
   fresh in-memory database: the same tables, indexes, triggers and virtual tables under the same
   names, tables with the same columns, and triggers, indexes and virtual tables with the same SQL
   (compared token by token, ignoring white space and identifier quotes). So there are no views,
   no triggers we did not create, and no trigger with one of our names but another body. Only
   then is any table read.
4. The migrations recorded in the file are ours; PRAGMA integrity_check says ok; it has an id.

The connection has `trusted_schema` off and `query_only` on, and it is opened with
`mode=ro`. When no `-wal`, `-shm` or `-journal` file lies next to the database it is also
`immutable=1`: SQLite then takes no locks and creates no `-wal`/`-shm` files beside it (plain
`mode=ro` on a WAL-mode file leaves both behind). `immutable` would ignore transactions still in
a `-wal` file, so when one exists (the file is open in a workbench, or was not closed cleanly)
it is read with ordinary locking instead, which uses those side files as any reader does.
"""

import functools
import re
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from workbench import schema
from workbench.errors import DatabaseRefused

SQLITE_HEADER = b"SQLite format 3\x00"
TOLERATED = {("table", "sqlite_stat1"), ("table", "sqlite_stat4")}  # planner statistics only
_TOKEN = re.compile(r"'(?:[^']|'')*'|\w+|[^\w\s]")


def open_untrusted(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to the workbench database at path, after every check passed."""
    path = Path(path)
    _check_file(path)
    conn = _connect(path)
    try:
        _check(path, conn)
    except BaseException:
        conn.close()
        raise
    return conn


def immutable_is_safe(path: Path) -> bool:
    """True when no side file shows the database in use or holding unfinished transactions."""
    return not any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-shm", "-journal"))


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise DatabaseRefused(f"{path}: is a folder, not a database file")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise DatabaseRefused(f"{path}: no such file") from None
    except OSError as error:
        raise DatabaseRefused(f"{path}: cannot read ({error.strerror})") from None
    if header != SQLITE_HEADER:
        raise DatabaseRefused(f"{path}: is not a SQLite database")


def _connect(path: Path) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable_is_safe(path) else "")
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
        raise _refusal(path, error) from None
    return conn


def _refusal(path: Path, error: sqlite3.Error) -> DatabaseRefused:
    message = str(error)
    if "not a database" in message:
        return DatabaseRefused(f"{path}: is not a SQLite database")
    if "locked" in message or "busy" in message:
        return DatabaseRefused(f"{path}: is busy: another program is writing to it; try again")
    return DatabaseRefused(f"{path}: is damaged or unreadable ({message})")


def _check(path: Path, conn: sqlite3.Connection) -> None:
    try:
        _check_header(path, conn)
        _check_schema(path, conn)
        _check_contents(path, conn)
    except sqlite3.Error as error:
        raise _refusal(path, error) from None


def _check_header(path: Path, conn: sqlite3.Connection) -> None:
    if conn.execute("PRAGMA application_id").fetchone()[0] != schema.APPLICATION_ID:
        raise DatabaseRefused(f"{path}: is a SQLite database, but not a fact-check workbench database")
    version, ours = conn.execute("PRAGMA user_version").fetchone()[0], schema.schema_version()
    if version > ours:
        raise DatabaseRefused(
            f"{path}: was written by a newer version of the workbench (schema {version}, this "
            f"program knows {ours}); update the program to merge it")
    if version < ours:
        raise DatabaseRefused(
            f"{path}: was written by an older version of the workbench (schema {version}, this "
            f"program writes {ours}); open it once in this version, then merge it")


def _check_schema(path: Path, conn: sqlite3.Connection) -> None:
    found = _objects(conn)
    expected = expected_schema()
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
    for key, (table, sql) in expected.items():
        kind, name = key
        if found[key][0] != table:
            raise DatabaseRefused(f"{path}: its {kind} {name} belongs to another table")
        if kind == "table" and not _is_virtual(sql):
            if _columns(conn, name) != _expected_columns(name):
                raise DatabaseRefused(f"{path}: its table {name} has other columns than the workbench's")
        elif _tokens(found[key][1]) != _tokens(sql):
            what = "trigger" if kind == "trigger" else kind
            raise DatabaseRefused(
                f"{path}: its {what} {name} is not the one the workbench creates "
                "(it was changed or crafted)")


def _check_contents(path: Path, conn: sqlite3.Connection) -> None:
    applied = [r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'workbench' ORDER BY id")]
    if applied != schema.known_migration_names():
        unknown = sorted(set(applied) - set(schema.known_migration_names()))
        detail = ", ".join(unknown) if unknown else "an incomplete migration record"
        raise DatabaseRefused(f"{path}: has schema changes this program does not know ({detail})")
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        raise DatabaseRefused(f"{path}: is damaged (integrity check: {'; '.join(problems)})")
    row = conn.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()
    if row is None or not isinstance(row[0], str) or not row[0]:
        raise DatabaseRefused(f"{path}: has no database id")


def database_id(conn: sqlite3.Connection) -> str:
    """The database id of a checked connection."""
    return conn.execute("SELECT value FROM meta WHERE key = 'database_id'").fetchone()[0]


def foreign_code(conn: sqlite3.Connection, version: int | None = None) -> list[str]:
    """Names of triggers and views that are not exactly the ones the workbench creates (at version)."""
    expected = expected_schema(version)
    return sorted(name for (kind, name), (_, sql) in _objects(conn).items()
                  if kind in ("trigger", "view")
                  and ((kind, name) not in expected or _tokens(sql) != _tokens(expected[(kind, name)][1])))


# -- the expected schema ------------------------------------------------------------------------

@functools.cache
def expected_schema(version: int | None = None) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(type, name) -> (table name, sql) of every schema object our migrations create.

    With a version, the schema a database of that (older) version has before it is migrated.
    """
    names = schema.known_migration_names()
    db = Database(memory=True)
    schema.migrations.apply(db, stop_before=names[version] if version is not None and version < len(names) else None)
    result = _objects(db.conn)
    if version is None:
        _EXPECTED_COLUMNS.update({name: _columns(db.conn, name) for (kind, name), (_, sql)
                                  in result.items() if kind == "table" and not _is_virtual(sql)})
    db.conn.close()
    return result


_EXPECTED_COLUMNS: dict[str, list[tuple]] = {}


def _expected_columns(table: str) -> list[tuple]:
    expected_schema()
    return _EXPECTED_COLUMNS[table]


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[str, str | None]]:
    return {(kind, name): (table, sql) for kind, name, table, sql in conn.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master")}


def _columns(conn: sqlite3.Connection, table: str) -> list[tuple]:
    return [tuple(r) for r in conn.execute("SELECT cid, name, type, \"notnull\", dflt_value, pk, "
                                           "hidden FROM pragma_table_xinfo(?)", [table])]


def _is_virtual(sql: str | None) -> bool:
    return bool(sql) and _tokens(sql)[:3] == ["CREATE", "VIRTUAL", "TABLE"]


def _tokens(sql: str | None) -> list[str]:
    """SQL as tokens: white space and identifier quotes (" ` [ ]) do not count, literals do."""
    if sql is None:
        return []
    return [t.upper() if t.isidentifier() and t.upper() in _KEYWORDS else t
            for t in _TOKEN.findall(sql) if t not in ('"', "`", "[", "]")]


_KEYWORDS = {"CREATE", "VIRTUAL", "TABLE", "TRIGGER", "INDEX", "UNIQUE", "ON", "USING", "AFTER",
             "BEFORE", "INSERT", "UPDATE", "DELETE", "INTO", "VALUES", "BEGIN", "END", "NEW", "OLD"}
