"""The lease file: one holder among processes that share no flock, renewed while held, taken
over at once when its holder died on this host, after its expiry when it was elsewhere."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from authsome_nb.errors import StoreError
from authsome_nb.store import SharedHomeLock, _lock
from authsome_nb.store._lease import RENEWER, HostLease

WORKER = Path(__file__).with_name("lease_worker.py")


def lease_in(folder: Path, seconds: float = 30.0) -> HostLease:
    return HostLease(folder / "test.lease", clock=folder / "test.lock", seconds=seconds)


def holder(folder: Path, seconds: float, keep: float, *where: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(WORKER), "hold", str(folder), str(seconds),
                             str(keep), *where], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def abandoned_lease(folder: Path) -> Path:
    """A lease file a host wrote an hour ago and never renewed."""
    path = folder / "test.lease"
    path.write_text(json.dumps({"host": "gone", "boot_id": "-", "pid_namespace": "-", "pid": 1,
                                "started": 1, "seconds": 30, "token": "a" * 32}))
    an_hour_ago = time.time() - 3600
    os.utime(path, (an_hour_ago, an_hour_ago))
    return path


def test_six_processes_without_a_common_flock_take_turns_even_over_an_abandoned_lease(
        tmp_path):
    abandoned_lease(tmp_path)  # all of them find it at once: one breaks it, one takes the next
    procs = [subprocess.Popen([sys.executable, str(WORKER), "count", str(tmp_path), "15"])
             for _ in range(6)]
    assert [proc.wait(timeout=120) for proc in procs] == [0] * 6
    assert (tmp_path / "count").read_text() == "90"  # no increment lost: never two holders
    assert not (tmp_path / "test.lease").exists()


def test_a_holder_killed_on_this_host_is_taken_over_at_once(tmp_path):
    proc = holder(tmp_path, 30, 3600)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    lease = lease_in(tmp_path)
    started = time.monotonic()
    lease.acquire()
    assert time.monotonic() - started < 5  # its pid is gone: no waiting out its 30 s
    lease.release()


def test_a_live_holder_elsewhere_keeps_its_lease_whatever_the_waiters_clock_says(
        tmp_path, monkeypatch):
    proc = holder(tmp_path, 1, 3, "elsewhere")  # renews every 0.25 s for 3 s
    real_time, real_ns = time.time, time.time_ns
    monkeypatch.setattr(time, "time", lambda: real_time() + 3600)  # this host's clock is wrong
    monkeypatch.setattr(time, "time_ns", lambda: real_ns() + 3600 * 10**9)
    lease = lease_in(tmp_path, 1)
    started = time.monotonic()
    lease.acquire()
    waited = time.monotonic() - started
    lease.release()
    assert proc.stdout.readline().strip() == "released"
    proc.wait(timeout=10)
    assert waited >= 2.5  # three times its one second: only once the holder let go


def test_a_holder_elsewhere_that_stopped_renewing_is_taken_over_after_its_expiry(tmp_path):
    proc = holder(tmp_path, 2, 3600, "elsewhere")
    proc.send_signal(signal.SIGSTOP)  # alive, and its pid is here, but it no longer renews
    try:
        lease = lease_in(tmp_path, 2)
        started = time.monotonic()
        lease.acquire()
        waited = time.monotonic() - started
        lease.release()
    finally:
        proc.kill()
        proc.wait()
    assert 1.0 <= waited <= 6  # about its two seconds since the last renewal


def test_confirm_tells_a_lapsed_lease_and_takes_it_again_and_release_spares_the_new_one(
        tmp_path):
    mine = lease_in(tmp_path, 1)
    mine.acquire()
    RENEWER.drop(mine)  # as if this process froze: no more renewals
    time.sleep(1.3)
    other = lease_in(tmp_path, 1)
    other.acquire()  # expired: taken over (same pid: alive, but expired is expired)
    mine.release()  # not its lease any more: left alone
    assert (tmp_path / "test.lease").exists()
    other.release()
    assert not (tmp_path / "test.lease").exists()
    mine.acquire()
    RENEWER.drop(mine)
    time.sleep(1.3)
    other.acquire()
    other.release()
    assert mine.confirm() is False  # lost meanwhile: taken again, and told so
    assert mine.confirm() is True
    mine.release()


def test_where_flock_is_refused_the_lease_alone_excludes(tmp_path, monkeypatch):
    def no_lock_daemon(fd: int) -> bool:
        raise OSError(errno.ENOLCK, "No locks available")  # NFS without lockd answers this

    monkeypatch.setattr(_lock, "_try_lock", no_lock_daemon)
    lock = SharedHomeLock(tmp_path, "test")
    with lock, lock:  # re-entrant
        assert (tmp_path / "test.lease").exists()
        other = lease_in(tmp_path)
        other.timeout = 0.2
        with pytest.raises(StoreError, match="stayed taken"):
            other.acquire()
    assert not (tmp_path / "test.lease").exists()
