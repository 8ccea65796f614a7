"""Run in a child process by the lease tests: take a lease file and do one thing under it.

    lease_worker.py count FOLDER TIMES      TIMES times: take the lease, add 1 to FOLDER/count
                                            (read, pause, write: wrong unless alone), let go
    lease_worker.py hold FOLDER SECONDS FOR [elsewhere]
                                            take a lease of SECONDS, say "held", keep it FOR
                                            seconds, let go, say "released"; "elsewhere": as
                                            a process of another host would (its pid unknown)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from authsome_nb.store import _holder
from authsome_nb.store._lease import HostLease


def lease_in(folder: Path, seconds: float = 30.0) -> HostLease:
    return HostLease(folder / "test.lease", clock=folder / "test.lock", seconds=seconds)


def count(folder: Path, times: int) -> None:
    lease = lease_in(folder)
    counter = folder / "count"
    for _ in range(times):
        lease.acquire()
        try:
            value = int(counter.read_text() or 0) if counter.exists() else 0
            time.sleep(0.002)
            counter.write_text(str(value + 1))
        finally:
            lease.release()


def hold(folder: Path, seconds: float, keep: float, elsewhere: bool) -> None:
    if elsewhere:  # another machine's process: same pid numbers mean nothing here
        me = _holder.this_process()
        _holder._this = (os.getpid(), _holder.Holder("another-host", me.boot_id,
                                                      me.pid_namespace, me.pid, me.started))
    lease = lease_in(folder, seconds)
    lease.acquire()
    print("held", flush=True)
    time.sleep(keep)
    lease.release()
    print("released", flush=True)


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "count":
        count(where, int(sys.argv[3]))
    else:
        hold(where, float(sys.argv[3]), float(sys.argv[4]), sys.argv[5:] == ["elsewhere"])
