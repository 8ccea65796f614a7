"""Where authsome_nb keeps its files (``$AUTHSOME_NB_HOME``, else ``~/.authsome_nb``), and the
one way they are written: privately and atomically.

Every file in the home — the store, its key file, the pending-sign-in hand-over files, the
server announcements — is written by :func:`write_private`: a ``0600`` temporary file in the
same folder, fsynced, then renamed over the target (or linked, to create it only once), so a
reader or a crash sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

HOME_ENV = "AUTHSOME_NB_HOME"


def home_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds the store, the key file and provider overrides (not created here)."""
    if home is not None:
        return Path(home).expanduser()
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".authsome_nb"


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700, and tighten it if it already exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if os.name == "posix" and (path.stat().st_mode & 0o077):
        path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes, *, durable: bool = True,
                  exclusive: bool = False) -> bool:
    """Write ``data`` to ``path`` atomically, readable by this user only (mode 0600).

    ``durable`` fsyncs the file and its folder, so the write survives a power cut (the store
    and its key need that; short-lived hand-over files do not).  ``exclusive`` creates the file
    only if it does not exist yet — two processes racing agree on the first one's content —
    and returns False when another process's file was kept.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if exclusive:
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
        else:
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    if durable:
        fsync_dir(path.parent)
    return True


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; a no-op elsewhere)."""
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
