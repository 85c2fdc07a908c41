"""Long work (imports, merges) on its own connection to the database, for a worker thread: progress and cancel."""

import threading
from pathlib import Path

from workbench.errors import WorkbenchError
from workbench.store import Store
from workbench.workspace.events import EmitterGroup


def on_own_connection(path: Path, work):
    """Open the database at path on a connection of this thread, return work(store), close it.

    SQLite connections stay on the thread that opened them, so work on a worker thread (a
    task, an export's preview) reads through its own connection.
    """
    with Store.open(path) as store:
        return work(store)


class Task:
    """One piece of long work. `run()` belongs on a worker thread: it opens the database on a
    connection of its own (SQLite connections stay on their thread), calls work(store, task),
    and keeps the result or the error. The work reports with `task.report(done, total, text)`
    and stops early when `task.cancelled`. Events: progress ((done, total, text)), emitted on
    the worker's thread.
    """

    def __init__(self, label: str, path: Path, work):
        self.label = label
        self.path = Path(path)
        self.work = work
        self.events = EmitterGroup("progress")
        self.result = None
        self.error: str | None = None
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        """Whether the reviewer asked to stop."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the work to stop at its next step (what is done stays done)."""
        self._cancel.set()

    def report(self, done: int, total: int, text: str = "") -> None:
        """Say how far the work is."""
        self.events.progress.emit((done, total, text))

    def run(self) -> None:
        """Do the work (on a worker thread); afterwards `result` or `error` is set."""
        try:
            self.result = on_own_connection(self.path, lambda store: self.work(store, self))
        except WorkbenchError as error:
            self.error = str(error)
