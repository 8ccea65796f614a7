"""Typed, versioned records: a store written by 0.2.0 opens, migrates on its next write, and
nothing another version wrote is lost."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest

import authsome_nb as an
from authsome_nb.store import (
    Account,
    ConnectionRecord,
    EncryptedStore,
    MsalState,
    OAuth2State,
    OpaqueState,
    read_header,
)
from authsome_nb.store._records import record_from_json, record_to_json

FIXTURE = Path(__file__).with_name("fixtures") / "store-0.2.0"
FIXTURE_KEY = base64.b64encode(bytes(range(32))).decode()  # make_store_0_2_0.py's


@pytest.fixture
def old_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    shutil.copy2(FIXTURE / "credentials.enc", home / "credentials.enc")
    (home / "credentials.enc").chmod(0o600)
    monkeypatch.setenv("AUTHSOME_NB_KEY", FIXTURE_KEY)
    monkeypatch.setenv("AUTHSOME_NB_HOME", str(home))
    return home


def test_a_store_written_by_0_2_0_reads_as_typed_records(old_home):
    records = EncryptedStore(old_home).records()
    assert sorted(records) == ["github/default", "google/default", "microsoft/default",
                               "microsoft/work"]
    microsoft = records["microsoft/default"]
    assert isinstance(microsoft.state, MsalState) and microsoft.engine == "msal"
    # 0.2.0 kept MSAL's home account id beside a copy under account_id: one id now.
    assert microsoft.account.id == microsoft.state.home_account_id
    assert microsoft.account.username == "AdeleV@contoso.example"
    assert microsoft.refresh_token() and list(microsoft.access_tokens())
    google = records["google/default"]
    assert isinstance(google.state, OAuth2State) and google.engine == "oauth2"
    assert google.client_secret and google.state.server.issuer
    assert google.refresh_token()
    assert records["microsoft/work"].refresh_error.startswith("Token refresh failed")
    assert records["github/default"].state.tokens.expires_at is None  # GitHub's never expire


def test_the_session_lists_what_0_2_0_listed(old_home):
    expected = json.loads((FIXTURE / "expected.json").read_text())
    listed = [{k: v for k, v in c.to_dict().items() if k not in ("expires_at", "expires_in")}
              for c in an.Session(old_home).connections()]
    assert listed == expected


def test_reading_leaves_the_old_file_as_it_was_and_the_next_write_upgrades_it(old_home):
    path = old_home / "credentials.enc"
    before = path.read_bytes()
    store = EncryptedStore(old_home)
    records = dict(store.records())
    assert path.read_bytes() == before and read_header(before)[0].version == 1
    with store.transaction() as tx:
        tx.put(records["microsoft/work"].replace(refresh_error=None))
    assert read_header(path.read_bytes())[0].version == 2
    again = EncryptedStore(old_home).records()
    assert again["microsoft/work"].refresh_error is None
    assert {k: v for k, v in again.items() if k != "microsoft/work"} == \
        {k: v for k, v in records.items() if k != "microsoft/work"}


def test_0_2_0_refuses_a_store_this_version_wrote_instead_of_misreading_it(old_home,
                                                                           monkeypatch):
    from authsome_nb.store import _envelope

    store = EncryptedStore(old_home)
    with store.transaction() as tx:
        tx.put(store.records()["github/default"].replace(refresh_error="x"))
    monkeypatch.setattr(_envelope, "FORMAT_VERSION", 1)  # what 0.2.0 reads
    path = old_home / "credentials.enc"
    written = path.read_bytes()
    with pytest.raises(an.StoreVersionError, match="newer authsome_nb"):
        EncryptedStore(old_home).data()
    assert path.read_bytes() == written


def test_what_a_newer_version_adds_survives_a_write_by_this_one(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTHSOME_NB_KEY", FIXTURE_KEY)
    store = EncryptedStore(tmp_path)
    newer = {"provider": "acme", "connection": "default", "scopes": ["read"],
             "account": {"username": "ada"}, "labels": {"team": "data"},
             "state": {"kind": "passkey", "credential_id": "abc"}}
    with store.transaction() as tx:
        tx.connections["acme/default"] = newer
        tx.save()
    record = EncryptedStore(tmp_path).records()["acme/default"]
    assert isinstance(record.state, OpaqueState) and record.state.kind == "passkey"
    assert list(record.access_tokens()) == []
    with store.transaction() as tx:  # this version rewrites the record it does not understand
        tx.put(record.replace(last_refresh=1.0))
    raw = EncryptedStore(tmp_path).data()["connections"]["acme/default"]
    assert raw["labels"] == {"team": "data"}
    assert raw["state"] == {"kind": "passkey", "credential_id": "abc"}


def test_records_round_trip_and_never_show_a_token():
    record = ConnectionRecord(
        provider="microsoft", connection="work", client_id="app", authority="https://a/common",
        scopes=("User.Read",), flow="device", account=Account("ada@x", "Ada", "t", "id-1"),
        state=MsalState("id-1", {"AccessToken": {"k": {"secret": "s3cr3t-value",
                                                       "expires_on": "99", "target": "a"}}}),
        created_at=1.0, last_refresh=2.0, client_secret="client-s3cr3t")
    assert record_from_json(json.loads(json.dumps(record_to_json(record)))) == record
    assert "s3cr3t" not in repr(record) and "s3cr3t" not in str(record)
