"""Databases the desktop program closed itself, so that reopening one unchanged can skip its checks.

Opening a database checks it in full (its schema against the migrations, `quick_check`, every
row). For the database the program starts on, that is most of the start-up time and it finds
nothing new when the file is exactly as the program left it. So when the program closes that
database it notes the file's identity (device, inode, size, modification time in nanoseconds);
the next start skips the checks only if the file still has that identity and no write-ahead log
with content beside it. The noted modification time is set a second into the past first, so that
a write by another program in the same tick of the file system's clock still changes it; a crash
leaves the old note, which no longer matches. Files opened with File ▸ Open are always checked.
"""

import json
import os
import time
from pathlib import Path

import platformdirs

from workbench.paths import APP_NAME

KEEP = 20  # files remembered (the most recently closed)


def _record() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "checked-databases.json"


def _identity(path: Path) -> list[int] | None:
    """The file's identity, or None when it has a write-ahead log with content (or is missing)."""
    try:
        wal = os.stat(f"{path}-wal")
        if wal.st_size:
            return None
    except OSError:
        pass
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns]


def _read() -> dict:
    try:
        data = json.loads(_record().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def unchanged(path: Path) -> bool:
    """Whether path is exactly as this program left it when it last closed it."""
    identity = _identity(path)
    return identity is not None and _read().get(str(path.resolve())) == identity


def remember(path: Path) -> None:
    """Note path's identity now that this program has closed it (best effort: a failure is no harm)."""
    try:
        os.utime(path, ns=(time.time_ns(), time.time_ns() - 1_000_000_000))
    except OSError:
        return
    identity = _identity(path)
    if identity is None:
        return
    key = str(path.resolve())
    known = {k: v for k, v in _read().items() if k != key}
    known[key] = identity
    record = _record()
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        temporary = record.with_suffix(".tmp")
        temporary.write_text(json.dumps(dict(list(known.items())[-KEEP:])), encoding="utf-8")
        os.replace(temporary, record)
    except OSError:
        pass

