"""The lock of a file in the home, held across every host that shares the home.

One interface, two implementations (what a store needs from "who may write now")::

    with lock:          # held; re-entrant within a thread
        lock.confirm()  # before a write: False if it was lost meanwhile (and taken again)
    lock.crosses_hosts  # False: a read under it may trust a stat; True: read by a fresh open

* :class:`~._lock.InterProcessLock`: ``flock``, for the processes of one host.
* :class:`SharedHomeLock`: that ``flock`` first — the processes of a host queue on it at no
  cost, and a host's waiters do not all poll the shared folder — then a
  :class:`~._lease.HostLease` for the hosts.  Where ``flock`` is refused (NFS without a lock
  daemon answers ``ENOLCK``), the lease alone decides.
"""

from __future__ import annotations

import errno
import sys
import threading
import time
from pathlib import Path
from typing import Protocol

from ._lease import HostLease
from ._lock import InterProcessLock

_NO_FLOCK = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL}


class StoreLock(Protocol):
    """What a store needs from a lock between processes (see the module docstring)."""

    crosses_hosts: bool

    def __enter__(self) -> object: ...

    def __exit__(self, *exc_info: object) -> None: ...

    def confirm(self) -> bool: ...


class SharedHomeLock:
    """``<name>.lock`` (``flock``) then ``<name>.lease`` in ``folder``: one holder among all
    the processes of all the hosts that share the folder."""

    crosses_hosts = True

    def __init__(self, folder: Path, name: str, timeout: float = 120.0) -> None:
        self.local = InterProcessLock(folder / f"{name}.lock", timeout)
        self.lease = HostLease(folder / f"{name}.lease", clock=self.local.path, timeout=timeout)
        self.timeout = timeout
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._holds_local = False

    def __enter__(self) -> SharedHomeLock:
        self._thread_lock.acquire()
        if self._depth == 0:
            try:
                self._take()
            except BaseException:
                self._thread_lock.release()
                raise
        self._depth += 1
        return self

    def _take(self) -> None:
        deadline = time.monotonic() + self.timeout
        self._holds_local = self._enter_local()
        try:
            self.lease.acquire(deadline)
        except BaseException:
            if self._holds_local:
                self.local.__exit__(None, None, None)
            raise

    def _enter_local(self) -> bool:
        try:
            self.local.__enter__()
        except OSError as exc:
            if exc.errno in _NO_FLOCK:
                return False  # a filesystem without flock: the lease alone serves
            raise
        return True

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        try:
            if self._depth == 0:
                try:
                    self.lease.release()
                finally:
                    if self._holds_local:
                        self.local.__exit__(None, None, None)
        finally:
            self._thread_lock.release()

    def confirm(self) -> bool:
        return self.lease.confirm()


def home_lock(folder: Path, name: str, timeout: float = 120.0) -> StoreLock:
    """The lock for ``name`` in ``folder`` of the home: across hosts where leases work."""
    if sys.platform == "win32":  # pragma: no cover - SMB enforces Windows' locks on the server
        return InterProcessLock(folder / f"{name}.lock", timeout)
    return SharedHomeLock(folder, name, timeout)
