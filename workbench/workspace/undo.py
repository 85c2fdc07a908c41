"""Undo and redo without Qt: a stack of commands, each doing and undoing one transaction."""

from workbench.errors import WorkbenchError
from workbench.workspace.events import UndoState


class Command:
    """One undoable user action. `do` and `undo` each run one transaction.

    A command whose `merge_key` equals the top command's may be folded into it (consecutive
    edits of one rationale undo as one step).
    """

    text = ""
    merge_key: tuple | None = None

    def do(self) -> None:
        """Make the change (again, after an undo)."""
        raise NotImplementedError

    def undo(self) -> None:
        """Take the change back."""
        raise NotImplementedError

    def merge(self, newer: "Command") -> bool:
        """Fold a newer command of the same merge_key into this one; False if it cannot be."""
        return False


class UndoStack:
    """Commands done, and those undone that can be redone; `on_change` hears every move."""

    def __init__(self, on_change=None) -> None:
        self._done: list[Command] = []
        self._undone: list[Command] = []
        self._on_change = on_change or (lambda state: None)

    def push(self, command: Command) -> Command:
        """Do a new command and keep it for undo; a refused command is not kept (its error rises)."""
        command.do()
        top = self._done[-1] if self._done else None
        if not (top is not None and command.merge_key is not None and top.merge_key == command.merge_key
                and not self._undone and top.merge(command)):
            self._done.append(command)
        self._undone.clear()
        self._changed()
        return command

    def undo(self) -> Command | None:
        """Undo the last command; one that can no longer be undone is dropped, and its error rises."""
        return self._move(self._done, self._undone, "undo")

    def redo(self) -> Command | None:
        """Redo the last undone command; one that can no longer be redone is dropped, and its error rises."""
        return self._move(self._undone, self._done, "do")

    def _move(self, source: list, target: list, step: str) -> Command | None:
        if not source:
            return None
        command = source.pop()
        try:
            getattr(command, step)()
        except WorkbenchError:
            self._changed()  # obsolete: the database moved on (a merge, another window)
            raise
        target.append(command)
        self._changed()
        return command

    def clear(self) -> None:
        """Forget every step (after a merge, which cannot be undone step by step)."""
        self._done.clear()
        self._undone.clear()
        self._changed()

    def state(self) -> UndoState:
        """What Undo and Redo would do now."""
        return UndoState(self._done[-1].text if self._done else "", self._undone[-1].text if self._undone else "")

    def _changed(self) -> None:
        self._on_change(self.state())
