"""The team server: a PostgreSQL database holding every synced row, reached with psycopg.

Everything lives in the schema `workbench`, created on first use by the versioned migrations
below (a server set up by a newer program is refused):

- `migrations(id, name, applied_at)`: which of SERVER_MIGRATIONS have run, in order.
- `server(key, value)`: `server_id` (a UUID naming this server in each database's sync state) and
  `local_schema` (the newest workbench file schema that pushed rows here).
- `rows(tbl, id, data, clocks, xid, pushed_by, pushed_at)`: one row per workbench row, its latest
  merged state (`data`: column values as JSON; `clocks`: its field clocks), and `xid`, the id of
  the transaction that last changed it: the pull cursor (docs/sync.md explains why a transaction
  id and snapshot, not a sequence number).
- `blobs(sha256, size, data)`: attachment bytes, stored once however many rows point at them.

Nothing here merges: rows are merged on the workbench side by the merge rules, and a push only
replaces a row whose stored version the pusher has already pulled (a compare-and-set on `xid`).
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from workbench.errors import WorkbenchError

APPLICATION_NAME = "workbench-sync"
CONNECT_TIMEOUT_S = 10
MIGRATION_LOCK = 0x46434B57  # pg_advisory_xact_lock key: one client at a time sets the schema up
FETCH_ROWS = 2_000

PasswordPrompt = Callable[[str], str | None]


class SyncError(WorkbenchError):
    """A sync that could not complete; both sides are as consistent as before it started."""


class ServerUnreachable(SyncError):
    """The server could not be reached or the connection was lost: work on offline."""


class PushConflict(Exception):
    """Someone pushed a row after our last pull: pull again, merge, and push the result."""


# -- connection strings and connecting ---------------------------------------------------------

def conninfo_parts(conninfo: str) -> dict:
    """The fields of a postgresql:// URL or key=value connection string; SyncError if malformed."""
    try:
        parts = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError as error:
        raise SyncError(f"not a PostgreSQL connection string ({error_line(error)})") from None
    if any(not port.strip().isdigit() for port in str(parts.get("port") or "5432").split(",")):
        raise SyncError(f"not a PostgreSQL connection string (the port {parts['port']!r:.40} is not a number)")
    return parts


def without_password(conninfo: str) -> str:
    """The connection string with any password removed: what may be stored or shown."""
    parts = conninfo_parts(conninfo)
    parts.pop("password", None)
    return make_conninfo("", **parts)


def describe(conninfo: str) -> str:
    """A short name for the server, e.g. ana@desk.example.org:5432/factcheck (never a password)."""
    parts = conninfo_parts(conninfo)
    where = parts.get("host") or parts.get("hostaddr") or "localhost"
    if parts.get("port"):
        where += f":{parts['port']}"
    user = parts.get("user")
    return f"{user + '@' if user else ''}{where}/{parts.get('dbname') or user or ''}"


