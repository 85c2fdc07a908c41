"""This database's side of a sync: where it stands with a server, and which rows wait to be sent.

The sync state lives in `meta` under `sync:<server id>` as JSON: the database id it belongs to (a
saved copy gets a new id and so starts afresh), the snapshot of the last pull (the cursor), the
transaction ids of our own pushes not yet behind that snapshot, and the time of the last sync.

Rows waiting to be sent are noted in `sync_pending` by triggers (schema m008) on every insert and
update of a synced table, whoever makes it: an edit, an import, a file merge, a pull.
"""

import json
from dataclasses import dataclass, field

from workbench import ids, schema
from workbench.store import Store


@dataclass
class SyncState:
    """Where this database stands with one server."""

    server_id: str
    snapshot: str | None = None  # pg_snapshot text of the last pull applied here
    own: list[str] = field(default_factory=list)  # our push transactions not yet behind snapshot
    last_sync: str | None = None  # UTC ISO time of the last complete sync
    url: str | None = None  # the connection string last used, without its password
    fresh: bool = False  # not saved yet: the first pull's transaction marks every row and saves it


def state_key(server_id: str) -> str:
    """The meta key of the sync state for a server."""
    return f"sync:{server_id}"


def load_state(store: Store, server_id: str) -> SyncState | None:
    """The saved state for this server and this database, or None (never synced)."""
    text = store.meta(state_key(server_id))
    try:
        saved = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(saved, dict) or saved.get("database_id") != store.database_id:
        return None  # a copy of a synced file: it has not been synced itself
    return SyncState(server_id, saved.get("snapshot"), list(saved.get("own") or []),
                     saved.get("last_sync"), saved.get("url"))


def save_state(store: Store, state: SyncState) -> None:
    """Write state into meta (inside the caller's transaction)."""
    state.fresh = False
    store.set_meta(state_key(state.server_id), json.dumps({
        "database_id": store.database_id, "snapshot": state.snapshot, "own": state.own,
        "last_sync": state.last_sync, "url": state.url}))


def start(server_id: str, url: str) -> SyncState:
    """A first sync with a server: nothing pulled yet, and (once the first pull is applied, in its
    transaction: see `fresh`) every row to be sent."""
    return SyncState(server_id, url=url, fresh=True)


def mark_all(store: Store) -> None:
    """Note every row of every synced table as waiting to be sent."""
    store.conn.execute("DELETE FROM sync_pending")
    for table in schema.SYNCED_TABLES:
        store.conn.execute(f"INSERT INTO sync_pending (tbl, row_id) SELECT '{table}', id FROM \"{table}\"")


def pending(store: Store) -> tuple[int, dict[str, list[str]]]:
    """The highest mark now, and the ids waiting to be sent, per table."""
    rows = store.conn.execute("SELECT n, tbl, row_id FROM sync_pending ORDER BY n").fetchall()
    waiting: dict[str, list[str]] = {}
    for _, table, row_id in rows:
        waiting.setdefault(table, []).append(row_id)
    return (rows[-1][0] if rows else 0), waiting


def clear_pending(store: Store, up_to: int) -> None:
    """Forget the marks up to `up_to` (they were sent); later changes stay marked."""
    store.conn.execute("DELETE FROM sync_pending WHERE n <= ?", [up_to])


def unmark(store: Store, table: str, row_ids: list[str]) -> None:
    """Forget the marks of rows that are exactly as the server has them."""
    store.conn.executemany("DELETE FROM sync_pending WHERE tbl = ? AND row_id = ?",
                           ((table, row_id) for row_id in row_ids))


def visible(xid: str, snapshot: str) -> bool:
    """True when transaction xid had finished before the snapshot (PostgreSQL's pg_visible_in_snapshot)."""
    xmin, xmax, running = snapshot.split(":")
    number = int(xid)
    return number < int(xmin) or (number < int(xmax) and str(number) not in running.split(","))


def mark_synced(state: SyncState) -> None:
    """Stamp a complete sync."""
    state.last_sync = ids.now()
