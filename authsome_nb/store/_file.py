"""The encrypted store file: read when it changed, write merged and atomically, refuse safely.

* Change detection is one ``stat``: the (inode, mtime, size) of the file.  Every write is a
  rename of a new file, so the inode changes even when the clock's resolution does not.
* ``transaction()`` takes the inter-process lock, reloads if another process wrote, lets the
  caller change the decoded dict, and writes only if asked — so two kernels changing
  different connections at the same moment both survive (merged read-modify-write).
* A home shared by several hosts (NFS, sshfs, a Kubernetes volume): the lock is then a
  ``flock`` and a lease (``_shared_lock.py``), and a stat may answer from a host's attribute
  cache.  So under such a lock the file is read by a fresh open, and before a write the
  lease is confirmed and the file read again: if another writer committed meanwhile (our
  lease lapsed), our changes are merged again onto its version (``_merge.py``), never
  written over it.  The file carries a ``generation``, one more at every write.
* A host may see a file being replaced torn or stale for a moment (a cached size): a read
  that does not decrypt is read again, by fresh opens, for up to ``SETTLE_SECONDS``, before
  the store is refused.  Decrypting is skipped when the bytes are the ones in memory.
* A write goes to a temp file in the same folder, is fsynced, renamed over the store and
  the folder fsynced: a kill -9 at any point leaves the old store or the new one.
* A file that fails to decrypt (tampered, wrong key, foreign, newer format) is refused with
  a clear error and left byte-for-byte as it was; ``reset()`` moves it aside, never deletes.
* A transaction is all or nothing in memory as on disk: the caller changes a copy, which
  replaces the data in memory only once it is written.  A write that fails (disk full,
  read-only home) raises a ``StoreWriteError`` saying what to do, and this process goes on
  agreeing with the file — as every other process does.
* The home is checked before anything in it is read (``_home.check_trusted_dir``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from .._disk_errors import read_failure, write_failure
from .._home import check_trusted_dir, ensure_private_dir, fsync_dir, write_private
from ..errors import StoreDecryptError, StoreError, StoreVersionError
from ._envelope import EnvelopeError, Header, open_sealed, read_header, seal
from ._kdf import KdfParams, is_outdated
from ._keys import KeySource, Passphrase, resolve_key_source
from ._merge import merge_again
from ._records import RECORDS_FORMAT, ConnectionRecord, record_from_json, record_to_json, upgrade
from ._shared_lock import StoreLock, home_lock

STORE_FILE = "credentials.enc"
LOCK_NAME = "credentials"  # credentials.lock (flock) and credentials.lease
LOCK_FILE = f"{LOCK_NAME}.lock"
_TMP_GLOB = f".{STORE_FILE}-*.tmp"  # what write_private leaves if killed mid-write
GENERATION = "generation"  # the file's write counter, beside "connections"
SETTLE_SECONDS = 1.5  # longer than a FUSE mount's or an NFS client's usual attribute cache
Signature = tuple[int, int, int]


class _Unsettled(Exception):
    """Bytes that did not decrypt in a way a file caught mid-replacement can cause."""

    def __init__(self, error: StoreError) -> None:
        super().__init__(str(error))
        self.error = error


def _empty() -> dict[str, Any]:
    return {"connections": {}}


class EncryptedStore:
    """One profile's store in ``home``; safe to share between threads and processes."""

    def __init__(self, home: Path, lock: StoreLock | None = None) -> None:
        self.home = Path(home)
        self.path = self.home / STORE_FILE
        self.lock: StoreLock = lock if lock is not None else home_lock(self.home, LOCK_NAME)
        self.generation = 0  # bumped whenever the in-memory data changes
        self.disk_generation = 0  # the file's own counter, as last read or written
        self._data: dict[str, Any] = _empty()
        self._signature: Signature | None = None
        self._digest = b""  # of the bytes the data in memory came from
        self._loaded = False
        self._key_source: KeySource | None = None
        self._key: bytes | None = None
        self._kdf = KdfParams()
        self._mutex = threading.RLock()
        self._records: tuple[int, dict[str, ConnectionRecord]] = (-1, {})

    # -- reading -------------------------------------------------------------------------
    def signature(self) -> Signature | None:
        """One ``stat``: what identifies the file's current version (None when absent)."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def is_current(self) -> bool:
        """True when memory holds the file's latest version (the token hot path's only I/O)."""
        return self._loaded and self.signature() == self._signature

    def data(self) -> dict[str, Any]:
        """The decoded store, reloaded first if another process changed it.  Do not mutate."""
        with self._mutex:
            if not self.is_current():
                self._load()
            return self._data

    def records(self) -> dict[str, ConnectionRecord]:
        """The connections as typed records, reloaded first if another process changed them.
        Do not mutate: change them in a :meth:`transaction`."""
        with self._mutex:
            data = self.data()
            if self._records[0] != self.generation:
                self._records = (self.generation, {key: record_from_json(value) for key, value
                                                   in data["connections"].items()})
            return self._records[1]

    def _load(self) -> None:
        """Read the file by a fresh open; decrypt it unless memory holds these very bytes."""
        if self.home.is_dir():
            check_trusted_dir(self.home)
        give_up = 0.0
        delay = 0.01
        while True:
            found = self._read_bytes()
            if found is None:
                if not (self._loaded and self._signature is None and not self._digest):
                    self._take(_empty(), None, b"", 0)
                return
            blob, signature = found
            digest = hashlib.sha256(blob).digest()
            if self._loaded and digest == self._digest:
                self._signature = signature  # the same content, maybe under a new name
                return
            try:
                data = self._decrypt(blob)
                break
            except _Unsettled as exc:
                now = time.monotonic()
                give_up = give_up or now + SETTLE_SECONDS
                if now >= give_up:
                    raise exc.error from None
            time.sleep(delay)  # a host may see a file being replaced torn for a moment
            delay = min(delay * 2, 0.2)
        generation = data.pop(GENERATION, 0)
        self._take(data, signature, digest, generation if isinstance(generation, int) else 0)

    def _read_bytes(self) -> tuple[bytes, Signature | None] | None:
        """The file's bytes by a fresh open, and its signature from just before: what memory
        holds is then never older than its signature says (a FUSE mount answers a stat of an
        open file by its name, which may already be the next version's)."""
        signature = self.signature()
        try:
            with open(self.path, "rb") as handle:
                blob = handle.read()  # to the end of the file, whatever size a cache says
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise read_failure(exc, self.path) from None
        return blob, signature

    def _take(self, data: dict[str, Any], signature: Signature | None, digest: bytes,
              generation: int) -> None:
        """Memory holds ``data`` now (the file's version ``generation``)."""
        self._data, self._signature, self._digest = data, signature, digest
        self.disk_generation = generation
        self._loaded = True
        self.generation += 1

    def _decrypt(self, blob: bytes) -> dict[str, Any]:
        source_label = "unknown"
        try:
            header, _ = read_header(blob)
            source = self.key_source_for(header)
            source_label = source.label
            key, kdf = source.key_for(header)
            plaintext = open_sealed(blob, key)
        except EnvelopeError as exc:
            if exc.header is not None and source_label == "unknown":  # refused in the header
                source_label = self.key_source_for(exc.header).label
            refusal = self._refusal(exc, source_label)
            if exc.partial:  # or a file caught mid-replacement: read it again
                raise _Unsettled(refusal) from None
            raise refusal from None
        except (ValueError, RuntimeError, TypeError) as exc:  # never a raw error from a library
            raise StoreDecryptError(
                f"The store {self.path} was refused ({type(exc).__name__} while opening it); "
                f"key source: {source_label}. The file was left untouched.",
                remedy="an.reset_store() / `%authsome reset` moves it aside (kept, not deleted); "
                "then sign in again",
            ) from None
        try:
            data = json.loads(plaintext)
            if not isinstance(data, dict) or not isinstance(data.get("connections"), dict):
                raise ValueError("no connections")
            data = upgrade(data, header.version)
        except (ValueError, AttributeError, TypeError):
            raise StoreDecryptError(
                f"The store {self.path} decrypted but its content is not a store",
                remedy="move it aside with an.reset_store() (it is kept, not deleted) and sign "
                "in again",
            ) from None
        self._key, self._kdf = key, kdf
        return data

    def _refusal(self, exc: EnvelopeError, source_label: str) -> StoreError:
        if exc.reason == "version":
            return StoreVersionError(
                f"The store {self.path} was {exc}",
                remedy="upgrade authsome-nb (in its checkout: git pull, then pip install . again); "
                "the file was left untouched",
            )
        written_by = f" It was written with the {exc.header.kind_name}." if exc.header else ""
        if exc.reason == "wrong_key":
            return StoreDecryptError(
                f"The store {self.path} cannot be decrypted with the key from {source_label}: "
                f"{exc}.{written_by}",
                remedy="set the key (or passphrase) that wrote it; or an.reset_store() / "
                "`%authsome reset` to move it aside (kept, not deleted) and sign in again",
            )
        return StoreDecryptError(
            f"The store {self.path} was refused ({exc}); key source: {source_label}.{written_by} "
            "The file was left untouched.",
            remedy="an.reset_store() / `%authsome reset` moves it aside (kept, not deleted); "
            "then sign in again",
        )

    # -- keys ----------------------------------------------------------------------------
    def key_source_for(self, header: Header | None) -> KeySource:
        if self._key_source is None:
            self._key_source = resolve_key_source(self.home, header)
        return self._key_source

    def key_source_label(self) -> str:
        """Which key source is (or would be) in use, e.g. ``key file ~/.authsome_nb/store.key``."""
        header = None
        if self._key_source is None:
            try:
                with open(self.path, "rb") as handle:
                    header, _ = read_header(handle.read(256))
            except (OSError, EnvelopeError):
                header = None
        return self.key_source_for(header).label

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Lock, reload if needed, yield a copy of the data to change; write it if
        ``tx.save()`` was called.  Memory takes the copy only once the file holds it."""
        ensure_private_dir(self.home)
        with self._mutex, self.lock:
            if self.lock.crosses_hosts or not self.is_current():
                self._load()  # across hosts, by a fresh open: a stat may be a cache's
            base, base_digest = self._data, self._digest
            tx = Transaction(copy.deepcopy(base))
            yield tx  # an exception here leaves memory and disk at the last commit
            if tx.dirty:
                self._commit(self._fenced(base, base_digest, tx.data))

    def _fenced(self, base: dict[str, Any], base_digest: bytes,
                ours: dict[str, Any]) -> dict[str, Any]:
        """What to write: ``ours``; or, when another writer committed since ``base`` was read
        (our lease lapsed and was taken over), our changes merged again onto its version."""
        if not self.lock.crosses_hosts:
            return ours  # a flock cannot lapse
        self.lock.confirm()  # renewed now, or lost and taken again
        self._load()
        if self._digest == base_digest:
            return ours
        return merge_again(base, ours, self._data)

    def _commit(self, data: dict[str, Any]) -> None:
        self._remove_orphaned_temp_files()
        key, kdf = self._key, self._kdf
        source = self.key_source_for(None)
        if key is None or (isinstance(source, Passphrase) and is_outdated(kdf)):
            key, kdf = source.key_for(None)  # a new store, or a passphrase's new parameters
        generation = self.disk_generation + 1
        plaintext = json.dumps({**data, GENERATION: generation}, separators=(",", ":"))
        blob = seal(plaintext.encode(), key, source.kind, kdf, version=RECORDS_FORMAT)
        # Raises StoreWriteError with nothing committed.  (Had the rename happened before a
        # failure, the file's signature changed and the next read reloads it.)
        write_private(self.path, blob)
        self._key, self._kdf = key, kdf
        self._take(data, self.signature(), hashlib.sha256(blob).digest(), generation)

    def _remove_orphaned_temp_files(self) -> None:
        # Writers only write under the lock we hold: any temp file here was left by a killed one.
        for path in self.home.glob(_TMP_GLOB):
            with suppress(OSError):
                path.unlink()

    def reset(self) -> Path | None:
        """Move the store aside (``credentials.enc.broken-<time>``) and start empty."""
        ensure_private_dir(self.home)
        with self._mutex, self.lock:
            moved = None
            if self.path.exists():
                moved = self.path.with_name(f"{STORE_FILE}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
                n = 1
                while moved.exists():
                    moved = moved.with_name(f"{moved.name}-{n}")
                    n += 1
                try:
                    os.replace(self.path, moved)
                except OSError as exc:
                    raise write_failure(exc, moved) from None
                fsync_dir(self.home)
            self._take(_empty(), None, b"", 0)
            self._key = None
            self._key_source = None
            return moved


class Transaction:
    """A copy of a locked store's data; call ``save()`` to have it written on exit."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.dirty = False

    @property
    def connections(self) -> dict[str, Any]:
        """The connections as stored (JSON); :meth:`record`/:meth:`put` are the typed view."""
        connections: dict[str, Any] = self.data["connections"]
        return connections

    def record(self, key: str) -> ConnectionRecord | None:
        raw = self.connections.get(key)
        return None if raw is None else record_from_json(raw)

    def put(self, record: ConnectionRecord) -> None:
        """Store ``record`` under its key (written when the transaction ends)."""
        self.connections[record.key] = record_to_json(record)
        self.dirty = True

    def remove(self, key: str) -> ConnectionRecord | None:
        """Remove the connection ``key``; returns what it was (None: there was none)."""
        removed = self.record(key)
        if removed is not None:
            del self.connections[key]
            self.dirty = True
        return removed

    def save(self) -> None:
        self.dirty = True
