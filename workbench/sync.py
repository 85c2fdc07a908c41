"""Syncing a database with the desk's PostgreSQL server: push our changes, pull everyone else's.

`sync_database(store, url, reviewer_id=...)` runs one sync:

1. connect (password from the URL, PGPASSWORD, ~/.pgpass, or a prompt) and create or check the
   server schema (sync_server);
2. pull every row changed on the server since our cursor (one server snapshot), plus the server's
   copy of any row those point at that we lack; check them as untrusted and merge them in with the
   merge rules (sync_merge); then move the cursor in a local transaction of its own;
3. push every row changed here since the last push (read in one local snapshot) in one server
   transaction that replaces only versions we have pulled; if someone pushed meanwhile, go back to 2.

Each step commits whole or not at all on its side, and the cursor and the "waiting to be sent"
marks move only in the local transaction that follows what they describe, so a sync cut at any
moment (network, SIGKILL) leaves both sides consistent and the next sync completes it: merging
the same rows twice changes nothing. `SyncClient` wraps this for a window's worker thread.
"""

import contextlib
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from workbench import schema, sync_local, sync_merge, sync_server
from workbench.merge import MergeSummary, batch_columns
from workbench.store import Store
from workbench.sync_server import PushConflict, ServerUnreachable, SyncError

MAX_ATTEMPTS = 8
Progress = Callable[[str, int, int | None], None]  # phase, done, total (None: not known)


class SyncCancelled(SyncError):
    """The sync was cancelled; what it had completed is kept, the rest waits for the next one."""


@dataclass
class SyncSummary:
    """What one sync did."""

    server: str
    pulled: int = 0  # rows received from the server
    pushed: int = 0  # rows sent to it
    files_received: int = 0  # attachment bytes fetched (only those this database did not have)
    files_sent: int = 0  # attachment bytes uploaded (only those the server did not have)
    merged: MergeSummary | None = None
    attempts: int = 1

    def __str__(self) -> str:
        came = str(self.merged) if self.merged and self.merged.changed else "nothing new came in"
        sent = f"{_count(self.pushed, 'row')} sent" if self.pushed else "nothing to send"
        if self.files_sent:
            sent += f" (with {_count(self.files_sent, 'attached file')})"
        return f"{self.server}: {came}; {sent}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def sync_database(store: Store, url: str, *, reviewer_id: str, password: str | None = None,
                  prompt: sync_server.PasswordPrompt | None = None, progress: Progress | None = None,
                  cancel: Callable[[], bool] | None = None) -> SyncSummary:
    """Push this database's changes to the server at url and pull everyone else's."""
    if progress:
        progress("connecting", 0, None)
    conn, _ = sync_server.connect(url, password=password, prompt=prompt)
    try:
        return _Sync(store, url, reviewer_id, progress, cancel).run(conn)
    finally:
        conn.close()


