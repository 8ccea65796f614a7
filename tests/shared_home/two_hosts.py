"""Two machines sharing one home folder, on one machine: the test world of a home on NFS.

* The "file server" is a folder; each host sees it through a FUSE mount of its own (Debian's
  ``bindfs``).  Like an NFS client, each mount has its own attribute and name caches, and a
  ``flock`` taken through one mount is invisible through the other: exactly what a home on
  NFS with ``local_lock``, on sshfs or on a Kubernetes RWX volume gives kernels on two nodes.
* Each host runs its processes in its own UTS, PID and mount namespaces (``unshare --uts
  --pid --fork --mount-proc``, its own host name): process ids mean nothing across hosts, and
  a process of one host cannot be seen, signalled or waited for by the other.

Needs root, ``/dev/fuse``, ``bindfs`` and ``unshare``/``nsenter``/``umount`` (util-linux);
``python3 dev.py test`` installs bindfs, as it installs chromium.  :func:`missing` says what
is absent.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HOST_NAMES = ("host-a", "host-b")
#: how long a lease lasts unrenewed in this world (30 s by default): takeovers take seconds
LEASE_SECONDS = 3.0


def missing() -> str | None:
    """Why this machine cannot run the two-host world (None: it can)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "the two-host tests need root (FUSE mounts and namespaces)"
    if not os.path.exists("/dev/fuse"):
        return "the two-host tests need /dev/fuse"
    for tool in ("bindfs", "unshare", "nsenter", "umount"):
        if not shutil.which(tool):
            return f"the two-host tests need {tool} (python3 dev.py test installs bindfs)"
    return None


class Host:
    """One machine: its namespaces (held open by a sleeping init) and its view of the share."""

    def __init__(self, name: str, share: Path) -> None:
        self.name = name
        self.share = share  # where this host mounts the shared folder
        self._unshare: subprocess.Popen[bytes] | None = None
        self.init_pid = 0  # the host's pid 1, as this (the outer) namespace numbers it

    def start(self) -> Host:
        self._unshare = subprocess.Popen(
            ["unshare", "--uts", "--pid", "--fork", "--mount-proc", "sh", "-c",
             f"hostname {self.name} && exec sleep infinity"],
            start_new_session=True)
        deadline = time.monotonic() + 10
        while not self.init_pid:
            children = _children(self._unshare.pid)
            if children and _hostname_of(children[0]) == self.name:
                self.init_pid = children[0]
            elif time.monotonic() > deadline:
                raise RuntimeError(f"{self.name}'s namespaces did not start")
            else:
                time.sleep(0.01)
        return self

    def popen(self, argv: Sequence[str], **kwargs: object) -> subprocess.Popen[str]:
        """Run ``argv`` on this host (its namespaces); text pipes as asked in ``kwargs``."""
        enter = ["nsenter", "-t", str(self.init_pid), "--uts", "--pid", "--mount", "--"]
        return subprocess.Popen([*enter, *argv], text=True, **kwargs)  # type: ignore[call-overload]

    def stop(self) -> None:
        """Power the machine off: every process of its PID namespace dies with its init."""
        if self._unshare is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._unshare.pid, signal.SIGKILL)
            self._unshare.wait(timeout=10)
            self._unshare = None


class TwoHosts:
    """``with TwoHosts(root) as world:`` — ``world.a`` and ``world.b`` share ``root/server``."""

    def __init__(self, root: Path) -> None:
        self.server = root / "server"
        self.hosts = [Host(name, root / name) for name in HOST_NAMES]
        self.a, self.b = self.hosts
        self._mounted: list[Path] = []

    def __enter__(self) -> TwoHosts:
        self.server.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            for host in self.hosts:
                host.share.mkdir(mode=0o700, exist_ok=True)
                subprocess.run(["bindfs", str(self.server), str(host.share)], check=True)
                self._mounted.append(host.share)
                host.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        for host in self.hosts:
            host.stop()
        for mount in self._mounted:
            subprocess.run(["umount", "-l", str(mount)], check=False)
        self._mounted.clear()

    def third_host(self, name: str) -> Host:
        """Another machine on the same share (the caller stops it); for a host that goes away."""
        share = self.server.parent / name
        share.mkdir(mode=0o700, exist_ok=True)
        subprocess.run(["bindfs", str(self.server), str(share)], check=True)
        self._mounted.append(share)
        host = Host(name, share).start()
        self.hosts.append(host)
        return host


def outer_pid(launcher_pid: int) -> int:
    """The pid (in this namespace) of the process ``nsenter`` started on a host."""
    deadline = time.monotonic() + 10
    while True:
        children = _children(launcher_pid)
        if children:
            return children[0]
        if time.monotonic() > deadline:
            raise RuntimeError(f"nsenter {launcher_pid} started nothing")
        time.sleep(0.005)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(word) for word in text.split()]


def _hostname_of(pid: int) -> str | None:
    try:
        found = subprocess.run(["nsenter", "-t", str(pid), "--uts", "hostname"],
                               capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return found.stdout.strip() or None


WORKER = Path(__file__).with_name("host_worker.py")


class Kernel:
    """A ``host_worker.py`` process on a host: started, then ``go()``, then ``answer()``."""

    def __init__(self, host: Host, env: dict[str, str], action: str, *args: str) -> None:
        self.host = host
        self.proc = host.popen([sys.executable, str(WORKER), action, *args], env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read_lines, daemon=True).start()
        self.pid_on_host = 0

    def ready(self, timeout: float = 60) -> Kernel:
        """Wait for the kernel's "ready <host> <pid>" line."""
        words = self.readline(timeout).split()
        if words[:2] != ["ready", self.host.name]:
            raise RuntimeError(f"a kernel on {self.host.name} did not start: {words}")
        self.pid_on_host = int(words[2])
        return self

    def readline(self, timeout: float) -> str:
        """The next line the kernel prints, waiting at most ``timeout`` seconds."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no answer from a kernel on {self.host.name} in {timeout} s"
                               ) from None

    def _read_lines(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line.strip())
        self._lines.put("")  # the kernel is gone

    def say(self, line: str = "go") -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def answer(self, timeout: float = 120) -> str:
        line = self.readline(timeout)
        self.proc.wait(timeout=30)
        return line

    def kill(self) -> None:
        """``kill -9`` of the kernel (not of the ``nsenter`` that started it)."""
        self.signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def signal(self, number: int) -> None:
        """Send the kernel a signal (SIGSTOP freezes it, threads and all; SIGCONT thaws)."""
        os.kill(outer_pid(self.proc.pid), number)
        if number == signal.SIGCONT:  # nsenter stops itself when its child stops
            os.kill(self.proc.pid, number)


def start(spread: Sequence[tuple[Host, int]], env_of: Callable[[Host], dict[str, str]],
          action: str, *args: str) -> list[Kernel]:
    """``n`` kernels on each ``(host, n)``, all started before any is waited for."""
    kernels = [Kernel(host, env_of(host), action, *args)
               for host, n in spread for _ in range(n)]
    return [kernel.ready() for kernel in kernels]


def go(kernels: Sequence[Kernel], timeout: float = 120) -> list[str]:
    """Start every kernel at once; their answers, in order."""
    for kernel in kernels:
        kernel.say()
    return [kernel.answer(timeout) for kernel in kernels]
