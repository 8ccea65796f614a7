"""Who holds a lease: a process, on a host, in a boot of it, in a PID namespace of it.

A lease file names its holder so that a waiter can tell a holder that died from one that
is busy.  A process id means something only where it was given: on the same host, in the
same boot and the same PID namespace (two containers, or two machines, reuse the same
numbers).  Only there does "the pid is gone" prove the holder dead; anywhere else a waiter
must wait for the lease to expire.  The process's start time guards against a pid reused
by a newer process on the same host.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Holder:
    host: str  # the host name, as the holder's UTS namespace gives it
    boot_id: str  # /proc/sys/kernel/random/boot_id: another boot is another host
    pid_namespace: str  # /proc/self/ns/pid: a container's pids are its own
    pid: int
    started: int  # the process's start time (clock ticks after boot); 0 when unknown

    def same_place(self, other: Holder) -> bool:
        """True when this holder's pid can be checked from ``other``'s host."""
        return (self.host, self.boot_id, self.pid_namespace) == (
            other.host, other.boot_id, other.pid_namespace)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, found: Any) -> Holder | None:
        """The holder a lease file names, or None when it names none we can read."""
        if not isinstance(found, dict):
            return None
        try:
            return cls(host=str(found["host"]), boot_id=str(found["boot_id"]),
                       pid_namespace=str(found["pid_namespace"]), pid=int(found["pid"]),
                       started=int(found["started"]))
        except (KeyError, TypeError, ValueError):
            return None


_this: tuple[int, Holder] | None = None


def this_process() -> Holder:
    """This process, as a lease names it (computed once per process, again after a fork)."""
    global _this
    pid = os.getpid()
    if _this is None or _this[0] != pid:
        _this = (pid, Holder(host=socket.gethostname(), boot_id=_read("/proc/sys/kernel/random"
                                                                       "/boot_id"),
                             pid_namespace=_link("/proc/self/ns/pid"), pid=pid,
                             started=start_time(pid)))
    return _this[1]


def is_gone(holder: Holder) -> bool:
    """True when ``holder`` (a process of this host, see :meth:`Holder.same_place`) has
    exited, or its pid now belongs to a process started later."""
    if sys.platform == "win32":  # pragma: no cover - no signal 0 there; leases are POSIX's
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # someone else's process has that pid now: alive, but is it the holder?
    except OSError:
        return False
    started = start_time(holder.pid)
    return bool(holder.started and started and started != holder.started)


def start_time(pid: int) -> int:
    """When ``pid`` started, in clock ticks after boot (Linux); 0 where /proc cannot say."""
    text = _read(f"/proc/{pid}/stat")
    # The command name (field 2) is in parentheses and may hold spaces: count after it.
    fields = text.rpartition(")")[2].split()
    try:
        return int(fields[19])  # field 22 of the whole line
    except (IndexError, ValueError):
        return 0


def _read(path: str) -> str:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return ""


def _link(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""
