"""Where ``sync()`` keeps its state: one encrypted file per collection, shared by every kernel.

A delta round's state is the ``@odata.deltaLink`` plus every row seen so far — a mailbox's
worth of mail, as private as a token.  So it is kept like the token store: under
``$AUTHSOME_NB_HOME/sync/``, sealed with the store's key source and envelope (AES-256-GCM, a
fresh nonce per write, the header as associated data), written privately and atomically, and
read and written under an inter-process lock, so two kernels syncing the same folder take turns
and the second one only asks Graph for what changed after the first.

Nothing is in the clear, the file names included: ``<who+what>-<options>.enc``, two hashes of
(provider, connection, account, API base, path) and of the query options, so ``forget(path)``
finds every file of a path without reading any.  The JSON is zlib-compressed before sealing
(100,000 messages of a few columns shrink about fivefold); no token is ever in it.

A file is sealed to its name — the hash of its provider, connection, account, path and
options — as AES-GCM associated data: copied or renamed over another collection's file (of
another connection, say), it fails authentication and is never used.
"""

from __future__ import annotations

import hashlib
import json
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._home import ensure_private_dir, write_private
from ..errors import StoreDecryptError, StoreError
from ..store import (
    SETTLE_SECONDS,
    EnvelopeError,
    Header,
    home_lock,
    open_sealed,
    read_header,
    seal,
)

if TYPE_CHECKING:
    from ..store import EncryptedStore

SYNC_DIR = "sync"
FORMAT = 1
LOCK_TIMEOUT = 900.0  # a first round of a large mailbox may take minutes; the others wait


def names(identity: dict[str, Any], options: dict[str, Any]) -> tuple[str, str]:
    """``(prefix, file name)`` of the state for ``identity`` (who and what) and ``options``."""
    prefix = _digest(identity)[:24]
    return prefix, f"{prefix}-{_digest(options)[:16]}"


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


class _Unbound(Exception):
    """A state file written before states were sealed to their names."""


class SyncFile:
    """One collection's state file, held under its lock (see :meth:`SyncStates.open`)."""

    def __init__(self, store: EncryptedStore, path: Path) -> None:
        self.store = store
        self.path = path
        self._header: Header | None = None

    def read(self) -> dict[str, Any] | None:
        """The saved state, or None when there is none.

        A host other than the writer's may read a file caught mid-replacement (a network
        file system's attribute cache, a FUSE mount): bytes that fail the way a cut-short
        file does are read again, by fresh opens, for up to the store's settle time, before
        the file is called unreadable (and left untouched)."""
        give_up = time.monotonic() + SETTLE_SECONDS
        delay = 0.01
        while True:
            try:
                blob = self.path.read_bytes()
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise StoreError(f"Cannot read the sync state {self.path}: {exc.strerror}",
                                 ) from None
            try:
                return self._decode(blob)
            except (EnvelopeError, zlib.error) as exc:
                partial = isinstance(exc, zlib.error) or exc.partial
                if not partial or time.monotonic() >= give_up:
                    raise self._unreadable(exc) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.2)

    def _decode(self, blob: bytes) -> dict[str, Any] | None:
        source = self.store.key_source_for(None)
        try:
            self._header, _ = read_header(blob)
            key, _kdf = source.key_for(self._header)
            data = json.loads(zlib.decompress(self._open(blob, key)))
        except _Unbound:
            return None  # written before files were sealed to their names: a new round
        except ValueError as exc:
            if isinstance(exc, EnvelopeError):
                raise
            raise self._unreadable(exc) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None  # another version's layout: a new round rebuilds it
        return data

    def _unreadable(self, exc: Exception) -> StoreDecryptError:
        label = self.store.key_source_for(None).label
        return StoreDecryptError(
            f"The saved sync state {self.path} cannot be read ({exc}); key source: "
            f"{label}. The file was left untouched.",
            remedy="sync(..., reset=True) (or %authsome sync PATH --reset) starts over and "
            "replaces it; .forget(path) removes it",
        )

    def write(self, data: dict[str, Any]) -> None:
        source = self.store.key_source_for(None)
        key, kdf = source.key_for(self._header if self._header is not None and
                                  self._header.kind == source.kind else None)
        plaintext = zlib.compress(json.dumps({**data, "format": FORMAT},
                                             separators=(",", ":")).encode(), 1)
        ensure_private_dir(self.path.parent)
        write_private(self.path, seal(plaintext, key, source.kind, kdf, bound_to=self._owner))

    # -- a file belongs to its collection: its name sealed in as associated data ----------
    @property
    def _owner(self) -> bytes:
        return b"authsome_nb sync state " + self.path.stem.encode()

    def _open(self, blob: bytes, key: bytes) -> bytes:
        try:
            return open_sealed(blob, key, bound_to=self._owner)
        except EnvelopeError as exc:
            if exc.reason != "tampered":
                raise
            try:  # a file of an earlier version, sealed to nothing: never used, replaced
                open_sealed(blob, key)
            except EnvelopeError:
                raise exc from None
            raise _Unbound from None

    def remove(self) -> bool:
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        return True


class SyncStates:
    """The ``sync/`` folder of one store."""

    def __init__(self, store: EncryptedStore) -> None:
        self.store = store
        self.folder = store.home / SYNC_DIR

    @contextmanager
    def open(self, name: str) -> Iterator[SyncFile]:
        """The state file ``name``, under its inter-process lock for the whole ``with`` (a
        lease too: on a home shared by several hosts, one kernel of all of them syncs it)."""
        self.store.data()  # decrypts the store once, which settles its key source
        ensure_private_dir(self.folder)
        with home_lock(self.folder, name, timeout=LOCK_TIMEOUT):
            yield SyncFile(self.store, self.folder / f"{name}.enc")

    def forget(self, prefix: str, name: str | None = None) -> int:
        """Remove the state ``name``, or every state of ``prefix``; returns how many."""
        if not self.folder.exists():
            return 0
        wanted = [f"{name}.enc"] if name else sorted(
            p.name for p in self.folder.glob(f"{prefix}-*.enc"))
        removed = 0
        for file_name in wanted:
            stem = file_name[: -len(".enc")]
            with self.open(stem) as state:
                removed += state.remove()
        # The lock files stay: removing one another process waits on would split the lock.
        return removed
