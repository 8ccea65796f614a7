"""The passphrase's scrypt: OWASP's current parameters for new stores, older stores still
open, and a header's parameters bounded before any key is derived from them."""

from __future__ import annotations

import struct
import time

import pytest

from authsome_nb.errors import StoreDecryptError
from authsome_nb.store import EncryptedStore
from authsome_nb.store._envelope import read_header, seal
from authsome_nb.store._kdf import LEGACY, KdfParams, derive

PASSPHRASE = "correct horse battery staple"
KDF_FIELDS = slice(14, 17)  # log2(n), r, p: after magic, version, kind and the 8-byte key id


@pytest.fixture(autouse=True)
def passphrase(monkeypatch):
    monkeypatch.delenv("AUTHSOME_NB_KEY", raising=False)
    monkeypatch.setenv("AUTHSOME_NB_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("AUTHSOME_NB_KEYRING", "0")


@pytest.fixture(scope="module")
def passphrase_store() -> bytes:
    """The bytes of a passphrase store (derived once: each derivation costs ~0.4 s)."""
    kdf = KdfParams(17, 8, 1, b"m" * 16)
    return seal(b'{"connections": {}}', derive(PASSPHRASE, kdf), kind=2, kdf=kdf)


def put(store: EncryptedStore, name: str) -> None:
    with store.transaction() as tx:
        tx.connections[name] = {"provider": "microsoft", "connection": name}
        tx.save()


def kdf_of(store: EncryptedStore) -> KdfParams:
    return read_header(store.path.read_bytes())[0].kdf


def test_a_new_store_uses_owasps_current_scrypt_parameters(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a")
    kdf = kdf_of(store)
    assert (kdf.log2_n, kdf.r, kdf.p, len(kdf.salt)) == (17, 8, 1, 16)


def test_a_store_written_with_n_2_15_opens_and_moves_to_2_17_on_its_next_write(tmp_path):
    legacy = KdfParams(LEGACY.log2_n, LEGACY.r, LEGACY.p, b"s" * 16)
    blob = seal(b'{"connections": {"old": {"provider": "microsoft", "connection": "old"}}}',
                derive(PASSPHRASE, legacy), kind=2, kdf=legacy)
    (tmp_path / "credentials.enc").write_bytes(blob)
    store = EncryptedStore(tmp_path)
    assert set(store.data()["connections"]) == {"old"}
    put(store, "new")
    assert kdf_of(store).log2_n == 17 and kdf_of(store).salt != legacy.salt
    assert set(EncryptedStore(tmp_path).data()["connections"]) == {"old", "new"}


@pytest.mark.parametrize(("log2_n", "r", "p", "says"), [
    (17, 8, 255, "p=255"),  # would cost minutes of CPU on every read
    (30, 8, 1, "n=2^30"),  # would ask for 128 GiB
    (18, 16, 4, "more work"),
    (0, 8, 1, "n=2^0"),  # values scrypt itself rejects with a bare ValueError
    (17, 0, 1, "r=0"),
    (10, 8, 1, "n=2^10"),  # weaker than anything this library ever wrote
])
def test_a_crafted_kdf_header_is_refused_fast_and_left_untouched(
    tmp_path, passphrase_store, log2_n, r, p, says
):
    store = EncryptedStore(tmp_path)
    blob = bytearray(passphrase_store)
    blob[KDF_FIELDS] = struct.pack(">BBB", log2_n, r, p)
    store.path.write_bytes(bytes(blob))
    started = time.monotonic()
    with pytest.raises(StoreDecryptError) as caught:
        EncryptedStore(tmp_path).data()
    assert time.monotonic() - started < 0.5
    assert says in str(caught.value) and "reset" in str(caught.value)
    assert store.path.read_bytes() == bytes(blob)


def test_scrypt_parameters_on_a_key_file_store_are_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("AUTHSOME_NB_PASSPHRASE")
    store = EncryptedStore(tmp_path)
    put(store, "a")
    blob = bytearray(store.path.read_bytes())
    blob[KDF_FIELDS] = struct.pack(">BBB", 17, 8, 255)
    store.path.write_bytes(bytes(blob))
    with pytest.raises(StoreDecryptError, match="has none"):
        EncryptedStore(tmp_path).data()
