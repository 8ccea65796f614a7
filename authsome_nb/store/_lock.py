"""An exclusive lock between processes that dies with its holder.

``flock`` (``msvcrt.locking`` on Windows) on an open file: the kernel releases it when the
process exits or is killed, so there is never a stale "lock file exists" to clean up (the
complaint against msal-extensions and azure-cli).  The lock file itself stays; only the
lock on it matters.  A thread lock in front makes it safe between threads of one process,
where ``flock`` on separate descriptors would also conflict.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

from .._disk_errors import write_failure
from ..errors import StoreError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class InterProcessLock:
    """``with lock:`` holds it; re-entrant within a thread; waits up to ``timeout`` seconds."""

    def __init__(self, path: Path, timeout: float = 120.0) -> None:
        self.path = path
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def __enter__(self) -> InterProcessLock:
        self._thread_lock.acquire()
        if self._depth == 0:
            try:
                self._fd = self._acquire()
            except BaseException:
                self._thread_lock.release()
                raise
        self._depth += 1
        return self

    def __exit__(self, *exc_info) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                _unlock(fd)
            finally:
                os.close(fd)
        self._thread_lock.release()

    def _acquire(self) -> int:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            raise write_failure(exc, self.path) from None
        deadline = time.monotonic() + self.timeout
        delay = 0.001
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                os.close(fd)
                raise StoreError(
                    f"The store {self.path.with_suffix('')} stayed locked by another process "
                    f"for {int(self.timeout)} s",
                    remedy="another kernel is probably in the middle of a refresh over a slow "
                    "network; "
                    "try again in a moment",
                )
            time.sleep(delay)
            delay = min(delay * 2, 0.005)  # short: a waiter should notice a release at once
        return fd
