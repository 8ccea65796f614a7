"""The encrypted store file: encryption, refusals that lose nothing, atomicity, merging."""

from __future__ import annotations

import base64
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_edits import put

from authsome_nb.errors import (
    ConfigurationError,
    StoreDecryptError,
    StoreError,
    StoreVersionError,
)
from authsome_nb.store import EncryptedStore

WORKER = Path(__file__).with_name("store_worker.py")
SECRET = "refresh-secret-" + "Q" * 40


def test_round_trip_and_nothing_readable_on_disk(tmp_path):
    home = tmp_path / "home"
    store = EncryptedStore(home)
    put(store, "default", secret=SECRET)
    raw = store.path.read_bytes()
    assert SECRET.encode() not in raw and b"refresh" not in raw and b"microsoft" not in raw
    assert raw[:4] == b"ASNB"
    assert EncryptedStore(home).data()["connections"]["default"]["secret"] == SECRET


def test_folder_is_0700_and_files_0600(tmp_path):
    home = tmp_path / "home"
    store = EncryptedStore(home)
    put(store, "default")
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for name in ("credentials.enc", "store.key", "credentials.lock"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name


def test_every_write_uses_a_fresh_nonce(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a")
    first = store.path.read_bytes()
    with store.transaction() as tx:
        tx.save()
    second = store.path.read_bytes()
    assert first != second
    nonce = slice(18, 30)  # an 18-byte header for a key-file store (no salt), then the nonce
    assert first[nonce] != second[nonce]


def test_env_key_is_used_first(tmp_path, monkeypatch):
    key = base64.b64encode(os.urandom(32)).decode()
    monkeypatch.setenv("AUTHSOME_NB_KEY", key)
    store = EncryptedStore(tmp_path)
    put(store, "a")
    assert store.key_source_label().startswith("AUTHSOME_NB_KEY")
    assert not (tmp_path / "store.key").exists()


def test_malformed_env_key_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHSOME_NB_KEY", "not-a-key")
    with pytest.raises(ConfigurationError, match="AUTHSOME_NB_KEY is not base64 of 32 bytes"):
        put(EncryptedStore(tmp_path), "a")


def test_passphrase_keeps_its_salt_in_the_header(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHSOME_NB_PASSPHRASE", "correct horse battery staple")
    put(EncryptedStore(tmp_path), "a")
    assert EncryptedStore(tmp_path).data()["connections"]["a"]["connection"] == "a"
    monkeypatch.setenv("AUTHSOME_NB_PASSPHRASE", "wrong horse")
    with pytest.raises(StoreDecryptError, match="AUTHSOME_NB_PASSPHRASE"):
        EncryptedStore(tmp_path).data()


def test_tampered_file_is_refused_and_left_byte_for_byte(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a", secret=SECRET)
    blob = bytearray(store.path.read_bytes())
    blob[-20] ^= 0x01
    store.path.write_bytes(bytes(blob))
    before = store.path.read_bytes()
    fresh = EncryptedStore(tmp_path)
    with pytest.raises(StoreDecryptError) as caught:
        fresh.data()
    message = str(caught.value)
    assert str(store.path) in message and "key file" in message and "reset" in message
    assert "modified or is corrupt" in message
    with pytest.raises(StoreDecryptError):  # a write is refused too: nothing merged, nothing lost
        put(fresh, "b")
    assert store.path.read_bytes() == before


def test_wrong_key_is_told_apart_from_tampering(tmp_path, monkeypatch):
    put(EncryptedStore(tmp_path), "a")
    before = (tmp_path / "credentials.enc").read_bytes()
    monkeypatch.setenv("AUTHSOME_NB_KEY", base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(StoreDecryptError) as caught:
        EncryptedStore(tmp_path).data()
    assert "not the one that wrote it" in str(caught.value)
    assert "written with the key file" in str(caught.value)
    assert (tmp_path / "credentials.enc").read_bytes() == before


def test_foreign_file_is_refused(tmp_path):
    (tmp_path / "credentials.enc").write_text('{"AccessToken": {}}')
    with pytest.raises(StoreDecryptError, match="not an authsome_nb store"):
        EncryptedStore(tmp_path).data()


def test_newer_format_is_refused_not_overwritten(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a")
    blob = bytearray(store.path.read_bytes())
    blob[4] = 9  # format version
    store.path.write_bytes(bytes(blob))
    fresh = EncryptedStore(tmp_path)
    with pytest.raises(StoreVersionError, match="newer authsome_nb") as refused:
        put(fresh, "b")
    assert store.path.read_bytes() == bytes(blob)
    assert "pip install . again" in refused.value.remedy  # works from a checkout, no index


def test_reset_moves_the_old_file_aside(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a")
    store.path.write_bytes(b"garbage")
    moved = EncryptedStore(tmp_path).reset()
    assert moved is not None and moved.read_bytes() == b"garbage"
    assert not store.path.exists()
    fresh = EncryptedStore(tmp_path)
    put(fresh, "b")
    assert list(fresh.data()["connections"]) == ["b"]


def test_a_write_by_another_process_is_seen_after_one_stat(tmp_path):
    reader = EncryptedStore(tmp_path)
    assert reader.data()["connections"] == {}
    assert reader.is_current()
    subprocess.run([sys.executable, str(WORKER), "write", str(tmp_path), "other", "0"], check=True)
    assert not reader.is_current()
    assert "other" in reader.data()["connections"]
    assert reader.is_current()


def test_concurrent_writers_of_different_connections_all_survive(tmp_path):
    EncryptedStore(tmp_path).data()
    put(EncryptedStore(tmp_path), "seed")  # creates the key file first, like a real first sign-in
    start_at = time.time() + 1.0
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "write", str(tmp_path), f"conn{i}", str(start_at)]
        )
        for i in range(8)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0] * 8
    names = set(EncryptedStore(tmp_path).data()["connections"])
    assert names == {"seed"} | {f"conn{i}" for i in range(8)}


def test_concurrent_first_use_agrees_on_one_key(tmp_path):
    start_at = time.time() + 1.0
    procs = [
        subprocess.Popen(
            [sys.executable, str(WORKER), "write", str(tmp_path), f"c{i}", str(start_at)]
        )
        for i in range(6)
    ]
    assert [p.wait(timeout=60) for p in procs] == [0] * 6
    assert len(EncryptedStore(tmp_path).data()["connections"]) == 6


def test_kill_9_at_any_moment_leaves_a_readable_store(tmp_path):
    put(EncryptedStore(tmp_path), "keep", secret=SECRET)
    for round_ in range(25):
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), "churn", str(tmp_path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.02 + (round_ % 7) * 0.013)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = EncryptedStore(tmp_path).data()  # never torn: the old or the new version
        assert data["connections"]["keep"]["secret"] == SECRET
    leftovers = list(tmp_path.glob(".credentials-*.tmp"))
    put(EncryptedStore(tmp_path), "after")  # the next writer cleans a killed writer's temp file
    assert not list(tmp_path.glob(".credentials-*.tmp")), leftovers


class _MemoryKeyring:
    """A keyring backend that lives in memory (what a desktop's Keychain would be here)."""

    priority = 5

    def __init__(self):
        self.saved = {}

    def get_password(self, service, username):
        return self.saved.get((service, username))

    def set_password(self, service, username, password):
        self.saved[(service, username)] = password

    def delete_password(self, service, username):
        self.saved.pop((service, username), None)


@pytest.fixture
def memory_keyring(monkeypatch):
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend

    backend_class = type("MemoryKeyring", (_MemoryKeyring, KeyringBackend), {})
    backend = backend_class()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.setenv("AUTHSOME_NB_KEYRING", "1")
    yield backend
    keyring.set_keyring(previous)


def test_a_real_keyring_holds_the_key_and_no_key_file_is_written(tmp_path, memory_keyring):
    store = EncryptedStore(tmp_path)
    put(store, "a")
    assert store.key_source_label().startswith("OS keyring")
    assert not (tmp_path / "store.key").exists()
    assert len(memory_keyring.saved) == 1
    assert EncryptedStore(tmp_path).data()["connections"]["a"]["connection"] == "a"


def test_fail_and_plaintext_keyrings_are_never_used(tmp_path, monkeypatch):
    keyring = pytest.importorskip("keyring")
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    monkeypatch.setenv("AUTHSOME_NB_KEYRING", "1")
    try:
        store = EncryptedStore(tmp_path)
        put(store, "a")
        assert store.key_source_label().startswith("key file")
    finally:
        keyring.set_keyring(previous)


def test_a_store_written_with_the_key_file_keeps_it_when_a_keyring_appears(
    tmp_path, monkeypatch, memory_keyring
):
    monkeypatch.setenv("AUTHSOME_NB_KEYRING", "0")
    put(EncryptedStore(tmp_path), "a")
    monkeypatch.setenv("AUTHSOME_NB_KEYRING", "1")
    store = EncryptedStore(tmp_path)
    assert store.data()["connections"]["a"]["connection"] == "a"
    assert store.key_source_label().startswith("key file")
    assert memory_keyring.saved == {}


def test_a_locked_keyring_is_a_store_error_not_a_raw_exception(tmp_path, memory_keyring):
    from keyring.errors import KeyringLocked

    def locked(service, username):
        raise KeyringLocked("the login keychain is locked")

    memory_keyring.get_password = locked
    with pytest.raises(StoreError, match="did not give the store's key") as caught:
        put(EncryptedStore(tmp_path), "a")
    assert "unlock the keyring" in caught.value.remedy
    assert not (tmp_path / "credentials.enc").exists()
