"""The workspace's events as Qt signals, and its actions with user-facing errors reported."""

from PySide6.QtCore import QObject, Signal

from workbench.errors import WorkbenchError
from workbench.workspace import Workspace

# Workspace emitter name -> the signal it becomes (each carries the event object itself).
SIGNALS = {"claims": "claimsChanged", "evidence": "evidenceChanged", "history": "historyChanged",
           "articles": "articlesChanged", "counts": "countsChanged", "orphans": "orphansChanged", "undo": "undoChanged",
           "reloaded": "reloaded", "opened": "articleOpened"}


class QtWorkspace(QObject):
    """Adapts one Workspace to Qt: its events become signals; `act` runs an action and reports refusals."""

    claimsChanged = Signal(object)  # ClaimsChanged
    evidenceChanged = Signal(object)  # EvidenceChanged
    historyChanged = Signal(object)  # HistoryChanged
    articlesChanged = Signal(object)  # ArticlesChanged
    countsChanged = Signal(object)  # CountsChanged
    orphansChanged = Signal(object)  # OrphansChanged
    undoChanged = Signal(object)  # UndoState
    reloaded = Signal(object)  # Reloaded
    articleOpened = Signal(object)  # OpenArticle or None
    failed = Signal(str)  # a sentence for the reviewer

    def __init__(self, workspace: Workspace, parent: QObject | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self._relays = {name: getattr(self, signal).emit for name, signal in SIGNALS.items()}
        for name, relay in self._relays.items():
            getattr(workspace.events, name).connect(relay)

    def close(self) -> None:
        """Stop relaying and close the database."""
        for name, relay in self._relays.items():
            getattr(self.workspace.events, name).disconnect(relay)
        self.workspace.close()

    def act(self, action, *args, **kwargs):
        """Run a workspace action and return its result; a refusal is reported through `failed` and gives None."""
        try:
            return action(*args, **kwargs)
        except WorkbenchError as error:
            self.failed.emit(str(error))
            return None

    def attempt(self, action, *args, **kwargs) -> bool:
        """Run a workspace action; True if it was done, False if refused (and reported)."""
        try:
            action(*args, **kwargs)
        except WorkbenchError as error:
            self.failed.emit(str(error))
            return False
        return True
