"""A write that fails — a full disk, a read-only home, a folder in the way — changes nothing:
not the file, not this process's view of it, not a later unrelated write."""

from __future__ import annotations

import pytest
from store_edits import put

from authsome_nb._session import Session
from authsome_nb.errors import (
    NotSignedInError,
    StoreError,
    StoreFullError,
    StorePermissionError,
)
from authsome_nb.events import Failed
from authsome_nb.store import EncryptedStore


def remove(store: EncryptedStore, name: str) -> None:
    with store.transaction() as tx:
        del tx.connections[name]
        tx.save()


def names(store: EncryptedStore) -> set[str]:
    return set(store.data()["connections"])


def test_a_full_disk_changes_nothing_in_memory_or_on_disk(small_disk):
    store = EncryptedStore(small_disk.home)
    put(store, "kept")
    before = store.path.read_bytes()
    small_disk.fill()

    with pytest.raises(StoreFullError) as caught:
        put(store, "lost", payload="x" * 20_000)
    message = str(caught.value)
    assert str(store.path) in message and "nothing was changed" in message
    assert "free some space" in message
    assert names(store) == {"kept"}  # this process agrees with the disk …
    assert names(EncryptedStore(small_disk.home)) == {"kept"}  # … as any other process does
    assert store.path.read_bytes() == before

    with pytest.raises(StoreFullError):  # a failed removal, the mirror case, keeps it too
        remove(store, "kept")
    assert names(store) == {"kept"}

    small_disk.free()
    put(store, "later")  # an unrelated write afterwards does not carry the failed change
    assert names(EncryptedStore(small_disk.home)) == {"kept", "later"}


def test_a_first_write_on_a_full_disk_leaves_no_key_and_no_store(small_disk):
    small_disk.home.mkdir(mode=0o700)
    small_disk.fill()
    store = EncryptedStore(small_disk.home)
    with pytest.raises(StoreFullError):
        put(store, "a")
    assert names(store) == set()
    assert not store.path.exists()
    small_disk.free()
    put(store, "a")
    assert names(EncryptedStore(small_disk.home)) == {"a"}


def test_a_read_only_home_is_said_with_what_to_do(small_disk):
    store = EncryptedStore(small_disk.home)
    put(store, "kept")
    small_disk.read_only()
    with pytest.raises(StorePermissionError) as caught:
        put(store, "b")
    assert "read-only" in str(caught.value) and "AUTHSOME_NB_HOME" in str(caught.value)
    assert names(store) == {"kept"}


def test_a_folder_where_the_store_belongs_is_named(tmp_path):
    (tmp_path / "credentials.enc").mkdir()
    with pytest.raises(StoreError) as caught:
        put(EncryptedStore(tmp_path), "a")
    assert "is a folder" in str(caught.value) and "aside" in str(caught.value)
    assert not isinstance(caught.value, OSError)


def test_an_exception_inside_a_transaction_discards_the_change(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "kept")
    with pytest.raises(RuntimeError), store.transaction() as tx:
        tx.connections["half"] = {"provider": "microsoft"}
        raise RuntimeError("the caller failed half-way")
    assert names(store) == {"kept"}


def test_a_sign_in_that_could_not_be_saved_is_signed_in_nowhere(authsome_emulator, small_disk,
                                                                 monkeypatch):
    emu = authsome_emulator
    for name, value in emu.environ(small_disk.home).items():
        monkeypatch.setenv(name, value)
    emu.write_provider_override(small_disk.home)
    session = Session(small_disk.home)
    first = session.login(connection="first", flow="pkce", on_event=lambda e: None,
                          open_browser=lambda url: emu.play_browser(url, user="adele"))
    small_disk.fill()

    events = []
    with pytest.raises(StoreFullError):
        session.login(connection="second", flow="pkce", on_event=events.append,
                      open_browser=lambda url: emu.play_browser(url, user="megan"))
    assert isinstance(events[-1], Failed)  # a notebook's display shows the failure too
    assert [c.connection for c in session.connections()] == ["first"]
    with pytest.raises(NotSignedInError):
        session.token(connection="second")
    with pytest.raises(StoreFullError):  # signing out fails the same way: still signed in
        session.logout(connection="first")
    assert session.token(connection="first")
    for view in (session, Session(small_disk.home)):  # this kernel and any other agree
        assert [c.username for c in view.connections()] == [first.username]