class _Sync:
    def __init__(self, store: Store, url: str, reviewer_id: str, progress: Progress | None,
                 cancel: Callable[[], bool] | None):
        self.store, self.url, self.reviewer_id = store, url, reviewer_id
        self.name = sync_server.describe(url)
        self.summary = SyncSummary(self.name)
        self.progress = progress or (lambda phase, done, total: None)
        self.cancel = cancel or (lambda: False)
        self.state: sync_local.SyncState | None = None

    def run(self, conn: psycopg.Connection) -> SyncSummary:
        """The sync over an open connection (left open)."""
        try:
            info = sync_server.ensure_schema(conn, self.name)
            state = self.state = (sync_local.load_state(self.store, info.server_id)
                                  or sync_local.start(info.server_id, sync_server.without_password(self.url)))
            for attempt in range(1, MAX_ATTEMPTS + 1):
                self.summary.attempts = attempt
                self._pull(conn, state)
                try:
                    self._push(conn, state)
                    break
                except PushConflict:  # someone pushed a row we are sending: pull it, merge, retry
                    time.sleep(random.uniform(0, 0.05 * attempt))
            else:
                raise SyncError(f"{self.name}: the server kept changing the same rows during {MAX_ATTEMPTS} "
                                "attempts; everything pulled so far is kept; sync again")
            with self.store.transaction():
                state.url = sync_server.without_password(self.url)
                sync_local.mark_synced(state)
                sync_local.save_state(self.store, state)
            self.progress("done", self.summary.pushed, self.summary.pushed)
            return self.summary
        except psycopg.OperationalError as error:  # the connection was lost or the server went away
            raise ServerUnreachable(f"{self.name}: the connection to the team server was lost "
                                    f"({sync_server.error_line(error)}); nothing half-done was kept") from None
        except psycopg.Error as error:
            raise SyncError(f"{self.name}: the server refused the sync ({sync_server.error_line(error)})") from None

    def _check_cancel(self) -> None:
        if self.cancel():
            raise SyncCancelled(f"{self.name}: sync cancelled; what was complete is kept")

    # -- pull ----------------------------------------------------------------------------------

    def _pull(self, conn, state: sync_local.SyncState) -> None:
        self._check_cancel()

        def tick(done: int) -> None:
            self.progress("pulling", done, None)
            self._check_cancel()

        pulled = sync_server.pull(
            conn, since=state.snapshot, own=state.own, lacking=self._lacks_blob,
            local_schema=schema.schema_version(), name=self.name, tick=tick,
            missing=lambda rows: _missing_references(self.store, rows, self.name))
        self._check_cancel()
        self.summary.pulled += pulled.count
        self.summary.files_received += len(pulled.blobs)
        self.progress("merging", 0, pulled.count)
        if pulled.count:  # checked whole, then written (in parts the merge commits, each consistent)
            self._add(sync_merge.apply_foreign(
                self.store, pulled.rows, pulled.blobs, source=self.name, server_id=state.server_id,
                progress=lambda done, total: self.progress("merging", done, total)))
        # The cursor moves only now: a pull merged in part is merged again by the next sync.
        with self.store.transaction():
            if state.fresh:  # a first sync with this server sends everything not already there
                sync_local.mark_all(self.store)
            for table, rows in pulled.rows.items():  # exactly as the server has them: nothing to send
                local = sync_merge.local_rows(self.store, table, [data["id"] for data, _ in rows])
                sync_local.unmark(self.store, table, [data["id"] for data, clocks in rows
                                                      if local.get(data["id"]) == (data, clocks)])
            state.snapshot = pulled.snapshot
            state.own = [xid for xid in state.own if not sync_local.visible(xid, pulled.snapshot)]
            sync_local.save_state(self.store, state)
        self.progress("merging", pulled.count, pulled.count)

    def _lacks_blob(self, sha256: str) -> bool:
        return self.store.get_value("SELECT 1 FROM blobs WHERE sha256 = ?", [sha256]) is None

    def _add(self, merged: MergeSummary) -> None:
        if self.summary.merged is None:
            self.summary.merged = merged
            return
        self.summary.merged.conflicts += merged.conflicts
        for table, count in merged.tables.items():
            total = self.summary.merged.count(table)
            total.added += count.added
            total.updated += count.updated
            total.unchanged += count.unchanged

    # -- push ----------------------------------------------------------------------------------

    def _push(self, conn, state: sync_local.SyncState) -> None:
        self._check_cancel()
        up_to, rows, blob_sizes = self._outgoing()
        if up_to == 0:
            return
        self.progress("pushing", 0, len(rows))
        outgoing = sync_server.Outgoing(list(sync_server.iter_json(rows)), blob_sizes,
                                        lambda sha256: sync_merge.blob_bytes(self.store, sha256))
        self._check_cancel()
        xid, uploaded = sync_server.push(conn, outgoing, since=state.snapshot, own=state.own,
                               pushed_by=self.store.database_id, local_schema=schema.schema_version())
        with self.store.transaction():
            sync_local.clear_pending(self.store, up_to)
            state.own.append(xid)
            sync_local.save_state(self.store, state)
        self.summary.pushed += len(rows)
        self.summary.files_sent += uploaded
        self.progress("pushing", len(rows), len(rows))

    def _outgoing(self):
        """The marked rows, read in one snapshot of this database (a writer may be busy meanwhile)."""
        conn = self.store.conn
        conn.execute("BEGIN")
        try:
            up_to, waiting = sync_local.pending(self.store)
            rows, blob_sizes = [], {}
            for table in sync_merge.tables(self.store):
                if table not in waiting:
                    continue
                rules = sync_merge.layout(self.store, table)
                for data, clocks in sync_merge.local_rows(self.store, table, waiting[table]).values():
                    rows.append((table, sync_merge.server_key(rules, data), data, clocks))
                    if table == "blobs":
                        blob_sizes[data["sha256"]] = data["size"]
        finally:
            conn.execute("COMMIT")
        return up_to, rows, blob_sizes


def _missing_references(store: Store, rows: dict[str, list[tuple[dict, object]]], name: str) -> dict[str, set[str]]:
    """Ids the pulled rows point at that are neither among them nor here: (table -> ids) to fetch too."""
    _check_shape(store, rows, name)
    have = {table: {data["id"] for data, _ in items} for table, items in rows.items()}
    wanted: dict[str, set[str]] = {}
    for table, items in rows.items():
        for column, target in sync_merge.layout(store, table).foreign_keys:
            refs = {data.get(column) for data, _ in items} - {None} - have.get(target, set())
            refs = {ref for ref in refs if isinstance(ref, str)}
            if refs:
                wanted.setdefault(target, set()).update(refs)
    missing = {}
    for table, refs in wanted.items():
        here = {r[0] for r in store.conn.execute(f'SELECT id FROM "{table}" WHERE id IN '
                                                 "(SELECT value FROM json_each(?))", [json.dumps(sorted(refs))])}
        if refs - here:
            missing[table] = refs - here
    return missing


