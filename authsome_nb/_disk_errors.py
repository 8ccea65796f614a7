"""What a failed read or write of a file in the home means for the user, as a ``StoreError``.

A raw ``OSError`` says "[Errno 28] No space left on device" and nothing about what was lost
or what to do.  These say which file, that nothing was changed, and the next step: free
space (ENOSPC, EDQUOT), make the folder writable (EACCES, EPERM, EROFS), move a stray
folder or file aside (EISDIR, ENOTDIR).
"""

from __future__ import annotations

import errno
from pathlib import Path

from .errors import StoreError, StoreFullError, StorePermissionError, StoreWriteError

_ELSEWHERE = "or set AUTHSOME_NB_HOME to a folder you own on a writable disk"


def write_failure(exc: OSError, path: Path) -> StoreWriteError:
    """The error for ``exc`` raised while writing ``path``: nothing was changed."""
    folder = path.parent
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        what = "your disk quota is used up" if code != errno.ENOSPC else "the disk is full"
        return StoreFullError(
            f"Cannot write {path}: {what}; nothing was changed",
            remedy=f"free some space on the disk that holds {folder} (or raise the quota), "
            f"{_ELSEWHERE}, then run the same command again",
        )
    if code == errno.EROFS:
        return StorePermissionError(
            f"Cannot write {path}: the file system is read-only; nothing was changed",
            remedy=f"remount it read-write, {_ELSEWHERE}",
        )
    if code in (errno.EACCES, errno.EPERM):
        return StorePermissionError(
            f"Cannot write {path}: permission denied; nothing was changed",
            remedy=f"make {folder} yours and writable (chown $USER {folder}; chmod 700 "
            f"{folder}), {_ELSEWHERE}",
        )
    if code == errno.EISDIR:
        return StoreWriteError(
            f"Cannot write {path}: a folder is in the way; nothing was changed",
            remedy=f"move the folder {path} aside (authsome_nb did not make it), then try again",
        )
    if code == errno.ENOTDIR:
        return StoreWriteError(
            f"Cannot write {path}: a part of that path is a file, not a folder; nothing was "
            "changed",
            remedy=f"move that file aside, {_ELSEWHERE}",
        )
    return StoreWriteError(
        f"Cannot write {path}: {exc.strerror or exc}; nothing was changed",
        remedy=f"check the disk and the folder {folder}, then try again",
    )


def read_failure(exc: OSError, path: Path) -> StoreError:
    """The error for ``exc`` raised while reading ``path``: the file was left as it was."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StorePermissionError(
            f"Cannot read {path}: permission denied",
            remedy=f"make it yours and readable (chown $USER {path}; chmod 600 {path}), "
            f"{_ELSEWHERE}",
        )
    if exc.errno == errno.EISDIR:
        return StoreError(
            f"Cannot read {path}: it is a folder, not a file",
            remedy=f"move the folder {path} aside (authsome_nb did not make it), then try again",
        )
    return StoreError(
        f"Cannot read {path}: {exc.strerror or exc}",
        remedy=f"check the disk and the folder {path.parent}, then try again",
    )
