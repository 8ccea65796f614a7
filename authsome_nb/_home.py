"""Where authsome_nb keeps its files (``$AUTHSOME_NB_HOME``, else ``~/.authsome_nb``), how
they are written — privately and atomically — and when they are trusted.

Every file in the home — the store, its key file, the pending-sign-in hand-over files, the
server announcements — is written by :func:`write_private`: a ``0600`` temporary file in the
same folder, fsynced, then renamed over the target (or linked, to create it only once), so a
reader or a crash sees the old file or the new one, never half of one.

Nothing in the home is read before the home is checked (POSIX): the home and every folder
from it down to the file must be owned by this user and writable by nobody else, and a secret
file (the key) must be ``0600`` and not a symbolic link.  Another local user who could plant
a provider override, a key, or an answer to a pending sign-in would otherwise steer
sign-ins or read tokens.  Folders are created ``0700`` at every level, not only the last.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from ._disk_errors import read_failure, write_failure
from .errors import InsecureHomeError, StoreWriteError

HOME_ENV = "AUTHSOME_NB_HOME"


def home_dir(home: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds the store, the key file and provider overrides (not created here)."""
    if home is not None:
        return Path(home).expanduser()
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".authsome_nb"


def ensure_private_dir(path: Path, *, within: Path | None = None) -> Path:
    """Create ``path`` with mode 0700 (every missing level), check it, and return it.

    With ``within`` (the home), every folder from ``within`` down to ``path`` is checked:
    owned by this user and writable by nobody else (else :class:`InsecureHomeError`), and
    tightened to 0700 when others may only read it.
    """
    levels = _levels(within, path)
    outside = []  # missing folders above the first checked level (the home's parents)
    level = levels[0].parent
    while not os.path.exists(level) and level != level.parent:
        outside.append(level)
        level = level.parent
    for folder in reversed(outside):
        _make_private(folder)
    for folder in levels:  # top down: a bad level is refused before anything is made in it
        if not os.path.exists(folder):
            _make_private(folder)
        check_trusted_dir(folder)
        _tighten(folder)
    return path


def _make_private(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700)
    except FileExistsError:
        pass  # another process made it first: checked like any existing folder
    except OSError as exc:
        raise write_failure(exc, folder) from None


def trusted_dir_exists(path: Path, *, within: Path | None = None) -> bool:
    """False when ``path`` does not exist; True when it and the levels from ``within`` down to
    it pass :func:`check_trusted_dir`; raises when one does not."""
    if not path.is_dir():
        return False
    for folder in _levels(within, path):
        check_trusted_dir(folder)
    return True


def check_trusted_dir(path: Path) -> None:
    """Refuse a folder that is not this user's or that others can write (POSIX only)."""
    if os.name != "posix":  # pragma: no cover - Windows protects the profile with ACLs
        return
    try:
        st = os.stat(path)
    except OSError as exc:
        raise read_failure(exc, path) from None
    if not stat.S_ISDIR(st.st_mode):
        raise StoreWriteError(
            f"{path} is a file, where authsome_nb keeps a folder",
            remedy=f"move {path} aside, or set AUTHSOME_NB_HOME to a folder of your own",
        )
    _check_owner(path, st)
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o022:
        raise InsecureHomeError(
            f"{path} is writable by {_who(mode & 0o022)} (mode {mode:04o}): anyone who can "
            "write there could plant a key, a provider override or a sign-in answer",
            remedy=f"chmod 700 {path}, and look through it for files you did not put there "
            "(or move it aside and sign in again)",
        )


def read_private_file(path: Path, *, secret: bool = False) -> bytes:
    """The bytes of ``path`` if it is a regular file of this user that nobody else can write
    (``secret``: nor read); a symbolic link is refused.  FileNotFoundError passes through."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if os.path.islink(path):
            raise InsecureHomeError(
                f"{path} is a symbolic link: authsome_nb reads only plain files in its home",
                remedy=f"replace the link with the file itself (cp --remove-destination "
                f"\"$(readlink -f {path})\" {path})",
            ) from None
        raise read_failure(exc, path) from None
    try:
        st = os.fstat(fd)  # of what was opened: no window between the check and the read
        if os.name == "posix":
            if not stat.S_ISREG(st.st_mode):
                raise InsecureHomeError(f"{path} is not a plain file",
                                        remedy=f"move {path} aside and try again")
            _check_owner(path, st)
            mode = stat.S_IMODE(st.st_mode)
            if secret and mode & 0o077:
                raise InsecureHomeError(
                    f"{path} has mode {mode:04o}: {_who(mode & 0o077)} can read or change the "
                    "key to your store",
                    remedy=f"chmod 600 {path}; if anyone else may have read it, also move the "
                    "store aside (`%authsome reset` or an.reset_store()) and sign in again",
                )
            if mode & 0o022:
                raise InsecureHomeError(
                    f"{path} is writable by {_who(mode & 0o022)} (mode {mode:04o})",
                    remedy=f"chmod 600 {path}, and check that its content is yours",
                )
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise read_failure(exc, path) from None
    finally:
        os.close(fd)


def _levels(within: Path | None, path: Path) -> list[Path]:
    """``within``, then each folder below it down to ``path`` (only ``path`` without one)."""
    if within is None or path == within:
        return [path]
    try:
        relative = path.relative_to(within)
    except ValueError:
        return [path]
    levels = [within]
    for part in relative.parts:
        levels.append(levels[-1] / part)
    return levels


def _check_owner(path: Path, st: os.stat_result) -> None:
    if st.st_uid != os.geteuid():
        raise InsecureHomeError(
            f"{path} belongs to another user (uid {st.st_uid}, you are uid {os.geteuid()}): "
            "authsome_nb does not trust files that someone else controls",
            remedy="set AUTHSOME_NB_HOME to a folder of your own (or unset it to use "
            "~/.authsome_nb)",
        )


def _tighten(folder: Path) -> None:
    """0700 for a folder others may read or enter (its owner's choice, but not for tokens)."""
    if os.name != "posix":  # pragma: no cover
        return
    try:
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
    except OSError as exc:
        raise write_failure(exc, folder) from None


def _who(bits: int) -> str:
    group, others = bits & 0o070, bits & 0o007
    return "its group and others" if group and others else "its group" if group else "others"


def write_private(path: Path, data: bytes, *, durable: bool = True,
                  exclusive: bool = False) -> bool:
    """Write ``data`` to ``path`` atomically, readable by this user only (mode 0600).

    ``durable`` fsyncs the file and its folder, so the write survives a power cut (the store
    and its key need that; short-lived hand-over files do not).  ``exclusive`` creates the file
    only if it does not exist yet — two processes racing agree on the first one's content —
    and returns False when another process's file was kept.
    """
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    except OSError as exc:
        raise write_failure(exc, path) from None
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
    except OSError as exc:
        raise write_failure(exc, path) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    if durable:
        fsync_dir(path.parent)
    return True


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (POSIX; a no-op elsewhere)."""
    if os.name != "posix":  # pragma: no cover
        return
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise write_failure(exc, path) from None
