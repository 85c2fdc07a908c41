"""Syncing an open database with the desk's team server in the background (no Qt).

`BackgroundSync` runs a `SyncClient` on a thread of its own (never the window's): one sync when it
starts, then one every few seconds, one at once when asked (`sync_now`), and while the server
cannot be reached it keeps trying, less often, until it answers again. It opens the database on
that thread with its own connection; the window sees what came in through its usual look for
outside changes (`Workspace.notice_outside_changes`).

The rest are the small pieces a connection dialog and a status indicator need: a connection
string split into fields and put back together without its password, and the words for a status.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlencode

from workbench.errors import WorkbenchError
from workbench.sync import SyncCancelled, SyncClient, SyncStatus, SyncSummary
from workbench.sync_server import (PasswordPrompt, ServerUnreachable, SyncError, conninfo_parts, describe,
                                   without_password)

INTERVAL_S = 5.0  # between background syncs
OFFLINE_MAX_S = 60.0  # while offline the wait doubles up to this
FAILED_WAIT_S = 60.0  # after a refusal (a newer server, a refused row): try again this much later
STOP_WAIT_S = 15.0  # how long stop() waits for a sync under way to give up


# -- connection strings --------------------------------------------------------------------------

@dataclass
class Connection:
    """A team server's connection string as fields; `password` only ever stays in memory."""

    host: str = ""
    port: str = ""
    dbname: str = ""
    user: str = ""
    options: dict[str, str] = field(default_factory=dict)  # sslmode and the like, kept as given
    password: str | None = None

    @classmethod
    def parse(cls, text: str) -> "Connection":
        """The fields of a postgresql:// URL or key=value string; SyncError if it is neither."""
        parts = {k: str(v) for k, v in conninfo_parts(text.strip()).items()}
        return cls(parts.pop("host", ""), parts.pop("port", ""), parts.pop("dbname", ""), parts.pop("user", ""),
                   password=parts.pop("password", None), options=parts)

    def url(self) -> str:
        """A postgresql:// URL for these fields, never with the password (fit for settings)."""
        user = quote(self.user, safe="") + "@" if self.user else ""
        host = self.host if ":" not in self.host or self.host.startswith("[") else f"[{self.host}]"
        port = f":{self.port}" if self.port else ""
        query = "?" + urlencode(sorted(self.options.items())) if self.options else ""
        return f"postgresql://{user}{quote(host, safe='[]:,')}{port}/{quote(self.dbname, safe='')}{query}"

    def problem(self) -> str | None:
        """Why these fields cannot be used, or None."""
        if not self.host.strip():
            return "Give the server's host name."
        if not self.dbname.strip():
            return "Give the name of the desk's database."
        try:
            conninfo_parts(self.url())
        except SyncError as error:
            return str(error)
        return None


def settings_key(database_id: str) -> str:
    """Where the window remembers the server a database syncs with (its URL without the password)."""
    return f"teamServer/{database_id}"


# -- what an indicator shows ---------------------------------------------------------------------

LABELS = {"never synced": "Not synced yet", "syncing": "Syncing…", "synced": "Synced",
          "offline": "Offline", "failed": "Sync failed"}


def local_time(iso: str | None, now: datetime | None = None) -> str:
    """A UTC ISO time as the reviewer's clock shows it: 14:32 today, else 3 May 14:32."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    except ValueError:
        return ""
    today = (now or datetime.now(timezone.utc)).astimezone().date()
    return moment.strftime("%H:%M") if moment.date() == today else f"{moment.day} {moment:%b %H:%M}"


def status_text(status: SyncStatus, now: datetime | None = None) -> str:
    """The indicator's words: Synced 14:32, Syncing…, Offline, Sync failed, Not synced yet."""
    words = LABELS.get(status.state, status.state)
    if status.state == "synced" and status.last_sync:
        words += " " + local_time(status.last_sync, now)
    return words


def status_details(server: str, status: SyncStatus, now: datetime | None = None) -> str:
    """The indicator's tooltip: the server, the last complete sync, and what happened last (plain text)."""
    last = local_time(status.last_sync, now)
    lines = [f"Team server: {server}", f"Last sync: {last}" if last else "Not synced with it yet"]
    if status.message:
        lines.append(("Why: " if status.state in ("offline", "failed") else "") + status.message)
    if status.state == "offline":
        lines.append("Work on: everything is kept here and sent when the server answers again.")
    return "\n".join(lines)


# -- the background loop -------------------------------------------------------------------------

class BackgroundSync:
    """Syncs one database file with one server on a thread of its own, until `stop()`.

    `on_status(SyncStatus)` and `on_synced(SyncSummary)` are called from that thread; so is
    `prompt(server name)` when the server wants a password nobody gave.
    """

    def __init__(self, db_path: str | Path, url: str, *, reviewer: str, prompt: PasswordPrompt | None = None,
                 on_status: Callable[[SyncStatus], None] | None = None,
                 on_synced: Callable[[SyncSummary], None] | None = None,
                 interval_s: float = INTERVAL_S, offline_max_s: float = OFFLINE_MAX_S,
                 failed_wait_s: float = FAILED_WAIT_S):
        self.url = without_password(url)  # a malformed string is refused here, not on the thread
        self._conninfo = url  # with its password, if it had one: for the SyncClient, which keeps it in memory
        self.db_path, self.reviewer, self.prompt = Path(db_path), reviewer, prompt
        self.server = describe(url)
        self.on_status = on_status or (lambda status: None)
        self.on_synced = on_synced or (lambda summary: None)
        self.interval_s, self.offline_max_s, self.failed_wait_s = interval_s, offline_max_s, failed_wait_s
        self.status = SyncStatus("never synced")
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"sync {self.server}", daemon=True)

    def start(self) -> None:
        """Start syncing: at once, then every interval."""
        self._thread.start()

    def sync_now(self) -> None:
        """Sync as soon as the one under way (if any) ends, and retry at once if offline."""
        self._wake.set()

    def stop(self, timeout_s: float = STOP_WAIT_S) -> None:
        """Stop syncing (a sync under way is cancelled where it can be; what it completed is kept)."""
        self._stopping.set()
        self._wake.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout_s)

    @property
    def stopping(self) -> bool:
        """Whether stop() was called (a prompt on the syncing thread should stop waiting)."""
        return self._stopping.is_set()

    def _report(self, status: SyncStatus) -> None:
        self.status = status
        if not self._stopping.is_set():
            self.on_status(status)

    def _run(self) -> None:
        try:
            client = SyncClient(self.db_path, self._conninfo, reviewer=self.reviewer, prompt=self.prompt,
                                on_status=self._report)
        except WorkbenchError as error:
            self._report(SyncStatus("failed", None, str(error)))
            return
        self._report(client.status)
        try:
            self._loop(client)
        finally:
            client.close()

    def _loop(self, client: SyncClient) -> None:
        wait = self.interval_s
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                summary = client.sync_once(cancel=self._stopping.is_set)
            except SyncCancelled:
                return
            except ServerUnreachable:
                wait = min(max(wait, self.interval_s) * 2, self.offline_max_s)
            except Exception as error:  # noqa: BLE001 - any failure is shown, and tried again later
                if not isinstance(error, WorkbenchError):  # SyncClient reported only its own kinds
                    self._report(SyncStatus("failed", client.status.last_sync, f"{type(error).__name__}: {error}"))
                wait = self.failed_wait_s
            else:
                wait = self.interval_s
                if not self._stopping.is_set():
                    self.on_synced(summary)
            self._wake.wait(wait)
