"""Slots shared between processes: at most N holders at once, freed when a holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from authsome_nb.store._lock import InterProcessSlots

ROOT = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from authsome_nb.store._lock import InterProcessSlots
    slots = InterProcessSlots(Path(sys.argv[1]), "mailbox", int(sys.argv[2]))
    with slots.slot() as index:
        print(index, flush=True)
        time.sleep(float(sys.argv[3]))
""")


def _hold(folder: Path, size: int, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder), str(size), str(seconds)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert holder.stdout.readline().strip() in {str(i) for i in range(size)}
    return holder


def test_threads_here_and_another_process_never_hold_more_slots_than_there_are(tmp_path):
    other = _hold(tmp_path, 3, 30)  # another kernel holds one of three slots
    slots = InterProcessSlots(tmp_path, "mailbox", 3)
    holding, peak, taken = [0], [0], []
    lock = threading.Lock()

    def request() -> None:
        with slots.slot() as index:
            with lock:
                holding[0] += 1
                peak[0] = max(peak[0], holding[0])
                taken.append(index)
            time.sleep(0.05)
            with lock:
                holding[0] -= 1

    threads = [threading.Thread(target=request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.kill()
    other.wait()
    assert peak[0] == 2  # three slots, one of them the other process's
    assert len(taken) == 8 and None not in taken


def test_a_killed_holder_frees_its_slot_at_once(tmp_path):
    holder = _hold(tmp_path, 1, 60)
    slots = InterProcessSlots(tmp_path, "mailbox", 1, patience=30)
    waiting = threading.Thread(target=lambda: slots.slot().__enter__())
    started = time.monotonic()
    waiting.start()
    time.sleep(0.2)
    assert waiting.is_alive()  # the only slot is the other process's
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    waiting.join(10)
    assert not waiting.is_alive() and time.monotonic() - started < 5


def test_after_its_patience_a_holder_goes_ahead_unslotted(tmp_path):
    holder = _hold(tmp_path, 1, 60)  # e.g. a kernel stopped in the middle of a request
    try:
        slots = InterProcessSlots(tmp_path, "mailbox", 1, patience=0.3)
        started = time.monotonic()
        with slots.slot() as index:
            assert index is None
        assert 0.3 <= time.monotonic() - started < 3
    finally:
        holder.kill()
        holder.wait()


def test_without_a_folder_to_share_this_process_still_keeps_to_its_size(tmp_path):
    slots = InterProcessSlots(tmp_path / "missing", "mailbox", 1, patience=0.2)
    with slots.slot() as index:
        assert index is None
        second = threading.Thread(target=lambda: slots.slot().__enter__())
        second.start()
        second.join(0.5)
        assert second.is_alive()  # the thread semaphore admits one at a time
    second.join(5)
    assert not second.is_alive()