def connect(conninfo: str, *, password: str | None = None,
            prompt: PasswordPrompt | None = None) -> tuple[psycopg.Connection, str | None]:
    """Connect to the team server; the connection and the password that was asked for, if any.

    libpq looks for the password where PostgreSQL tools do (the connection string, PGPASSWORD,
    ~/.pgpass or PGPASSFILE); when the server still wants one, prompt(server name) is asked once.
    """
    name = describe(conninfo)
    # autocommit: statements outside `conn.transaction()` never leave a transaction open, which
    # would hold back every pull's snapshot horizon while a window keeps its connection.
    options = {"autocommit": True, "application_name": APPLICATION_NAME, "connect_timeout": CONNECT_TIMEOUT_S,
               "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
    options.update({k: v for k, v in conninfo_parts(conninfo).items() if k != "password" or not password})
    if password:
        options["password"] = password
    try:
        return psycopg.connect(**options), None
    except psycopg.OperationalError as error:
        text = str(error)
        wants_password = "password" in text and ("no password supplied" in text or "authentication failed" in text)
        if not (wants_password and prompt and not password):
            raise _unreachable(name, error) from None
    asked = prompt(name)
    if not asked:
        raise SyncError(f"{name}: the server asks for a password and none was given")
    try:
        return psycopg.connect(**{**options, "password": asked}), asked
    except psycopg.OperationalError as error:
        raise _unreachable(name, error) from None


def _unreachable(name: str, error: Exception) -> SyncError:
    text = error_line(error)
    if "authentication failed" in text or "no password supplied" in text or "does not exist" in text:
        return SyncError(f"{name}: {text}")
    return ServerUnreachable(f"{name}: cannot reach the team server ({text})")


def error_line(error: Exception) -> str:
    """A driver error's message on one line."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "; ".join(lines) if lines else type(error).__name__


# -- the server schema ---------------------------------------------------------------------------

SERVER_MIGRATIONS: list[tuple[str, list[str]]] = [
    ("m001_rows", [
        "CREATE TABLE workbench.server (key text PRIMARY KEY, value text NOT NULL)",
        "INSERT INTO workbench.server (key, value) VALUES ('server_id', gen_random_uuid()::text), "
        "('local_schema', '0')",
        "CREATE TABLE workbench.rows (tbl text NOT NULL, id text NOT NULL, data jsonb NOT NULL, "
        "clocks jsonb NOT NULL, xid xid8 NOT NULL DEFAULT pg_current_xact_id(), pushed_by text NOT NULL, "
        "pushed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tbl, id))",
        "CREATE INDEX rows_xid ON workbench.rows (xid)",
        "CREATE TABLE workbench.blobs (sha256 text PRIMARY KEY, size bigint NOT NULL, "
        "data bytea NOT NULL, pushed_by text NOT NULL, pushed_at timestamptz NOT NULL DEFAULT now())",
    ]),
]


@dataclass
class ServerInfo:
    """What a sync needs to know about the server it reached."""

    server_id: str
    local_schema: int  # the newest workbench file schema whose rows are stored there
    name: str = ""


def ensure_schema(conn: psycopg.Connection, name: str) -> ServerInfo:
    """Create or upgrade the server schema (one client at a time); refuse one newer than ours."""
    known = [m[0] for m in SERVER_MIGRATIONS]
    try:
        with conn.transaction():
            applied = _applied(conn)
            if applied != known:
                _check_known(applied, known, name)
                conn.execute("SELECT pg_advisory_xact_lock(%s)", [MIGRATION_LOCK])
                _as_database_owner(conn)
                applied = _applied(conn)  # another client may have done it while we waited
                if applied is None:
                    conn.execute("CREATE SCHEMA IF NOT EXISTS workbench")
                    conn.execute("CREATE TABLE workbench.migrations (id integer PRIMARY KEY, "
                                 "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
                    applied = []
                _check_known(applied, known, name)
                for number, (migration, statements) in enumerate(SERVER_MIGRATIONS[len(applied):],
                                                                 start=len(applied) + 1):
                    for statement in statements:
                        conn.execute(statement)
                    conn.execute("INSERT INTO workbench.migrations (id, name) VALUES (%s, %s)",
                                 [number, migration])
            values = dict(conn.execute("SELECT key, value FROM workbench.server").fetchall())
    except pg_errors.InsufficientPrivilege as error:
        raise SyncError(f"{name}: this role may not set up the workbench tables ({error_line(error)}); "
                        "the desk's administrator runs the first sync as the database's owner") from None
    except psycopg.OperationalError as error:
        raise _unreachable(name, error) from None
    return ServerInfo(values["server_id"], int(values["local_schema"]), name)


def _as_database_owner(conn: psycopg.Connection) -> None:
    """Create the tables as the database's owner when we are a member of that role (a desk's group
    role with one login per reviewer): then every member may use them, and upgrade them later."""
    owner = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()").fetchone()[0]
    if owner != conn.info.user and conn.execute("SELECT pg_has_role(%s, 'MEMBER')", [owner]).fetchone()[0]:
        conn.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(owner)))


def _applied(conn: psycopg.Connection) -> list[str] | None:
    if conn.execute("SELECT to_regclass('workbench.migrations')").fetchone()[0] is None:
        return None
    return [r[0] for r in conn.execute("SELECT name FROM workbench.migrations ORDER BY id")]


def _check_known(applied: list[str] | None, known: list[str], name: str) -> None:
    if applied is not None and applied != known[:len(applied)]:
        newer = [m for m in applied if m not in known] or applied
        raise SyncError(f"{name}: the team server was set up by a newer workbench (server schema "
                        f"{len(applied)}, this program knows {len(known)}: {', '.join(newer)}); "
                        "update the program to sync with it")


# -- pulling -------------------------------------------------------------------------------------

@dataclass
class Pulled:
    """Rows changed on the server since a snapshot, read in one snapshot of their own."""

    snapshot: str
    rows: dict[str, list[tuple[dict, object]]] = field(default_factory=dict)  # table -> (data, clocks)
    blobs: dict[str, bytes] = field(default_factory=dict)  # sha256 -> bytes we did not have
    count: int = 0


def pull(conn: psycopg.Connection, *, since: str | None, own: list[str], lacking: Callable[[str], bool],
         missing: Callable[[dict], dict[str, set[str]]], local_schema: int, name: str,
         tick: Callable[[int], None]) -> Pulled:
    """Every row whose last change is not visible in the snapshot `since` (all when None),
    leaving out the versions we pushed ourselves (transactions `own`), then the rows those point
    at that `missing(rows)` says we lack (say a claim of ours that was removed here after it was
    pushed), and the bytes of blobs we do not have."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot, standby = conn.execute("SELECT pg_current_snapshot()::text, pg_is_in_recovery()").fetchone()
        if standby:  # a standby's snapshot lists no running transactions (it keeps them elsewhere):
            xmin = snapshot.split(":")[0]  # only its xmin is exact, so treat everything after it as unseen
            snapshot = f"{xmin}:{xmin}:"
        newest = int(conn.execute("SELECT value FROM workbench.server WHERE key = 'local_schema'").fetchone()[0])
        if newest > local_schema:
            raise SyncError(f"{name}: the team server holds rows written by a newer workbench (file "
                            f"schema {newest}, this program writes {local_schema}); update the program")
        pulled = Pulled(snapshot)
        where, params = "NOT xid = ANY(%s::text[]::xid8[])", [own]
        if since:
            where = ("xid >= pg_snapshot_xmin(%s::pg_snapshot) AND NOT pg_visible_in_snapshot(xid, %s::pg_snapshot) "
                     "AND " + where)
            params = [since, since, own]
        with conn.cursor(name="workbench_pull") as cursor:
            cursor.itersize = FETCH_ROWS
            cursor.execute(f"SELECT tbl, data, clocks FROM workbench.rows WHERE {where}", params)
            for table, data, clocks in cursor:
                pulled.rows.setdefault(table, []).append((data, clocks))
                pulled.count += 1
                if pulled.count % FETCH_ROWS == 0:
                    tick(pulled.count)
        for _ in range(5):  # the longest chain: attachment → evidence → claim → article → reviewer
            lacked = missing(pulled.rows)
            fetched = [(table, data, clocks) for table, refs in sorted(lacked.items())
                       for table, data, clocks in conn.execute(
                           "SELECT tbl, data, clocks FROM workbench.rows WHERE tbl = %s AND id = ANY(%s)",
                           [table, sorted(refs)])]
            for table, data, clocks in fetched:
                pulled.rows.setdefault(table, []).append((data, clocks))
                pulled.count += 1
            if not fetched:
                break  # what is still missing is missing on the server too: the merge names it
        wanted = sorted({d.get("sha256") for d, _ in pulled.rows.get("blobs", ())
                         if isinstance(d, dict) and isinstance(d.get("sha256"), str) and lacking(d["sha256"])})
        for sha256 in wanted:  # one at a time: each may be up to the attachment limit
            found = conn.execute("SELECT data FROM workbench.blobs WHERE sha256 = %s", [sha256]).fetchone()
            if found:
                pulled.blobs[sha256] = bytes(found[0])
        tick(pulled.count)
    return pulled