def _check_shape(store: Store, rows: dict[str, list[tuple[dict, object]]], name: str) -> None:
    """Refuse server rows that are not rows of a synced table at all (their contents: merge checks)."""
    known = sync_merge.tables(store)
    for table, items in rows.items():
        if table not in known:
            raise SyncError(f"{name}: the server holds rows of an unknown table {table!r:.60}; nothing was merged")
        columns = set(batch_columns(store, table))
        for data, clocks in items:
            if not isinstance(data, dict) or not isinstance(data.get("id"), str):
                raise SyncError(f"{name}: a {table} row on the server is not a row; nothing was merged")
            if not isinstance(clocks, list) or not all(isinstance(c, list) and len(c) == 3 for c in clocks):
                raise SyncError(f"{name}: {table} row {data['id']:.60} has field clocks that are not "
                                "[field, time, author] lists; nothing was merged")
            unknown = set(data) - columns
            if unknown:
                raise SyncError(f"{name}: {table} row {data['id']:.60} has columns this program does not "
                                f"know ({', '.join(sorted(map(str, unknown)))[:200]}); nothing was merged")


# -- for a window: one object per database and server, used from a worker thread -------------------

@dataclass(frozen=True)
class SyncStatus:
    """What a status-bar indicator shows."""

    state: str  # "never synced", "syncing", "synced", "offline", "failed"
    last_sync: str | None = None  # UTC ISO time of the last complete sync
    message: str = ""  # the last error, or the last summary


class SyncClient:
    """Syncs one database file with one server; Qt-free, so a window runs `sync_once` on a worker thread.

    The connection string is kept without its password (`url`, fit to store in settings); a
    password given in it, typed at the prompt, or found by libpq (PGPASSWORD, ~/.pgpass) stays in
    memory only. The server connection and the database stay open between syncs, so a background
    sync every few seconds costs neither a new login nor the checks of opening the file (call
    `sync_once` from one worker thread: SQLite connections belong to the thread that opened them;
    a call from another thread opens the file for that call only). Both are opened again after an
    error. `on_status(status)` is called from the syncing thread at each change of state.
    `close()` when done.
    """

    def __init__(self, db_path: str | Path, url: str, *, reviewer: str,
                 prompt: sync_server.PasswordPrompt | None = None,
                 on_status: Callable[[SyncStatus], None] | None = None):
        self.db_path = Path(db_path)
        self.url = sync_server.without_password(url)
        self.name = sync_server.describe(url)
        self.reviewer = reviewer
        self.prompt = prompt
        self.on_status = on_status or (lambda status: None)
        self._password = sync_server.conninfo_parts(url).get("password")
        self._conn: psycopg.Connection | None = None
        self._store: Store | None = None
        self._store_thread: int | None = None
        self._lock = threading.Lock()  # one sync at a time; a second caller waits for the first
        self._status = SyncStatus("never synced", self._saved_last_sync())

    @property
    def status(self) -> SyncStatus:
        """The current state, the time of the last complete sync and the last message."""
        return self._status

    def sync_once(self, progress: Progress | None = None,
                  cancel: Callable[[], bool] | None = None) -> SyncSummary:
        """One complete sync (or an error: SyncError, ServerUnreachable when offline, SyncCancelled)."""
        with self._lock:
            self._set(SyncStatus("syncing", self._status.last_sync, self._status.message))
            try:
                with self._database() as store:
                    run = _Sync(store, self.url, store.reviewer(self.reviewer), progress, cancel)
                    run.progress("connecting", 0, None)
                    summary = run.run(self._connection())
            except ServerUnreachable as error:
                self._drop()
                self._set(SyncStatus("offline", self._status.last_sync, str(error)))
                raise
            except Exception as error:
                self._drop()
                self._set(SyncStatus("failed", self._status.last_sync, str(error)))
                raise
            self._set(SyncStatus("synced", run.state.last_sync, str(summary)))
            return summary

    def close(self) -> None:
        """Close the connection to the server and the database, if open (from the syncing thread)."""
        with self._lock:
            self._drop()
            if self._store is not None and self._store_thread == threading.get_ident():
                self._store.close()
            self._store = None

    @contextlib.contextmanager
    def _database(self):
        """The database, kept open for the next sync when this thread opened it; closed after an error."""
        if self._store is not None and self._store_thread == threading.get_ident():
            store = self._store
        else:
            store = Store.open(self.db_path)
            if self._store is None:
                self._store, self._store_thread = store, threading.get_ident()
        try:
            yield store
        except BaseException:
            if store is self._store:
                self._store = None
            store.close()
            raise
        if store is not self._store:
            store.close()

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._drop()
            self._conn, asked = sync_server.connect(self.url, password=self._password, prompt=self.prompt)
            self._password = asked or self._password
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _set(self, status: SyncStatus) -> None:
        self._status = status
        self.on_status(status)

    def _saved_last_sync(self) -> str | None:
        if not self.db_path.exists():
            return None
        with Store.open(self.db_path) as store:
            state = sync_local.load_state(store, _server_of(store, self.url) or "")
        return state.last_sync if state else None


def _server_of(store: Store, url: str) -> str | None:
    """The id of the server this database last synced with at url, if any."""
    for key, value in store.conn.execute("SELECT key, value FROM meta WHERE key LIKE 'sync:%'"):
        state = sync_local.load_state(store, key[len("sync:"):])
        if state and state.url == url:
            return state.server_id
    return None
