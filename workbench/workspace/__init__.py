"""The workspace layer: user actions, undo, the open article's state, and change events (no Qt)."""

from workbench.workspace.events import (ArticlesChanged, ClaimsChanged, CountsChanged, EvidenceChanged,
                                        HistoryChanged, Reloaded, UndoState)
from workbench.workspace.open_article import OpenArticle
from workbench.workspace.workspace import Workspace

__all__ = ["ArticlesChanged", "ClaimsChanged", "CountsChanged", "EvidenceChanged", "HistoryChanged", "OpenArticle",
           "Reloaded", "UndoState", "Workspace"]
