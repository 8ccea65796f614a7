"""A home is checked before it is trusted: another user's folder, a folder others can write,
a key file others can read — each is refused with what is wrong and what to do, before a
sign-in starts or a file in it is believed."""

from __future__ import annotations

import os
import stat

import pytest

import authsome_nb as an
from authsome_nb._providers import load_provider
from authsome_nb.errors import InsecureHomeError
from authsome_nb.flows import _pending, rendezvous
from authsome_nb.store import EncryptedStore

OTHER_UID = 4242
as_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                             reason="making files owned by another user needs root")


@pytest.fixture(autouse=True)
def key_file_only(monkeypatch):
    for name in ("AUTHSOME_NB_KEY", "AUTHSOME_NB_PASSPHRASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AUTHSOME_NB_KEYRING", "0")


def put(store: EncryptedStore, name: str) -> None:
    with store.transaction() as tx:
        tx.connections[name] = {"provider": "microsoft", "connection": name}
        tx.save()


def mode_of(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@as_root
def test_another_users_home_is_refused_before_a_sign_in_starts(authsome_env):
    emu = authsome_env
    home = an.session().home
    os.chown(home, OTHER_UID, OTHER_UID)
    planted = home / "providers" / "microsoft.json"  # the override says where sign-ins go
    os.chown(planted, OTHER_UID, OTHER_UID)

    with pytest.raises(InsecureHomeError) as caught:
        an.login(flow="device", on_event=lambda e: None)
    assert f"belongs to another user (uid {OTHER_UID}" in str(caught.value)
    assert "AUTHSOME_NB_HOME" in caught.value.remedy
    assert emu.count("devicecode") == 0 and emu.count("token") == 0  # no token was fetched
    with pytest.raises(InsecureHomeError):
        EncryptedStore(home).data()


@as_root
def test_a_planted_override_in_another_users_providers_folder_is_not_read(tmp_path):
    home = tmp_path / "home"
    (home / "providers").mkdir(parents=True, mode=0o700)
    (home / "providers" / "microsoft.json").write_text('{"client_id": "attacker"}')
    os.chown(home / "providers", OTHER_UID, OTHER_UID)
    with pytest.raises(InsecureHomeError, match="providers"):
        load_provider("microsoft", home)


def test_a_home_others_can_write_is_refused_with_its_mode(tmp_path):
    home = tmp_path / "home"
    put(EncryptedStore(home), "a")
    home.chmod(0o777)
    with pytest.raises(InsecureHomeError) as caught:
        EncryptedStore(home).data()
    assert "writable by its group and others (mode 0777)" in str(caught.value)
    assert f"chmod 700 {home}" in caught.value.remedy
    with pytest.raises(InsecureHomeError):
        load_provider("microsoft", home)


def test_a_home_others_may_only_read_is_tightened_to_0700(tmp_path):
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    put(EncryptedStore(home), "a")
    assert mode_of(home) == 0o700


def test_a_key_file_others_can_read_is_refused_naming_its_mode(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a")
    key_file = tmp_path / "store.key"
    key_file.chmod(0o644)
    before = key_file.read_bytes(), store.path.read_bytes()
    with pytest.raises(InsecureHomeError) as caught:
        EncryptedStore(tmp_path).data()
    assert f"{key_file} has mode 0644" in str(caught.value)
    assert f"chmod 600 {key_file}" in caught.value.remedy and "reset" in caught.value.remedy
    assert (key_file.read_bytes(), store.path.read_bytes()) == before  # nothing touched
    key_file.chmod(0o600)
    assert set(EncryptedStore(tmp_path).data()["connections"]) == {"a"}


def test_a_key_file_that_is_a_link_is_refused(tmp_path):
    store = EncryptedStore(tmp_path)
    put(store, "a")
    real = tmp_path.parent / f"{tmp_path.name}-elsewhere.key"
    (tmp_path / "store.key").rename(real)
    (tmp_path / "store.key").symlink_to(real)
    with pytest.raises(InsecureHomeError, match="symbolic link"):
        EncryptedStore(tmp_path).data()


@as_root
def test_a_key_file_of_another_user_is_refused(tmp_path):
    put(EncryptedStore(tmp_path), "a")
    os.chown(tmp_path / "store.key", OTHER_UID, OTHER_UID)
    with pytest.raises(InsecureHomeError, match=f"uid {OTHER_UID}"):
        EncryptedStore(tmp_path).data()


def test_pending_sign_ins_check_every_folder_from_the_home_down(tmp_path):
    home = tmp_path / "home"
    (home / "jupyter").mkdir(parents=True, mode=0o700)
    (home / "jupyter").chmod(0o777)  # the leaf folder does not exist yet: the middle one is bad
    with pytest.raises(InsecureHomeError, match="jupyter is writable"):
        _pending.register(home, "state-1")
    assert not _pending.pending_dir(home).exists()


@as_root
def test_an_answer_someone_else_left_for_a_pending_sign_in_is_refused(tmp_path):
    home = tmp_path / "home"
    _pending.register(home, "state-1")
    _, _, answer = _pending._paths(home, "state-1")
    answer.write_text('{"code": "attackers-code", "state": "state-1"}')
    answer.chmod(0o600)
    os.chown(answer, OTHER_UID, OTHER_UID)
    with pytest.raises(InsecureHomeError, match="another user"):
        _pending.collect(home, "state-1")


def test_the_servers_announcement_creates_every_home_folder_0700(tmp_path):
    home = tmp_path / "new-home"
    rendezvous.announce_server(home, "http://localhost:8888/authsome/callback")
    for folder in (home, home / "jupyter", home / "jupyter" / "servers"):
        assert mode_of(folder) == 0o700, folder
    assert [s["callback_url"] for s in rendezvous.live_servers(home)] == [
        "http://localhost:8888/authsome/callback"]


@as_root
def test_an_announcement_planted_by_another_user_is_ignored(tmp_path):
    home = tmp_path / "home"
    path = rendezvous.announce_server(home, "https://evil.example/authsome/callback")
    os.chown(path, OTHER_UID, OTHER_UID)
    assert rendezvous.live_servers(home) == []
