"""Change events that carry their data, and the small emitter that delivers them (no Qt)."""

from collections.abc import Callable
from dataclasses import dataclass, field


class Emitter:
    """A list of callbacks called in order with one event; a callback may disconnect itself."""

    def __init__(self) -> None:
        self._callbacks: list[Callable] = []

    def connect(self, callback: Callable) -> Callable:
        """Call callback(event) on every emit; returns callback (usable as a decorator)."""
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable) -> None:
        """Stop calling callback; unknown callbacks are ignored."""
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, event=None) -> None:
        """Call every connected callback with event."""
        for callback in list(self._callbacks):
            callback(event)


class EmitterGroup:
    """Named emitters, one per kind of event (napari's `events` attribute, in small)."""

    def __init__(self, *names: str) -> None:
        self._names = names
        for name in names:
            setattr(self, name, Emitter())

    def names(self) -> tuple[str, ...]:
        """The names of the emitters in this group."""
        return self._names


@dataclass(frozen=True)
class ClaimsChanged:
    """Claims of one article changed: each id maps to its new row, or None when it is gone."""

    article_id: str
    rows: dict[str, dict | None]
    purged: frozenset = frozenset()  # ids gone for good (a creation undone), not tombstoned


@dataclass(frozen=True)
class EvidenceChanged:
    """One claim's live evidence, in order, each item with its live attachments (no bytes)."""

    claim_id: str
    items: list[dict]


@dataclass(frozen=True)
class HistoryChanged:
    """One claim's verdict history, oldest first, with reviewer names; and its open opinions."""

    claim_id: str
    entries: list[dict]
    opinions: dict[str, str] = field(default_factory=dict)  # disagreements.opinions: reviewer id -> verdict


@dataclass(frozen=True)
class ArticlesChanged:
    """Article list rows (with claim counts by verdict and work counts by reason) that changed; None when deleted."""

    rows: dict[str, dict | None]


@dataclass(frozen=True)
class OrphansChanged:
    """The annotations of one article that could not be placed, as they wait now, oldest first."""

    article_id: str
    rows: list[dict]


@dataclass(frozen=True)
class CountsChanged:
    """An article's live claims counted by verdict, and those needing work by reason (work_left.REASONS)."""

    article_id: str
    counts: dict[str, int]
    work: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class UndoState:
    """What Undo and Redo would do now ('' when they cannot)."""

    undo_text: str = ""
    redo_text: str = ""

    @property
    def can_undo(self) -> bool:
        """Whether there is a step to undo."""
        return bool(self.undo_text)

    @property
    def can_redo(self) -> bool:
        """Whether there is a step to redo."""
        return bool(self.redo_text)


@dataclass(frozen=True)
class Reloaded:
    """Too much changed at once (a merge, a big import, another program): show everything afresh."""

    reason: str = ""
    article_ids: frozenset = field(default_factory=frozenset)