# -- pushing -------------------------------------------------------------------------------------

@dataclass
class Outgoing:
    """Rows to push: (table, id, data as JSON text, clocks as JSON text), and blob bytes by SHA-256."""

    rows: list[tuple[str, str, str, str | None]]
    blob_sizes: dict[str, int]
    read_blob: Callable[[str], bytes]


def push(conn: psycopg.Connection, outgoing: Outgoing, *, since: str | None, own: list[str],
         pushed_by: str, local_schema: int) -> tuple[str, int]:
    """Store outgoing rows in one transaction; its transaction id and the number of files uploaded.

    A row is replaced only if the server's version is one we have (visible in our last pull's
    snapshot `since`, or written by one of our pushes `own`); otherwise nothing is stored and
    PushConflict is raised. Blob bytes the server lacks go first; rows are written in key order,
    so two pushers lock shared rows in the same order.
    """
    with conn.transaction():
        uploads = []
        if outgoing.blob_sizes:
            have = {r[0] for r in conn.execute("SELECT sha256 FROM workbench.blobs WHERE sha256 = ANY(%s)",
                                               [list(outgoing.blob_sizes)])}
            uploads = sorted(set(outgoing.blob_sizes) - have)
            for sha256 in uploads:
                conn.execute("INSERT INTO workbench.blobs (sha256, size, data, pushed_by) VALUES (%s, %s, %s, %s) "
                             "ON CONFLICT (sha256) DO NOTHING",
                             [sha256, outgoing.blob_sizes[sha256], outgoing.read_blob(sha256), pushed_by])
        conn.execute("CREATE TEMP TABLE push_stage (tbl text, id text, data jsonb, clocks jsonb) ON COMMIT DROP")
        with conn.cursor().copy("COPY push_stage (tbl, id, data, clocks) FROM STDIN") as copy:
            for row in outgoing.rows:
                copy.write_row(row)
        seen = "pg_visible_in_snapshot(r.xid, %s::pg_snapshot)" if since else "false"
        changed = "(r.data, r.clocks) IS DISTINCT FROM (excluded.data, excluded.clocks)"
        cursor = conn.execute(
            "INSERT INTO workbench.rows AS r (tbl, id, data, clocks, xid, pushed_by) "
            "SELECT tbl, id, data, clocks, pg_current_xact_id(), %s FROM push_stage ORDER BY tbl, id "
            "ON CONFLICT (tbl, id) DO UPDATE SET data = excluded.data, clocks = excluded.clocks, "
            f"xid = CASE WHEN {changed} THEN excluded.xid ELSE r.xid END, "
            f"pushed_by = CASE WHEN {changed} THEN excluded.pushed_by ELSE r.pushed_by END, "
            f"pushed_at = CASE WHEN {changed} THEN now() ELSE r.pushed_at END "
            f"WHERE {seen} OR r.xid = ANY(%s::text[]::xid8[])",
            [pushed_by, *([since] if since else []), own])
        if cursor.rowcount != len(outgoing.rows):
            raise PushConflict()
        conn.execute("UPDATE workbench.server SET value = %s WHERE key = 'local_schema' AND value::int < %s",
                     [str(local_schema), local_schema])
        return conn.execute("SELECT pg_current_xact_id()::text").fetchone()[0], len(uploads)


# -- reading the whole server (checks, benchmarks, administration) ------------------------------

def server_rows(conn: psycopg.Connection) -> dict[tuple[str, str], tuple[dict, object]]:
    """Every row stored on the server: (table, id) -> (data, clocks)."""
    with conn.transaction():
        return {(t, i): (d, c) for t, i, d, c in conn.execute("SELECT tbl, id, data, clocks FROM workbench.rows")}


def iter_json(rows: Iterator[tuple[str, str, dict, object]]) -> Iterator[tuple[str, str, str, str | None]]:
    """Rows as (table, id, data JSON, clocks JSON) for push(); SyncError for text PostgreSQL cannot hold."""
    for table, row_id, data, clocks in rows:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        if "\\u0000" in text:
            raise SyncError(f"{table} row {row_id}: contains a NUL character, which PostgreSQL cannot store")
        yield table, row_id, text, None if clocks is None else json.dumps(clocks, separators=(",", ":"))
