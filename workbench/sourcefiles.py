"""Reading a file given for import: regular files only, never past a size limit, never blocking.

Every file importer reads through `read_source`, so a symlink to `/dev/zero`, a FIFO, a socket or
a device is refused in one line instead of being read until memory runs out or waiting forever,
and a file larger than its kind's limit is refused before it is read.
"""

import errno
import os
import stat
from pathlib import Path

from workbench.errors import ImportRefused

MB = 1024 * 1024
_CHUNK = 1 * MB


def read_source(path: str | Path, *, limit: int, what: str = "an article") -> bytes:
    """The bytes of the regular file at path, refused (ImportRefused) if larger than limit bytes."""
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)  # O_NONBLOCK: opening a FIFO with no writer returns at once
    except FileNotFoundError:
        raise ImportRefused(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportRefused(f"{path}: is a folder, not a file") from None
    except PermissionError:
        raise ImportRefused(f"{path}: cannot be read (permission denied)") from None
    except OSError as error:
        raise ImportRefused(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ImportRefused(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(f"{path}: is {_kind(info.st_mode)}, not a regular file; only files can be imported")
        if info.st_size > limit:
            raise ImportRefused(f"{path}: is larger than {_size(limit)}; too large for {what}")
        os.set_blocking(fd, True)
        return _read_at_most(fd, path, limit, what)
    except OSError as error:
        if error.errno == errno.EISDIR:
            raise ImportRefused(f"{path}: is a folder, not a file") from None
        raise ImportRefused(f"{path}: cannot be read ({error.strerror or error})") from None
    finally:
        os.close(fd)


def _read_at_most(fd: int, path: Path, limit: int, what: str) -> bytes:
    """Read to the end, refusing once more than limit bytes arrive (the file may grow meanwhile)."""
    chunks, size = [], 0
    while chunk := os.read(fd, _CHUNK):
        size += len(chunk)
        if size > limit:
            raise ImportRefused(f"{path}: is larger than {_size(limit)}; too large for {what}")
        chunks.append(chunk)
    return b"".join(chunks)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit:,} bytes"
