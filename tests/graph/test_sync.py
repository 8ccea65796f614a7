"""sync(): a full delta round once, then only the changes; state encrypted and shared."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import authsome_nb as an
from authsome_nb import ConfigurationError, StoreDecryptError

INBOX = "/me/mailFolders/inbox/messages"
DELTA = "/v1.0/me/mailFolders/inbox/messages/delta"
REPO = Path(__file__).resolve().parents[2]


def _inbox_ids(graph) -> set[str]:
    return set(graph.frame(INBOX, select="id")["id"])


def test_the_first_sync_is_a_full_round_and_the_next_only_the_changes(emu, graph):
    first = graph.sync(INBOX, select=["subject", "isRead", "receivedDateTime"])
    assert set(first["id"]) == _inbox_ids(graph)
    assert first.attrs["sync"]["first_round"] and first.attrs["sync"]["requests"] == 1
    assert list(first.columns) == ["id", "subject", "isRead", "receivedDateTime"]
    assert str(first["receivedDateTime"].dtype) == "datetime64[us, UTC]"

    changed = emu.change_mailbox(add=10, update=5, delete=3)
    emu.reset_counters()
    second = graph.sync(INBOX, select=["subject", "isRead", "receivedDateTime"])
    assert emu.count("graph", path=DELTA) == 1
    assert second.attrs["sync"] == {
        "path": INBOX, "rows": len(first) + 7, "first_round": False, "restarted": False,
        "added": 10, "updated": 5, "removed": 3, "requests": 1}
    assert set(second["id"]) == _inbox_ids(graph)
    assert not set(changed["deleted"]) & set(second["id"])
    edited = second.set_index("id").loc[changed["updated"], "isRead"]
    before = first.set_index("id").loc[changed["updated"], "isRead"]
    assert (edited != before).all()


def test_the_state_is_encrypted_and_named_by_hashes_only(emu, graph):
    frame = graph.sync(INBOX, select="subject")
    files = list((Path(os.environ["AUTHSOME_NB_HOME"]) / "sync").iterdir())
    sealed = [f for f in files if f.suffix == ".enc"]
    assert len(sealed) == 1 and oct(sealed[0].stat().st_mode & 0o777) == "0o600"
    blob = sealed[0].read_bytes()
    assert blob.startswith(b"ASNB")
    for subject in frame["subject"].head(20):
        assert subject.encode() not in blob
    assert all("inbox" not in f.name and "@" not in f.name for f in files)


def test_a_gone_delta_token_starts_a_new_round_once_then_resumes(emu, graph):
    graph.sync(INBOX, select="subject")
    emu.expire_delta_tokens()
    again = graph.sync(INBOX, select="subject")
    assert again.attrs["sync"]["restarted"] and again.attrs["sync"]["first_round"]
    assert set(again["id"]) == _inbox_ids(graph)
    assert emu.count("graph", path=DELTA, status=410) == 1
    emu.reset_counters()  # the mailbox did not change: the next sync is one delta request
    resumed = graph.sync(INBOX, select="subject").attrs["sync"]
    assert (resumed["first_round"], resumed["restarted"], resumed["requests"]) == (False, False, 1)
    assert emu.count("graph", path=DELTA, status=410) == 0


def test_reset_starts_over_and_forget_drops_the_state(emu, graph):
    graph.sync(INBOX, select="subject")
    graph.sync(INBOX, select="subject,isRead")
    emu.reset_counters()
    assert graph.sync(INBOX, select="subject", reset=True).attrs["sync"]["first_round"]
    assert "deltatoken" not in emu.requests[-1]["query"].lower()
    assert graph.forget(INBOX, select="subject") == 1  # only the state of those options
    assert graph.forget(INBOX) == 1  # every other state of the path
    assert graph.forget(INBOX) == 0
    assert graph.sync(INBOX, select="subject").attrs["sync"]["first_round"]


def test_kernels_syncing_at_once_take_turns_and_share_one_state(emu, graph):
    emu.graph_latency = 0.2  # so that the two overlap
    script = ("import authsome_nb as an\n"
              f"s = an.graph(progress=False).sync({INBOX!r}, select='subject').attrs['sync']\n"
              "print(s['first_round'], s['rows'], s['requests'])")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    kernels = [subprocess.Popen([sys.executable, "-c", script], env=env, text=True,
                                stdout=subprocess.PIPE) for _ in range(2)]
    outputs = sorted(kernel.communicate(timeout=60)[0].split() for kernel in kernels)
    rows = str(len(_inbox_ids(graph)))
    assert outputs == [["False", rows, "1"], ["True", rows, "1"]]  # one full round, one delta
    assert emu.count("graph", path=DELTA) == 2
    emu.change_mailbox(add=2)
    assert graph.sync(INBOX, select="subject").attrs["sync"]["added"] == 2


def test_a_damaged_state_is_refused_and_left_alone(emu, graph):
    graph.sync(INBOX, select="subject")
    sealed = next((Path(os.environ["AUTHSOME_NB_HOME"]) / "sync").glob("*.enc"))
    before = sealed.read_bytes()
    damaged = before[:-1] + bytes([before[-1] ^ 1])  # one bit of the GCM tag
    sealed.write_bytes(damaged)
    with pytest.raises(StoreDecryptError, match="reset=True"):
        graph.sync(INBOX, select="subject")
    assert sealed.read_bytes() == damaged
    assert graph.sync(INBOX, select="subject", reset=True).attrs["sync"]["first_round"]


def test_what_sync_cannot_do_is_said_before_any_request(emu, graph):
    with pytest.raises(ConfigurationError, match="one folder at a time"):
        graph.sync("/me/messages")
    with pytest.raises(ConfigurationError, match="keeps the whole collection"):
        graph.sync(INBOX, top=10)
    assert emu.count("graph") == 0
    assert an.graph().sync(INBOX + "/delta", select="subject").attrs["sync"]["rows"] > 0


def test_a_directory_change_carries_only_what_changed_and_is_merged_into_its_row(emu):
    an.login(flow="device", scopes=["User.ReadBasic.All"], on_event=lambda event: None)
    graph = an.graph(progress=False)
    chosen = ["displayName", "mail", "jobTitle", "officeLocation"]
    before = graph.sync("/users", select=chosen).set_index("id")
    changed = emu.change_directory(update=2, delete=1)
    emu.reset_counters()
    after = graph.sync("/users", select=chosen).set_index("id")
    asked = emu.requests[-1]
    assert asked["path"] == "/v1.0/users/delta" and emu.count("graph") == 1
    assert graph.last_sync["updated"] == 2 and graph.last_sync["removed"] == 1
    assert changed["deleted"][0] not in after.index
    for user_id in changed["updated"]:  # Graph sent id, jobTitle and officeLocation only
        assert after.loc[user_id, "displayName"] == before.loc[user_id, "displayName"]
        assert after.loc[user_id, "mail"] == before.loc[user_id, "mail"]
        assert after.loc[user_id, "jobTitle"] != before.loc[user_id, "jobTitle"]
    assert after.loc[changed["updated"], "displayName"].notna().all()


def test_a_synced_folder_shows_its_newest_mail_first(emu, graph):
    graph.sync(INBOX, select=["subject"])
    arrived = emu.change_mailbox(add=3)
    synced = graph.sync(INBOX, select=["subject"])
    assert list(synced["id"].head(3)) == arrived["added"]  # newest first, as Graph lists it
    assert "receivedDateTime" not in synced.columns  # asked for the order, not shown
    listed = graph.frame(INBOX, select="id")
    assert list(synced["id"]) == list(listed["id"])
