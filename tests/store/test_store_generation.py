"""What the store adds for a home shared by hosts: a write counter in the file, reads that
wait out a file caught mid-replacement, and no decryption when the bytes did not change."""

from __future__ import annotations

import threading
import time

import pytest
from store_edits import put

from authsome_nb.errors import StoreDecryptError
from authsome_nb.store import EncryptedStore, InterProcessLock


def test_every_write_counts_one_generation_in_the_file_not_in_the_data(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a")
    put(store, "b")
    other = EncryptedStore(tmp_path)
    assert set(other.data()["connections"]) == {"a", "b"}
    assert other.disk_generation == 2 and "generation" not in other.data()
    put(other, "c")
    put(store, "d")  # read again under the lock: the count goes on from the file's
    last = EncryptedStore(tmp_path)
    assert len(last.data()["connections"]) == 4 and last.disk_generation == 4


def test_a_file_read_while_cut_short_is_read_again_until_whole(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a", secret="s")
    whole = store.path.read_bytes()
    store.path.write_bytes(whole[: len(whole) // 2])  # what a stale cached size lets through

    def replaced_soon() -> None:
        time.sleep(0.3)
        store.path.write_bytes(whole)

    threading.Thread(target=replaced_soon).start()
    assert EncryptedStore(tmp_path).data()["connections"]["a"]["secret"] == "s"


def test_a_file_that_stays_cut_short_is_refused_after_a_bounded_wait_and_left_as_is(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a")
    cut = store.path.read_bytes()[:-7]
    store.path.write_bytes(cut)
    started = time.monotonic()
    with pytest.raises(StoreDecryptError, match="modified or is corrupt"):
        EncryptedStore(tmp_path).data()
    assert 1.0 <= time.monotonic() - started <= 5
    assert store.path.read_bytes() == cut


def test_a_wrong_key_is_refused_at_once(tmp_path, monkeypatch):
    put(EncryptedStore(tmp_path), "a")
    monkeypatch.setenv("AUTHSOME_NB_KEY", "A" * 43 + "=")
    started = time.monotonic()
    with pytest.raises(StoreDecryptError, match="not the one that wrote it"):
        EncryptedStore(tmp_path).data()
    assert time.monotonic() - started < 0.5  # no file mid-replacement looks like that


def test_a_store_with_a_host_local_lock_writes_as_before(tmp_path):
    store = EncryptedStore(tmp_path, lock=InterProcessLock(tmp_path / "credentials.lock"))
    put(store, "a")
    assert not store.lock.crosses_hosts and not (tmp_path / "credentials.lease").exists()
    assert set(EncryptedStore(tmp_path).data()["connections"]) == {"a"}
