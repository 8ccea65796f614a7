"""Locks between processes that die with their holder: one holder, or a few.

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
from collections.abc import Iterator
from contextlib import contextmanager
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
    """``with lock:`` holds it; re-entrant within a thread; waits up to ``timeout`` seconds.

    Host-local: on a home shared by several hosts, :class:`~._shared_lock.SharedHomeLock`
    puts a lease behind it.
    """

    crosses_hosts = False  # a stat of a file written under it is to be trusted

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

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                _unlock(fd)
            finally:
                os.close(fd)
        self._thread_lock.release()

    def confirm(self) -> bool:
        """Always still held: the kernel keeps a ``flock`` until its holder lets go or dies."""
        return True

    def _acquire(self) -> int:
        try:
            fd = _open_lock_file(self.path)
        except OSError as exc:
            raise write_failure(exc, self.path) from None
        deadline = time.monotonic() + self.timeout
        delay = 0.001
        while not _locked_or_closed(fd):
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


class InterProcessSlots:
    """At most ``size`` holders at once across every process: ``with slots.slot():``.

    A counting semaphore between processes, made of ``size`` files locked like
    :class:`InterProcessLock`: a holder owns whichever file it could lock, so a killed
    process frees its slot at once.  A thread semaphore in front admits no more threads of
    this process than there are slots, and each file's descriptor serves one thread at a
    time (``flock`` would let two threads of one descriptor both "hold" it).

    Per host, like the ``flock`` it is made of: on a home shared by several hosts each host
    has its own ``size`` slots.  That is safe because a slot is a courtesy to a server that
    counts (Outlook's requests in flight per mailbox), not a guard for data — the server
    refuses the excess (429 with ``Retry-After``) and the caller sends it again after the wait
    — and cheap, because a per-request lease on a shared folder would cost a file created
    and removed on the file server for every request.  After ``patience`` seconds without a
    slot (another process stopped while holding it), the holder goes ahead unslotted rather
    than wait forever, and the server's refusal, if any, is retried by the caller.  Folders
    or files that cannot be made leave the thread semaphore alone in charge.
    """

    def __init__(self, folder: Path, name: str, size: int, *, patience: float = 120.0) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self.paths = [folder / f"{name}.{i}" for i in range(size)]
        self.patience = patience
        self._threads = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._fds = [_open_or_none(path) for path in self.paths]
        self._busy = [False] * size  # taken by a thread of this process

    @contextmanager
    def slot(self) -> Iterator[int | None]:
        """Hold one slot for the ``with`` body; yields its index (None: none was to be had)."""
        with self._threads:
            index = self._claim()
            try:
                yield index
            finally:
                if index is not None:
                    self._release(index)

    def _claim(self) -> int | None:
        deadline = time.monotonic() + self.patience
        delay = 0.001
        if all(fd is None for fd in self._fds):
            return None  # nothing to lock with: this process's semaphore only
        while True:
            with self._lock:
                for index, fd in enumerate(self._fds):
                    if fd is not None and not self._busy[index] and _try_lock(fd):
                        self._busy[index] = True
                        return index
            if time.monotonic() >= deadline:
                return None
            time.sleep(delay)
            delay = min(delay * 2, 0.02)  # others' requests take tens of ms and more

    def _release(self, index: int) -> None:
        with self._lock:
            fd = self._fds[index]
            if fd is not None:
                _unlock(fd)
            self._busy[index] = False


def _locked_or_closed(fd: int) -> bool:
    """``_try_lock``; a refusal other than "held elsewhere" (``ENOLCK``: an NFS mount without
    a lock daemon) closes the descriptor before it is raised."""
    try:
        return _try_lock(fd)
    except OSError:
        os.close(fd)
        raise


def _open_lock_file(path: Path) -> int:
    """The lock file's descriptor: created 0600, never through a symlink."""
    return os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)


def _open_or_none(path: Path) -> int | None:
    try:
        return _open_lock_file(path)
    except OSError:
        return None
