"""A lease on a shared folder: one holder at a time among every host that mounts it.

``flock`` is local to each host on NFS with ``local_lock``, on sshfs and on several Kubernetes
volume drivers.  What every shared filesystem does make atomic is creating a file that must
not exist (``O_EXCL``, as git's ``index.lock``): the lease is such a file, ``<name>.lease``,
holding one JSON line: the holder (host, boot id, PID namespace, pid, start time), how long
the lease lasts unrenewed (``seconds``) and a random ``token``.

* **Renewed while held**: a thread of the holder's process touches the file every quarter of
  ``seconds``, so its mtime, set by the file server, is never old while the holder lives.
* **Taken over when abandoned**: on the holder's own host as soon as its process is gone;
  from any host once the mtime is ``seconds`` old *on the file server's clock* (learnt by
  touching ``clock``, a file beside it), because two hosts' clocks may disagree.  One waiter
  breaks a given lease (it must create ``<name>.lease.broken-<token>`` first) by moving it
  aside and checking it moved that very lease; then every waiter races for a new one.
* **Confirmed before a write**: :meth:`HostLease.confirm` reads the file again; a holder
  that stalled past its expiry learns that it lost the lease and waits for it again.

A takeover can still meet a holder that was only frozen, not dead; the store's writes are
fenced for that case (``_file.py``).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from .._disk_errors import read_failure, write_failure
from ..errors import ConfigurationError, StoreError
from ._holder import Holder, is_gone, this_process

LEASE_SECONDS_ENV = "AUTHSOME_NB_LEASE_SECONDS"
DEFAULT_SECONDS = 30.0
_SECONDS_RANGE = (1.0, 3600.0)
_FLAGS = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_GONE = {errno.ENOENT, errno.ESTALE}


def lease_seconds() -> float:
    """How long a lease lasts unrenewed: ``$AUTHSOME_NB_LEASE_SECONDS``, else 30."""
    text = os.environ.get(LEASE_SECONDS_ENV, "").strip()
    if not text:
        return DEFAULT_SECONDS
    low, high = _SECONDS_RANGE
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not low <= seconds <= high:
        raise ConfigurationError(
            f"{LEASE_SECONDS_ENV}={text!r} is not a number of seconds from {low:g} to {high:g}",
            remedy=f"unset it (the default is {DEFAULT_SECONDS:g}) or set it to, say, 60")
    return seconds


@dataclass(frozen=True)
class Seen:
    """A lease file as read: whose, for how long, and when the file server last touched it."""

    identity: str  # the holder's token; the inode and mtime of a file we cannot parse
    token: str
    holder: Holder | None
    seconds: float
    mtime_ns: int
    inode: int

    def describe(self) -> str:
        who = self.holder
        return f"host {who.host}, pid {who.pid}" if who else "a holder that wrote nothing"


class HostLease:
    """``<name>.lease`` in a shared folder: :meth:`acquire`, :meth:`confirm`, :meth:`release`.

    Not re-entrant and not for threads to share: :class:`~._shared_lock.SharedHomeLock` wraps
    it with the thread lock and the host-local ``flock`` in front.
    """

    def __init__(self, path: Path, clock: Path, timeout: float = 120.0,
                 seconds: float | None = None) -> None:
        self.path = path
        self.clock = clock
        self.timeout = timeout
        self.seconds = seconds if seconds is not None else lease_seconds()
        self._fd: int | None = None
        self._token = ""  # in our lease file ("" when it could not be written)
        self._inode = 0
        self.renew_at = 0.0  # monotonic; kept by the renewing thread

    @property
    def held(self) -> bool:
        return self._fd is not None

    # -- taking it ---------------------------------------------------------------------
    def acquire(self, deadline: float | None = None) -> None:
        """Wait (until ``deadline``, monotonic; default ``timeout`` from now) for the lease."""
        give_up = deadline if deadline is not None else time.monotonic() + self.timeout
        judge = _Judge(self)
        delay = 0.001
        while not self._create():
            seen = self.look(self.path)
            if seen is not None and judge.abandoned(seen):
                self._break(seen, judge.server_now_ns())
                continue
            if time.monotonic() >= give_up:
                raise self._stayed_taken(seen)
            time.sleep(delay)
            delay = min(delay * 2, 0.01)  # the holder may be on another host: poll, briefly
        RENEWER.hold(self)

    def _create(self) -> bool:
        token = secrets.token_hex(16)
        line = json.dumps({**this_process().as_dict(), "seconds": self.seconds, "token": token})
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FLAGS, 0o600)
        except FileExistsError:
            return False
        except OSError as exc:
            raise write_failure(exc, self.path) from None
        try:
            os.write(fd, line.encode() + b"\n")
        except OSError:  # a full disk: an empty lease excludes as well, it only expires slower
            token = ""
        self._fd, self._token, self._inode = fd, token, os.fstat(fd).st_ino
        return True

    def _stayed_taken(self, seen: Seen | None) -> StoreError:
        holder = f" ({seen.describe()})" if seen is not None else ""
        return StoreError(
            f"The store's lease {self.path} stayed taken{holder} for {int(self.timeout)} s",
            remedy="another kernel, maybe on another machine sharing this home, is probably in "
            "the middle of a refresh over a slow network; try again in a moment")

    def _break(self, seen: Seen, server_now_ns: int) -> None:
        """Remove the abandoned lease ``seen``, unless another waiter is already doing it."""
        marker = self.path.with_name(f"{self.path.name}.broken-{seen.identity}")
        try:
            os.close(os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FLAGS, 0o600))
        except FileExistsError:
            return  # one breaker per lease: the others wait for the new one
        except OSError as exc:
            raise write_failure(exc, marker) from None
        aside = self.path.with_name(f"{self.path.name}.gone-{secrets.token_hex(8)}")
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return  # released meanwhile
        except OSError as exc:
            raise write_failure(exc, self.path) from None
        moved = self.look(aside)
        if moved is not None and moved.identity != seen.identity:
            # Its holder (frozen, not dead) released it and another waiter took it since we
            # looked: give that one back; if a third was quicker, fencing settles the rest.
            with contextlib.suppress(OSError):
                os.link(aside, self.path)
        with contextlib.suppress(OSError):
            os.unlink(aside)
        self._sweep(server_now_ns)

    def _sweep(self, server_now_ns: int) -> None:
        """Remove break markers and moved-aside leases left long ago (by killed breakers)."""
        old = server_now_ns - int(4 * max(self.seconds, DEFAULT_SECONDS) * 1e9)
        for pattern in (f"{self.path.name}.broken-*", f"{self.path.name}.gone-*"):
            for path in self.path.parent.glob(pattern):
                with contextlib.suppress(OSError):
                    if os.lstat(path).st_mtime_ns < old:
                        path.unlink()

    # -- holding it --------------------------------------------------------------------
    def confirm(self) -> bool:
        """Before a write: True when the lease is still ours (renewed now).  False when it
        was taken over meanwhile (this process stalled past its expiry): it has been taken
        again since, and what was read under the old one may be stale."""
        if self._ours(self.look(self.path)):
            self.renew()
            return True
        self._let_go()
        self.acquire()
        return False

    def renew(self) -> None:
        """Touch our lease file (through our descriptor: never someone else's lease)."""
        fd = self._fd
        if fd is not None:
            with contextlib.suppress(OSError):  # removed by a breaker: confirm() will tell
                os.utime(fd)

    def release(self) -> None:
        """Give the lease up, removing the file only if it is still ours."""
        seen = None
        with contextlib.suppress(StoreError):
            seen = self.look(self.path)
        try:
            if self._ours(seen):
                with contextlib.suppress(OSError):  # left to expire
                    os.unlink(self.path)
        finally:
            self._let_go()

    def _ours(self, seen: Seen | None) -> bool:
        if seen is None or self._fd is None:
            return False
        return seen.token == self._token if self._token else seen.inode == self._inode

    def _let_go(self) -> None:
        RENEWER.drop(self)
        fd, self._fd, self._token = self._fd, None, ""
        if fd is not None:
            os.close(fd)

    # -- reading one -------------------------------------------------------------------
    def look(self, path: Path) -> Seen | None:
        """The lease at ``path`` by a fresh open (an attribute cache may hold an old mtime
        for a name, not for a file just opened); None when there is none."""
        try:
            fd = os.open(path, os.O_RDONLY | _FLAGS)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise read_failure(exc, path) from None
        try:
            raw = os.read(fd, 4096)
            st = os.fstat(fd)
        except OSError as exc:
            if exc.errno in _GONE:  # removed since it was opened (a FUSE mount asks by name)
                return None
            raise read_failure(exc, path) from None
        finally:
            os.close(fd)
        try:
            found = json.loads(raw)
        except ValueError:
            found = None
        fields = found if isinstance(found, dict) else {}
        token = str(fields.get("token") or "")
        seconds = fields.get("seconds")
        low, high = _SECONDS_RANGE
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not (
                low <= seconds <= high):
            seconds = self.seconds
        safe = token if token.isalnum() else ""
        return Seen(identity=safe or f"{st.st_ino}-{st.st_mtime_ns}", token=token,
                    holder=Holder.from_dict(fields), seconds=float(seconds),
                    mtime_ns=st.st_mtime_ns, inode=st.st_ino)


class _Judge:
    """Tells an abandoned lease from a held one, asking the file server's clock sparingly."""

    def __init__(self, lease: HostLease) -> None:
        self.lease = lease
        self._judged: tuple[str, int] | None = None  # (identity, mtime) of the last lease seen
        self._age_then = 0.0  # its age on the server's clock, when we asked
        self._asked_at = 0.0  # monotonic

    def abandoned(self, seen: Seen) -> bool:
        holder = seen.holder
        if holder is not None and holder.same_place(this_process()) and is_gone(holder):
            return True  # on this host, the pid tells: no need to wait for the expiry
        if self._judged != (seen.identity, seen.mtime_ns):  # new, or renewed: ask its age
            self._judged = (seen.identity, seen.mtime_ns)
            self._age_then, self._asked_at = self._age(seen), time.monotonic()
        elif self._age_then + (time.monotonic() - self._asked_at) < seen.seconds:
            return False
        else:
            self._age_then, self._asked_at = self._age(seen), time.monotonic()
        return self._age_then >= seen.seconds

    def _age(self, seen: Seen) -> float:
        return (self.server_now_ns() - seen.mtime_ns) / 1e9

    def server_now_ns(self) -> int:
        """The file server's time now: the mtime it gives a file we touch."""
        clock = self.lease.clock
        try:
            try:
                os.utime(clock)
            except FileNotFoundError:
                os.close(os.open(clock, os.O_WRONLY | os.O_CREAT | _FLAGS, 0o600))
            return os.stat(clock).st_mtime_ns
        except OSError as exc:
            raise write_failure(exc, clock) from None


class _Renewer:
    """One thread per process touches every held lease every quarter of its ``seconds``."""

    def __init__(self) -> None:
        self._held: dict[int, HostLease] = {}
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def hold(self, lease: HostLease) -> None:
        with self._changed:
            lease.renew_at = time.monotonic() + lease.seconds / 4
            self._held[id(lease)] = lease
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="authsome-lease",
                                                daemon=True)
                self._thread.start()
            self._changed.notify()

    def drop(self, lease: HostLease) -> None:
        with self._changed:  # after this, the thread never touches the lease's descriptor
            self._held.pop(id(lease), None)

    def _run(self) -> None:
        with self._changed:
            while True:
                if not self._held:
                    self._changed.wait()
                    continue
                now = time.monotonic()
                due = [lease for lease in self._held.values() if lease.renew_at <= now]
                for lease in due:
                    lease.renew()
                    lease.renew_at = now + lease.seconds / 4
                soonest = min(lease.renew_at for lease in self._held.values())
                self._changed.wait(max(soonest - time.monotonic(), 0.0))


RENEWER = _Renewer()


def _after_fork() -> None:
    global RENEWER
    RENEWER = _Renewer()  # the parent's leases and thread are not the child's


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
