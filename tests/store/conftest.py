"""A small disk that can be filled or made read-only: a real tmpfs where this process may
mount one (root on Linux), else failures injected at the write's fsync."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


class SmallDisk:
    """``home`` lives on it; ``fill()`` / ``free()`` / ``read_only()`` change what writes meet."""

    def __init__(self, root: Path, mounted: bool, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.mounted = mounted
        self.home = root / "home"
        self._monkeypatch = monkeypatch
        self._filler = root / "filler"

    def fill(self) -> None:
        if not self.mounted:
            self._fail_writes(errno.ENOSPC)
            return
        with contextlib.suppress(OSError), open(self._filler, "wb") as handle:
            while True:
                handle.write(b"\0" * 4096)
                handle.flush()

    def free(self) -> None:
        self._monkeypatch.undo()
        self._filler.unlink(missing_ok=True)

    def read_only(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,ro", str(self.root)], check=True)
        else:
            self._fail_writes(errno.EROFS)

    def _fail_writes(self, code: int) -> None:
        def fail(fd: int) -> None:
            raise OSError(code, os.strerror(code))

        self._monkeypatch.setattr(os, "fsync", fail)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    root = tmp_path / "disk"
    root.mkdir(mode=0o700)
    mounted = (
        hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("mount") is not None
        and subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs",
                            str(root)], capture_output=True).returncode == 0
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        disk = SmallDisk(root, mounted, monkeypatch)
        yield disk
    if mounted:
        subprocess.run(["umount", "-l", str(root)], check=False)


@pytest.fixture(autouse=True)
def key_file_only(monkeypatch):
    """No key from the environment or a keyring: each test's store uses its own key file
    unless the test sets a source itself."""
    for name in ("AUTHSOME_NB_KEY", "AUTHSOME_NB_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AUTHSOME_NB_KEYRING", "0")
