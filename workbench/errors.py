"""Exceptions that carry a message meant for the reviewer, not a traceback."""


class WorkbenchError(Exception):
    """A user-facing error: bad input, a refused file, a conflict. Its text is shown as is."""


class DatabaseRefused(WorkbenchError):
    """A database file that cannot be opened or trusted; nothing was written to it."""


class ImportRefused(WorkbenchError):
    """A source that cannot be imported; nothing of it was stored."""
